import Foundation
import Model
import PostgresNIO
import Stores

/// The server's engagements: the current row of each (a tombstone once deleted) and who last
/// set each of its fields.
extension PostgresServerTransaction: EngagementStore {
  func saveEngagement(_ e: Engagement) throws {
    try session.execute(
      """
      INSERT INTO engagement (id, date, who, kind, organisation, place, area, attendees, topics, objective_id,
        element_id, follow_up_actions, notes, created_by, created_at_ms, updated_by, updated_at_ms, deleted_at_ms)
      VALUES (\(e.id.storageKey), \(e.date.description), \(e.who.rawValue), \(e.kind.rawValue), \(e.organisation),
        \(e.place), \(e.area), \(e.attendees.map(Int64.init)), \(try JSONText.encodeList(e.topics)), \(e.objectiveID),
        \(e.elementID), \(try JSONText.encodeList(e.followUpActions)), \(e.notes), \(e.createdBy),
        \(e.createdAt.millisecondsSince1970), \(e.updatedBy), \(e.updatedAt.millisecondsSince1970), NULL)
      ON CONFLICT (id) DO UPDATE SET date = EXCLUDED.date, who = EXCLUDED.who, kind = EXCLUDED.kind,
        organisation = EXCLUDED.organisation, place = EXCLUDED.place, area = EXCLUDED.area,
        attendees = EXCLUDED.attendees, topics = EXCLUDED.topics, objective_id = EXCLUDED.objective_id,
        element_id = EXCLUDED.element_id, follow_up_actions = EXCLUDED.follow_up_actions, notes = EXCLUDED.notes,
        created_by = EXCLUDED.created_by, created_at_ms = EXCLUDED.created_at_ms, updated_by = EXCLUDED.updated_by,
        updated_at_ms = EXCLUDED.updated_at_ms, deleted_at_ms = NULL
      """)
  }

  @discardableResult
  func tombstoneEngagement(id: UUID, at time: Date) throws -> Bool {
    try session.execute(
      """
      UPDATE engagement SET deleted_at_ms = \(time.millisecondsSince1970)
      WHERE id = \(id.storageKey) AND deleted_at_ms IS NULL
      """) > 0
  }

  func engagement(id: UUID) throws -> Engagement? {
    try session.row("SELECT * FROM engagement WHERE id = \(id.storageKey) AND deleted_at_ms IS NULL")
      .map(Engagement.init(row:))
  }

  func engagementExists(id: UUID, includingDeleted: Bool) throws -> Bool {
    let row =
      includingDeleted
      ? try session.row("SELECT 1 FROM engagement WHERE id = \(id.storageKey)")
      : try session.row("SELECT 1 FROM engagement WHERE id = \(id.storageKey) AND deleted_at_ms IS NULL")
    return row != nil
  }

  func storedEngagementIDs(among ids: [String]) throws -> Set<String> {
    guard !ids.isEmpty else { return [] }
    return Set(try session.rows("SELECT id FROM engagement WHERE id = ANY(\(ids))").map { try $0[0] as String })
  }

  func engagementIDs(withPrefix prefix: String, limit: Int) throws -> [String] {
    try session.ids(in: "engagement", where: "deleted_at_ms IS NULL", withPrefix: prefix, limit: limit)
  }

  func engagements(matching query: EngagementQuery, after position: EngagementPosition?, limit: Int?) throws
    -> [Engagement]
  {
    var statement = Statement("SELECT * FROM engagement WHERE ")
    query.filter(into: &statement)
    if let position {
      let date = statement.bind(position.date.description)
      let id = statement.bind(position.id)
      statement.append(" AND (date < \(date) OR (date = \(date) AND id < \(id)))")
    }
    statement.append(" ORDER BY date DESC, id DESC")
    if let limit { statement.append(" LIMIT \(statement.bind(limit))") }
    return try session.rows(statement.query).map(Engagement.init(row:))
  }

  func engagementCount(matching query: EngagementQuery) throws -> Int {
    var statement = Statement("SELECT COUNT(*) FROM engagement WHERE ")
    query.filter(into: &statement)
    return Int(try session.value(statement.query, as: Int64.self) ?? 0)
  }

  func engagementSummary(matching query: EngagementQuery) throws -> EngagementSummary {
    func counts(_ column: String) throws -> [String: Int] {
      var statement = Statement("SELECT \(column) AS k, COUNT(*) AS n FROM engagement WHERE ")
      query.filter(into: &statement)
      statement.append(" GROUP BY k")
      return Dictionary(
        uniqueKeysWithValues: try session.rows(statement.query).map { (try $0[0] as String, Int(try $0[1] as Int64)) })
    }
    return EngagementSummary(
      total: try engagementCount(matching: query),
      byWho: try counts("who"), byArea: try counts("area"), byKind: try counts("kind"),
      byMonth: try counts("substr(date, 1, 7)"))
  }

  func fieldStamps(engagementID: UUID) throws -> [String: FieldStamp] {
    var stamps: [String: FieldStamp] = [:]
    for row in try session.rows("SELECT * FROM engagement_field_stamp WHERE engagement_id = \(engagementID.storageKey)")
    {
      stamps[try row["field"]] = try FieldStamp(row: row)
    }
    return stamps
  }

  func saveFieldStamp(engagementID: UUID, field: String, _ s: FieldStamp) throws {
    try session.execute(
      """
      INSERT INTO engagement_field_stamp (engagement_id, field, cursor, device_id, "user", hlc_wall_ms, hlc_counter, hlc_node)
      VALUES (\(engagementID.storageKey), \(field), \(s.cursor), \(s.deviceID), \(s.user), \(s.hlc.wallMillis),
        \(Int64(s.hlc.counter)), \(s.hlc.node))
      ON CONFLICT (engagement_id, field) DO UPDATE SET cursor = EXCLUDED.cursor, device_id = EXCLUDED.device_id,
        "user" = EXCLUDED."user", hlc_wall_ms = EXCLUDED.hlc_wall_ms, hlc_counter = EXCLUDED.hlc_counter,
        hlc_node = EXCLUDED.hlc_node
      """)
  }

  func engagementIncludingDeleted(id: UUID) throws -> (engagement: Engagement, deletedAt: Date?)? {
    guard let row = try session.row("SELECT * FROM engagement WHERE id = \(id.storageKey)") else { return nil }
    return (
      engagement: try Engagement(row: row),
      deletedAt: (try row["deleted_at_ms"] as Int64?).map(Date.init(millisecondsSince1970:))
    )
  }
}

/// Conflict records: the JSON of each, with the columns it is listed by.
extension PostgresServerTransaction: ConflictStore {
  func saveConflict(_ c: Conflict) throws {
    try session.execute(
      """
      INSERT INTO conflict (id, engagement_id, detected_at_ms, resolved, payload)
      VALUES (\(c.id.storageKey), \(c.engagementID.storageKey), \(c.detectedAt.millisecondsSince1970),
        \(c.isResolved), \(try JSONText.encode(c)))
      ON CONFLICT (id) DO UPDATE SET resolved = EXCLUDED.resolved, payload = EXCLUDED.payload
      """)
  }

  func conflict(id: UUID) throws -> Conflict? {
    try session.value("SELECT payload FROM conflict WHERE id = \(id.storageKey)", as: String.self)
      .map { try JSONText.decode($0) }
  }

  func conflicts(engagementID: UUID?, includeResolved: Bool, limit: Int) throws -> [Conflict] {
    var statement = Statement("SELECT payload FROM conflict WHERE TRUE")
    if let engagementID { statement.append(" AND engagement_id = \(statement.bind(engagementID.storageKey))") }
    if !includeResolved { statement.append(" AND NOT resolved") }
    statement.append(" ORDER BY detected_at_ms DESC, id LIMIT \(statement.bind(limit))")
    return try session.rows(statement.query).map { try JSONText.decode(try $0[0] as String) }
  }

  func unresolvedConflictCount() throws -> Int {
    Int(try session.value("SELECT COUNT(*) FROM conflict WHERE NOT resolved", as: Int64.self) ?? 0)
  }

  func conflictIDs(withPrefix prefix: String, limit: Int) throws -> [String] {
    try session.ids(in: "conflict", withPrefix: prefix, limit: limit)
  }
}

extension Session {
  /// Ids in `table` (meeting `condition`) starting with `prefix`, at most `limit`; the LIKE
  /// wildcards are taken out of the prefix (ids are stored in lower case).
  func ids(in table: String, where condition: String = "TRUE", withPrefix prefix: String, limit: Int) throws
    -> [String]
  {
    let escaped = prefix.lowercased().replacingOccurrences(of: "%", with: "")
      .replacingOccurrences(of: "_", with: "").replacingOccurrences(of: "\\", with: "")
    return try rows(
      "SELECT id FROM \(unescaped: table) WHERE id LIKE \(escaped + "%") AND \(unescaped: condition) ORDER BY id LIMIT \(limit)"
    ).map { try $0[0] }
  }
}

extension EngagementQuery {
  /// The live engagements this query asks for, as a WHERE condition.
  fileprivate func filter(into statement: inout Statement) {
    statement.append("deleted_at_ms IS NULL")
    func add(_ column: String, _ comparison: String, _ value: String?) {
      guard let value else { return }
      statement.append(" AND \(column) \(comparison) \(statement.bind(value))")
    }
    add("date", ">=", from?.description)
    add("date", "<=", to?.description)
    add("who", "=", who?.rawValue)
    add("area", "=", area)
    add("kind", "=", kind?.rawValue)
  }
}

extension Engagement {
  init(row: Row) throws {
    let idText: String = try row["id"]
    let dateText: String = try row["date"]
    guard let id = UUID(text: idText), let date = LocalDate(dateText) else {
      throw StorageError(.corrupt, "engagement row \(idText) has an unreadable id or date")
    }
    self.init(
      id: id, date: date, who: Officeholder(rawValue: try row["who"]),
      kind: EngagementKind(rawValue: try row["kind"]), organisation: try row["organisation"],
      place: try row["place"], area: try row["area"], attendees: (try row["attendees"] as Int64?).map(Int.init),
      topics: try JSONText.decodeList(try row["topics"]), objectiveID: try row["objective_id"],
      elementID: try row["element_id"], followUpActions: try JSONText.decodeList(try row["follow_up_actions"]),
      notes: try row["notes"], createdBy: try row["created_by"],
      createdAt: Date(millisecondsSince1970: try row["created_at_ms"]), updatedBy: try row["updated_by"],
      updatedAt: Date(millisecondsSince1970: try row["updated_at_ms"]))
  }
}

extension FieldStamp {
  /// A stamp from a row of `engagement_field_stamp` or `deleted_engagement`.
  init(row: Row) throws {
    self.init(
      cursor: try row["cursor"], deviceID: try row["device_id"], user: try row["user"],
      hlc: HLC(
        wallMillis: try row["hlc_wall_ms"], counter: UInt32(clamping: try row["hlc_counter"] as Int64),
        node: try row["hlc_node"]))
  }
}
