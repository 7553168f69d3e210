/// The changes to a plan element's details; `nil` leaves a field as it is.
public struct ElementChanges: Sendable, Hashable {
  public var title: String?
  public var description: String?
  public var opccLead: String?
  public var forceLead: String?
  /// `.some(nil)` clears the day.
  public var startDate: LocalDate??
  /// `.some(nil)` clears the day.
  public var dueDate: LocalDate??
  /// Moves the element to another objective (placed last there).
  public var objectiveID: String?

  public init(
    title: String? = nil, description: String? = nil, opccLead: String? = nil, forceLead: String? = nil,
    startDate: LocalDate?? = nil, dueDate: LocalDate?? = nil, objectiveID: String? = nil
  ) {
    self.title = title
    self.description = description
    self.opccLead = opccLead
    self.forceLead = forceLead
    self.startDate = startDate
    self.dueDate = dueDate
    self.objectiveID = objectiveID
  }
}
