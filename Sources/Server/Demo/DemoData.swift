import Application
import Foundation
import Model
import Sync

/// The West Mercia 2022 demo data set, taken from the Police and Crime Panel monitoring
/// report of 23 November 2022: the Safer West Mercia Plan's four objectives, plan elements
/// drawn from the activity the report describes, and the 50 engagements its paragraph 60
/// counts between July and September 2022, and (``DemoGovernance``) the plan's history from
/// August to November 2022: status moves, milestones, progress updates and governance meetings.
enum DemoData {
  /// Seeds the plan into a database with no objectives and the engagements into one with no
  /// engagements. Returns whether anything was seeded.
  static func seed(into repository: ServerRepository) async throws -> Bool {
    let contents = try await repository.contents()
    let (hasPlan, hasEngagements) = (contents.hasPlan, contents.hasEngagements)
    if !hasPlan {
      let governance = GovernanceRepository(database: repository.database, now: repository.now)
      try await DemoGovernance.seedPlan(objectives: objectives, elements: elements, into: governance)
    }
    if !hasEngagements {
      for engagement in engagements() { _ = try await repository.record(engagement, by: DemoGovernance.caller) }
    }
    let governance = GovernanceRepository(database: repository.database, now: repository.now)
    if !contents.hasForceProfile {
      try await governance.saveForceProfile(profile, by: DemoGovernance.caller)
    }
    let hasOversight = contents.hasFunds
    if !hasOversight {
      try await DemoOversight.seed(into: OversightRepository(database: repository.database, now: repository.now))
    }
    return !hasPlan || !hasEngagements || !hasOversight
  }

  /// How West Mercia names itself in the reference report: the Safer West Mercia Plan, a
  /// PCC with a Deputy and an Assistant, and its Neighbourhood Matters alert service.
  static let profile = ForceProfile(
    forceName: "West Mercia", planName: "Safer West Mercia Plan",
    reachNames: [ReachMetric.neighbourhoodMatters.rawValue: "Neighbourhood Matters"])

  static let objectives: [Objective] = [
    Objective(
      id: "1", title: "Putting victims and survivors first",
      description: "Victims and survivors get the support they need to cope and recover, and confidence to report.",
      position: 1),
    Objective(
      id: "2", title: "Building a more secure West Mercia",
      description: "Less crime and harm: drugs, serious violence, road harm and exploitation tackled with partners.",
      position: 2),
    Objective(
      id: "3", title: "Reforming West Mercia",
      description: "An efficient, effective force: officer uplift, estate, and budgets spent where the public want.",
      position: 3),
    Objective(
      id: "4", title: "Reassuring West Mercia's communities",
      description: "All communities have a voice that is heard within policing, criminal justice and community safety.",
      position: 4),
  ]

  private static func day(_ text: String) -> LocalDate? { LocalDate(text) }

  private static func element(
    _ id: String, _ title: String, _ description: String, lead: String, force: String = "",
    _ status: ElementStatus, start: String, due: String
  ) -> PlanElement {
    let parts = id.split(separator: ".")
    return PlanElement(
      id: id, objectiveID: String(parts[0]), title: title, description: description, opccLead: lead,
      forceLead: force, status: status, startDate: day(start), dueDate: day(due), position: Int(parts[1]) ?? 0)
  }

  static let elements: [PlanElement] = [
    element(
      "1.1", "£1m Prevention Fund",
      "Award the £1m prevention fund to projects that prevent harm, including trauma-informed training for the force.",
      lead: "Commissioning Manager", .onTrack, start: "2022-04-01", due: "2023-03-31"),
    element(
      "1.2", "Modern slavery and human trafficking victim support",
      "Enhanced Victim Support provision for victims of MSHT, live from September 2022.", lead: "Victim Services Lead",
      force: "Head of Protecting Vulnerable People", .complete, start: "2022-06-01", due: "2022-09-30"),
    element(
      "1.3", "Victim needs assessment", "Evidence base for re-commissioning the Victim Advice Line and Victim Support.",
      lead: "Commissioning Manager", force: "Strategic Planning and Insight", .onTrack, start: "2022-10-01",
      due: "2023-02-28"),
    element(
      "1.4", "Domestic abuse perpetrator programmes",
      "Complete the perpetrator needs assessment and bid to the Home Office for 2023/24 programmes.",
      lead: "Commissioning Manager", .onTrack, start: "2022-05-01", due: "2023-03-31"),
    element(
      "1.5", "Operation Lincoln victim support",
      "Support for victims in the Operation Lincoln investigation; Home Office bid of £100,000.",
      lead: "Victim Services Lead", force: "Senior Investigating Officer", .atRisk, start: "2022-08-01",
      due: "2023-03-31"),
    element(
      "1.6", "Joint Sexual Assault and Abuse Strategic Board",
      "Quarterly board and partnership action plan to raise confidence in reporting and outcomes.",
      lead: "Policy Officer, VAWG", .onTrack, start: "2022-06-01", due: "2023-06-30"),
    element(
      "1.7", "Commissioned victim services",
      "Victim Advice Line, Victim Support and specialist domestic and sexual abuse services.",
      lead: "Victim Services Lead", .onTrack, start: "2022-04-01", due: "2023-03-31"),
    element(
      "1.8", "Out of court diversion for women",
      "Ministry of Justice bid of £276,500 to March 2025 for a diversionary service for women.",
      lead: "Criminal Justice Lead", .notStarted, start: "2023-04-01", due: "2025-03-31"),
    element(
      "2.1", "Combating Drugs Partnerships",
      "PCC as Senior Responsible Officer for two partnerships; needs assessments by end of November.",
      lead: "Drugs Strategy Lead", .onTrack, start: "2022-08-01", due: "2023-03-31"),
    element(
      "2.2", "IITCSE recommendations",
      "Oversee delivery of the Telford child sexual exploitation inquiry recommendations.", lead: "Chief Executive",
      force: "ACC Local Policing", .onTrack, start: "2022-07-01", due: "2024-03-31"),
    element(
      "2.3", "Road safety investment", "£515,800 for the Road Safety Team uplift and technology, £400,000 ringfenced.",
      lead: "Road Safety Lead", force: "Head of Roads Policing", .atRisk, start: "2022-04-01", due: "2023-03-31"),
    element(
      "2.4", "Regional collaboration and the Strategic Policing Requirement",
      "Oversight of ROCU, NPAS, roads policing and counter terrorism with the region's PCCs.", lead: "Chief Executive",
      .onTrack, start: "2022-04-01", due: "2023-03-31"),
    element(
      "2.5", "Criminal justice backlog",
      "Press for improvements: resident judges, the Local Criminal Justice Board, Hereford Crown Court.",
      lead: "Criminal Justice Lead", .offTrack, start: "2022-04-01", due: "2023-03-31"),
    element(
      "2.6", "Victim and witness support in court",
      "Two additional posts to support 21,000 victims and witnesses through the system.", lead: "Criminal Justice Lead",
      force: "Head of Criminal Justice", .onTrack, start: "2022-04-01", due: "2023-03-31"),
    element(
      "2.7", "Serious Violence Duty",
      "Prepare partners for the Duty; needs assessment; bidding for the £804,003 allocation.",
      lead: "Policy Officer, Serious Violence", .onTrack, start: "2022-07-01", due: "2023-01-31"),
    element(
      "2.8", "Steer Clear expansion",
      "Extend Steer Clear knife-crime mentoring from Telford and Wrekin to all of West Mercia.",
      lead: "Commissioning Manager", .notStarted, start: "2023-04-01", due: "2024-03-31"),
    element(
      "3.1", "Police officer uplift",
      "125 more officers in 2022/23, 2,456 in all by March 2023, with better diversity.", lead: "Chief Executive",
      force: "Director of People", .atRisk, start: "2022-04-01", due: "2023-03-31"),
    element(
      "3.2", "Estate energy efficiency",
      "Works that cut energy use and carbon and offset a projected 90% rise in energy costs.", lead: "Estates Lead",
      .onTrack, start: "2022-06-01", due: "2024-03-31"),
    element(
      "3.3", "Hindlip headquarters and the SWDP review",
      "Respond to the South Worcestershire Development Plan review to protect Hindlip Park.", lead: "Estates Lead",
      .atRisk, start: "2022-09-01", due: "2023-03-31"),
    element(
      "3.4", "Major estate projects",
      "Firearms training unit, Telford SARC, Redditch police and fire station, Bridgnorth refurbishment.",
      lead: "Estates Lead", force: "Head of Estates", .onTrack, start: "2022-04-01", due: "2025-03-31"),
    element(
      "3.5", "Budget 2023/24 and the MTFS",
      "Scrutinise the force's budget build and the medium-term financial strategy.", lead: "Treasurer",
      force: "Director of Finance", .onTrack, start: "2022-09-01", due: "2023-02-28"),
    element(
      "4.1", "Community engagement programme",
      "PCC, Deputy PCC and Assistant PCC engagement with parish councils, groups and funded organisations.",
      lead: "Communications and Engagement Lead", .onTrack, start: "2022-04-01", due: "2023-03-31"),
    element(
      "4.2", "Pin Your Poppy campaign", "Six Unknown Tommy statues for communities to mark their respect.",
      lead: "Communications and Engagement Lead", .complete, start: "2022-09-01", due: "2022-11-13"),
    element(
      "4.3", "Newsletters and digital reach", "Community and MP newsletters, social media and Neighbourhood Matters.",
      lead: "Communications and Engagement Lead", .onTrack, start: "2022-04-01", due: "2023-03-31"),
    element(
      "4.4", "Correspondence from the public", "Answer correspondence promptly and learn from its themes.",
      lead: "Business Support Manager", .onTrack, start: "2022-04-01", due: "2023-03-31"),
    element(
      "4.5", "Public confidence",
      "Holding to account on confidence and visibility after falls in the perception survey.", lead: "Performance Lead",
      force: "ACC Local Policing", .offTrack, start: "2022-04-01", due: "2023-03-31"),
  ]

  /// The report's 50 engagements between 1 July and 30 September 2022, then 14 in October 2022,
  /// made deterministically so that every demo server holds the same ones. None fall in the
  /// national mourning period (8 to 19 September), and the Deputy PCC appears only from 26
  /// September, when he took up post.
  static func engagements() -> [Engagement] {
    let venues: [(String, String, String, EngagementKind)] = [
      ("Much Wenlock Town Council", "Much Wenlock", "shropshire", .parishCouncil),
      ("Ludlow Town Council", "Ludlow", "shropshire", .parishCouncil),
      ("Church Stretton Rural Watch", "Church Stretton", "shropshire", .communityGroup),
      ("Oswestry Women's Aid", "Oswestry", "shropshire", .fundedOrganisation),
      ("Ledbury Town Council", "Ledbury", "herefordshire", .parishCouncil),
      ("Bromyard Community Speed Watch", "Bromyard", "herefordshire", .communityGroup),
      ("Herefordshire Farmers' Forum", "Hereford", "herefordshire", .publicMeeting),
      ("West Mercia Women's Aid", "Hereford", "herefordshire", .fundedOrganisation),
      ("Newport Town Council", "Newport", "telford-and-wrekin", .parishCouncil),
      ("Steer Clear project", "Telford", "telford-and-wrekin", .fundedOrganisation),
      ("Telford & Wrekin Community Safety Partnership", "Telford", "telford-and-wrekin", .partnerMeeting),
      ("Wellington Street Pastors", "Wellington", "telford-and-wrekin", .communityGroup),
      ("Pershore Town Council", "Pershore", "worcestershire", .parishCouncil),
      ("Tenbury Wells Town Council", "Tenbury Wells", "worcestershire", .parishCouncil),
      ("Redditch Youth Forum", "Redditch", "worcestershire", .school),
      ("Worcestershire Rape and Sexual Abuse Support Centre", "Worcester", "worcestershire", .fundedOrganisation),
      ("Kidderminster Business Crime Partnership", "Kidderminster", "worcestershire", .partnerMeeting),
      ("Three Counties Show", "Malvern", "worcestershire", .event),
    ]
    let topics: [[String]] = [
      ["road-safety", "speeding"], ["asb"], ["rural-crime"], ["domestic-abuse"], ["road-safety"],
      ["knife-crime", "youth"], ["business-crime"], ["police-visibility"], ["asb", "drugs"], ["victim-services"],
    ]
    // Days with engagements: July and August, then September around the mourning period.
    var days: [LocalDate] = []
    var date = LocalDate(year: 2022, month: 7, day: 1)!
    let end = LocalDate(year: 2022, month: 9, day: 30)!
    let mourningStart = LocalDate(year: 2022, month: 9, day: 8)!
    let mourningEnd = LocalDate(year: 2022, month: 9, day: 19)!
    while date <= end {
      if !(mourningStart...mourningEnd).contains(date) { days.append(date) }
      date = date.adding(days: 1)
    }
    let deputyStart = LocalDate(year: 2022, month: 9, day: 26)!
    var generator = SplitMix64(seed: 2022)
    var result: [Engagement] = []
    for index in 0..<50 {
      // Spread evenly over the available days, in date order.
      let day = days[index * days.count / 50 + Int(generator.next() % 2)]
      let venue = venues[Int(generator.next() % UInt64(venues.count))]
      let who: Officeholder =
        day >= deputyStart && index % 2 == 0 ? .dpcc : (index % 5 == 3 ? .apcc : .pcc)
      let elementID = venue.3 == .fundedOrganisation ? "1.7" : (venue.3 == .parishCouncil ? "4.1" : nil)
      // Recorded on the evening of the day, after the engagement.
      let created = evening(of: day)
      let followUps =
        index % 4 == 0
        ? ["Ask the local policing team to attend the next meeting"]
        : index % 7 == 0 ? ["Send details of the PCC's Prevention Fund", "Reply to the clerk by email"] : []
      result.append(
        Engagement(
          id: demoID(index), date: day, who: who, kind: venue.3, organisation: venue.0, place: venue.1,
          area: venue.2, attendees: 8 + Int(generator.next() % 60),
          topics: topics[Int(generator.next() % UInt64(topics.count))],
          objectiveID: elementID.map { String($0.prefix(1)) }, elementID: elementID, followUpActions: followUps,
          notes: "Demo engagement \(index + 1) of 50 (West Mercia 2022 data set).", createdBy: "demo",
          createdAt: created.truncatedToMilliseconds))
    }
    // October 2022, after the report's quarter, so that the October governance review has a
    // month of engagements too: the PCC and the new Deputy PCC, two a week.
    for index in 0..<14 {
      let day = LocalDate(year: 2022, month: 10, day: 3 + index * 2) ?? end
      let venue = venues[Int(generator.next() % UInt64(venues.count))]
      let who: Officeholder = index % 3 == 1 ? .dpcc : (index % 5 == 4 ? .apcc : .pcc)
      let elementID = venue.3 == .fundedOrganisation ? "1.7" : (venue.3 == .parishCouncil ? "4.1" : nil)
      result.append(
        Engagement(
          id: demoID(50 + index), date: day, who: who, kind: venue.3, organisation: venue.0, place: venue.1,
          area: venue.2, attendees: 8 + Int(generator.next() % 60),
          topics: topics[Int(generator.next() % UInt64(topics.count))],
          objectiveID: elementID.map { String($0.prefix(1)) }, elementID: elementID, followUpActions: [],
          notes: "Demo engagement in October 2022, after the report's quarter (West Mercia 2022 data set).",
          createdBy: "demo", createdAt: evening(of: day).truncatedToMilliseconds))
    }
    return result
  }

  /// 18:00 UTC on `day`.
  private static func evening(of day: LocalDate) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    let components = DateComponents(year: day.year, month: day.month, day: day.day, hour: 18)
    return calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
  }

  /// Fixed ids, so that two demo servers hold the same engagements.
  private static func demoID(_ index: Int) -> UUID {
    let n = UInt32(index + 1)
    let spread = n &* 2_654_435_761  // distinct leading characters, so short ids differ
    // `SSSSSSSS-d3e0-4022-8000-0000NNNNNNNN`: the spread, fixed middle groups, then n.
    func byte(_ value: UInt32, _ shift: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: value >> shift) }
    return UUID(
      uuid: (
        byte(spread, 24), byte(spread, 16), byte(spread, 8), byte(spread, 0), 0xD3, 0xE0, 0x40, 0x22, 0x80, 0x00, 0, 0,
        byte(n, 24), byte(n, 16), byte(n, 8), byte(n, 0)
      ))
  }
}

/// A small, fast, seeded generator: the demo data must be the same on every run.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
