import Foundation
import Model

/// Review values for the tests: a realistic October 2022 review of the West Mercia plan,
/// built by the Model's own rules from records, and small hand-made reviews.
enum SampleReview {
  /// A date that is not a real day in a fixture.
  struct BadDate: Error, CustomStringConvertible {
    let text: String
    var description: String { "not a YYYY-MM-DD day: \(text)" }
  }

  /// The day `text` (`YYYY-MM-DD`) names.
  static func day(_ text: String) throws -> LocalDate {
    guard let date = LocalDate(text) else { throw BadDate(text: text) }
    return date
  }

  /// The month `text` (`YYYY-MM`) names.
  static func month(_ text: String) throws -> YearMonth {
    guard let month = YearMonth(text) else { throw BadDate(text: text) }
    return month
  }

  /// An instant on `text`'s day, for `recordedAt` fields.
  static func instant(_ text: String, hour: Int = 12) throws -> Date {
    let date = try day(text)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    guard
      let instant = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: hour))
    else { throw BadDate(text: text) }
    return instant
  }

  static let objectives = [
    Objective(id: "1", title: "Putting victims and survivors first", position: 1),
    Objective(id: "2", title: "Building a more secure West Mercia", position: 2),
    Objective(id: "3", title: "Reforming West Mercia", position: 3),
    Objective(id: "4", title: "Reassuring West Mercia's communities", position: 4),
  ]

  /// The records of October 2022, as the demo plan might hold them.
  static func octoberInputs() throws -> ReviewInputs {
    func element(
      _ id: String, _ title: String, lead: String, _ status: ElementStatus, start: String, due: String,
      position: Int, override: RAGOverride? = nil
    ) throws -> PlanElement {
      PlanElement(
        id: id, objectiveID: String(id.prefix(1)), title: title, opccLead: lead, status: status,
        startDate: try day(start), dueDate: try day(due), position: position, ragOverride: override)
    }
    let elements = [
      try element(
        "1.1", "£1m Prevention Fund", lead: "Commissioning Manager", .onTrack, start: "2022-04-01", due: "2023-03-31",
        position: 1),
      try element(
        "1.2", "Modern slavery and human trafficking victim support", lead: "Victim Services Lead", .complete,
        start: "2022-06-01", due: "2022-09-30", position: 2),
      try element(
        "1.3", "Victim needs assessment", lead: "Commissioning Manager", .onTrack, start: "2022-10-01",
        due: "2023-02-28", position: 3),
      try element(
        "1.4", "Domestic abuse perpetrator programmes", lead: "Commissioning Manager", .onTrack, start: "2022-05-01",
        due: "2023-03-31", position: 4),
      try element(
        "1.5", "Operation Lincoln victim support", lead: "Victim Services Lead", .atRisk, start: "2022-08-01",
        due: "2023-03-31", position: 5),
      try element(
        "1.8", "Out of court diversion for women", lead: "Criminal Justice Lead", .notStarted, start: "2023-04-01",
        due: "2025-03-31", position: 8),
      try element(
        "2.1", "Combating Drugs Partnerships", lead: "Drugs Strategy Lead", .onTrack, start: "2022-08-01",
        due: "2023-03-31", position: 1),
      try element(
        "2.2", "IITCSE recommendations", lead: "Chief Executive", .onTrack, start: "2022-07-01", due: "2024-03-31",
        position: 2),
      try element(
        "2.3", "Road safety investment", lead: "Road Safety Lead", .atRisk, start: "2022-04-01", due: "2023-03-31",
        position: 3,
        override: RAGOverride(rag: .red, reason: "recruitment is behind plan")),
      try element(
        "2.5", "Criminal justice backlog", lead: "Criminal Justice Lead", .offTrack, start: "2022-04-01",
        due: "2023-03-31", position: 5),
      try element(
        "2.7", "Serious Violence Duty", lead: "Policy Officer, Serious Violence", .onTrack, start: "2022-07-01",
        due: "2023-01-31", position: 7),
      try element(
        "3.2", "Estate energy efficiency", lead: "Estates Lead", .onTrack, start: "2022-06-01", due: "2024-03-31",
        position: 2),
      try element(
        "3.4", "Major estate projects", lead: "Estates Lead", .onTrack, start: "2022-04-01", due: "2025-03-31",
        position: 4),
      try element(
        "4.1", "Community engagement programme", lead: "Communications and Engagement Lead", .onTrack,
        start: "2022-04-01", due: "2023-03-31", position: 1),
      try element(
        "4.2", "Pin Your Poppy campaign", lead: "Communications and Engagement Lead", .complete, start: "2022-09-01",
        due: "2022-11-13", position: 2),
      try element(
        "4.5", "Public confidence", lead: "Performance Lead", .offTrack, start: "2022-04-01", due: "2023-03-31",
        position: 5),
    ]
    func change(
      _ id: String, _ on: String, _ status: ElementStatus, override: RAGOverride? = nil, note: String = ""
    ) throws -> StatusChange {
      StatusChange(
        elementID: id, effectiveOn: try day(on), status: status, ragOverride: override, note: note,
        author: "Governance Officer", recordedAt: try instant(on))
    }
    let history = [
      try change("1.3", "2022-09-20", .notStarted),
      try change(
        "1.3", "2022-10-03", .onTrack, note: "Work began with the force's Strategic Planning and Insight team."),
      try change("1.5", "2022-08-01", .onTrack),
      try change(
        "1.5", "2022-10-12", .atRisk,
        note: "The Home Office has not yet decided on the £100,000 bid; support cannot be commissioned until it does."),
      try change("1.8", "2022-10-20", .notStarted, note: "Added after the Ministry of Justice bid was submitted"),
      try change("2.3", "2022-04-01", .onTrack),
      try change(
        "2.3", "2022-10-18", .atRisk, override: RAGOverride(rag: .red, reason: "4 of 11.5 posts filled | 7.5 vacant"),
        note: "Road Safety Team uplift recruitment is behind plan"),
      try change("4.2", "2022-09-01", .onTrack),
      try change("4.2", "2022-10-30", .complete, note: "Campaign ran across all four areas."),
    ]
    func update(
      _ id: String, _ on: String, _ status: ElementStatus, by author: String, panel: Bool = false, _ text: String
    )
      throws -> ProgressUpdate
    {
      ProgressUpdate(
        elementID: id, date: try day(on), narrative: text, author: author, status: status, forPanel: panel,
        recordedAt: try instant(on, hour: 16))
    }
    let updates = [
      try update(
        "1.1", "2022-10-05", .onTrack, by: "Commissioning Manager", panel: true,
        """
        £60,000 has been awarded from the £1m prevention fund to Barnardo's to deliver training on a \
        trauma-informed approach across West Mercia Police, for frontline officers and the wider organisation.

        The project is designed to increase understanding of the impact of trauma and how to respond, \
        improving the service to victims of crime.
        """),
      try update(
        "1.5", "2022-10-12", .atRisk, by: "Victim Services Lead",
        "Bid to the Home Office for £100,000 submitted. Outcome still awaited; chased on 10 October."),
      try update(
        "2.7", "2022-10-25", .onTrack, by: "Policy Officer, Serious Violence", panel: true,
        """
        Findings of the CSP consultation shared at the CSP Summit.
        Further engagement planned for December, when specified authorities must name SROs.

        Indicative allocation of £804,003 to 31 March 2025 confirmed; bidding opens in November.
        """),
    ]
    func milestone(_ id: String, _ title: String, due: String, completed: String? = nil) throws -> Milestone {
      Milestone(
        id: id, elementID: String(id.prefix(3)), title: title, dueDate: try day(due),
        completedOn: try completed.map(day))
    }
    let milestones = [
      try milestone("1.3-M1", "Needs assessment scope agreed", due: "2022-10-21", completed: "2022-10-19"),
      try milestone("1.4-M1", "Home Office bid for 2023/24 perpetrator programmes", due: "2022-11-30"),
      try milestone("1.5-M2", "Home Office funding decision received", due: "2022-10-14"),
      try milestone("2.1-M1", "Partnership needs assessments drafted", due: "2022-11-30"),
      try milestone("2.2-M1", "Strategic Implementation Group terms of reference agreed", due: "2022-09-30"),
    ]
    let meetings = [
      Meeting(
        id: "2022-09-14", date: try day("2022-09-14"),
        attendees: ["John Campion (PCC)", "Chief Executive", "Treasurer"],
        decisions: ["Road safety investment of £515,800 confirmed."]),
      Meeting(
        id: "2022-10-12", date: try day("2022-10-12"),
        attendees: [
          "John Campion (PCC)", "Marc Bayliss (Deputy PCC)", "Chief Executive", "Treasurer", "Victim Services Lead",
        ],
        decisions: [
          "Operation Lincoln victim support to be rated AMBER until the Home Office decides on the bid.",
          "£60,000 from the Prevention Fund to Barnardo's for trauma-informed training approved.",
        ]),
    ]
    let actions = [
      MeetingAction(
        id: "A1", meetingID: "2022-09-14", text: "Write to HMCTS about interim arrangements for Hereford Crown Court",
        owner: "Criminal Justice Lead", dueDate: try day("2022-09-30"), elementID: "2.5"),
      MeetingAction(
        id: "A2", meetingID: "2022-09-14", text: "Bring the road safety recruitment plan to the October meeting",
        owner: "Road Safety Lead", dueDate: try day("2022-10-12"), status: .done, closedOn: try day("2022-10-12")),
      MeetingAction(
        id: "A3", meetingID: "2022-09-14", text: "Agree the Serious Violence Duty bidding approach with CSP Chairs",
        owner: "Policy Officer, Serious Violence", dueDate: try day("2022-12-16")),
      MeetingAction(
        id: "A4", meetingID: "2022-10-12", text: "Chase the Home Office for the Operation Lincoln funding decision",
        owner: "Victim Services Lead", dueDate: try day("2022-10-21"), elementID: "1.5"),
      MeetingAction(
        id: "A5", meetingID: "2022-10-12", text: "Report Road Safety Team recruitment: posts filled | posts vacant",
        owner: "Road Safety Lead", dueDate: try day("2022-11-09"), elementID: "2.3"),
      MeetingAction(
        id: "A6", meetingID: "2022-10-12", text: "Draft a response to the SWDP review consultation on Hindlip",
        owner: "Estates Lead"),
    ]
    return ReviewInputs(
      objectives: objectives, elements: elements, history: history,
      elementsWithHistory: ["1.3", "1.5", "1.8", "2.3", "4.2"], updates: updates, milestones: milestones,
      meetings: meetings, actions: actions, engagementsByWho: ["pcc": 9, "dpcc": 5, "apcc": 2],
      engagementsByArea: ["herefordshire": 3, "shropshire": 5, "telford-and-wrekin": 4, "worcestershire": 4],
      engagementsByObjective: ["1": 3, "2": 2, "4": 7], areas: Area.westMercia)
  }

  /// October 2022 reviewed after it ended (as at 31 October), or while it ran when `today`
  /// falls in it.
  static func october(today: String = "2022-11-03") throws -> MonthlyReview {
    try MonthlyReview.build(month: try month("2022-10"), today: try day(today), inputs: try octoberInputs())
  }

  /// A review made by hand, for behaviour the October records do not show.
  static func handMade(
    month: String = "2022-10", asOf: String = "2022-10-31", objectives: [ObjectiveReview] = [],
    engagements: EngagementActivity = EngagementActivity(total: 0, byWho: [], byArea: []),
    openActions: [ActionItem] = [], meetings: [Meeting] = []
  ) throws -> MonthlyReview {
    MonthlyReview(
      month: try self.month(month), asOf: try day(asOf), objectives: objectives, engagements: engagements,
      openActions: openActions, meetings: meetings)
  }

  /// A review in which every piece of text from the data is `payload`: element, objective
  /// and milestone titles, notes, narratives, authors, status codes, leads, names of
  /// officeholders and areas, meetings, attendees, decisions, and actions.
  static func hostile(_ payload: String) throws -> MonthlyReview {
    let status = ElementStatus(rawValue: payload)
    let standing = Standing(status: status, rag: .red)
    let update = ProgressUpdate(
      elementID: payload, date: try day("2022-10-05"), narrative: payload + "\n\n" + payload, author: payload,
      status: status, forPanel: true, recordedAt: try instant("2022-10-05"))
    let milestone = MilestoneItem(
      milestone: Milestone(id: payload, elementID: payload, title: payload, dueDate: try day("2022-10-01")),
      elementTitle: payload)
    let objective = ObjectiveReview(
      objective: Objective(id: payload, title: payload, position: 1),
      changes: [
        ElementChange(
          elementID: payload, elementTitle: payload, from: standing, to: standing, changedOn: try day("2022-10-03"),
          notes: [payload, payload])
      ],
      updates: [UpdateItem(update: update, elementTitle: payload)],
      milestonesCompleted: [milestone], milestonesDueNextMonth: [milestone], milestonesOverdue: [milestone],
      elementsOfConcern: [
        ElementStanding(elementID: payload, title: payload, standing: standing, opccLead: payload, dueDate: nil)
      ],
      engagementCount: 1)
    let tally = Tally(code: payload, name: payload, count: 1)
    return try handMade(
      objectives: [objective], engagements: EngagementActivity(total: 1, byWho: [tally], byArea: [tally]),
      openActions: [
        ActionItem(
          action: MeetingAction(id: payload, meetingID: payload, text: payload, owner: payload),
          meetingDate: try day("2022-10-12"), dueState: .noDueDate)
      ],
      meetings: [
        Meeting(
          id: payload, date: try day("2022-10-12"), title: payload, attendees: [payload, payload],
          decisions: [payload], notes: payload, recordedBy: payload)
      ])
  }
}
