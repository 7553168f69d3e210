/// The changes to a meeting action; `nil` leaves a field as it is.
public struct ActionChanges: Sendable, Hashable {
  public var status: ActionStatus?
  public var owner: String?
  /// `.some(nil)` clears the due day.
  public var dueDate: LocalDate??
  public var note: String?
  /// The day it closed (with a status of done or dropped; the server's today unless given).
  public var closedOn: LocalDate?

  public init(
    status: ActionStatus? = nil, owner: String? = nil, dueDate: LocalDate?? = nil, note: String? = nil,
    closedOn: LocalDate? = nil
  ) {
    self.status = status
    self.owner = owner
    self.dueDate = dueDate
    self.note = note
    self.closedOn = closedOn
  }
}
