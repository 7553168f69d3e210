import Foundation
import Model
import Testing

/// The review's rules, with a fixed "today" and records made by hand.
@Suite struct MonthlyReviewTests {
  static func day(_ text: String) -> LocalDate { LocalDate(text)! }
  static let october = YearMonth("2022-10")!
  static let november = YearMonth("2022-11")!
  static let today = day("2022-12-05")
  static let recorded = Date(timeIntervalSince1970: 1_660_000_000)

  static let objectives = [
    Objective(id: "1", title: "Putting victims and survivors first", position: 1),
    Objective(id: "2", title: "Building a more secure West Mercia", position: 2),
  ]
  static let elements = [
    PlanElement(
      id: "1.1", objectiveID: "1", title: "Prevention Fund", opccLead: "Commissioning", status: .onTrack,
      startDate: day("2022-04-01"), dueDate: day("2023-03-31"), position: 1),
    PlanElement(
      id: "2.1", objectiveID: "2", title: "Serious violence duty", status: .atRisk,
      startDate: day("2022-04-01"), dueDate: day("2023-03-31"), position: 1),
    PlanElement(
      id: "2.2", objectiveID: "2", title: "Road safety", status: .onTrack,
      startDate: day("2022-04-01"), dueDate: day("2022-11-15"), position: 2),
  ]
  static func change(
    _ element: String, _ on: String, _ status: ElementStatus, note: String = "",
    override: RAGOverride? = nil
  ) -> StatusChange {
    StatusChange(
      elementID: element, effectiveOn: day(on), status: status, ragOverride: override, note: note,
      author: "governance", recordedAt: recorded)
  }
  static let history = [
    change("1.1", "2022-04-01", .onTrack),
    change("2.1", "2022-04-01", .onTrack),
    change("2.1", "2022-10-12", .atRisk, note: "Partnership data-sharing agreement delayed"),
    change("2.2", "2022-04-01", .onTrack),
  ]

  static func inputs(
    history: [StatusChange] = history, milestones: [Milestone] = [],
    meetings: [Meeting] = [], actions: [MeetingAction] = []
  ) -> ReviewInputs {
    ReviewInputs(
      objectives: objectives, elements: elements, history: history,
      elementsWithHistory: Set(history.map(\.elementID)), milestones: milestones, meetings: meetings,
      actions: actions)
  }

  @Test("a status change made on 2022-10-12 is a change in October's review and not in November's")
  func changeInItsMonthOnly() throws {
    let october = try MonthlyReview.build(month: Self.october, today: Self.today, inputs: Self.inputs())
    let changes = october.objectives[1].changes
    #expect(changes.map(\.elementID) == ["2.1"])
    #expect(changes.first?.from == Standing(status: .onTrack, rag: .green))
    #expect(changes.first?.to == Standing(status: .atRisk, rag: .amber))
    #expect(changes.first?.changedOn == Self.day("2022-10-12"))
    #expect(changes.first?.notes == ["Partnership data-sharing agreement delayed"])
    #expect(october.objectives[0].changes.isEmpty)

    let november = try MonthlyReview.build(month: Self.november, today: Self.today, inputs: Self.inputs())
    #expect(!november.objectives[1].changes.contains { $0.elementID == "2.1" })
  }

  @Test("an element still open after its due date turns red in the month the date passes")
  func dueDatePassing() throws {
    let november = try MonthlyReview.build(month: Self.november, today: Self.today, inputs: Self.inputs())
    let change = try #require(november.objectives[1].changes.first { $0.elementID == "2.2" })
    #expect(change.from?.rag == .green)
    #expect(change.to.rag == .red)
    #expect(change.changedOn == Self.day("2022-11-16"))
    #expect(change.notes == ["due date 2022-11-15 passed with the element still open"])
    #expect(november.objectives[1].elementsOfConcern.map(\.elementID) == ["2.1", "2.2"])
  }

  @Test("a change dated after the review day is not in the review of a month still running")
  func stillRunning() throws {
    let review = try MonthlyReview.build(
      month: Self.october, today: Self.day("2022-10-10"), inputs: Self.inputs())
    #expect(review.asOf == Self.day("2022-10-10"))
    #expect(review.objectives[1].changes.isEmpty)
  }

  @Test("a month not yet begun is refused, naming the month")
  func futureMonth() {
    #expect(throws: ValidationError.self) {
      try MonthlyReview.build(month: YearMonth("2023-01")!, today: Self.today, inputs: Self.inputs())
    }
  }

  @Test("milestones: completed in the month, due next month, and overdue when due earlier and still open")
  func milestones() throws {
    let milestones = [
      Milestone(id: "1.1-M1", elementID: "1.1", title: "Fund opens", dueDate: Self.day("2022-09-30")),
      Milestone(
        id: "1.1-M2", elementID: "1.1", title: "Panel decides", dueDate: Self.day("2022-10-20"),
        completedOn: Self.day("2022-10-18")),
      Milestone(id: "1.1-M3", elementID: "1.1", title: "Awards announced", dueDate: Self.day("2022-11-10")),
      Milestone(
        id: "1.1-M4", elementID: "1.1", title: "Late but done", dueDate: Self.day("2022-08-31"),
        completedOn: Self.day("2022-11-02")),
    ]
    let review = try MonthlyReview.build(
      month: Self.october, today: Self.today, inputs: Self.inputs(milestones: milestones))
    let section = review.objectives[0]
    #expect(section.milestonesCompleted.map(\.milestone.id) == ["1.1-M2"])
    #expect(section.milestonesDueNextMonth.map(\.milestone.id) == ["1.1-M3"])
    #expect(section.milestonesOverdue.map(\.milestone.id) == ["1.1-M4", "1.1-M1"])

    let november = try MonthlyReview.build(
      month: Self.november, today: Self.today, inputs: Self.inputs(milestones: milestones))
    #expect(november.objectives[0].milestonesCompleted.map(\.milestone.id) == ["1.1-M4"])
    #expect(november.objectives[0].milestonesOverdue.map(\.milestone.id) == ["1.1-M1", "1.1-M3"])
  }

  @Test("open actions of earlier meetings come with their due state, overdue first; closed ones drop out")
  func actions() throws {
    let meeting = Meeting(id: "2022-09-21", date: Self.day("2022-09-21"))
    let later = Meeting(id: "2022-11-16", date: Self.day("2022-11-16"))
    let actions = [
      MeetingAction(id: "A1", meetingID: meeting.id, text: "No date", owner: "CEO"),
      MeetingAction(
        id: "A2", meetingID: meeting.id, text: "Due in November", owner: "CEO", dueDate: Self.day("2022-11-30")),
      MeetingAction(
        id: "A3", meetingID: meeting.id, text: "Overdue", owner: "Treasurer", dueDate: Self.day("2022-10-14")),
      MeetingAction(
        id: "A4", meetingID: meeting.id, text: "Done in October", owner: "CEO",
        dueDate: Self.day("2022-10-01"), status: .done, closedOn: Self.day("2022-10-05")),
      MeetingAction(
        id: "A5", meetingID: meeting.id, text: "Done in November", owner: "CEO",
        dueDate: Self.day("2022-10-01"), status: .done, closedOn: Self.day("2022-11-03")),
      MeetingAction(id: "A6", meetingID: later.id, text: "Agreed later", owner: "CEO", dueDate: Self.day("2022-12-31")),
      MeetingAction(
        id: "A7", meetingID: meeting.id, text: "Due in January", owner: "CEO", dueDate: Self.day("2023-01-31")),
    ]
    let review = try MonthlyReview.build(
      month: Self.october, today: Self.today, inputs: Self.inputs(meetings: [meeting, later], actions: actions))
    #expect(review.openActions.map(\.action.id) == ["A5", "A3", "A2", "A7", "A1"])
    #expect(review.openActions.map(\.dueState) == [.overdue, .overdue, .dueSoon, .notYetDue, .noDueDate])
    #expect(review.meetings.isEmpty)
  }

  @Test("an override replaces the derived RAG and its reason is shown with the change")
  func override() throws {
    var history = Self.history
    history.append(
      Self.change("1.1", "2022-10-03", .onTrack, override: RAGOverride(rag: .amber, reason: "Bids below target")))
    let review = try MonthlyReview.build(month: Self.october, today: Self.today, inputs: Self.inputs(history: history))
    let change = try #require(review.objectives[0].changes.first)
    #expect(change.to == Standing(status: .onTrack, rag: .amber, ragOverridden: true))
    #expect(change.notes == ["RAG set to AMBER: Bids below target"])
  }

  @Test("an element added to the plan in the month shows as new")
  func newElement() throws {
    var history = Self.history
    history.removeAll { $0.elementID == "1.1" }
    history.append(Self.change("1.1", "2022-10-20", .notStarted, note: "added to the plan"))
    let review = try MonthlyReview.build(month: Self.october, today: Self.today, inputs: Self.inputs(history: history))
    let change = try #require(review.objectives[0].changes.first)
    #expect(change.from == nil)
    #expect(change.to.status == .notStarted)
  }

  @Test(
    "derived RAG follows status and dates",
    arguments: [
      (ElementStatus.onTrack, "2022-10-01", RAG?.some(.green)),
      (.onTrack, "2023-04-01", .red),
      (.atRisk, "2022-10-01", .amber),
      (.offTrack, "2022-10-01", .red),
      (.complete, "2023-04-01", .green),
      (.paused, "2023-04-01", nil),
      (.notStarted, "2022-03-01", nil),
      (.notStarted, "2022-05-01", .amber),
    ])
  func derivedRAG(status: ElementStatus, on: String, expected: RAG?) {
    let rag = PlanElement.derivedRAG(
      status: status, startDate: Self.day("2022-04-01"), dueDate: Self.day("2023-03-31"), on: Self.day(on))
    #expect(rag == expected)
  }

  @Test(
    "months parse only as YYYY-MM and know their days",
    arguments: ["2022-1", "2022-13", "22-10", "2022-10-01", "abcd-ef", ""])
  func badMonths(text: String) {
    #expect(YearMonth(text) == nil)
  }

  @Test("a month knows its first and last day and its neighbours")
  func monthArithmetic() {
    let february = YearMonth("2024-02")!
    #expect(february.lastDay == Self.day("2024-02-29"))
    #expect(YearMonth("2022-12")!.next == YearMonth("2023-01"))
    #expect(YearMonth("2023-01")!.previous == YearMonth("2022-12"))
    #expect(Self.october.title == "October 2022")
  }
}
