public import Foundation
public import GRDB
public import Model
import Stores

extension Database {
  // MARK: - Field stamps (server)

  /// The stamps of an engagement's fields, by field name (`deleted` for the delete).
  public func fieldStamps(engagementID: UUID) throws -> [String: FieldStamp] {
    var stamps: [String: FieldStamp] = [:]
    _ = try mapRows(
      cachedStatement(sql: "SELECT * FROM engagement_field_stamp WHERE engagement_id = ?"),
      arguments: [engagementID.storageKey]
    ) { row in
      stamps[row["field"]] = FieldStamp(
        cursor: row["cursor"], deviceID: row["device_id"], user: row["user"],
        hlc: HLC(wallMillis: row["hlc_wall_ms"], counter: UInt32(row["hlc_counter"] as Int64), node: row["hlc_node"]))
    }
    return stamps
  }

  public func saveFieldStamp(engagementID: UUID, field: String, _ s: FieldStamp) throws {
    try executeCached(
      sql: """
        INSERT INTO engagement_field_stamp (engagement_id, field, cursor, device_id, user, hlc_wall_ms, hlc_counter, hlc_node)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(engagement_id, field) DO UPDATE SET cursor = excluded.cursor, device_id = excluded.device_id,
          user = excluded.user, hlc_wall_ms = excluded.hlc_wall_ms, hlc_counter = excluded.hlc_counter,
          hlc_node = excluded.hlc_node
        """,
      arguments: [
        engagementID.storageKey, field, s.cursor, s.deviceID, s.user, s.hlc.wallMillis, Int64(s.hlc.counter),
        s.hlc.node,
      ])
  }

  /// The engagement with this id whether live or deleted, with when it was deleted.
  public func engagementIncludingDeleted(id: UUID) throws -> (engagement: Engagement, deletedAt: Date?)? {
    try mapRows(cachedStatement(sql: "SELECT * FROM engagement WHERE id = ?"), arguments: [id.storageKey]) { row in
      (
        engagement: try Engagement(row: row),
        deletedAt: (row["deleted_at_ms"] as Int64?).map(Date.init(millisecondsSince1970:))
      )
    }.first
  }

  // MARK: - Tombstone window (server)

  /// The newest change-log cursor removed with a purged tombstone (0 if none): a device whose
  /// cursor is behind it may have missed a delete and must pull everything again.
  public func purgedThrough() throws -> Int64 {
    try Int64.fetchOne(self, sql: "SELECT value FROM server_state WHERE key = 'purged_through'") ?? 0
  }

  /// Removes engagements deleted before `cutoff`: the tombstone row, its field stamps and its
  /// change-log rows. Each id stays in `deleted_engagement` with the delete's stamp, purged
  /// at `time`. Returns the ids removed.
  public func purgeTombstones(deletedBefore cutoff: Date, at time: Date) throws -> [UUID] {
    let ids = try String.fetchAll(
      self, sql: "SELECT id FROM engagement WHERE deleted_at_ms IS NOT NULL AND deleted_at_ms < ?",
      arguments: [cutoff.millisecondsSince1970])
    guard !ids.isEmpty else { return [] }
    var through = try purgedThrough()
    let purgedAt = time.millisecondsSince1970
    for id in ids {
      let newest =
        try Int64.fetchOne(
          self, sql: "SELECT MAX(cursor) FROM change_log WHERE entity_type = 'engagement' AND entity_id = ?",
          arguments: [id]) ?? 0
      through = max(through, newest)
      // The id and who deleted it stay: an edit made without seeing the delete must not bring
      // the engagement back without a trace.
      try executeCached(
        sql: """
          INSERT INTO deleted_engagement (id, cursor, device_id, user, hlc_wall_ms, hlc_counter, hlc_node, purged_at_ms)
          SELECT e.id, COALESCE(s.cursor, ?), COALESCE(s.device_id, ''), COALESCE(s.user, e.updated_by),
            COALESCE(s.hlc_wall_ms, e.deleted_at_ms), COALESCE(s.hlc_counter, 0), COALESCE(s.hlc_node, ''), ?
          FROM engagement e LEFT JOIN engagement_field_stamp s ON s.engagement_id = e.id AND s.field = 'deleted'
          WHERE e.id = ?
          ON CONFLICT(id) DO UPDATE SET cursor = excluded.cursor, device_id = excluded.device_id, user = excluded.user,
            hlc_wall_ms = excluded.hlc_wall_ms, hlc_counter = excluded.hlc_counter, hlc_node = excluded.hlc_node,
            purged_at_ms = excluded.purged_at_ms
          """,
        arguments: [newest, purgedAt, id])
      try executeCached(
        sql: "DELETE FROM change_log WHERE entity_type = 'engagement' AND entity_id = ?", arguments: [id])
      try executeCached(sql: "DELETE FROM engagement_field_stamp WHERE engagement_id = ?", arguments: [id])
      try executeCached(sql: "DELETE FROM engagement WHERE id = ?", arguments: [id])
    }
    try executeCached(
      sql:
        "INSERT INTO server_state (key, value) VALUES ('purged_through', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      arguments: [through])
    return ids.compactMap(UUID.init(uuidString:))
  }

  // MARK: - Conflicts (both ends)

  /// Inserts or replaces a conflict record.
  public func saveConflict(_ c: Conflict) throws {
    try executeCached(
      sql: """
        INSERT INTO conflict (id, engagement_id, detected_at_ms, resolved, payload) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET resolved = excluded.resolved, payload = excluded.payload
        """,
      arguments: [
        c.id.storageKey, c.engagementID.storageKey, c.detectedAt.millisecondsSince1970, c.isResolved,
        try JSONText.encode(c),
      ])
  }

  public func conflict(id: UUID) throws -> Conflict? {
    try String.fetchOne(self, sql: "SELECT payload FROM conflict WHERE id = ?", arguments: [id.storageKey])
      .map { try JSONText.decode($0) }
  }

  /// Conflict records, newest first: unresolved only unless `includeResolved`, of one
  /// engagement when given.
  public func conflicts(engagementID: UUID? = nil, includeResolved: Bool = false, limit: Int = 1000) throws
    -> [Conflict]
  {
    var conditions: [String] = []
    var arguments: StatementArguments = []
    if let engagementID {
      conditions.append("engagement_id = ?")
      arguments += [engagementID.storageKey]
    }
    if !includeResolved { conditions.append("resolved = 0") }
    let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    arguments += [limit]
    return try String.fetchAll(
      self, sql: "SELECT payload FROM conflict \(filter) ORDER BY detected_at_ms DESC, id LIMIT ?", arguments: arguments
    ).map { try JSONText.decode($0) }
  }

  public func unresolvedConflictCount() throws -> Int {
    try Int.fetchOne(self, sql: "SELECT COUNT(*) FROM conflict WHERE resolved = 0") ?? 0
  }

  /// Ids of conflicts starting with `prefix`, at most `limit`.
  public func conflictIDs(withPrefix prefix: String, limit: Int = 2) throws -> [String] {
    try ids(in: "conflict", withPrefix: prefix, limit: limit)
  }

  // MARK: - The server's copy on a device

  /// The server's last state of an engagement as this device pulled it (`nil` engagement:
  /// deleted there), with the cursor of that change; `nil` when the server never sent it.
  public func engagementBase(id: UUID) throws -> (engagement: Engagement?, cursor: Int64)? {
    try mapRows(cachedStatement(sql: "SELECT * FROM engagement_base WHERE id = ?"), arguments: [id.storageKey]) { row in
      let deleted: Bool = row["deleted"]
      let cursor: Int64 = row["cursor"]
      return (engagement: deleted ? nil : try Engagement(row: row), cursor: cursor)
    }.first
  }

  /// Stores the server's state of an engagement (`nil`: deleted there) as of `cursor`.
  public func saveEngagementBase(id: UUID, _ e: Engagement?, cursor: Int64) throws {
    guard let e else {
      try executeCached(
        sql: """
          INSERT INTO engagement_base (id, deleted, cursor, stale) VALUES (?, 1, ?, 0)
          ON CONFLICT(id) DO UPDATE SET deleted = 1, cursor = excluded.cursor, stale = 0
          """,
        arguments: [id.storageKey, cursor])
      return
    }
    try executeCached(sql: Self.saveBaseSQL, arguments: try EngagementColumns.arguments(e) + [cursor])
  }

  /// Stores the server's state of an engagement as of `cursor` and, when `show`, makes it
  /// what the device shows too (as `saveEngagementIfChanged`): the pull of an engagement
  /// with nothing waiting in the outbox, with its column values made once for both.
  public func savePulledEngagement(_ e: Engagement, cursor: Int64, show: Bool) throws {
    let arguments = try EngagementColumns.arguments(e)
    try executeCached(sql: Self.saveBaseSQL, arguments: arguments + [cursor])
    if show { try executeCached(sql: EngagementColumns.saveIfChangedSQL, arguments: arguments) }
  }

  /// Keeps an engagement this device pushed, which the server acknowledged as stored exactly
  /// as sent at `cursor`, as the device's copy of the server's state, unless the copy held is
  /// already from that change or a later one. The row shown is not touched (it is what was
  /// sent, or later edits still waiting).
  public func saveAcknowledgedEngagement(_ e: Engagement, cursor: Int64) throws {
    try executeCached(
      sql: Self.saveAcknowledgedSQL, arguments: try EngagementColumns.arguments(e) + [cursor])
  }

  private static let saveAcknowledgedSQL = saveBaseSQL + "\n  WHERE engagement_base.cursor < excluded.cursor"

  /// The cursor of the device's copy of each of these engagements' server state (by id as
  /// stored), for those it holds a live copy of.
  public func baseCursors(ids: [String]) throws -> [String: Int64] {
    var cursors: [String: Int64] = [:]
    for chunk in ids.chunked(Self.maxParameters) {
      let rows = try Row.fetchCursor(
        self,
        sql: "SELECT id, cursor FROM engagement_base WHERE deleted = 0 AND id IN (\(Self.placeholders(chunk.count)))",
        arguments: StatementArguments(chunk))
      while let row = try rows.next() { cursors[row[0]] = row[1] }
    }
    return cursors
  }

  private static let saveBaseSQL = """
    INSERT INTO engagement_base (\(EngagementColumns.names), deleted, cursor, stale)
    VALUES (\(EngagementColumns.placeholders), 0, ?, 0)
    ON CONFLICT(id) DO UPDATE SET \(EngagementColumns.updates), deleted = 0, cursor = excluded.cursor, stale = 0
    """

  /// Starts a full pull: the cursor goes back to 0 and every server copy is marked stale
  /// until the pull sends it again.
  public func beginRebaseline() throws {
    _ = try syncState()
    try executeCached(sql: "UPDATE engagement_base SET stale = 1")
    try executeCached(sql: "UPDATE sync_state SET cursor = 0, rebaselining = 1 WHERE id = 1")
  }

  public func isRebaselining() throws -> Bool {
    try Bool.fetchOne(self, sql: "SELECT rebaselining FROM sync_state WHERE id = 1") ?? false
  }

  /// Ends a full pull: returns the engagements the server did not send again (it no longer
  /// has them: their tombstones were purged), whose copies are now marked deleted.
  /// That includes engagements made here whose creation the server acknowledged but whose
  /// change this device never pulled before they were deleted and purged.
  public func finishRebaseline() throws -> [UUID] {
    let stale = try String.fetchAll(self, sql: "SELECT id FROM engagement_base WHERE stale = 1 AND deleted = 0")
    let unsent = try String.fetchAll(
      self,
      sql: """
        SELECT id FROM engagement WHERE deleted_at_ms IS NULL
          AND id NOT IN (SELECT id FROM engagement_base WHERE stale = 0 AND deleted = 0)
          AND id NOT IN (SELECT entity_id FROM outbox)
        """)
    try executeCached(sql: "UPDATE engagement_base SET deleted = 1, stale = 0 WHERE stale = 1")
    for id in unsent {
      try executeCached(
        sql: "INSERT INTO engagement_base (id, deleted, cursor, stale) VALUES (?, 1, 0, 0) ON CONFLICT(id) DO NOTHING",
        arguments: [id])
    }
    let ids = Set(stale + unsent).compactMap(UUID.init(uuidString:))
    try executeCached(sql: "UPDATE sync_state SET rebaselining = 0 WHERE id = 1")
    return ids
  }

  /// Removes an engagement row outright (a device dropping a refused new engagement that
  /// the server never had).
  public func removeEngagement(id: UUID) throws {
    try executeCached(sql: "DELETE FROM engagement WHERE id = ?", arguments: [id.storageKey])
  }
}
