public import Foundation
public import Model

/// The engagement table, on the server and on every device: live rows, tombstones and each
/// field's stamp (who last wrote it, when by the hybrid clock).
///
/// Every member runs inside the caller's transaction (``ServerStore`` or ``DeviceStore``).
public protocol EngagementStore {
  /// Inserts or replaces an engagement, clearing any tombstone.
  func saveEngagement(_ e: Engagement) throws

  /// Marks an engagement deleted, keeping its row as a tombstone. Returns whether it existed.
  @discardableResult
  func tombstoneEngagement(id: UUID, at time: Date) throws -> Bool

  /// The live engagement with this id, or `nil` when absent or deleted.
  func engagement(id: UUID) throws -> Engagement?

  /// Whether any row, live or tombstone, has this id.
  func engagementExists(id: UUID, includingDeleted: Bool) throws -> Bool

  /// Those of `ids` (lower-case text) that have a row, live or tombstone: one query for a
  /// whole push batch.
  func storedEngagementIDs(among ids: [String]) throws -> Set<String>

  /// Ids of live engagements starting with `prefix` (for short ids typed by users), at most `limit`.
  func engagementIDs(withPrefix prefix: String, limit: Int) throws -> [String]

  /// Live engagements matching `query`, newest first (by date, then id), after an optional
  /// keyset position, at most `limit` (all when `nil`).
  func engagements(matching query: EngagementQuery, after position: EngagementPosition?, limit: Int?) throws
    -> [Engagement]

  /// Number of live engagements matching `query`.
  func engagementCount(matching query: EngagementQuery) throws -> Int

  /// Counts of live engagements matching `query` by who, area, kind and month.
  func engagementSummary(matching query: EngagementQuery) throws -> EngagementSummary

  /// The stamps of an engagement's fields, by field name (`deleted` for the delete).
  func fieldStamps(engagementID: UUID) throws -> [String: FieldStamp]

  func saveFieldStamp(engagementID: UUID, field: String, _ s: FieldStamp) throws

  /// The engagement with this id whether live or deleted, with when it was deleted.
  func engagementIncludingDeleted(id: UUID) throws -> (engagement: Engagement, deletedAt: Date?)?
}

/// The calls that leave trailing settings at their usual values.
extension EngagementStore {
  public func engagementIDs(withPrefix prefix: String) throws -> [String] {
    try engagementIDs(withPrefix: prefix, limit: 2)
  }

  public func engagements(matching query: EngagementQuery, limit: Int?) throws -> [Engagement] {
    try engagements(matching: query, after: nil, limit: limit)
  }

  public func engagements(matching query: EngagementQuery, after position: EngagementPosition?) throws -> [Engagement] {
    try engagements(matching: query, after: position, limit: nil)
  }

  public func engagements(matching query: EngagementQuery) throws -> [Engagement] {
    try engagements(matching: query, after: nil, limit: nil)
  }
}

/// Conflict records: an edit that lost to a later one, kept for a person to resolve.
///
/// Every member runs inside the caller's transaction (``ServerStore`` or ``DeviceStore``).
public protocol ConflictStore {
  /// Inserts or replaces a conflict record.
  func saveConflict(_ c: Conflict) throws

  func conflict(id: UUID) throws -> Conflict?

  /// Conflict records, newest first: unresolved only unless `includeResolved`, of one
  /// engagement when given.
  func conflicts(engagementID: UUID?, includeResolved: Bool, limit: Int) throws -> [Conflict]

  func unresolvedConflictCount() throws -> Int

  /// Ids of conflicts starting with `prefix`, at most `limit`.
  func conflictIDs(withPrefix prefix: String, limit: Int) throws -> [String]
}

/// The calls that leave trailing settings at their usual values.
extension ConflictStore {
  public func conflicts(includeResolved: Bool, limit: Int) throws -> [Conflict] {
    try conflicts(engagementID: nil, includeResolved: includeResolved, limit: limit)
  }

  public func conflicts(engagementID: UUID?, limit: Int) throws -> [Conflict] {
    try conflicts(engagementID: engagementID, includeResolved: false, limit: limit)
  }

  public func conflicts(engagementID: UUID?, includeResolved: Bool) throws -> [Conflict] {
    try conflicts(engagementID: engagementID, includeResolved: includeResolved, limit: 1000)
  }

  public func conflicts(limit: Int) throws -> [Conflict] {
    try conflicts(engagementID: nil, includeResolved: false, limit: limit)
  }

  public func conflicts(includeResolved: Bool) throws -> [Conflict] {
    try conflicts(engagementID: nil, includeResolved: includeResolved, limit: 1000)
  }

  public func conflicts(engagementID: UUID?) throws -> [Conflict] {
    try conflicts(engagementID: engagementID, includeResolved: false, limit: 1000)
  }

  public func conflicts() throws -> [Conflict] {
    try conflicts(engagementID: nil, includeResolved: false, limit: 1000)
  }

  public func conflictIDs(withPrefix prefix: String) throws -> [String] {
    try conflictIDs(withPrefix: prefix, limit: 2)
  }
}
