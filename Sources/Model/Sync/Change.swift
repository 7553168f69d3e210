public import Foundation

/// One entry of the server's change log, as a device receives it when pulling.
public struct Change: Sendable, Hashable {
  /// Position in the server's change log: strictly increasing, assigned by the server.
  public var cursor: Int64
  public var entityType: EntityType
  public var entityID: String
  public var operation: Operation
  /// State after the change; `nil` for a delete.
  public var payload: Payload?
  /// When the server applied it, by the server's clock.
  public var changedAt: Date
  /// An engagement upsert by the pulling device, stored exactly as the device sent it: the
  /// payload is left out (the device asked for that and holds the state already).
  public var payloadOmitted: Bool
  /// Set on the change that removed personal text from the engagement (an erasure, a
  /// retention period, a rectification): its payload is the engagement as it is now, and the
  /// device applies the same redaction to every copy of the engagement it holds.
  public var redaction: Redaction?

  /// The entity's state after a change.
  public enum Payload: Sendable, Hashable {
    case engagement(Engagement)
    case objective(Objective)
    case element(PlanElement)
    case area(Area)
    case conflict(Conflict)
  }

  public init(
    cursor: Int64, entityType: EntityType, entityID: String, operation: Operation,
    payload: Payload?, changedAt: Date, payloadOmitted: Bool = false, redaction: Redaction? = nil
  ) {
    self.payloadOmitted = payloadOmitted
    self.redaction = redaction
    self.cursor = cursor
    self.entityType = entityType
    self.entityID = entityID
    self.operation = operation
    self.payload = payload
    self.changedAt = changedAt
  }
}
