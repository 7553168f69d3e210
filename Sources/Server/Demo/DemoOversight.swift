import Application
import Foundation
import Model
import Sync

/// The oversight records behind the West Mercia Police and Crime Panel report of 23 November
/// 2022: every figure of that report that is a record (awards, bids and their amounts, the
/// Serious Violence Duty allocation, conviction rates and national averages, the perception
/// survey's quarter one 2022/23 and the quarter before, victim service referrals, reach, the
/// 232 pieces of correspondence of September and October 2022, the holding-to-account
/// meetings and their findings, the HMICFRS vetting report).
///
/// What the report does not give is invented, plausibly, and marked so here: survey sample
/// sizes, internal targets, the monthly force performance figures behind its concerns, the
/// days within a month, and the texts of the vetting report's recommendations (placeholders
/// pointing to the published report). Seeded through ``OversightRepository`` as the `demo`
/// user, so the audit trail records each one.
enum DemoOversight {
  static let caller = Caller.server("demo", deviceID: "demo", rpc: "demo-seed")

  /// Links from the demo's progress updates (by `element@date`) to the records that now carry
  /// their figures: the Panel report tells such an update through its records.
  static let updateLinks: [String: [String]] = [
    "1.7@2022-09-13": ["award:wmrsasc"],
    "2.3@2022-09-14": ["award:road-safety"],
    "1.2@2022-08-10": ["award:msht"],
    "2.2@2022-09-20": ["award:taxi-marshals"],
    "1.2@2022-09-01": ["award:msht"],
    "1.1@2022-10-06": ["award:barnardos-trauma"],
    "1.5@2022-10-07": ["bid:op-lincoln"],
    "1.7@2022-10-20": [
      "indicator:victim-referrals", "indicator:victims-supported", "indicator:victims-recover",
      "indicator:victims-mental",
    ],
    "4.5@2022-10-20": ["scrutiny:dei-2022-10"],
    "2.6@2022-10-24": [
      "award:witness-posts", "indicator:conviction-overall", "indicator:conviction-sexual", "indicator:conviction-dv",
      "indicator:conviction-hate", "indicator:witness-attendance",
    ],
    "2.8@2022-10-27": ["award:steer-clear"],
    "4.3@2022-10-28": [
      "reach:newsletter-subscribers", "reach:social-followers", "reach:neighbourhood-matters", "reach:press-releases",
    ],
    "4.4@2022-10-31": ["correspondence:2022-09-to-10"],
    "1.8@2022-11-02": ["bid:moj-diversion"],
    "1.5@2022-11-08": ["bid:op-lincoln"],
    "1.1@2022-11-09": ["award:steer-clear"],
    "2.7@2022-11-21": ["fund:svd"],
  ]

  static func links(element: String, date: String) -> [String] { updateLinks["\(element)@\(date)"] ?? [] }

  private static func day(_ text: String) -> LocalDate { DemoGovernance.day(text) }

  /// Seeds every record, one kind after another, each batch all or nothing.
  static func seed(into oversight: OversightRepository) async throws {
    let batches: [[OversightRecord]] = [
      funds.map(OversightRecord.fund), awards.map(OversightRecord.award), bids.map(OversightRecord.bid),
      meetings.map(OversightRecord.scrutiny), indicators.map(OversightRecord.indicator),
      measurements.map(OversightRecord.measurement), ([vetting] + answered).map(OversightRecord.inspection),
      vettingItems.map(OversightRecord.inspectionItem), correspondence().map(OversightRecord.correspondence),
      reach.map(OversightRecord.reach),
    ]
    for batch in batches {
      _ = try await oversight.store(batch.map { (nil, $0) }, dryRun: false, by: caller)
    }
  }

  // MARK: - Funding (paras 8-9, 11, 14, 16, 19, 25, 28, 40, 48-49)

  static let funds: [Fund] = [
    Fund(
      id: "prevention", name: "Prevention Fund", totalPence: 100_000_000, startDate: day("2022-04-01"),
      endDate: day("2023-03-31"), source: "PCC budget", elementID: "1.1",
      purpose: "For projects that prevent harm, including trauma-informed training for the force."),
    Fund(
      id: "svd", name: "Serious Violence Duty indicative allocation", totalPence: 80_400_300,
      startDate: day("2022-09-21"), endDate: day("2025-03-31"), source: "Minister of State",
      announcedOn: day("2022-09-21"), elementID: "2.7",
      purpose:
        "To support the implementation of the Serious Violence Duty. A bidding process for this funding will open in November."
    ),
  ]

  static let awards: [Award] = [
    Award(
      id: "wmrsasc", recipient: "West Mercia Rape and Sexual Abuse Support Centre", amountPence: 33_978_200,
      date: day("2022-09-13"), elementID: "1.7",
      purpose:
        "To support therapeutic counselling for survivors of sexual violence in 22/23. This funding has allowed the service to recruit permanent counsellors, who were previously on zero hours contracts, to provide sustainable support for survivors and to reduce waiting lists."
    ),
    Award(
      id: "road-safety", recipient: "West Mercia Police", amountPence: 51_580_000, date: day("2022-09-14"),
      elementID: "2.3",
      purpose:
        "To directly tackle speeding in communities in 22/23, following a comprehensive business case: an uplift of 11.5 staff within the Road Safety Team and expanded use of technology to prevent excessive speed and enhance road safety, with a further £400,000 ringfenced pending a business case."
    ),
    Award(
      id: "msht", recipient: "Victim Support", amountPence: 7_100_000, date: day("2022-08-10"), elementID: "1.2",
      purpose:
        "To extend the Victim Support contract for enhanced provision for victims of Modern Slavery & Human Trafficking (MSHT). The MSHT service will enable greater partnership working between Victim Support and West Mercia Police, to identify victims who may otherwise not come forward to seek support. This enhanced service went live in September."
    ),
    Award(
      id: "taxi-marshals", recipient: "Telford & Wrekin Community Safety Partnership", amountPence: 2_319_000,
      date: day("2022-09-20"), elementID: "2.2",
      purpose:
        "For Taxi Marshalls and Street Pastors in 22/23, meeting one of the recommendations of the IITCSE report."),
    Award(
      id: "barnardos-trauma", fundID: "prevention", recipient: "Barnardo's", amountPence: 6_000_000,
      date: day("2022-10-06"), elementID: "1.1",
      purpose:
        "The money will enable Barnardo's to deliver training around a trauma informed approach within the whole of West Mercia Police. This will include training for frontline Police officers, as well as professional consultancy for the wider organisation. The project is designed to increase the understanding of the impact of trauma and how to respond, providing an increased quality of service to victims of crime alongside increased satisfaction and confidence, particularly amongst victims."
    ),
    Award(
      id: "witness-posts", recipient: "West Mercia Police Witness Care", amountPence: 2_600_000,
      date: day("2022-10-24"),
      elementID: "2.6",
      purpose:
        "For the continuation of two additional posts for 22/23, to ensure victims and witnesses continue to be supported throughout the criminal justice system."
    ),
    Award(
      id: "steer-clear", fundID: "prevention", recipient: "the Steer Clear programme", amountPence: 10_000_000,
      date: day("2022-10-27"), elementID: "2.8", status: .proposed,
      purpose:
        "To continue and expand the existing Steer Clear project. Up to now, the project has only operated in Telford & Wrekin; for 23/24 it will operate across West Mercia, providing 1:1 mentoring and a series of workshops for children and young people involved in carrying or using knives, working closely with the PCC commissioned CLIMB service."
    ),
  ]

  static let bids: [Bid] = [
    Bid(
      id: "op-lincoln", funder: "Home Office", amountPence: 10_000_000, submittedOn: day("2022-10-07"),
      status: .awaiting,
      purpose:
        "To provide support to victims in the Operation Lincoln investigation into maternity services at the Shrewsbury and Telford NHS Trust.",
      elementID: "1.5"),
    Bid(
      id: "moj-diversion", funder: "Ministry of Justice", amountPence: 27_650_000, periodEnd: day("2025-03-31"),
      submittedOn: day("2022-10-28"), status: .submitted,
      purpose:
        "To provide an out of court diversionary service for females at risk of entering the criminal justice system, linked to the Commissioner's commitment to deliver effective, early intervention for vulnerable people, with the outcome of reducing the likelihood of reoffending.",
      elementID: "1.8"),
  ]

  // MARK: - Holding to account (paras 67-71, 73, 76)

  static let meetings: [ScrutinyMeeting] = [
    ScrutinyMeeting(
      id: "sv-2022-08", kind: .thematic, topic: "Serious Violence", date: day("2022-08-23"),
      findings: [
        "The force had developed a Homicide Action Plan informed by a comprehensive local problem profile and national best practice. There was assurance that the plan had ensured appropriate focus and a number of key actions had already been completed.",
        "The force was actively contributing to the development of a national NPCC (National Police Chiefs Council) homicide prevention framework which would inform future activity.",
        "Key to reducing Serious Violence was prevention activity focused on domestic abuse (DA), violence against women and girls (VAWG) and the illegal drug trade. This is aligned to the PCC and Force Joint Prevention Strategy.",
      ],
      actions: [
        "The PCC offered to support the force in engaging with partners to ensure arrangements were in place to meet the requirements of the Serious Violence Duty by the timescales set."
      ]),
    ScrutinyMeeting(
      id: "virtual-2022-09", kind: .virtual, topic: "performance (outcomes, satisfaction and open investigations)",
      date: day("2022-09-06")),
    ScrutinyMeeting(id: "virtual-2022-10", kind: .virtual, topic: "the Victim Advice Line", date: day("2022-10-04")),
    ScrutinyMeeting(
      id: "dei-2022-10", kind: .thematic, topic: "Diversity, Equality and Inclusion (DEI)", date: day("2022-10-20"),
      findings: [
        "The Chief Constable has implemented new governance arrangements to ensure appropriate focus on internal / external DEI issues. The PCC is represented within these forums.",
        "Improvements in data capture are required to better understand internal and external disproportionality and identify activity to explain or reduce this.",
        "The Force's new Stop and Search strategy will include enhanced scrutiny of searches. In developing more robust scrutiny, the force has consulted with Independent Advisory Groups (IAGs) and relevant staff networks.",
        "Going forward, the delivery of the Local Policing Charter will include renewed focus on engaging with more seldom heard communities.",
      ]),
    ScrutinyMeeting(
      id: "budget-2022-11", kind: .thematic, topic: "Impact of 2022/23 Budget Investment", date: day("2022-11-15")),
    ScrutinyMeeting(
      id: "qp-2022-11", kind: .quarterlyPerformance, topic: "Quarterly Performance", date: day("2022-11-22")),
    ScrutinyMeeting(
      id: "outcomes-2022-11", kind: .thematic, topic: "Satisfaction, open investigations and outcomes",
      date: day("2022-11-29")),
    ScrutinyMeeting(id: "vawg-2022-12", kind: .thematic, topic: "VAWG", date: day("2022-12-13")),
    ScrutinyMeeting(id: "confidence-2023-01", kind: .thematic, topic: "Public Confidence", date: day("2023-01-17")),
  ]

  // MARK: - Indicators (paras 17, 41, 72, 75)

  private static let survey = "West Mercia commissioned perception survey"
  private static let dashboard = "West Mercia Police performance dashboard"

  static let indicators: [Indicator] = [
    Indicator(
      id: "victim-referrals", name: "referrals for support received by the PCC's commissioned victim services",
      unit: .count, better: .higherIsBetter, frequency: .halfYearly, source: "Commissioned services' returns",
      elementID: "1.7"),
    Indicator(
      id: "victims-supported", name: "victims provided with support", unit: .count, better: .higherIsBetter,
      frequency: .halfYearly, source: "Commissioned services' returns", elementID: "1.7"),
    Indicator(
      id: "victims-recover", name: "victims supported to cope and recover", unit: .count, better: .higherIsBetter,
      frequency: .halfYearly, source: "Commissioned services' returns", elementID: "1.7"),
    Indicator(
      id: "victims-mental",
      name: "victims referred, or supported to self-refer, into mental health support services", unit: .count,
      better: .higherIsBetter, frequency: .halfYearly, source: "Commissioned services' returns", elementID: "1.7"),
    Indicator(
      id: "conviction-overall", name: "overall conviction rate", unit: .percent, better: .higherIsBetter,
      comparator: 82,
      comparatorLabel: "national average", frequency: .rolling12Months, source: "CPS case outcomes", elementID: "2.6"),
    Indicator(
      id: "conviction-sexual", name: "sexual offences conviction rate", unit: .percent, better: .higherIsBetter,
      comparator: 84.5, comparatorLabel: "national average", frequency: .rolling12Months, source: "CPS case outcomes",
      elementID: "2.6"),
    Indicator(
      id: "conviction-dv", name: "domestic violence conviction rate", unit: .percent, better: .higherIsBetter,
      comparator: 75, comparatorLabel: "national average", frequency: .rolling12Months, source: "CPS case outcomes",
      elementID: "2.6"),
    Indicator(
      id: "conviction-hate", name: "hate crime conviction rate", unit: .percent, better: .higherIsBetter,
      comparator: 83,
      comparatorLabel: "national average", frequency: .rolling12Months, source: "CPS case outcomes", elementID: "2.6"),
    Indicator(
      id: "witness-attendance", name: "witness attendance rate (the highest in the region)", unit: .percent,
      better: .higherIsBetter, frequency: .rolling12Months, source: "Witness Care Unit", elementID: "2.6"),
    // Survey measures: the targets (confidence only) and sample sizes are invented.
    Indicator(
      id: "survey-confidence", name: "residents who have confidence in West Mercia Police", unit: .percent,
      better: .higherIsBetter, target: 85, frequency: .quarterly, source: survey, survey: true, elementID: "4.5",
      baselinePeriodEnd: day("2021-03-31")),
    Indicator(
      id: "survey-good-service", name: "residents confident they would receive a good service", unit: .percent,
      better: .higherIsBetter, frequency: .quarterly, source: survey, survey: true, elementID: "4.5"),
    Indicator(
      id: "survey-understands",
      name: "residents who agree the force understands the issues that affect their community",
      unit: .percent, better: .higherIsBetter, frequency: .quarterly, source: survey, survey: true, elementID: "4.5"),
    Indicator(
      id: "survey-emergency", name: "residents confident they could access the police in an emergency", unit: .percent,
      better: .higherIsBetter, frequency: .quarterly, source: survey, survey: true, elementID: "4.5"),
    Indicator(
      id: "survey-non-emergency", name: "residents confident they could access the police in a non-emergency",
      unit: .percent, better: .higherIsBetter, frequency: .quarterly, source: survey, survey: true, elementID: "4.5"),
    Indicator(
      id: "survey-visibility", name: "residents who see an officer or PCSO at least once per week", unit: .percent,
      better: .higherIsBetter, frequency: .quarterly, source: survey, survey: true, elementID: "4.5"),
    // Force performance: targets and monthly figures invented to match the report's concerns.
    Indicator(
      id: "victim-satisfaction", name: "overall victim satisfaction", unit: .percent, better: .higherIsBetter,
      target: 80,
      frequency: .monthly, source: dashboard),
    Indicator(
      id: "calls-101", name: "101 calls answered within the target time", unit: .percent, better: .higherIsBetter,
      target: 80, frequency: .monthly, source: dashboard),
    Indicator(
      id: "calls-999", name: "999 calls answered within 10 seconds", unit: .percent, better: .higherIsBetter,
      target: 90,
      frequency: .monthly, source: dashboard),
    Indicator(
      id: "positive-outcomes", name: "crimes resolved with a positive outcome", unit: .percent, better: .higherIsBetter,
      target: 15, frequency: .monthly, source: dashboard),
    Indicator(
      id: "ksi", name: "people killed or seriously injured on West Mercia's roads", unit: .count,
      better: .lowerIsBetter,
      frequency: .monthly, source: dashboard, elementID: "2.3"),
    // Ranked in the most similar group of forces (7th of 8, 1 being the lowest proportion):
    // the rank is the report's; the monthly values are invented.
    Indicator(
      id: "outcome-evidence",
      name:
        "crimes closed where evidential difficulties prevent further action or the victim does not support the prosecution",
      unit: .percent, better: .lowerIsBetter, frequency: .monthly, source: dashboard),
  ]

  static var measurements: [IndicatorMeasurement] {
    func m(_ id: String, _ start: String, _ end: String, _ value: Double, _ n: Int? = nil) -> IndicatorMeasurement {
      IndicatorMeasurement(indicatorID: id, periodStart: day(start), periodEnd: day(end), value: value, sampleSize: n)
    }
    let halfYear = ("2022-04-01", "2022-09-30")
    let rolling = ("2021-10-01", "2022-09-30")
    let q4 = ("2022-01-01", "2022-03-31")
    let q1 = ("2022-04-01", "2022-06-30")
    let months = [("2022-07-01", "2022-07-31"), ("2022-08-01", "2022-08-31"), ("2022-09-01", "2022-09-30")]
    var list = [
      m("victim-referrals", halfYear.0, halfYear.1, 17_630), m("victims-supported", halfYear.0, halfYear.1, 16_145),
      m("victims-recover", halfYear.0, halfYear.1, 6_976), m("victims-mental", halfYear.0, halfYear.1, 545),
      m("conviction-overall", rolling.0, rolling.1, 87), m("conviction-sexual", rolling.0, rolling.1, 92),
      m("conviction-dv", rolling.0, rolling.1, 83), m("conviction-hate", rolling.0, rolling.1, 89),
      m("witness-attendance", rolling.0, rolling.1, 87),
    ]
    // Quarter four 2021/22, then quarter one 2022/23 (the report's "latest results"); 1,600 asked each quarter.
    let surveyValues: [(String, Double, Double)] = [
      ("survey-confidence", 82, 81), ("survey-good-service", 84, 83), ("survey-understands", 69, 68),
      ("survey-emergency", 87, 87), ("survey-non-emergency", 66, 65), ("survey-visibility", 24, 21),
    ]
    // The confidence baseline, quarter four 2020/21 (invented value): "statistically
    // significant reductions since March 2021".
    list.append(m("survey-confidence", "2021-01-01", "2021-03-31", 86, 1_600))
    for (id, before, latest) in surveyValues {
      list.append(m(id, q4.0, q4.1, before, 1_600))
      list.append(m(id, q1.0, q1.1, latest, 1_600))
    }
    let monthly: [(String, [Double])] = [
      ("victim-satisfaction", [73.1, 72.4, 71.8]), ("calls-101", [52, 48, 55]), ("calls-999", [88, 86, 91]),
      ("positive-outcomes", [12.4, 12.1, 11.7]), ("ksi", [58, 63, 71]), ("outcome-evidence", [45.1, 46.8, 48.2]),
    ]
    for (id, values) in monthly {
      for (month, value) in zip(months, values) { list.append(m(id, month.0, month.1, value)) }
    }
    if let index = list.firstIndex(where: { $0.id == "outcome-evidence@2022-09-30" }) {
      list[index].rank = 7
      list[index].rankOf = 8
    }
    return list
  }

  // MARK: - HMICFRS (paras 77-78)

  /// The two national thematic reports of the quarter before, to which the PCC responded
  /// in letters to the Home Secretary (the days of publication and of the letters are invented).
  static let answered: [Inspection] = [
    Inspection(
      id: "acquisitive-2022", title: "The police response to burglary, robbery and other acquisitive crime",
      publishedOn: day("2022-06-28"), scope: .national, responseSentOn: day("2022-10-18"),
      responseSentTo: "the Home Secretary"),
    Inspection(
      id: "mappa-2022", title: "A joint thematic inspection of Multi-Agency Public Protection Arrangements (MAPPA)",
      publishedOn: day("2022-06-14"), scope: .national, responseSentOn: day("2022-10-18"),
      responseSentTo: "the Home Secretary"),
  ]

  static let vetting = Inspection(
    id: "vetting-2022", title: "An inspection of vetting, misconduct, and misogyny in the police service",
    publishedOn: day("2022-11-02"), scope: .national,
    summary:
      "Work is ongoing to review the recommendations in this report and engage with the force to understand how relevant areas will be addressed."
  )

  /// Five areas for improvement and 43 recommendations; their texts are placeholders.
  static var vettingItems: [InspectionItem] {
    (1...5).map {
      InspectionItem(
        inspectionID: vetting.id, kind: .areaForImprovement, number: $0,
        text: "Area for improvement \($0) of the national report (wording as published by HMICFRS).")
    }
      + (1...43).map {
        InspectionItem(
          inspectionID: vetting.id, kind: .recommendation, number: $0,
          text: "Recommendation \($0) of the national report (wording as published by HMICFRS).")
      }
  }

  // MARK: - Correspondence (para 66)

  /// 232 pieces in September and October 2022 (most from Worcestershire and Shropshire, on
  /// road safety, ASB and general concerns around crime), with 12 in August and 10 in
  /// November around them. Days and channels come from a seeded generator.
  static func correspondence() -> [Correspondence] {
    var generator = SplitMix64(seed: 232)
    func spread(_ counts: [(String, Int)]) -> [String] { counts.flatMap { Array(repeating: $0.0, count: $0.1) } }
    var subjects = spread([
      ("road-safety", 58), ("asb", 49), ("crime-concern", 44), ("policing-service", 38), ("other", 22),
      ("complaint", 21),
    ])
    var areas = spread([
      ("worcestershire", 88), ("shropshire", 63), ("telford-and-wrekin", 41), ("herefordshire", 31), ("outside", 9),
    ])
    subjects.shuffle(using: &generator)
    areas.shuffle(using: &generator)
    let channels: [CorrespondenceChannel] = [.email, .email, .email, .letter, .phone, .web, .social]
    var list: [Correspondence] = []
    func add(_ day: LocalDate, _ subject: String, _ area: String) {
      list.append(
        Correspondence(
          id: String(format: "WMC-22-%04d", list.count + 1), receivedOn: day,
          subject: CorrespondenceSubject(rawValue: subject),
          area: area, channel: channels[Int(generator.next() % UInt64(channels.count))],
          status: day < LocalDate(year: 2022, month: 10, day: 15)! ? .closed : .responded))
    }
    for index in 0..<12 { add(day("2022-08-01").adding(days: index * 2 + 3), "road-safety", "herefordshire") }
    for (subject, area) in zip(subjects, areas) {
      add(day("2022-09-01").adding(days: Int(generator.next() % 61)), subject, area)
    }
    for index in 0..<10 { add(day("2022-11-01").adding(days: index + 1), "asb", "shropshire") }
    return list
  }

  // MARK: - Reach (paras 62-64)

  static let reach: [ReachMeasurement] = [
    ReachMeasurement(metric: .newsletterSubscribers, asOf: day("2022-07-31"), value: 2_104),
    ReachMeasurement(metric: .newsletterSubscribers, asOf: day("2022-10-31"), value: 2_198),
    ReachMeasurement(metric: .socialFollowers, asOf: day("2022-07-31"), value: 12_415),
    ReachMeasurement(metric: .socialFollowers, asOf: day("2022-10-31"), value: 12_612),
    ReachMeasurement(metric: .neighbourhoodMatters, asOf: day("2022-10-31"), value: 6_621),
    ReachMeasurement(metric: .pressReleases, periodStart: day("2022-08-01"), asOf: day("2022-09-30"), value: 53),
  ]
}
