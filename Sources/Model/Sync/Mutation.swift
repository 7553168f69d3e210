public import Foundation

/// Kind of entity that a mutation or change is about.
public enum EntityType: String, Sendable, Hashable, Codable, CaseIterable {
  case engagement
  case objective
  case element
  case area
  /// A conflict record: devices send only its resolution.
  case conflict
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
  /// The fields this edit changed; the server applies only these. Empty for a new
  /// engagement (every field is new).
  public var changedFields: [Engagement.Field]
  /// Cursor of the last server change of this entity the device had applied when the edit
  /// was made (0 if none): what the edit was made on top of. A change after it by another
  /// device was not seen, so the two are concurrent.
  public var baseCursor: Int64
  /// The device's clock reading for the edit, used only to pick between concurrent edits.
  public var hlc: HLC?
  /// For a conflict: how it was resolved.
  public var resolution: Conflict.Resolution?
  /// When the device recorded it, by its own clock (informational, never used to order).
  public var recordedAt: Date
  public var recordedBy: String
  /// How long before the push the change was made, by the device's monotonic clock; `nil`
  /// when unknown (the device restarted since, or an older device). Set when it is sent.
  public var ageMillis: Int64?
  /// The change's place in the sequence of this device's changes (its outbox position); 0
  /// when not sent. Set when it is sent.
  public var deviceSeq: Int64 = 0

  public init(
    id: UUID = UUID(), entityType: EntityType, entityID: String, operation: Operation,
    engagement: Engagement?, changedFields: [Engagement.Field] = [], baseCursor: Int64 = 0, hlc: HLC? = nil,
    resolution: Conflict.Resolution? = nil, recordedAt: Date, recordedBy: String
  ) {
    self.id = id
    self.entityType = entityType
    self.entityID = entityID
    self.operation = operation
    self.engagement = engagement
    self.changedFields = changedFields
    self.baseCursor = baseCursor
    self.hlc = hlc
    self.resolution = resolution
    self.recordedAt = recordedAt
    self.recordedBy = recordedBy
  }

  /// An upsert of an engagement: a new one (`changed` empty) or an edit of the given fields.
  public static func upsert(
    _ engagement: Engagement, changed: [Engagement.Field] = [], base: Int64 = 0, hlc: HLC? = nil, by user: String,
    at time: Date
  ) -> Mutation {
    Mutation(
      entityType: .engagement, entityID: engagement.id.lowercaseText, operation: .upsert,
      engagement: engagement, changedFields: changed, baseCursor: base, hlc: hlc, recordedAt: time, recordedBy: user)
  }

  /// A delete of an engagement.
  public static func delete(engagement id: UUID, base: Int64 = 0, hlc: HLC? = nil, by user: String, at time: Date)
    -> Mutation
  {
    Mutation(
      entityType: .engagement, entityID: id.lowercaseText, operation: .delete,
      engagement: nil, baseCursor: base, hlc: hlc, recordedAt: time, recordedBy: user)
  }

  /// The resolution of a conflict.
  public static func resolve(
    conflict id: UUID, as resolution: Conflict.Resolution, hlc: HLC? = nil, by user: String, at time: Date
  ) -> Mutation {
    Mutation(
      entityType: .conflict, entityID: id.lowercaseText, operation: .upsert, engagement: nil, hlc: hlc,
      resolution: resolution, recordedAt: time, recordedBy: user)
  }

  /// Whether this upsert is a whole new engagement rather than an edit of some fields.
  public var isCreation: Bool { operation == .upsert && changedFields.isEmpty }

  /// The state of an engagement after this mutation is applied over `base` (`nil`: absent),
  /// as the device shows it while the mutation waits: an edit's fields over the base, a new
  /// engagement as it is, a delete as `nil`. A change to another entity leaves `base`.
  public func applied(to base: Engagement?) -> Engagement? {
    guard entityType == .engagement else { return base }
    switch operation {
    case .delete: return nil
    case .upsert:
      guard let engagement else { return base }
      guard var merged = base, !changedFields.isEmpty else { return engagement }
      for field in changedFields { merged.take(field, from: engagement) }
      merged.updatedBy = engagement.updatedBy
      merged.updatedAt = engagement.updatedAt
      return merged
    }
  }
}
