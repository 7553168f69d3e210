import Foundation

/// Kind of entity that a mutation or change is about.
public enum EntityType: String, Sendable, Hashable, Codable, CaseIterable {
  case engagement
  case objective
  case element
  case area
}

/// What a mutation or change does to its entity.
public enum Operation: String, Sendable, Hashable, Codable {
  /// Create the entity, or replace it with the payload.
  case upsert
  /// Delete the entity, leaving a tombstone.
  case delete
}

/// One change made on a field device, queued until the server acknowledges it.
///
/// `id` is made when the change is recorded and is the idempotency key: the server
/// remembers it, so sending the same mutation twice applies it once.
public struct Mutation: Sendable, Hashable, Codable, Identifiable {
  public var id: UUID
  public var entityType: EntityType
  public var entityID: String
  public var operation: Operation
  /// The engagement's full new state, for an upsert of an engagement.
  public var engagement: Engagement?
  /// When the device recorded it, by its own clock (informational, never used to order).
  public var recordedAt: Date
  public var recordedBy: String

  public init(
    id: UUID = UUID(), entityType: EntityType, entityID: String, operation: Operation,
    engagement: Engagement?, recordedAt: Date, recordedBy: String
  ) {
    self.id = id
    self.entityType = entityType
    self.entityID = entityID
    self.operation = operation
    self.engagement = engagement
    self.recordedAt = recordedAt
    self.recordedBy = recordedBy
  }

  /// An upsert carrying an engagement's full state.
  public static func upsert(_ engagement: Engagement, by user: String, at time: Date) -> Mutation {
    Mutation(
      entityType: .engagement, entityID: engagement.id.uuidString.lowercased(), operation: .upsert,
      engagement: engagement, recordedAt: time, recordedBy: user)
  }

  /// A delete of an engagement.
  public static func delete(engagement id: UUID, by user: String, at time: Date) -> Mutation {
    Mutation(
      entityType: .engagement, entityID: id.uuidString.lowercased(), operation: .delete,
      engagement: nil, recordedAt: time, recordedBy: user)
  }
}
