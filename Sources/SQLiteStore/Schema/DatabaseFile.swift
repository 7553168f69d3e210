import Foundation
import GRDB
import Model
import Stores

#if canImport(Glibc)
  import Glibc
#endif

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
    try restrictToOwner(file: path)
    var configuration = Configuration()
    configuration.foreignKeysEnabled = true
    configuration.busyMode = .timeout(10)
    configuration.prepareDatabase { db in
      // FULL: a transaction acknowledged to the user survives power loss, not only a crash.
      try db.execute(sql: "PRAGMA synchronous = FULL")
      // Deleted and overwritten content is zeroed, not left in free space: personal text that
      // was erased is gone from the file's bytes once the write-ahead log is checkpointed.
      try db.execute(sql: "PRAGMA secure_delete = ON")
    }
    // Two processes opening a new file at once (two `assure` commands, say) would both see
    // the migrations pending and both run them; an exclusive lock on a file beside the
    // database makes the second wait and then find nothing to do.
    return try withExclusiveLock(on: path + ".lock") {
      let pool = try DatabasePool(path: path, configuration: configuration)
      try migrator.migrate(pool)
      return pool
    }
  }

  /// Makes the database file owner-read-write (0600), creating it empty if it is missing (a
  /// folder Assure creates is owner-only, 0700; an existing folder is left as it is). SQLite gives its -wal and -shm files the
  /// database file's permissions. The file holds OFFICIAL information; nobody else on the
  /// machine may read it.
  private static func restrictToOwner(file: String) throws {
    let descriptor = Glibc.open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw StorageError(.corrupt, "cannot open \(file): \(String(cString: strerror(errno)))")
    }
    let fileMode = fchmod(descriptor, 0o600)
    close(descriptor)
    guard fileMode == 0 else {
      throw StorageError(.corrupt, "cannot make \(file) private to its owner: \(String(cString: strerror(errno)))")
    }
    for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: file + suffix) {
      _ = chmod(file + suffix, 0o600)
    }
  }

  /// Runs `body` holding an advisory exclusive lock (`flock`) on the file at `lockPath`.
  private static func withExclusiveLock<T>(on lockPath: String, _ body: () throws -> T) throws -> T {
    let descriptor = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw StorageError(.corrupt, "cannot open the lock file \(lockPath): \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    while flock(descriptor, LOCK_EX) != 0 {
      guard errno == EINTR else {
        throw StorageError(.corrupt, "cannot lock \(lockPath): \(String(cString: strerror(errno)))")
      }
    }
    defer { flock(descriptor, LOCK_UN) }
    return try body()
  }
}
