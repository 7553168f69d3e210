import Foundation
import GRDB

/// Opens a SQLite file in WAL mode with the settings both ends share.
enum DatabaseFile {
  /// Opens (creating if needed) the file at `path` and runs `migrator` on it.
  ///
  /// The directory is created owner-only. Migrations are named and append-only: a file
  /// written by an older version is upgraded in place, never erased.
  static func open(path: String, migrator: DatabaseMigrator) throws -> DatabasePool {
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    try FileManager.default.createDirectory(
      at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    var configuration = Configuration()
    configuration.foreignKeysEnabled = true
    configuration.busyMode = .timeout(10)
    configuration.prepareDatabase { db in
      // FULL: a transaction acknowledged to the user survives power loss, not only a crash.
      try db.execute(sql: "PRAGMA synchronous = FULL")
    }
    let pool = try DatabasePool(path: path, configuration: configuration)
    try migrator.migrate(pool)
    return pool
  }
}
