import Foundation
import Logging
import PostgresStore
import SQLiteStore
import Stores

/// Where the server keeps its data: a SQLite file (the default, in the data folder) or a
/// PostgreSQL database that several servers may share.
enum StoreAddress: Sendable, Equatable, CustomStringConvertible {
  case sqlite(path: String)
  case postgres(PostgresLocation)

  /// The default: `assure-server.sqlite` in the data folder.
  static func defaultSQLite(dataDir: String) -> StoreAddress {
    .sqlite(path: URL(fileURLWithPath: dataDir).appendingPathComponent("assure-server.sqlite").path)
  }

  /// Reads `sqlite:PATH` or `postgres://USER@HOST:PORT/DATABASE`; a PostgreSQL password comes
  /// from `passwordFile` or `PGPASSWORD`, never from the address.
  init(parsing text: String, passwordFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
    throws(LocationError)
  {
    if text.hasPrefix("sqlite:") {
      let path = String(text.dropFirst("sqlite:".count))
      guard !path.isEmpty else {
        throw LocationError(field: "store", rule: "sqlite: must be followed by the database file's path")
      }
      guard passwordFile == nil else {
        throw LocationError(field: "store-password-file", rule: "is for a postgres:// store only")
      }
      self = .sqlite(path: path)
    } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
      var location = try PostgresLocation(url: text)
      location.password = try PostgresLocation.password(file: passwordFile, environment: environment)
      self = .postgres(location)
    } else {
      throw LocationError(
        field: "store",
        rule: "must be sqlite:PATH or postgres://USER@HOST:PORT/DATABASE (got \"\(text)\")")
    }
  }

  var description: String {
    switch self {
    case .sqlite(let path): "sqlite:\(path)"
    case .postgres(let location): location.description
    }
  }

  /// The SQLite file, if the store is one.
  var sqlitePath: String? {
    if case .sqlite(let path) = self { path } else { nil }
  }

  /// Opens the store, creating and migrating it as needed.
  func open(logger: Logger) async throws -> any ServerStore {
    switch self {
    case .sqlite(let path): try ServerDatabase(path: path)
    case .postgres(let location): try await PostgresServerDatabase.open(location, logger: logger)
    }
  }
}
