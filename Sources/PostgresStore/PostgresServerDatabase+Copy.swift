import Foundation
import Model
import PostgresNIO
public import Stores

extension PostgresServerDatabase {
  /// A column's name and PostgreSQL type (`information_schema.columns.data_type`).
  typealias Column = (name: String, type: String)

  /// Writes an office's tables (exported from another store) into this database, which must
  /// hold nothing yet, in one transaction: the server's identity and every cursor come across
  /// unchanged, so devices go on syncing from where they were. `issuedThrough`: the highest
  /// change cursor the source ever gave out, which this store's sequence continues from.
  public func importTables(_ tables: [TableRows], issuedThrough: Int64) async throws {
    try await writers.serialised {
      try await self.transaction(write: true) { session in
        let columns = try Self.columns(session)
        for table in ServerTables.all where table.name != "server_identity" {
          if try session.row(PostgresQuery(unsafeSQL: "SELECT 1 FROM \(table.name) LIMIT 1")) != nil {
            throw StorageError(
              .alreadyExists,
              "the target database already holds data (table \(table.name) has rows): a copy goes into an empty one")
          }
        }
        try session.execute("DELETE FROM server_identity")
        for rows in tables {
          guard let known = columns[rows.table] else {
            throw StorageError(.corrupt, "the target database has no table \(rows.table)")
          }
          try Self.insert(rows, types: Dictionary(uniqueKeysWithValues: known.map { ($0.name, $0.type) }), session)
        }
        // Numbering goes on after the copied rows.
        for (table, column) in [("element_status_change", "seq"), ("meeting_action", "number"), ("audit_event", "seq")]
        {
          try session.execute(
            PostgresQuery(
              unsafeSQL: """
                SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), COALESCE(MAX(\(column)), 1), MAX(\(column)) IS NOT NULL)
                FROM \(table)
                """))
        }
        if issuedThrough > 0 { try session.execute("SELECT setval('change_log_cursor', \(issuedThrough))") }
        try session.notify(.plan)
        try session.notify(.accounts)
      }
    }
  }

  /// Every table as stored here, in the same form and order as `importTables` takes them, for
  /// checking a copy.
  public func exportTables() async throws -> [TableRows] {
    try await transaction(write: false) { session in
      let columns = try Self.columns(session)
      return try ServerTables.all.map { table in
        let known = (columns[table.name] ?? []).filter { !table.generated.contains($0.name) }
        let list = known.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let order = table.key.isEmpty ? "seq" : table.key.joined(separator: ", ")
        let rows = try session.rows(PostgresQuery(unsafeSQL: "SELECT \(list) FROM \(table.name) ORDER BY \(order)"))
          .map { row in
            try known.enumerated().map { index, column -> StoredValue in
              switch column.type {
              case "boolean": (try row[index] as Bool?).map { .integer($0 ? 1 : 0) } ?? .null
              case "bigint": (try row[index] as Int64?).map(StoredValue.integer) ?? .null
              case "double precision": (try row[index] as Double?).map(StoredValue.real) ?? .null
              default: (try row[index] as String?).map(StoredValue.text) ?? .null
              }
            }
          }
        return TableRows(table: table.name, columns: known.map(\.name), rows: rows)
      }
    }
  }

  private static func columns(_ session: Session) throws -> [String: [Column]] {
    var columns: [String: [Column]] = [:]
    for row in try session.rows(
      """
      SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position
      """)
    {
      columns[try row[0], default: []].append((try row[1], try row[2]))
    }
    return columns
  }

  /// Inserts rows many to a statement (PostgreSQL takes at most 65,535 parameters in one).
  private static func insert(_ rows: TableRows, types: [String: String], _ session: Session) throws {
    guard !rows.rows.isEmpty else { return }
    for column in rows.columns where types[column] == nil {
      throw StorageError(.corrupt, "the target's table \(rows.table) has no column \(column)")
    }
    let list = rows.columns.map { "\"\($0)\"" }.joined(separator: ", ")
    let overriding = ["element_status_change", "meeting_action", "audit_event"].contains(rows.table)
    let perStatement = max(1, 30_000 / max(rows.columns.count, 1))
    for start in stride(from: 0, to: rows.rows.count, by: perStatement) {
      var statement = Statement(
        "INSERT INTO \(rows.table) (\(list))\(overriding ? " OVERRIDING SYSTEM VALUE" : "") VALUES ")
      for (offset, row) in rows.rows[start..<min(start + perStatement, rows.rows.count)].enumerated() {
        var placeholders: [String] = []
        for (column, value) in zip(rows.columns, row) {
          placeholders.append(
            try bind(value, as: types[column] ?? "text", table: rows.table, column: column, &statement))
        }
        statement.append((offset == 0 ? "(" : ", (") + placeholders.joined(separator: ", ") + ")")
      }
      try session.execute(statement.query)
    }
  }

  private static func bind(
    _ value: StoredValue, as type: String, table: String, column: String, _ statement: inout Statement
  ) throws -> String {
    switch (value, type) {
    case (.null, _): return "NULL"
    case (.integer(let number), "boolean"): return statement.bind(number != 0)
    case (.integer(let number), "bigint"): return statement.bind(number)
    case (.integer(let number), "double precision"): return statement.bind(Double(number))
    case (.real(let number), "double precision"): return statement.bind(number)
    case (.text(let text), "text"): return statement.bind(text)
    default:
      throw StorageError(.corrupt, "table \(table), column \(column) (\(type)) cannot take \(value)")
    }
  }
}
