import Foundation

/// The stored records a monthly review is built from. Storage fetches only what the month
/// needs; the rules that turn them into a review live in ``MonthlyReview/build(month:today:inputs:)``.
public struct ReviewInputs: Sendable {
  public var objectives: [Objective]
  /// Every plan element, in plan order.
  public var elements: [PlanElement]
  /// Per element, the last status change effective before the month, plus every change
  /// effective in the month up to the review day.
  public var history: [StatusChange]
  /// Whether each element has any recorded history at all; elements with none (planned before
  /// history was kept) are taken to have held their current status throughout.
  public var elementsWithHistory: Set<String>
  /// Progress updates dated in the month.
  public var updates: [ProgressUpdate]
  /// Milestones completed in the month, due next month, or open and due by the review day.
  public var milestones: [Milestone]
  /// Meetings held on or before the review day that have actions open then, and the month's meetings.
  public var meetings: [Meeting]
  /// Actions recorded at those meetings.
  public var actions: [MeetingAction]
  /// Engagements dated in the month, counted by officeholder code.
  public var engagementsByWho: [String: Int]
  /// Engagements dated in the month, counted by area code.
  public var engagementsByArea: [String: Int]
  /// Engagements dated in the month, counted by linked objective id.
  public var engagementsByObjective: [String: Int]
  /// The configured areas, for names and order.
  public var areas: [Area]
  /// How the force names its offices (titles in the tally by officeholder).
  public var profile: ForceProfile = .standard

  public init(
    objectives: [Objective], elements: [PlanElement], history: [StatusChange] = [],
    elementsWithHistory: Set<String> = [], updates: [ProgressUpdate] = [], milestones: [Milestone] = [],
    meetings: [Meeting] = [], actions: [MeetingAction] = [], engagementsByWho: [String: Int] = [:],
    engagementsByArea: [String: Int] = [:], engagementsByObjective: [String: Int] = [:], areas: [Area] = []
  ) {
    self.objectives = objectives
    self.elements = elements
    self.history = history
    self.elementsWithHistory = elementsWithHistory
    self.updates = updates
    self.milestones = milestones
    self.meetings = meetings
    self.actions = actions
    self.engagementsByWho = engagementsByWho
    self.engagementsByArea = engagementsByArea
    self.engagementsByObjective = engagementsByObjective
    self.areas = areas
  }
}

extension MonthlyReview {
  /// The day a review of `month` describes: the month's last day, or `today` while it runs.
  ///
  /// Throws when the month has not begun.
  public static func asOf(month: YearMonth, today: LocalDate) throws(ValidationError) -> LocalDate {
    guard month.firstDay <= today else {
      throw ValidationError(field: "month", rule: "must not be after the current month (\(YearMonth(today)))")
    }
    return min(month.lastDay, today)
  }

  /// Applies the review rules to the month's records.
  ///
  /// - An element's standing at a day is its latest status change effective on or before that
  ///   day, with the RAG derived by ``PlanElement/derivedRAG(status:startDate:dueDate:on:)``
  ///   unless the change set an override. It "changed in the month" when its standing at the
  ///   end of the previous month differs from its standing on the review day.
  /// - Milestones: completed in the month; due next month and not completed by the review day;
  ///   overdue when due before the review day and not completed by it.
  /// - Elements of concern: at risk or off track, or rated amber or red, on the review day.
  /// - Open actions: from meetings on or before the review day, open on it, overdue first.
  public static func build(month: YearMonth, today: LocalDate, inputs: ReviewInputs) throws(ValidationError)
    -> MonthlyReview
  {
    let asOf = try asOf(month: month, today: today)
    let monthStart = month.firstDay
    let before = monthStart.adding(days: -1)
    let standings = PlanStandings(inputs)
    let historyByElement = standings.historyByElement
    let elementsByID = Dictionary(inputs.elements.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    let title = { (id: String) in elementsByID[id]?.title ?? id }
    func standing(of element: PlanElement, on day: LocalDate) -> Standing? { standings.standing(of: element, on: day) }

    var sections: [ObjectiveReview] = []
    for objective in inputs.objectives {
      var section = ObjectiveReview(
        objective: objective, engagementCount: inputs.engagementsByObjective[objective.id] ?? 0)
      let elements = inputs.elements.filter { $0.objectiveID == objective.id }
      let elementIDs = Set(elements.map(\.id))
      for element in elements {
        guard let now = standing(of: element, on: asOf) else { continue }
        let then = standing(of: element, on: before)
        if then != now {
          let inMonth = (historyByElement[element.id] ?? []).filter {
            $0.effectiveOn >= monthStart && $0.effectiveOn <= asOf
          }
          var changedOn = inMonth.last?.effectiveOn
          var notes = inMonth.flatMap { change in
            [change.note, change.ragOverride.map { "RAG set to \($0.rag.label): \($0.reason)" } ?? ""].filter {
              !$0.isEmpty
            }
          }
          // With no change recorded in the month, a date moved the RAG: say which, and when.
          if changedOn == nil {
            if let due = element.dueDate, due >= before, due < asOf {
              changedOn = due.adding(days: 1)
              notes.append("due date \(due) passed with the element still open")
            } else if let start = element.startDate, start >= before, start < asOf {
              changedOn = start.adding(days: 1)
              notes.append("start date \(start) passed with the element not started")
            }
          }
          section.changes.append(
            ElementChange(
              elementID: element.id, elementTitle: element.title, from: then, to: now,
              changedOn: changedOn ?? monthStart, notes: notes))
        }
        if now.status.isOfConcern || now.rag == .red || now.rag == .amber {
          section.elementsOfConcern.append(
            ElementStanding(
              elementID: element.id, title: element.title, standing: now, opccLead: element.opccLead,
              dueDate: element.dueDate))
        }
      }
      let position = Dictionary(elements.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
      section.updates =
        inputs.updates
        .filter { elementIDs.contains($0.elementID) && month.contains($0.date) && $0.date <= asOf }
        .sorted {
          ($0.date, position[$0.elementID] ?? 0, $0.recordedAt) < ($1.date, position[$1.elementID] ?? 0, $1.recordedAt)
        }
        .map { UpdateItem(update: $0, elementTitle: title($0.elementID)) }
      let milestones = inputs.milestones
        .filter { elementIDs.contains($0.elementID) }
        .sorted { ($0.dueDate, position[$0.elementID] ?? 0, $0.id) < ($1.dueDate, position[$1.elementID] ?? 0, $1.id) }
      let item = { (m: Milestone) in MilestoneItem(milestone: m, elementTitle: title(m.elementID)) }
      section.milestonesCompleted = milestones.filter { m in
        m.completedOn.map { month.contains($0) && $0 <= asOf } ?? false
      }.map(item)
      section.milestonesDueNextMonth = milestones.filter {
        month.next.contains($0.dueDate) && !$0.isCompleted(by: asOf)
      }
      .map(item)
      section.milestonesOverdue = milestones.filter { $0.isOverdue(on: asOf) }.map(item)
      sections.append(section)
    }

    let meetingsByID = Dictionary(inputs.meetings.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    let openActions =
      inputs.actions
      .compactMap { action -> ActionItem? in
        guard let meeting = meetingsByID[action.meetingID], meeting.date <= asOf, action.isOpen(on: asOf) else {
          return nil
        }
        return ActionItem(
          action: action, meetingDate: meeting.date, dueState: action.dueState(on: asOf, reviewing: month))
      }
      .sorted { a, b in
        let rank = { (item: ActionItem) in item.dueState == .overdue ? 0 : item.action.dueDate == nil ? 2 : 1 }
        return (rank(a), a.action.dueDate?.description ?? "", a.meetingDate, a.action.id.count, a.action.id)
          < (rank(b), b.action.dueDate?.description ?? "", b.meetingDate, b.action.id.count, b.action.id)
      }

    let whoOrder = Officeholder.known.map(\.rawValue)
    let byWho = inputs.engagementsByWho.filter { $0.value > 0 }.sorted {
      (whoOrder.firstIndex(of: $0.key) ?? whoOrder.count, $0.key) < (
        whoOrder.firstIndex(of: $1.key) ?? whoOrder.count, $1.key
      )
    }.map { Tally(code: $0.key, name: inputs.profile.title(of: Officeholder(rawValue: $0.key)), count: $0.value) }
    let areaOrder = inputs.areas.map(\.code)
    let byArea = inputs.engagementsByArea.filter { $0.value > 0 }.sorted {
      (areaOrder.firstIndex(of: $0.key) ?? areaOrder.count, $0.key) < (
        areaOrder.firstIndex(of: $1.key) ?? areaOrder.count, $1.key
      )
    }.map { entry in
      Tally(code: entry.key, name: inputs.areas.first { $0.code == entry.key }?.name ?? entry.key, count: entry.value)
    }

    return MonthlyReview(
      month: month, asOf: asOf, objectives: sections,
      engagements: EngagementActivity(total: inputs.engagementsByWho.values.reduce(0, +), byWho: byWho, byArea: byArea),
      openActions: openActions,
      meetings: inputs.meetings.filter { month.contains($0.date) && $0.date <= asOf }.sorted { $0.date < $1.date })
  }
}

/// Each plan element's standing (status and RAG) on a day, from the status history a review's
/// inputs hold: the one rule behind the review's "changed in the month" and the plan's RAG
/// counts month against month.
public struct PlanStandings: Sendable {
  /// Each element's status changes, oldest first.
  let historyByElement: [String: [StatusChange]]
  let elementsWithHistory: Set<String>

  public init(_ inputs: ReviewInputs) {
    historyByElement = Dictionary(grouping: inputs.history, by: \.elementID).mapValues { changes in
      changes.sorted { ($0.effectiveOn, $0.recordedAt) < ($1.effectiveOn, $1.recordedAt) }
    }
    elementsWithHistory = inputs.elementsWithHistory
  }

  /// The element's standing at the end of `day`: its latest status change effective on or
  /// before it, with the RAG derived from the dates unless the change set an override; its
  /// current status for an element with no recorded history; `nil` before its first change.
  public func standing(of element: PlanElement, on day: LocalDate) -> Standing? {
    guard elementsWithHistory.contains(element.id) else {
      return Standing(status: element.status, rag: element.rag(on: day), ragOverridden: element.ragOverride != nil)
    }
    guard let change = historyByElement[element.id]?.last(where: { $0.effectiveOn <= day }) else { return nil }
    let rag =
      change.ragOverride?.rag
      ?? PlanElement.derivedRAG(status: change.status, startDate: element.startDate, dueDate: element.dueDate, on: day)
    return Standing(status: change.status, rag: rag, ragOverridden: change.ragOverride != nil)
  }
}
