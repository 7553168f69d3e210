import Crypto
public import Foundation
import GRDB
import Model
import Stores

#if canImport(Glibc)
  import Glibc
#endif

/// What a backup holds, read back from the copy itself.
public struct BackupSummary: Sendable {
  public var path: String
  public var bytes: Int
  public var migrations: [String]
  public var engagements: Int
  public var changeHead: Int64
  public var sha256: String
}

/// What a restore did.
public struct RestoreSummary: Sendable {
  public var restored: BackupSummary
  /// Where the database that was replaced now is (kept, never deleted), if there was one.
  public var previousKeptAt: String?
  /// The first change cursor after the restore: every device that synced before it pulls
  /// everything again.
  public var fence: Int64
}

/// An exclusive lock on a file, held for as long as the value lives (`flock`, so the
/// system releases it when the process dies, SIGKILL included).
public final class FileLock: Sendable {
  private let descriptor: Int32

  /// Takes the lock on `path` (made if missing), or fails at once with `busy` when another
  /// process holds it.
  public init(path: String, busy: @autoclosure () -> String) throws {
    let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
    guard fd >= 0 else { throw StorageError(.corrupt, "cannot open \(path): \(String(cString: strerror(errno)))") }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      close(fd)
      throw StorageError(.alreadyExists, busy())
    }
    descriptor = fd
  }

  deinit {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}

/// The server is serving this database: an exclusive lock on a file beside it, held for as
/// long as the value lives.
public final class ServingLock: Sendable {
  private let lock: FileLock

  /// Takes the lock, or fails at once naming the file when another process holds it.
  public init(databasePath: String) throws {
    let path = databasePath + ".serving"
    lock = try FileLock(path: path, busy: "another assure-server is serving \(databasePath) (it holds \(path))")
  }
}

extension ServerDatabase {
  /// Writes a consistent copy of the database to `path` while it stays in use: SQLite's backup
  /// of one read transaction, written beside the target and renamed into place once complete
  /// and checked. The copy is owner-only.
  public func backup(to path: String) throws -> BackupSummary {
    let partial = path + ".partial"
    try? FileManager.default.removeItem(atPath: partial)
    let descriptor = Glibc.open(partial, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw StorageError(.corrupt, "cannot create \(partial): \(String(cString: strerror(errno)))")
    }
    close(descriptor)
    do {
      let copy = try DatabaseQueue(path: partial)
      try pool.backup(to: copy)
      // The copy is a history of its own from here: started or restored, it answers with
      // another epoch, so devices that synced with this server after the backup notice.
      try copy.write { try $0.beginEpoch() }
      try copy.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
      try copy.close()
      _ = try Self.inspect(partial)
      let fd = Glibc.open(partial, O_RDONLY | O_CLOEXEC)
      if fd >= 0 {
        fsync(fd)
        close(fd)
      }
      guard rename(partial, path) == 0 else {
        throw StorageError(.corrupt, "cannot move the backup to \(path): \(String(cString: strerror(errno)))")
      }
    } catch {
      try? FileManager.default.removeItem(atPath: partial)
      throw error
    }
    return try Self.inspect(path)
  }

  /// Checks a backup file and reads what it holds: integrity, migrations (none unknown to this
  /// version), engagements, the newest change cursor.
  public static func inspect(_ path: String) throws -> BackupSummary {
    guard FileManager.default.fileExists(atPath: path) else { throw StorageError(.notFound, "no file \(path)") }
    var configuration = Configuration()
    configuration.readonly = true
    let queue: DatabaseQueue
    do {
      queue = try DatabaseQueue(path: path, configuration: configuration)
    } catch {
      throw StorageError(.corrupt, "\(path) is not an SQLite database: \(error)")
    }
    defer { try? queue.close() }
    let known = Set(ServerSchema.migrator.migrations)
    let (check, migrations, engagements, head) = try queue.read { db -> (String, [String], Int, Int64) in
      let check = try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer"
      guard try db.tableExists("grdb_migrations"), try db.tableExists("change_log") else {
        throw StorageError(.corrupt, "\(path) is not an assure-server database")
      }
      return (
        check, try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid"),
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM engagement WHERE deleted_at_ms IS NULL") ?? 0,
        try Int64.fetchOne(db, sql: "SELECT MAX(cursor) FROM change_log") ?? 0
      )
    }
    guard check == "ok" else { throw StorageError(.corrupt, "\(path) fails SQLite's integrity check: \(check)") }
    let unknown = migrations.filter { !known.contains($0) }
    guard unknown.isEmpty else {
      throw StorageError(
        .corrupt,
        "\(path) was written by a newer assure-server (migrations \(unknown.joined(separator: ", "))): upgrade first")
    }
    let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
    return BackupSummary(
      path: path, bytes: data.count, migrations: migrations, engagements: engagements, changeHead: head,
      sha256: AuditEntry.hex(SHA256.hash(data: data)))
  }

  /// Replaces the database at `path` with the backup at `backup`. The server must not be
  /// serving it (the caller holds `ServingLock`).
  ///
  /// The replaced database is kept beside it (`.before-restore-<time>`, with its -wal file),
  /// never deleted. The restored file is upgraded by the migrations, and the change cursor is
  /// moved past both files' newest, marked as the point every device must pull everything
  /// again from: a device that synced with the replaced database does not trust cursors the
  /// restored one reuses. The restore is audited in the restored database.
  public static func restore(from backup: String, to path: String, by actor: String, at time: Date) throws
    -> RestoreSummary
  {
    let restored = try inspect(backup)
    var previousHead: Int64 = 0
    var keptAt: String?
    if FileManager.default.fileExists(atPath: path) {
      previousHead = try DatabaseQueue(path: path).read { db in
        try Int64.fetchOne(db, sql: "SELECT MAX(cursor) FROM change_log") ?? 0
      }
      let formatter = DateFormatter()
      formatter.locale = Locale(identifier: "en_US_POSIX")
      formatter.timeZone = TimeZone(identifier: "UTC")
      formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
      let kept = path + ".before-restore-" + formatter.string(from: time)
      for suffix in ["-wal", "-shm", ""] where FileManager.default.fileExists(atPath: path + suffix) {
        try FileManager.default.moveItem(atPath: path + suffix, toPath: kept + suffix)
      }
      keptAt = kept
    }
    // A new disk has no data folder yet.
    try FileManager.default.createDirectory(
      at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true,
      attributes: [.posixPermissions: 0o700])
    let partial = path + ".restoring"
    try? FileManager.default.removeItem(atPath: partial)
    try FileManager.default.copyItem(atPath: backup, toPath: partial)
    _ = chmod(partial, 0o600)
    guard rename(partial, path) == 0 else {
      throw StorageError(.corrupt, "cannot move the restored file into place: \(String(cString: strerror(errno)))")
    }
    let database = try ServerDatabase(path: path)
    let fence = max(previousHead, restored.changeHead) + 1
    try database.pool.write { db in
      // The next change takes cursor `fence`: a marker (the first area, logged again) so that
      // a device's full pull ends at or past the fence and is not asked for again.
      try db.execute(
        sql: "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'change_log'", arguments: [fence - 1])
      if db.changesCount == 0 {
        try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('change_log', ?)", arguments: [fence - 1])
      }
      // A new epoch starting at the fence: devices that knew another send again what they
      // had acknowledged, then pull everything.
      try db.beginEpoch()
      if let area = try db.areas().first {
        let cursor = try db.appendChange(.area, id: area.code, operation: .upsert, payload: .area(area), at: time)
        try db.execute(
          sql: """
            INSERT INTO server_state (key, value) VALUES ('purged_through', ?)
            ON CONFLICT(key) DO UPDATE SET value = MAX(value, excluded.value)
            """, arguments: [cursor])
      }
      try db.appendAudit(
        AuditEntry(
          at: time, actor: actor, rpc: "assure-server restore", entityType: "database",
          entityID: URL(fileURLWithPath: backup).lastPathComponent, beforeDigest: nil, afterDigest: restored.sha256))
    }
    try database.pool.close()
    return RestoreSummary(restored: restored, previousKeptAt: keptAt, fence: fence)
  }
}
