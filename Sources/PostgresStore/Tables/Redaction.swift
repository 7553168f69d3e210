import Foundation
import Model
import PostgresNIO
import Stores

/// Redaction on the server (`RedactionStore`): the history rewritten, the change that carries
/// it, the register, and the devices' reports of unsent changes. The text-search indexes are
/// expressions over the rows, so they follow every rewrite.
extension PostgresServerTransaction: RedactionStore {
  func changePayloads(of type: EntityType, ids: [String]) throws -> [(cursor: Int64, entityID: String, json: String)] {
    guard !ids.isEmpty else { return [] }
    return try session.rows(
      """
      SELECT cursor, entity_id, payload FROM change_log
      WHERE entity_type = \(type.rawValue) AND entity_id = ANY(\(ids)) AND payload IS NOT NULL ORDER BY cursor
      """
    ).map { (try $0[0], try $0[1], try $0[2]) }
  }

  func replaceChangePayload(cursor: Int64, json: String) throws {
    _ = try session.execute("UPDATE change_log SET payload = \(json) WHERE cursor = \(cursor)")
  }

  func appendRedactionChange(
    engagementID: String, operation: Model.Operation, payload: Engagement?, redaction: Redaction, at time: Date
  ) throws -> Int64 {
    let json = payload.map(EngagementJSON.encode)
    let marks = try JSONText.encode(redaction)
    guard
      let cursor = try session.value(
        """
        INSERT INTO change_log (entity_type, entity_id, operation, payload, changed_at_ms, redaction)
        VALUES ('engagement', \(engagementID), \(operation.rawValue), \(json), \(time.millisecondsSince1970), \(marks))
        RETURNING cursor
        """, as: Int64.self)
    else { throw StorageError(.corrupt, "change_log gave no cursor") }
    return cursor
  }

  func recordRedaction(_ record: RedactionRecord) throws {
    let fields = try JSONText.encode(record.redaction.fields)
    _ = try session.execute(
      """
      INSERT INTO redaction (id, engagement_id, kind, fields, cursor, at_ms, actor, reason)
      VALUES (\(record.id.storageKey), \(record.engagementID), \(record.redaction.kind.rawValue), \(fields),
        \(record.cursor), \(record.at.millisecondsSince1970), \(record.actor), \(record.reason))
      """)
  }

  func redactionRecords(engagementID: String?, limit: Int) throws -> [RedactionRecord] {
    var statement = Statement(
      "SELECT id, engagement_id, kind, fields, cursor, at_ms, actor, reason FROM redaction WHERE TRUE")
    if let engagementID { statement.append(" AND engagement_id = \(statement.bind(engagementID))") }
    statement.append(" ORDER BY cursor DESC LIMIT \(statement.bind(max(limit, 0)))")
    return try session.rows(statement.query).map { row in
      let idText: String = try row[0]
      guard let id = UUID(text: idText), let kind = Redaction.Kind(rawValue: try row[2]) else {
        throw StorageError(.corrupt, "redaction \(idText) is unreadable")
      }
      let fields: [Engagement.Field] = try JSONText.decode(try row[3] as String)
      return RedactionRecord(
        id: id, engagementID: try row[1], redaction: Redaction(kind: kind, fields: fields), cursor: try row[4],
        at: Date(millisecondsSince1970: try row[5]), actor: try row[6], reason: try row[7])
    }
  }

  func redactedFields(among ids: [String]) throws -> [String: [Engagement.Field: RedactedField]] {
    guard !ids.isEmpty else { return [:] }
    var redacted: [String: [Engagement.Field: RedactedField]] = [:]
    for row in try session.rows(
      "SELECT engagement_id, fields, cursor, kind FROM redaction WHERE engagement_id = ANY(\(ids)) ORDER BY cursor")
    {
      let id: String = try row[0]
      let fields: [Engagement.Field] = try JSONText.decode(try row[1] as String)
      let kind = Redaction.Kind(rawValue: try row[3]) ?? .erasure
      for field in fields { redacted[id, default: [:]][field] = RedactedField(cursor: try row[2], kind: kind) }
    }
    return redacted
  }

  func retentionCandidates(datedBefore day: LocalDate, after: String?, limit: Int) throws -> [RetentionCandidate] {
    try session.rows(
      """
      SELECT id, date FROM engagement WHERE date < \(day.description) AND id > \(after ?? "")
      ORDER BY id LIMIT \(limit)
      """
    ).map { row in
      let dateText: String = try row[1]
      guard let date = LocalDate(dateText) else {
        throw StorageError(.corrupt, "engagement \(try row[0] as String) has an unreadable date")
      }
      return RetentionCandidate(engagementID: try row[0], date: date)
    }
  }

  func heldChanges(deviceID: String) throws -> [HeldChange] {
    try session.rows(
      "SELECT engagement_id, fields FROM held_change WHERE device_id = \(deviceID) ORDER BY engagement_id"
    ).map { HeldChange(engagementID: try $0[0], fields: try JSONText.decode(try $0[1] as String)) }
  }

  func replaceHeldChanges(deviceID: String, _ held: [HeldChange], at time: Date) throws {
    _ = try session.execute("DELETE FROM held_change WHERE device_id = \(deviceID)")
    for change in held {
      let fields = try JSONText.encode(change.fields)
      _ = try session.execute(
        """
        INSERT INTO held_change (device_id, engagement_id, fields, reported_at_ms)
        VALUES (\(deviceID), \(change.engagementID), \(fields), \(time.millisecondsSince1970))
        ON CONFLICT (device_id, engagement_id) DO UPDATE SET fields = excluded.fields
        """)
    }
  }

  func heldReports(engagementIDs: [String]) throws -> [HeldReport] {
    guard !engagementIDs.isEmpty else { return [] }
    return try session.rows(
      """
      SELECT device_id, engagement_id, fields, reported_at_ms FROM held_change
      WHERE engagement_id = ANY(\(engagementIDs)) ORDER BY engagement_id, device_id
      """
    ).map {
      HeldReport(
        deviceID: try $0[0], engagementID: try $0[1], fields: try JSONText.decode(try $0[2] as String),
        reportedAt: Date(millisecondsSince1970: try $0[3]))
    }
  }
}
