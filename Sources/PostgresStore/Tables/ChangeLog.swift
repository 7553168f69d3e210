import Foundation
import Model
import PostgresNIO
import Stores

/// The change log, the mutations applied, the server's identity and the engagements whose
/// tombstones were purged.
///
/// Cursors come from the `change_log_cursor` sequence inside write transactions, which hold
/// the database's writer lock until they commit: a cursor is never visible before a smaller
/// one that will still commit, so "changes after N" skips nothing (Docs/Decisions.md).
extension PostgresServerTransaction: ChangeLogStore {
  func appendChange(
    _ type: EntityType, id: String, operation: Model.Operation, payload: Change.Payload?, at time: Date,
    mutationID: UUID?, deviceID: String?
  ) throws -> Int64 {
    try append(
      type, id: id, operation: operation, payloadJSON: try payload.map(ChangePayloadJSON.encode), at: time,
      mutationID: mutationID, deviceID: deviceID, asSent: false)
  }

  func appendEngagementChange(
    _ engagement: Engagement, at time: Date, mutationID: UUID?, deviceID: String?, asSent: Bool,
    written: LoggedEngagement?
  ) throws -> (cursor: Int64, digest: String) {
    let logged = written.flatMap { $0.engagement == engagement ? $0 : nil } ?? LoggedEngagement(engagement)
    let cursor = try append(
      .engagement, id: engagement.id.storageKey, operation: .upsert, payloadJSON: logged.json, at: time,
      mutationID: mutationID, deviceID: deviceID, asSent: asSent)
    return (cursor, logged.digest)
  }

  private func append(
    _ type: EntityType, id: String, operation: Model.Operation, payloadJSON: String?, at time: Date,
    mutationID: UUID?, deviceID: String?, asSent: Bool
  ) throws -> Int64 {
    guard
      let cursor = try session.value(
        """
        INSERT INTO change_log (entity_type, entity_id, operation, payload, changed_at_ms, mutation_id, device_id, as_sent)
        VALUES (\(type.rawValue), \(id), \(operation.rawValue), \(payloadJSON), \(time.millisecondsSince1970),
          \(mutationID?.storageKey), \(deviceID), \(asSent))
        RETURNING cursor
        """, as: Int64.self)
    else { throw StorageError(.corrupt, "change_log gave no cursor") }
    return cursor
  }

  func changes(after cursor: Int64, limit: Int, omittingAsSentOf deviceID: String?) throws -> [Change] {
    try session.rows(
      """
      SELECT cursor, entity_type, entity_id, operation,
             CASE WHEN as_sent AND device_id = \(deviceID) THEN NULL ELSE payload END,
             changed_at_ms, COALESCE(as_sent AND device_id = \(deviceID), FALSE), redaction
      FROM change_log WHERE cursor > \(cursor) ORDER BY cursor LIMIT \(limit)
      """
    ).map { row in
      let cursor: Int64 = try row[0]
      guard let type = EntityType(rawValue: try row[1]), let operation = Model.Operation(rawValue: try row[3]) else {
        throw StorageError(.corrupt, "change \(cursor) has an unknown type or operation")
      }
      return Change(
        cursor: cursor, entityType: type, entityID: try row[2], operation: operation,
        payload: try (try row[4] as String?).map { try ChangePayloadJSON.decode(type, $0) },
        changedAt: Date(millisecondsSince1970: try row[5]), payloadOmitted: try row[6],
        redaction: try (try row[7] as String?).map { try JSONText.decode($0) as Redaction })
    }
  }

  func headCursor() throws -> Int64 {
    try session.value("SELECT MAX(cursor) FROM change_log", as: Int64.self) ?? 0
  }

  /// The sequence's last value once it has given one out (a cursor taken by a transaction
  /// that then rolled back counts as given out: no device can hold it, so nothing is hidden).
  func issuedThrough() throws -> Int64 {
    let row = try session.row("SELECT last_value, is_called FROM change_log_cursor")
    let sequence: Int64 = try row.map { try $0[1] as Bool ? try $0[0] as Int64 : 0 } ?? 0
    return max(sequence, try headCursor())
  }

  func appliedCursor(mutationID: UUID) throws -> Int64? {
    try session.value("SELECT cursor FROM applied_mutation WHERE mutation_id = \(mutationID.storageKey)")
  }

  func appliedCursors(mutationIDs: [UUID]) throws -> [UUID: (cursor: Int64, asSent: Bool)] {
    guard !mutationIDs.isEmpty else { return [:] }
    var cursors: [UUID: (cursor: Int64, asSent: Bool)] = [:]
    for row in try session.rows(
      """
      SELECT a.mutation_id, a.cursor, COALESCE(c.as_sent AND c.mutation_id = a.mutation_id, FALSE)
      FROM applied_mutation a LEFT JOIN change_log c ON c.cursor = a.cursor
      WHERE a.mutation_id = ANY(\(mutationIDs.map(\.storageKey)))
      """)
    {
      guard let id = UUID(text: try row[0]) else { continue }
      cursors[id] = (try row[1], try row[2])
    }
    return cursors
  }

  func recordApplied(mutationID: UUID, deviceID: String, deviceSeq: Int64, cursor: Int64, at time: Date) throws {
    try session.execute(
      """
      INSERT INTO applied_mutation (mutation_id, device_id, cursor, applied_at_ms, device_seq)
      VALUES (\(mutationID.storageKey), \(deviceID), \(cursor), \(time.millisecondsSince1970),
        \(deviceSeq > 0 ? deviceSeq : nil))
      """)
  }

  func appliedMutations(deviceID: String, seqs: [Int64]) throws -> [Int64: String] {
    guard !seqs.isEmpty else { return [:] }
    var taken: [Int64: String] = [:]
    for row in try session.rows(
      "SELECT device_seq, mutation_id FROM applied_mutation WHERE device_id = \(deviceID) AND device_seq = ANY(\(seqs))"
    ) {
      taken[try row[0]] = try row[1]
    }
    return taken
  }

  func serverIdentity() throws -> ServerIdentity {
    guard let row = try session.row("SELECT server_id, epoch, epoch_start FROM server_identity WHERE id = 1") else {
      throw StorageError(.corrupt, "server_identity has no row")
    }
    return ServerIdentity(serverID: try row[0], epoch: try row[1], epochStart: try row[2])
  }

  @discardableResult
  func beginEpoch() throws -> ServerIdentity {
    try session.execute(
      "UPDATE server_identity SET epoch = \(UUID().storageKey), epoch_start = \(try issuedThrough() + 1) WHERE id = 1")
    return try serverIdentity()
  }

  func purgedDeletions(among ids: [String]) throws -> [String: FieldStamp] {
    guard !ids.isEmpty else { return [:] }
    var found: [String: FieldStamp] = [:]
    for row in try session.rows("SELECT * FROM deleted_engagement WHERE id = ANY(\(ids))") {
      found[try row["id"]] = try FieldStamp(row: row)
    }
    return found
  }

  func forgetPurgedDeletion(id: UUID) throws {
    try session.execute("DELETE FROM deleted_engagement WHERE id = \(id.storageKey)")
  }

  func purgedThrough() throws -> Int64 {
    try session.value("SELECT value FROM server_state WHERE key = 'purged_through'") ?? 0
  }

  func purgeTombstones(deletedBefore cutoff: Date, at time: Date) throws -> [UUID] {
    let ids: [String] = try session.rows(
      "SELECT id FROM engagement WHERE deleted_at_ms IS NOT NULL AND deleted_at_ms < \(cutoff.millisecondsSince1970)"
    ).map { try $0[0] }
    guard !ids.isEmpty else { return [] }
    var through = try purgedThrough()
    let purgedAt = time.millisecondsSince1970
    for id in ids {
      let newest =
        try session.value(
          "SELECT MAX(cursor) FROM change_log WHERE entity_type = 'engagement' AND entity_id = \(id)", as: Int64.self)
        ?? 0
      through = max(through, newest)
      // The id and who deleted it stay: an edit made without seeing the delete must not bring
      // the engagement back without a trace.
      try session.execute(
        """
        INSERT INTO deleted_engagement (id, cursor, device_id, "user", hlc_wall_ms, hlc_counter, hlc_node, purged_at_ms)
        SELECT e.id, COALESCE(s.cursor, \(newest)), COALESCE(s.device_id, ''), COALESCE(s."user", e.updated_by),
          COALESCE(s.hlc_wall_ms, e.deleted_at_ms), COALESCE(s.hlc_counter, 0), COALESCE(s.hlc_node, ''), \(purgedAt)
        FROM engagement e LEFT JOIN engagement_field_stamp s ON s.engagement_id = e.id AND s.field = 'deleted'
        WHERE e.id = \(id)
        ON CONFLICT (id) DO UPDATE SET cursor = EXCLUDED.cursor, device_id = EXCLUDED.device_id,
          "user" = EXCLUDED."user", hlc_wall_ms = EXCLUDED.hlc_wall_ms, hlc_counter = EXCLUDED.hlc_counter,
          hlc_node = EXCLUDED.hlc_node, purged_at_ms = EXCLUDED.purged_at_ms
        """)
      try session.execute("DELETE FROM change_log WHERE entity_type = 'engagement' AND entity_id = \(id)")
      try session.execute("DELETE FROM engagement_field_stamp WHERE engagement_id = \(id)")
      try session.execute("DELETE FROM engagement WHERE id = \(id)")
    }
    try session.execute(
      """
      INSERT INTO server_state (key, value) VALUES ('purged_through', \(through))
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
      """)
    return ids.compactMap(UUID.init(uuidString:))
  }
}
