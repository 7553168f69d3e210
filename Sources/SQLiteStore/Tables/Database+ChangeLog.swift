public import Foundation
public import GRDB
public import Model
public import Stores

/// The server's change log: every write appends one row in its own transaction, and devices
/// pull it in cursor order.
extension Database {
  /// Appends a change and returns its cursor.
  public func appendChange(
    _ type: EntityType, id: String, operation: Model.Operation, payload: Change.Payload?,
    at time: Date, mutationID: UUID? = nil, deviceID: String? = nil
  ) throws -> Int64 {
    try appendChange(
      type, id: id, operation: operation, payloadJSON: try payload.map(ChangePayloadJSON.encode), at: time,
      mutationID: mutationID, deviceID: deviceID)
  }

  /// Appends an engagement's upsert and returns its cursor and the SHA-256 (hex) of the JSON
  /// logged, written once for both (the audit trail's digest is of the same text).
  /// `asSent`: the engagement is stored exactly as the device `deviceID` sent it.
  /// `written`: the same engagement's JSON made beforehand (used only if it is of an equal
  /// engagement).
  public func appendEngagementChange(
    _ engagement: Engagement, at time: Date, mutationID: UUID?, deviceID: String?, asSent: Bool = false,
    written: LoggedEngagement? = nil
  ) throws -> (cursor: Int64, digest: String) {
    let logged = written.flatMap { $0.engagement == engagement ? $0 : nil } ?? LoggedEngagement(engagement)
    let cursor = try appendChange(
      .engagement, id: engagement.id.storageKey, operation: .upsert, payloadJSON: logged.json, at: time,
      mutationID: mutationID, deviceID: deviceID, asSent: asSent)
    return (cursor, logged.digest)
  }

  private func appendChange(
    _ type: EntityType, id: String, operation: Model.Operation, payloadJSON: String?,
    at time: Date, mutationID: UUID?, deviceID: String?, asSent: Bool = false
  ) throws -> Int64 {
    try executeCached(
      sql: """
        INSERT INTO change_log (entity_type, entity_id, operation, payload, changed_at_ms, mutation_id, device_id, as_sent)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        type.rawValue, id, operation.rawValue, payloadJSON, time.millisecondsSince1970, mutationID?.storageKey,
        deviceID, asSent,
      ])
    return lastInsertedRowID
  }

  /// Changes with a cursor greater than `cursor`, in cursor order, at most `limit`. The
  /// changes of device `omittingAsSentOf` stored as it sent them come without their payload
  /// (not even read), marked `payloadOmitted`.
  public func changes(after cursor: Int64, limit: Int, omittingAsSentOf deviceID: String? = nil) throws -> [Change] {
    try mapRows(
      cachedStatement(
        sql: """
          SELECT cursor, entity_type, entity_id, operation,
                 CASE WHEN as_sent = 1 AND device_id = ?3 THEN NULL ELSE payload END,
                 changed_at_ms, COALESCE(as_sent = 1 AND device_id = ?3, 0), redaction
          FROM change_log WHERE cursor > ?1 ORDER BY cursor LIMIT ?2
          """),
      arguments: [cursor, limit, deviceID]
    ) { row in
      let typeText: String = row[1]
      let operationText: String = row[3]
      guard let type = EntityType(rawValue: typeText), let operation = Model.Operation(rawValue: operationText)
      else { throw StorageError(.corrupt, "change \(row[0] as Int64) has an unknown type or operation") }
      return Change(
        cursor: row[0], entityType: type, entityID: row[2], operation: operation,
        payload: try (row[4] as String?).map { try ChangePayloadJSON.decode(type, $0) },
        changedAt: Date(millisecondsSince1970: row[5]), payloadOmitted: row[6],
        redaction: try (row[7] as String?).map { try JSONText.decode($0) as Redaction })
    }
  }

  /// The newest cursor, or 0 for an empty log.
  public func headCursor() throws -> Int64 {
    try Int64.fetchOne(self, sql: "SELECT MAX(cursor) FROM change_log") ?? 0
  }

  /// The highest cursor this server has ever given out: past the head when the newest
  /// changes were purged tombstones, or after a restore's fence. No device can hold a cursor
  /// beyond it unless it synced with another history (a newer copy of this server).
  public func issuedThrough() throws -> Int64 {
    let sequence = try Int64.fetchOne(self, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'change_log'") ?? 0
    return max(sequence, try headCursor())
  }

  // MARK: - Applied mutations

  /// The cursor a mutation was applied at, or `nil` if it never was.
  public func appliedCursor(mutationID: UUID) throws -> Int64? {
    try Int64.fetchOne(
      cachedStatement(sql: "SELECT cursor FROM applied_mutation WHERE mutation_id = ?"),
      arguments: [mutationID.storageKey])
  }

  /// The cursors the given mutations were applied at, for those that ever were, and whether
  /// the change at that cursor is the mutation's own, stored as sent: one query for a whole
  /// push batch instead of one per mutation.
  public func appliedCursors(mutationIDs: [UUID]) throws -> [UUID: (cursor: Int64, asSent: Bool)] {
    var cursors: [UUID: (cursor: Int64, asSent: Bool)] = [:]
    for chunk in mutationIDs.chunked(Self.maxParameters) {
      let rows = try Row.fetchCursor(
        self,
        sql: """
          SELECT a.mutation_id, a.cursor, COALESCE(c.as_sent = 1 AND c.mutation_id = a.mutation_id, 0)
          FROM applied_mutation a LEFT JOIN change_log c ON c.cursor = a.cursor
          WHERE a.mutation_id IN (\(Self.placeholders(chunk.count)))
          """,
        arguments: StatementArguments(chunk.map(\.storageKey)))
      while let row = try rows.next() {
        guard let id = UUID(text: row[0]) else { continue }
        cursors[id] = (row[1], row[2])
      }
    }
    return cursors
  }

  /// `deviceSeq`: the mutation's place in its device's sequence (0: not sent).
  public func recordApplied(mutationID: UUID, deviceID: String, deviceSeq: Int64 = 0, cursor: Int64, at time: Date)
    throws
  {
    try executeCached(
      sql: """
        INSERT INTO applied_mutation (mutation_id, device_id, cursor, applied_at_ms, device_seq) VALUES (?, ?, ?, ?, ?)
        """,
      arguments: [mutationID.storageKey, deviceID, cursor, time.millisecondsSince1970, deviceSeq > 0 ? deviceSeq : nil])
  }

  /// For the given places in one device's sequence, the mutation applied at each (those
  /// taken): one query for a push's batch.
  public func appliedMutations(deviceID: String, seqs: [Int64]) throws -> [Int64: String] {
    var taken: [Int64: String] = [:]
    for chunk in seqs.chunked(Self.maxParameters - 1) {
      let rows = try Row.fetchCursor(
        self,
        sql: """
          SELECT device_seq, mutation_id FROM applied_mutation
          WHERE device_id = ? AND device_seq IN (\(Self.placeholders(chunk.count)))
          """,
        arguments: StatementArguments([deviceID]) + StatementArguments(chunk))
      while let row = try rows.next() { taken[row[0]] = row[1] }
    }
    return taken
  }

  // MARK: - Identity

  /// Which server this is and which of its histories.
  public func serverIdentity() throws -> ServerIdentity {
    guard let row = try Row.fetchOne(self, sql: "SELECT * FROM server_identity WHERE id = 1") else {
      throw StorageError(.corrupt, "server_identity has no row")
    }
    return ServerIdentity(serverID: row["server_id"], epoch: row["epoch"], epochStart: row["epoch_start"])
  }

  /// Starts a new history of this server (a backup copy, a restore): a new epoch, whose
  /// first cursor is the next one given out. Returns it.
  @discardableResult
  public func beginEpoch() throws -> ServerIdentity {
    try execute(
      sql: "UPDATE server_identity SET epoch = ?, epoch_start = ? WHERE id = 1",
      arguments: [UUID().storageKey, try issuedThrough() + 1])
    return try serverIdentity()
  }

  // MARK: - Deleted engagements kept past the purge

  /// Of these engagement ids (as stored), those deleted and purged, with the delete's stamp.
  public func purgedDeletions(among ids: [String]) throws -> [String: FieldStamp] {
    var found: [String: FieldStamp] = [:]
    for chunk in ids.chunked(Self.maxParameters) {
      let rows = try Row.fetchCursor(
        self, sql: "SELECT * FROM deleted_engagement WHERE id IN (\(Self.placeholders(chunk.count)))",
        arguments: StatementArguments(chunk))
      while let row = try rows.next() {
        found[row["id"]] = FieldStamp(
          cursor: row["cursor"], deviceID: row["device_id"], user: row["user"],
          hlc: HLC(
            wallMillis: row["hlc_wall_ms"], counter: UInt32(clamping: row["hlc_counter"] as Int64),
            node: row["hlc_node"]))
      }
    }
    return found
  }

  /// Forgets a purged deletion: the engagement is back.
  public func forgetPurgedDeletion(id: UUID) throws {
    try executeCached(sql: "DELETE FROM deleted_engagement WHERE id = ?", arguments: [id.storageKey])
  }
}
