import GRDB
import Model
public import Stores

extension ServerDatabase {
  /// Every table of the server as stored, read in one snapshot (`assure-server store copy`),
  /// with the highest change cursor ever given out.
  public func exportTables() throws -> (tables: [TableRows], issuedThrough: Int64) {
    try pool.read { db in
      var tables: [TableRows] = []
      for table in ServerTables.all {
        let columns = try db.columns(in: table.name).map(\.name).filter { !table.generated.contains($0) }
        let order = table.key.isEmpty ? "rowid" : table.key.joined(separator: ", ")
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let rows = try Row.fetchAll(db, sql: "SELECT \(list) FROM \(table.name) ORDER BY \(order)").map { row in
          try (0..<columns.count).map { index -> StoredValue in
            switch (row[index] as DatabaseValue).storage {
            case .null: .null
            case .int64(let number): .integer(number)
            case .double(let number): .real(number)
            case .string(let text): .text(text)
            case .blob:
              throw StorageError(
                .corrupt, "table \(table.name), column \(columns[index]) holds a blob, which no column takes")
            }
          }
        }
        tables.append(TableRows(table: table.name, columns: columns, rows: rows))
      }
      return (tables, try db.issuedThrough())
    }
  }
}
