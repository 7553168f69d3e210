import Foundation
import GRDB
import Model
import Stores

/// Redaction on the server (`RedactionStore`): the history rewritten, the change that carries
/// it, the register, and the devices' reports of unsent changes.
extension Database {
  func changePayloads(of type: EntityType, ids: [String]) throws -> [(cursor: Int64, entityID: String, json: String)] {
    var payloads: [(cursor: Int64, entityID: String, json: String)] = []
    for chunk in ids.chunked(Self.maxParameters - 1) {
      let rows = try Row.fetchCursor(
        self,
        sql: """
          SELECT cursor, entity_id, payload FROM change_log
          WHERE entity_type = ? AND entity_id IN (\(Self.placeholders(chunk.count))) AND payload IS NOT NULL
          ORDER BY cursor
          """,
        arguments: StatementArguments([type.rawValue]) + StatementArguments(chunk))
      while let row = try rows.next() { payloads.append((row[0], row[1], row[2])) }
    }
    return payloads.sorted { $0.cursor < $1.cursor }
  }

  /// The version's search text goes with it: removed, and written again from the new payload
  /// when the version had been indexed (a later one is indexed at the next search).
  func replaceChangePayload(cursor: Int64, json: String) throws {
    try executeCached(sql: "UPDATE change_log SET payload = ? WHERE cursor = ?", arguments: [json, cursor])
    try executeCached(sql: "DELETE FROM change_text WHERE rowid = ?", arguments: [cursor])
    try executeCached(
      sql: """
        INSERT INTO change_text (rowid, text)
        SELECT cursor, \(PersonalTextSearch.versionText("payload")) FROM change_log
        WHERE cursor = ?1 AND entity_type = 'engagement'
          AND ?1 <= (SELECT value FROM server_state WHERE key = 'personal_text_through')
        """, arguments: [cursor])
  }

  func appendRedactionChange(
    engagementID: String, operation: Model.Operation, payload: Engagement?, redaction: Redaction, at time: Date
  ) throws -> Int64 {
    try execute(
      sql: """
        INSERT INTO change_log (entity_type, entity_id, operation, payload, changed_at_ms, redaction)
        VALUES ('engagement', ?, ?, ?, ?, ?)
        """,
      arguments: [
        engagementID, operation.rawValue, payload.map(EngagementJSON.encode), time.millisecondsSince1970,
        try JSONText.encode(redaction),
      ])
    return lastInsertedRowID
  }

  func recordRedaction(_ record: RedactionRecord) throws {
    try execute(
      sql: """
        INSERT INTO redaction (id, engagement_id, kind, fields, cursor, at_ms, actor, reason)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        record.id.storageKey, record.engagementID, record.redaction.kind.rawValue,
        try JSONText.encode(record.redaction.fields), record.cursor, record.at.millisecondsSince1970, record.actor,
        record.reason,
      ])
  }

  func redactionRecords(engagementID: String?, limit: Int) throws -> [RedactionRecord] {
    let condition = engagementID == nil ? "" : "WHERE engagement_id = ?"
    return try Row.fetchAll(
      self,
      sql: "SELECT * FROM redaction \(condition) ORDER BY cursor DESC LIMIT \(max(limit, 0))",
      arguments: StatementArguments(engagementID.map { [$0] } ?? [])
    ).map(Self.redactionRecord)
  }

  private static func redactionRecord(_ row: Row) throws -> RedactionRecord {
    let idText: String = row["id"]
    let kindText: String = row["kind"]
    guard let id = UUID(text: idText), let kind = Redaction.Kind(rawValue: kindText) else {
      throw StorageError(.corrupt, "redaction \(idText) is unreadable")
    }
    let fields: [Engagement.Field] = try JSONText.decode(row["fields"])
    return RedactionRecord(
      id: id, engagementID: row["engagement_id"], redaction: Redaction(kind: kind, fields: fields),
      cursor: row["cursor"], at: Date(millisecondsSince1970: row["at_ms"]), actor: row["actor"],
      reason: row["reason"])
  }

  func redactedFields(among ids: [String]) throws -> [String: [Engagement.Field: RedactedField]] {
    var redacted: [String: [Engagement.Field: RedactedField]] = [:]
    for chunk in ids.chunked(Self.maxParameters) {
      let rows = try Row.fetchCursor(
        self,
        sql: """
          SELECT engagement_id, fields, cursor, kind FROM redaction
          WHERE engagement_id IN (\(Self.placeholders(chunk.count))) ORDER BY cursor
          """,
        arguments: StatementArguments(chunk))
      while let row = try rows.next() {
        let fields: [Engagement.Field] = try JSONText.decode(row[1])
        let kind = Redaction.Kind(rawValue: row[3]) ?? .erasure
        for field in fields { redacted[row[0], default: [:]][field] = RedactedField(cursor: row[2], kind: kind) }
      }
    }
    return redacted
  }

  func retentionCandidates(datedBefore day: LocalDate, after: String?, limit: Int) throws -> [RetentionCandidate] {
    try Row.fetchAll(
      self, sql: "SELECT id, date FROM engagement WHERE date < ? AND id > ? ORDER BY id LIMIT ?",
      arguments: [day.description, after ?? "", limit]
    ).map { row in
      let dateText: String = row[1]
      guard let date = LocalDate(dateText) else {
        throw StorageError(.corrupt, "engagement \(row[0] as String) has an unreadable date")
      }
      return RetentionCandidate(engagementID: row[0], date: date)
    }
  }

  func heldChanges(deviceID: String) throws -> [HeldChange] {
    try Row.fetchAll(
      self, sql: "SELECT engagement_id, fields FROM held_change WHERE device_id = ? ORDER BY engagement_id",
      arguments: [deviceID]
    ).map { HeldChange(engagementID: $0[0], fields: try JSONText.decode($0[1])) }
  }

  func replaceHeldChanges(deviceID: String, _ held: [HeldChange], at time: Date) throws {
    try execute(sql: "DELETE FROM held_change WHERE device_id = ?", arguments: [deviceID])
    for change in held {
      try execute(
        sql: """
          INSERT INTO held_change (device_id, engagement_id, fields, reported_at_ms) VALUES (?, ?, ?, ?)
          ON CONFLICT (device_id, engagement_id) DO UPDATE SET fields = excluded.fields
          """,
        arguments: [deviceID, change.engagementID, try JSONText.encode(change.fields), time.millisecondsSince1970])
    }
  }

  func heldReports(engagementIDs: [String]) throws -> [HeldReport] {
    var reports: [HeldReport] = []
    for chunk in engagementIDs.chunked(Self.maxParameters) {
      reports += try Row.fetchAll(
        self,
        sql: """
          SELECT device_id, engagement_id, fields, reported_at_ms FROM held_change
          WHERE engagement_id IN (\(Self.placeholders(chunk.count))) ORDER BY engagement_id, device_id
          """, arguments: StatementArguments(chunk)
      ).map {
        HeldReport(
          deviceID: $0[0], engagementID: $0[1], fields: try JSONText.decode($0[2]),
          reportedAt: Date(millisecondsSince1970: $0[3]))
      }
    }
    return reports
  }

  /// Brings the full-text indexes up to date, merges each into one segment (the entries of
  /// removed text leave the index's pages, which `secure_delete` zeroes as they are freed),
  /// and empties the write-ahead log into the database (old frames hold the removed text).
  static func reclaimErasedSpace(in pool: DatabasePool) throws {
    // A backlog is indexed in short transactions, so that pushes wait for none of them long.
    while try pool.write({ try $0.indexPersonalText(batch: 2_000) }) {}
    try pool.write { db in
      while try db.indexPersonalText(batch: 2_000) {}
      for table in ["engagement_text", "change_text", "conflict_text"] {
        try db.execute(sql: "INSERT INTO \(table) (\(table)) VALUES ('optimize')")
      }
    }
    try truncateLog(of: pool)
  }

  /// Checkpoints the whole write-ahead log into the database and truncates it to nothing,
  /// waiting for readers to finish (a few tries).
  static func truncateLog(of pool: DatabasePool) throws {
    for attempt in 0..<20 {
      let busy = try pool.writeWithoutTransaction { db in
        try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)").map { ($0[0] as Int) != 0 } ?? true
      }
      if !busy { return }
      Thread.sleep(forTimeInterval: 0.05 * Double(attempt + 1))
    }
    throw StorageError(.unavailable, "the write-ahead log could not be emptied: readers kept it in use")
  }
}

/// Redaction on a device: its own copies of an engagement besides what it shows.
extension Database {
  /// Removes the text of `redaction`'s fields from the outbox's payloads (a waiting change
  /// keeps the fields it changes itself: its user's unsent work), the journal's payloads, the
  /// device's conflict records of the engagement (and the fields of a tombstone).
  func applyRedaction(_ redaction: Redaction, engagementID id: UUID) throws {
    for table in ["outbox", "journal"] {
      let rows = try Row.fetchAll(
        self,
        sql: "SELECT seq, payload, changed_fields FROM \(table) WHERE entity_id = ? AND payload IS NOT NULL",
        arguments: [id.storageKey])
      for row in rows {
        let payload: String = row[1]
        guard let engagement = try EngagementJSON.decode(payload) ?? JSONText.decode(payload) as Engagement? else {
          continue
        }
        let changed: [Engagement.Field] = try (row[2] as String?).map { try JSONText.decode($0) } ?? []
        // A new engagement still waiting changes every field; acknowledged ones keep nothing.
        let keeping: Set<Engagement.Field> =
          table == "journal" ? [] : changed.isEmpty ? Set(Engagement.Field.allCases) : Set(changed)
        let redacted = redaction.redacting(engagement, keeping: keeping)
        guard redacted != engagement else { continue }
        try execute(
          sql: "UPDATE \(table) SET payload = ? WHERE seq = ?", arguments: [EngagementJSON.encode(redacted), row[0]])
      }
    }
    for conflict in try conflicts(engagementID: id, includeResolved: true, limit: Int.max) {
      let redacted = redaction.redacting(conflict)
      if redacted != conflict { try saveConflict(redacted) }
    }
    try redactTombstone(id: id, with: redaction)
    if let base = try engagementBase(id: id), let engagement = base.engagement {
      let redacted = redaction.redacting(engagement)
      if redacted != engagement { try saveEngagementBase(id: id, redacted, cursor: base.cursor) }
    }
  }

  func forgetDeletedText(id: UUID) throws {
    let redaction = Redaction(kind: .deletion, fields: Redaction.personalFields)
    try redactTombstone(id: id, with: redaction)
    // The copy of the server's state keeps the columns of its last state when deleted there.
    try execute(
      sql: """
        UPDATE engagement_base SET
          organisation = CASE WHEN organisation <> '' THEN ?1 ELSE organisation END,
          place = CASE WHEN place <> '' THEN ?1 ELSE place END,
          notes = CASE WHEN notes <> '' THEN ?1 ELSE notes END,
          follow_up_actions = CASE WHEN follow_up_actions IS NOT NULL AND json_valid(follow_up_actions)
            THEN (SELECT json_group_array(?1) FROM json_each(engagement_base.follow_up_actions))
            ELSE follow_up_actions END
        WHERE id = ?2 AND deleted = 1
        """, arguments: [redaction.marker, id.storageKey])
  }

  /// Redacts engagement `id`'s row if it is a tombstone (it stays one, with its time).
  private func redactTombstone(id: UUID, with redaction: Redaction) throws {
    guard let (engagement, deletedAt) = try engagementIncludingDeleted(id: id), let deletedAt else { return }
    let redacted = redaction.redacting(engagement)
    guard redacted != engagement else { return }
    try saveEngagement(redacted)
    try tombstoneEngagement(id: id, at: deletedAt)
  }

  func heldChanges(limit: Int) throws -> [HeldChange] {
    var fields: [String: Set<Engagement.Field>] = [:]
    let rows = try Row.fetchCursor(
      self,
      sql: """
        SELECT entity_id, changed_fields FROM outbox
        WHERE entity_type = 'engagement' AND operation = 'upsert' AND changed_fields IS NOT NULL ORDER BY seq
        """)
    while let row = try rows.next() {
      let changed: [Engagement.Field] = (try? JSONText.decode(row[1] as String)) ?? []
      let personal = changed.filter(Redaction.personalFields.contains)
      guard !personal.isEmpty else { continue }
      if fields[row[0]] == nil, fields.count >= limit { continue }
      fields[row[0], default: []].formUnion(personal)
    }
    return fields.keys.sorted().map { id in
      HeldChange(engagementID: id, fields: Redaction.personalFields.filter { fields[id]?.contains($0) == true })
    }
  }
}
