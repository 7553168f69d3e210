public import Foundation
public import GRDB
public import Model
public import Stores

/// Reads and writes of the `engagement` table, shared by the server and field devices.
///
/// These run inside a caller's transaction, so that an engagement and its change-log or
/// outbox row are written together or not at all.
extension Database {
  // MARK: - Writes

  /// Inserts or replaces an engagement, clearing any tombstone.
  public func saveEngagement(_ e: Engagement) throws {
    try executeCached(sql: EngagementColumns.saveSQL, arguments: try EngagementColumns.arguments(e))
  }

  /// Marks an engagement deleted, keeping its row as a tombstone. Returns whether it existed.
  @discardableResult
  public func tombstoneEngagement(id: UUID, at time: Date) throws -> Bool {
    try executeCached(
      sql: "UPDATE engagement SET deleted_at_ms = ? WHERE id = ? AND deleted_at_ms IS NULL",
      arguments: [time.millisecondsSince1970, id.storageKey])
    return changesCount > 0
  }

  // MARK: - Reads

  /// The live engagement with this id, or `nil` when absent or deleted.
  public func engagement(id: UUID) throws -> Engagement? {
    try Row.fetchOne(
      cachedStatement(sql: "SELECT * FROM engagement WHERE id = ? AND deleted_at_ms IS NULL"),
      arguments: [id.storageKey]
    ).map(Engagement.init(row:))
  }

  /// Whether any row, live or tombstone, has this id.
  public func engagementExists(id: UUID, includingDeleted: Bool) throws -> Bool {
    let sql =
      includingDeleted
      ? "SELECT 1 FROM engagement WHERE id = ?"
      : "SELECT 1 FROM engagement WHERE id = ? AND deleted_at_ms IS NULL"
    return try Int.fetchOne(self, sql: sql, arguments: [id.storageKey]) != nil
  }

  /// Those of `ids` (lower-case text) that have a row, live or tombstone: one query for a
  /// whole push batch.
  public func storedEngagementIDs(among ids: [String]) throws -> Set<String> {
    var stored: Set<String> = []
    for chunk in ids.chunked(Self.maxParameters) {
      stored.formUnion(
        try String.fetchAll(
          self, sql: "SELECT id FROM engagement WHERE id IN (\(Self.placeholders(chunk.count)))",
          arguments: StatementArguments(chunk)))
    }
    return stored
  }

  /// Ids of live engagements starting with `prefix` (for short ids typed by users), at most `limit`.
  public func engagementIDs(withPrefix prefix: String, limit: Int = 2) throws -> [String] {
    try ids(in: "engagement", where: "deleted_at_ms IS NULL", withPrefix: prefix, limit: limit)
  }

  /// Ids in `table` (meeting `condition`) starting with `prefix`, at most `limit`; the LIKE
  /// wildcards are taken out of the prefix.
  func ids(in table: String, where condition: String = "1", withPrefix prefix: String, limit: Int) throws -> [String] {
    let escaped = prefix.lowercased().replacingOccurrences(of: "%", with: "")
      .replacingOccurrences(of: "_", with: "")
    return try String.fetchAll(
      self, sql: "SELECT id FROM \(table) WHERE id LIKE ? AND \(condition) ORDER BY id LIMIT ?",
      arguments: [escaped + "%", limit])
  }

  /// Live engagements matching `query`, newest first (by date, then id), after an optional
  /// keyset position, at most `limit` (all when `nil`).
  public func engagements(
    matching query: EngagementQuery, after position: EngagementPosition? = nil, limit: Int? = nil
  ) throws -> [Engagement] {
    var (whereSQL, arguments) = query.sqlFilter()
    if let position {
      whereSQL += " AND (date < ? OR (date = ? AND id < ?))"
      _ = arguments.append(contentsOf: [position.date.description, position.date.description, position.id])
    }
    var sql = "SELECT * FROM engagement WHERE \(whereSQL) ORDER BY date DESC, id DESC"
    if let limit {
      sql += " LIMIT ?"
      _ = arguments.append(contentsOf: [limit])
    }
    return try Row.fetchAll(self, sql: sql, arguments: arguments).map(Engagement.init(row:))
  }

  /// Number of live engagements matching `query`.
  public func engagementCount(matching query: EngagementQuery) throws -> Int {
    let (whereSQL, arguments) = query.sqlFilter()
    return try Int.fetchOne(self, sql: "SELECT COUNT(*) FROM engagement WHERE \(whereSQL)", arguments: arguments)
      ?? 0
  }

  /// Counts of live engagements matching `query` by who, area, kind and month.
  public func engagementSummary(matching query: EngagementQuery) throws -> EngagementSummary {
    let (whereSQL, arguments) = query.sqlFilter()
    func counts(_ column: String) throws -> [String: Int] {
      let rows = try Row.fetchAll(
        self,
        sql: "SELECT \(column) AS k, COUNT(*) AS n FROM engagement WHERE \(whereSQL) GROUP BY k",
        arguments: arguments)
      return Dictionary(uniqueKeysWithValues: rows.map { ($0["k"] as String, $0["n"] as Int) })
    }
    return EngagementSummary(
      total: try engagementCount(matching: query),
      byWho: try counts("who"), byArea: try counts("area"), byKind: try counts("kind"),
      byMonth: try counts("substr(date, 1, 7)"))
  }
}

extension EngagementQuery {
  fileprivate func sqlFilter() -> (String, StatementArguments) {
    var clauses = ["deleted_at_ms IS NULL"]
    var arguments = StatementArguments()
    func add(_ clause: String, _ value: String?) {
      guard let value else { return }
      clauses.append(clause)
      _ = arguments.append(contentsOf: [value])
    }
    add("date >= ?", from?.description)
    add("date <= ?", to?.description)
    add("who = ?", who?.rawValue)
    add("area = ?", area)
    add("kind = ?", kind?.rawValue)
    return (clauses.joined(separator: " AND "), arguments)
  }
}

/// The columns an engagement is stored in, shared by `engagement` and a device's
/// `engagement_base`, which hold the same record.
enum EngagementColumns {
  static let names = """
    id, date, who, kind, organisation, place, area, attendees, topics, objective_id, element_id,
    follow_up_actions, notes, created_by, created_at_ms, updated_by, updated_at_ms
    """
  static let placeholders = Array(repeating: "?", count: 17).joined(separator: ", ")
  static let updates = """
    date = excluded.date, who = excluded.who, kind = excluded.kind,
    organisation = excluded.organisation, place = excluded.place, area = excluded.area,
    attendees = excluded.attendees, topics = excluded.topics,
    objective_id = excluded.objective_id, element_id = excluded.element_id,
    follow_up_actions = excluded.follow_up_actions, notes = excluded.notes,
    created_by = excluded.created_by, created_at_ms = excluded.created_at_ms,
    updated_by = excluded.updated_by, updated_at_ms = excluded.updated_at_ms
    """
  static let saveSQL = """
    INSERT INTO engagement (\(names), deleted_at_ms) VALUES (\(placeholders), NULL)
    ON CONFLICT(id) DO UPDATE SET \(updates), deleted_at_ms = NULL
    """
  /// `saveSQL`, except that a live row already holding exactly these values is left
  /// untouched (no row or index write): a device pulling back the changes it has just
  /// pushed holds most of them already.
  static let saveIfChangedSQL =
    saveSQL + """

      WHERE (engagement.date, engagement.who, engagement.kind, engagement.organisation, engagement.place,
        engagement.area, engagement.attendees, engagement.topics, engagement.objective_id, engagement.element_id,
        engagement.follow_up_actions, engagement.notes, engagement.created_by, engagement.created_at_ms,
        engagement.updated_by, engagement.updated_at_ms, engagement.deleted_at_ms)
      IS NOT (excluded.date, excluded.who, excluded.kind, excluded.organisation, excluded.place,
        excluded.area, excluded.attendees, excluded.topics, excluded.objective_id, excluded.element_id,
        excluded.follow_up_actions, excluded.notes, excluded.created_by, excluded.created_at_ms,
        excluded.updated_by, excluded.updated_at_ms, NULL)
      """

  /// The values of `names`, in order.
  static func arguments(_ e: Engagement) throws -> StatementArguments {
    [
      e.id.storageKey, e.date.description, e.who.rawValue, e.kind.rawValue, e.organisation,
      e.place, e.area, e.attendees, try JSONText.encodeList(e.topics), e.objectiveID, e.elementID,
      try JSONText.encodeList(e.followUpActions), e.notes, e.createdBy,
      e.createdAt.millisecondsSince1970, e.updatedBy, e.updatedAt.millisecondsSince1970,
    ]
  }
}

extension Engagement {
  init(row: Row) throws {
    let idText: String = row["id"]
    let dateText: String = row["date"]
    guard let id = UUID(text: idText), let date = LocalDate(dateText) else {
      throw StorageError(.corrupt, "engagement row \(idText) has an unreadable id or date")
    }
    self.init(
      id: id, date: date, who: Officeholder(rawValue: row["who"]),
      kind: EngagementKind(rawValue: row["kind"]), organisation: row["organisation"],
      place: row["place"], area: row["area"], attendees: row["attendees"],
      topics: try JSONText.decodeList(row["topics"]), objectiveID: row["objective_id"],
      elementID: row["element_id"], followUpActions: try JSONText.decodeList(row["follow_up_actions"]),
      notes: row["notes"], createdBy: row["created_by"],
      createdAt: Date(millisecondsSince1970: row["created_at_ms"]), updatedBy: row["updated_by"],
      updatedAt: Date(millisecondsSince1970: row["updated_at_ms"]))
  }
}

extension Database {
  /// Most `?` parameters put in one statement (SQLite's own limit is far higher).
  static let maxParameters = 500

  /// `?, ?, ...`: `count` SQL parameters.
  static func placeholders(_ count: Int) -> String {
    String(repeating: "?, ", count: max(count - 1, 0)) + (count > 0 ? "?" : "")
  }

  /// Reads each row of `statement` in place, without copying it: GRDB finds a column of a
  /// copied row by lower-casing every column name in turn, which cost more than reading an
  /// engagement or an outbox row itself; a row read in place looks it up in a table.
  func mapRows<T>(
    _ statement: Statement, arguments: StatementArguments = StatementArguments(), _ transform: (Row) throws -> T
  ) throws -> [T] {
    let rows = try Row.fetchCursor(statement, arguments: arguments)
    var values: [T] = []
    while let row = try rows.next() { values.append(try transform(row)) }
    return values
  }

  /// Runs one SQL statement, prepared once per connection and reused: the statements of
  /// sync's hot paths run thousands of times per push or pull, and preparing each again
  /// cost more than running it.
  func executeCached(sql: String, arguments: StatementArguments = StatementArguments()) throws {
    try cachedStatement(sql: sql).execute(arguments: arguments)
  }
}

extension Array {
  /// The elements in consecutive slices of at most `size`.
  func chunked(_ size: Int) -> [ArraySlice<Element>] {
    stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
  }
}
