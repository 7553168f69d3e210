import Foundation
import Model
import PostgresNIO
import Stores

extension Row {
  /// The UUID stored at `key`, a column of `table` (`column` when the query renamed it, e.g.
  /// `a.id AS a_id`).
  ///
  /// A value that is not a UUID is a corrupt row, reported with the table, the column and the
  /// value (as the SQLite store reports it): never replaced by a new random id, which would
  /// detach the record from everything that names it.
  func storedUUID(_ key: String, table: String, column: String? = nil) throws -> UUID {
    let text: String? = try self[key]
    if let text, let id = UUID(text: text) { return id }
    let shown = text.map { "\"\(DisplayText.escaped($0))\"" } ?? "NULL"
    throw StorageError(.corrupt, "table \(table), column \(column ?? key): \(shown) is not a UUID")
  }

  /// The day (`YYYY-MM-DD`) stored at `column`, a column of `table`.
  ///
  /// A value that is not a day is a corrupt row, reported as the SQLite store reports it: the
  /// table, the column, the row's id where it has one, and the value.
  func day(_ column: String, table: String) throws -> LocalDate {
    let text: String? = try self[column]
    if let text, let day = LocalDate(text) { return day }
    let id =
      cells.contains("id") ? (try self["id"] as String?).map { " (row \(DisplayText.escaped($0)))" } ?? "" : ""
    let shown = text.map { "\"\(DisplayText.escaped($0))\"" } ?? "NULL"
    throw StorageError(.corrupt, "table \(table), column \(column)\(id): \(shown) is not a day (YYYY-MM-DD)")
  }
}
