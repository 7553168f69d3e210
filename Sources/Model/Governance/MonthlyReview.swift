import Foundation

/// What the monthly governance meeting scrutinises: for one month, per objective, what moved,
/// what slipped and what is due, then the month's engagements and the open actions.
///
/// Built from stored records by ``MonthlyReview/build(month:today:inputs:)``; every entry
/// can be traced to a record (a status change, a progress update, a milestone, an action).
public struct MonthlyReview: Sendable, Hashable, Codable {
  public var month: YearMonth
  /// The day the review describes the plan as at: the month's last day, or today while the
  /// month is still running.
  public var asOf: LocalDate
  public var objectives: [ObjectiveReview]
  public var engagements: EngagementActivity
  /// Actions of meetings held on or before ``asOf`` that were still open then; overdue first.
  public var openActions: [ActionItem]
  /// Governance meetings held in the month.
  public var meetings: [Meeting]

  public init(
    month: YearMonth, asOf: LocalDate, objectives: [ObjectiveReview], engagements: EngagementActivity,
    openActions: [ActionItem], meetings: [Meeting]
  ) {
    self.month = month
    self.asOf = asOf
    self.objectives = objectives
    self.engagements = engagements
    self.openActions = openActions
    self.meetings = meetings
  }
}

/// One objective's part of the review.
public struct ObjectiveReview: Sendable, Hashable, Codable {
  public var objective: Objective
  /// Elements whose status or RAG changed in the month, in plan order.
  public var changes: [ElementChange]
  /// Progress updates dated in the month, by date then plan order.
  public var updates: [UpdateItem]
  public var milestonesCompleted: [MilestoneItem]
  public var milestonesDueNextMonth: [MilestoneItem]
  /// Open milestones whose due date had passed by ``MonthlyReview/asOf``.
  public var milestonesOverdue: [MilestoneItem]
  /// Elements at risk or off track (or rated amber or red) as at the review day.
  public var elementsOfConcern: [ElementStanding]
  /// Engagements in the month linked to the objective.
  public var engagementCount: Int

  public init(
    objective: Objective, changes: [ElementChange] = [], updates: [UpdateItem] = [],
    milestonesCompleted: [MilestoneItem] = [], milestonesDueNextMonth: [MilestoneItem] = [],
    milestonesOverdue: [MilestoneItem] = [], elementsOfConcern: [ElementStanding] = [], engagementCount: Int = 0
  ) {
    self.objective = objective
    self.changes = changes
    self.updates = updates
    self.milestonesCompleted = milestonesCompleted
    self.milestonesDueNextMonth = milestonesDueNextMonth
    self.milestonesOverdue = milestonesOverdue
    self.elementsOfConcern = elementsOfConcern
    self.engagementCount = engagementCount
  }

  /// True when nothing at all happened under the objective in the month.
  public var isQuiet: Bool {
    changes.isEmpty && updates.isEmpty && milestonesCompleted.isEmpty && milestonesDueNextMonth.isEmpty
      && milestonesOverdue.isEmpty && elementsOfConcern.isEmpty && engagementCount == 0
  }
}

/// An element's status and RAG at one moment.
public struct Standing: Sendable, Hashable, Codable {
  public var status: ElementStatus
  public var rag: RAG?
  /// The RAG was set by hand (see ``PlanElement/ragOverride``).
  public var ragOverridden: Bool

  public init(status: ElementStatus, rag: RAG?, ragOverridden: Bool = false) {
    self.status = status
    self.rag = rag
    self.ragOverridden = ragOverridden
  }
}

/// A plan element whose standing moved in the month: from what, to what, when and why.
public struct ElementChange: Sendable, Hashable, Codable {
  public var elementID: String
  public var elementTitle: String
  /// Standing at the end of the previous month; `nil` for an element added in the month.
  public var from: Standing?
  public var to: Standing
  /// Day of the last recorded change in the month; for a RAG that turned red because the due
  /// date passed, the day after the due date.
  public var changedOn: LocalDate
  /// The notes and override reasons recorded with the month's changes, oldest first.
  public var notes: [String]

  public init(
    elementID: String, elementTitle: String, from: Standing?, to: Standing, changedOn: LocalDate, notes: [String]
  ) {
    self.elementID = elementID
    self.elementTitle = elementTitle
    self.from = from
    self.to = to
    self.changedOn = changedOn
    self.notes = notes
  }
}

/// A progress update with the title of its element.
public struct UpdateItem: Sendable, Hashable, Codable {
  public var update: ProgressUpdate
  public var elementTitle: String

  public init(update: ProgressUpdate, elementTitle: String) {
    self.update = update
    self.elementTitle = elementTitle
  }
}

/// A milestone with the title of its element.
public struct MilestoneItem: Sendable, Hashable, Codable {
  public var milestone: Milestone
  public var elementTitle: String

  public init(milestone: Milestone, elementTitle: String) {
    self.milestone = milestone
    self.elementTitle = elementTitle
  }
}

/// An element and its standing on the review day.
public struct ElementStanding: Sendable, Hashable, Codable {
  public var elementID: String
  public var title: String
  public var standing: Standing
  public var opccLead: String
  public var dueDate: LocalDate?

  public init(elementID: String, title: String, standing: Standing, opccLead: String, dueDate: LocalDate?) {
    self.elementID = elementID
    self.title = title
    self.standing = standing
    self.opccLead = opccLead
    self.dueDate = dueDate
  }
}

/// The month's engagements, counted.
public struct EngagementActivity: Sendable, Hashable, Codable {
  public var total: Int
  /// By officeholder, in the order PCC, DPCC, APCC, then any other code; zero counts left out.
  public var byWho: [Tally]
  /// By area, in the configured area order; zero counts left out.
  public var byArea: [Tally]

  public init(total: Int, byWho: [Tally], byArea: [Tally]) {
    self.total = total
    self.byWho = byWho
    self.byArea = byArea
  }
}

/// A count under a code and its display name.
public struct Tally: Sendable, Hashable, Codable {
  public var code: String
  public var name: String
  public var count: Int

  public init(code: String, name: String, count: Int) {
    self.code = code
    self.name = name
    self.count = count
  }
}

/// An open action with the meeting it came from and where it stands against its due date.
public struct ActionItem: Sendable, Hashable, Codable {
  public var action: MeetingAction
  public var meetingDate: LocalDate
  public var dueState: ActionDueState

  public init(action: MeetingAction, meetingDate: LocalDate, dueState: ActionDueState) {
    self.action = action
    self.meetingDate = meetingDate
    self.dueState = dueState
  }
}
