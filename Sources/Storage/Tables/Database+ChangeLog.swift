import Foundation
import GRDB
import Model

/// The server's change log: every write appends one row in its own transaction, and devices
/// pull it in cursor order.
extension Database {
  /// Appends a change and returns its cursor.
  public func appendChange(
    _ type: EntityType, id: String, operation: Model.Operation, payload: Change.Payload?,
    at time: Date, mutationID: UUID? = nil, deviceID: String? = nil
  ) throws -> Int64 {
    try appendChange(
      type, id: id, operation: operation, payloadJSON: try payload.map(Self.entityJSON), at: time,
      mutationID: mutationID, deviceID: deviceID)
  }

  /// Appends an engagement's upsert and returns its cursor and the SHA-256 (hex) of the JSON
  /// logged, written once for both (the audit trail's digest is of the same text).
  public func appendEngagementChange(
    _ engagement: Engagement, at time: Date, mutationID: UUID?, deviceID: String?
  ) throws -> (cursor: Int64, digest: String) {
    let json = EngagementJSON.encode(engagement)
    let cursor = try appendChange(
      .engagement, id: engagement.id.storageKey, operation: .upsert, payloadJSON: json, at: time,
      mutationID: mutationID, deviceID: deviceID)
    return (cursor, AuditEntry.digest(ofJSON: json))
  }

  private func appendChange(
    _ type: EntityType, id: String, operation: Model.Operation, payloadJSON: String?,
    at time: Date, mutationID: UUID?, deviceID: String?
  ) throws -> Int64 {
    try executeCached(
      sql: """
        INSERT INTO change_log (entity_type, entity_id, operation, payload, changed_at_ms, mutation_id, device_id)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        type.rawValue, id, operation.rawValue, payloadJSON, time.millisecondsSince1970, mutationID?.storageKey,
        deviceID,
      ])
    return lastInsertedRowID
  }

  /// Changes with a cursor greater than `cursor`, in cursor order, at most `limit`.
  public func changes(after cursor: Int64, limit: Int) throws -> [Change] {
    try mapRows(
      cachedStatement(sql: "SELECT * FROM change_log WHERE cursor > ? ORDER BY cursor LIMIT ?"),
      arguments: [cursor, limit]
    ) { row in
      let typeText: String = row["entity_type"]
      let operationText: String = row["operation"]
      guard let type = EntityType(rawValue: typeText), let operation = Model.Operation(rawValue: operationText)
      else { throw StorageError(.corrupt, "change \(row["cursor"] as Int64) has an unknown type or operation") }
      return Change(
        cursor: row["cursor"], entityType: type, entityID: row["entity_id"], operation: operation,
        payload: try (row["payload"] as String?).map { try Self.payload(type, fromJSON: $0) },
        changedAt: Date(millisecondsSince1970: row["changed_at_ms"]))
    }
  }

  /// The entity itself as JSON: the `entity_type` column says what it is.
  private static func entityJSON(_ payload: Change.Payload) throws -> String {
    switch payload {
    case .engagement(let value): EngagementJSON.encode(value)
    case .objective(let value): try JSONText.encode(value)
    case .element(let value): try JSONText.encode(value)
    case .area(let value): try JSONText.encode(value)
    case .conflict(let value): try JSONText.encode(value)
    }
  }

  private static func payload(_ type: EntityType, fromJSON text: String) throws -> Change.Payload {
    switch type {
    case .engagement: .engagement(try EngagementJSON.decode(text) ?? JSONText.decode(text))
    case .objective: .objective(try JSONText.decode(text))
    case .element: .element(try JSONText.decode(text))
    case .area: .area(try JSONText.decode(text))
    case .conflict: .conflict(try JSONText.decode(text))
    }
  }

  /// The newest cursor, or 0 for an empty log.
  public func headCursor() throws -> Int64 {
    try Int64.fetchOne(self, sql: "SELECT MAX(cursor) FROM change_log") ?? 0
  }

  // MARK: - Applied mutations

  /// The cursor a mutation was applied at, or `nil` if it never was.
  public func appliedCursor(mutationID: UUID) throws -> Int64? {
    try Int64.fetchOne(
      cachedStatement(sql: "SELECT cursor FROM applied_mutation WHERE mutation_id = ?"), arguments: [mutationID.storageKey])
  }

  /// The cursors the given mutations were applied at, for those that ever were: one query
  /// for a whole push batch instead of one per mutation.
  public func appliedCursors(mutationIDs: [UUID]) throws -> [UUID: Int64] {
    var cursors: [UUID: Int64] = [:]
    for chunk in mutationIDs.chunked(Self.maxParameters) {
      let rows = try Row.fetchCursor(
        self, sql: "SELECT mutation_id, cursor FROM applied_mutation WHERE mutation_id IN (\(Self.placeholders(chunk.count)))",
        arguments: StatementArguments(chunk.map(\.storageKey)))
      while let row = try rows.next() {
        guard let id = UUID(text: row[0]) else { continue }
        cursors[id] = row[1]
      }
    }
    return cursors
  }

  public func recordApplied(mutationID: UUID, deviceID: String, cursor: Int64, at time: Date) throws {
    try executeCached(
      sql: "INSERT INTO applied_mutation (mutation_id, device_id, cursor, applied_at_ms) VALUES (?, ?, ?, ?)",
      arguments: [mutationID.storageKey, deviceID, cursor, time.millisecondsSince1970])
  }
}
