import Foundation
import GRDB
import Model
import Stores

extension Row {
  /// The UUID stored at `key`, a column of `table` (`column` when the query renamed it, e.g.
  /// `a.id AS a_id`).
  ///
  /// A value that is not a UUID is a corrupt row, reported with the table, the column and the
  /// value: never replaced by a new random id, which would detach the record from everything
  /// that names it and show it under an id nobody stored.
  func uuid(_ key: String, table: String, column: String? = nil) throws -> UUID {
    let value: DatabaseValue = self[key]
    if let text = String.fromDatabaseValue(value), let id = UUID(text: text) { return id }
    let shown: String
    switch value.storage {
    case .null: shown = "NULL"
    case .string(let text): shown = "\"\(DisplayText.escaped(text))\""
    case .int64(let number): shown = String(number)
    case .double(let number): shown = String(number)
    case .blob(let data): shown = "a blob of \(data.count) bytes"
    }
    throw StorageError(.corrupt, "table \(table), column \(column ?? key): \(shown) is not a UUID")
  }
}

extension Row {
  /// The day (`YYYY-MM-DD`) stored at `column`, a column of `table`.
  ///
  /// A value that is not a day is a corrupt row, reported with the table, the column, the
  /// row's id where it has one, and the value: never replaced by another day, which would show
  /// a record under a date nobody gave it.
  func day(_ column: String, table: String) throws -> LocalDate {
    let value: DatabaseValue = self[column]
    if let text = String.fromDatabaseValue(value), let day = LocalDate(text) { return day }
    let id =
      (self["id"] as DatabaseValue?).flatMap { String.fromDatabaseValue($0) }.map {
        " (row \(DisplayText.escaped($0)))"
      } ?? ""
    let shown = String.fromDatabaseValue(value).map { "\"\(DisplayText.escaped($0))\"" } ?? "NULL"
    throw StorageError(.corrupt, "table \(table), column \(column)\(id): \(shown) is not a day (YYYY-MM-DD)")
  }
}
