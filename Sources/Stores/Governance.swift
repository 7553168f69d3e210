public import Foundation
public import Model

/// The monthly governance review's records: element status and RAG history, milestones,
/// progress updates, meetings and their actions. Server only.
///
/// Every member runs inside the caller's transaction (``ServerStore`` or ``DeviceStore``).
public protocol GovernanceStore {
  /// Appends to an element's status history (the table refuses updates and deletes).
  func appendStatusChange(_ c: StatusChange) throws

  /// The number the next milestone of an element takes (its id is `<element>-M<number>`).
  func nextMilestoneNumber(elementID: String) throws -> Int

  func saveMilestone(_ m: Milestone, number: Int) throws

  func saveProgressUpdate(_ u: ProgressUpdate) throws

  /// A free meeting id for a day: the date, then `-2`, `-3`, … for further meetings that day.
  func nextMeetingID(on date: LocalDate) throws -> String

  func saveMeeting(_ m: Meeting, recordedAt: Date) throws

  /// Stores a new action under the next id (`A1`, `A2`, …) and returns it with that id.
  func insertAction(_ a: MeetingAction) throws -> MeetingAction

  func updateAction(_ a: MeetingAction) throws

  /// An element's status history, oldest first (by effective day, then as recorded).
  func statusHistory(elementID: String) throws -> [StatusChange]

  /// The status an element held on a day by its history, or `nil` when its history starts later.
  func historicStatus(elementID: String, on day: LocalDate) throws -> ElementStatus?

  /// The latest entry of an element's history by effective day (what its status is now).
  func currentStatusChange(elementID: String) throws -> StatusChange?

  func milestone(id: String) throws -> Milestone?

  /// Milestones of one element (or all), by due date.
  func milestones(elementID: String?) throws -> [Milestone]

  /// Progress updates, newest first, optionally of one element and one month.
  func progressUpdates(elementID: String?, month: YearMonth?, limit: Int) throws -> [ProgressUpdate]

  func meeting(id: String) throws -> Meeting?

  /// Every meeting, newest first.
  func meetings() throws -> [Meeting]

  func action(id: String) throws -> MeetingAction?

  /// Actions in the order they were recorded, optionally of one status and one owner.
  func actions(status: ActionStatus?, owner: String?) throws -> [MeetingAction]

  /// Fetches what the review of `month` needs, as at `asOf`, with one indexed query per part.
  func reviewInputs(month: YearMonth, asOf: LocalDate) throws -> ReviewInputs
}

/// The calls that leave trailing settings at their usual values.
extension GovernanceStore {
  public func milestones() throws -> [Milestone] {
    try milestones(elementID: nil)
  }

  public func progressUpdates(month: YearMonth?, limit: Int) throws -> [ProgressUpdate] {
    try progressUpdates(elementID: nil, month: month, limit: limit)
  }

  public func progressUpdates(elementID: String?, limit: Int) throws -> [ProgressUpdate] {
    try progressUpdates(elementID: elementID, month: nil, limit: limit)
  }

  public func progressUpdates(elementID: String?, month: YearMonth?) throws -> [ProgressUpdate] {
    try progressUpdates(elementID: elementID, month: month, limit: 100)
  }

  public func progressUpdates(limit: Int) throws -> [ProgressUpdate] {
    try progressUpdates(elementID: nil, month: nil, limit: limit)
  }

  public func progressUpdates(month: YearMonth?) throws -> [ProgressUpdate] {
    try progressUpdates(elementID: nil, month: month, limit: 100)
  }

  public func progressUpdates(elementID: String?) throws -> [ProgressUpdate] {
    try progressUpdates(elementID: elementID, month: nil, limit: 100)
  }

  public func progressUpdates() throws -> [ProgressUpdate] {
    try progressUpdates(elementID: nil, month: nil, limit: 100)
  }

  public func actions(owner: String?) throws -> [MeetingAction] {
    try actions(status: nil, owner: owner)
  }

  public func actions(status: ActionStatus?) throws -> [MeetingAction] {
    try actions(status: status, owner: nil)
  }

  public func actions() throws -> [MeetingAction] {
    try actions(status: nil, owner: nil)
  }
}
