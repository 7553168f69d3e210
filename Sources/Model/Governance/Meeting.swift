import Foundation

/// A monthly governance meeting: who attended, what was decided, which actions came out of it.
public struct Meeting: Sendable, Hashable, Codable, Identifiable {
  /// Assigned by the server from the date, e.g. `2022-09-14` (`2022-09-14-2` for a second one that day).
  public var id: String
  public var date: LocalDate
  public var title: String
  public var attendees: [String]
  public var decisions: [String]
  public var notes: String
  /// Who recorded it.
  public var recordedBy: String

  public init(
    id: String = "", date: LocalDate, title: String = "Monthly governance meeting", attendees: [String] = [],
    decisions: [String] = [], notes: String = "", recordedBy: String = ""
  ) {
    self.id = id
    self.date = date
    self.title = title
    self.attendees = attendees
    self.decisions = decisions
    self.notes = notes
    self.recordedBy = recordedBy
  }
}

/// An action agreed at a meeting, owned by one person, followed until it is done.
public struct MeetingAction: Sendable, Hashable, Codable, Identifiable {
  /// Assigned by the server, `A1`, `A2`, … in the order actions are recorded.
  public var id: String
  public var meetingID: String
  public var text: String
  public var owner: String
  public var dueDate: LocalDate?
  public var status: ActionStatus
  /// Day it was closed (done or dropped); `nil` while open.
  public var closedOn: LocalDate?
  /// Plan element it concerns, if any.
  public var elementID: String?
  /// The latest note on progress or closure.
  public var note: String

  public init(
    id: String = "", meetingID: String = "", text: String, owner: String, dueDate: LocalDate? = nil,
    status: ActionStatus = .open, closedOn: LocalDate? = nil, elementID: String? = nil, note: String = ""
  ) {
    self.id = id
    self.meetingID = meetingID
    self.text = text
    self.owner = owner
    self.dueDate = dueDate
    self.status = status
    self.closedOn = closedOn
    self.elementID = elementID
    self.note = note
  }

  /// Whether the action was still open at the end of `day`.
  public func isOpen(on day: LocalDate) -> Bool {
    status == .open || (closedOn.map { $0 > day } ?? false)
  }

  /// Where an action open on `day` stands against its due date, for a review of `month`.
  public func dueState(on day: LocalDate, reviewing month: YearMonth) -> ActionDueState {
    guard isOpen(on: day) else { return .closed }
    guard let dueDate else { return .noDueDate }
    if dueDate < day { return .overdue }
    if month.contains(dueDate) || month.next.contains(dueDate) { return .dueSoon }
    return .notYetDue
  }
}

/// Whether an action is still being worked on.
public struct ActionStatus: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  public static let open = ActionStatus(rawValue: "open")
  public static let done = ActionStatus(rawValue: "done")
  public static let dropped = ActionStatus(rawValue: "dropped")

  public static let known: [ActionStatus] = [.open, .done, .dropped]
  public static let fieldName = "status"
}

/// An open action against its due date, as the review reports it.
public enum ActionDueState: String, Sendable, Hashable, Codable {
  /// Its due date has passed.
  case overdue
  /// Due in the month reviewed or the next one.
  case dueSoon = "due-soon"
  /// Due after next month.
  case notYetDue = "not-yet-due"
  /// No due date was set.
  case noDueDate = "no-due-date"
  /// Done or dropped.
  case closed
}
