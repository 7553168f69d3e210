import Foundation
public import GRDB
import Metrics
public import Model
public import Stores

/// The server's SQLite file: the plan, engagements, the change log and applied mutation ids.
///
/// One instance per file per process. Reads run concurrently (WAL); writes are serialised.
public final class ServerDatabase: ServerStore {
  /// The connection pool; transactions that span tables go through `write`.
  public let pool: DatabasePool
  public let path: String
  /// Which server this is and which of its histories: fixed for as long as the file is open
  /// (only a backup copy or a restore, of a file no server is serving, starts a new epoch).
  public let identity: ServerIdentity

  /// Opens or creates the file and runs any pending migrations.
  public init(path: String) throws {
    self.path = path
    self.pool = try DatabaseFile.open(path: path, migrator: ServerSchema.migrator)
    self.identity = try pool.read { try $0.serverIdentity() }
  }

  /// Runs `body` in one write transaction: everything in it is committed together or not at all.
  public func write<T: Sendable>(_ body: @escaping @Sendable (any ServerTransaction) throws -> T) async throws -> T {
    let started = ContinuousClock.now
    defer { Self.record("write", since: started) }
    return try await pool.write { try body(SQLiteServerTransaction(db: $0)) }
  }

  public func read<T: Sendable>(_ body: @escaping @Sendable (any ServerTransaction) throws -> T) async throws -> T {
    let started = ContinuousClock.now
    defer { Self.record("read", since: started) }
    return try await pool.read { try body(SQLiteServerTransaction(db: $0)) }
  }

  /// Time spent in a database transaction (waiting for the writer included), by kind: the
  /// `assure_db_transaction_seconds` histogram when the server exports metrics.
  private static func record(_ kind: String, since started: ContinuousClock.Instant) {
    let elapsed = (ContinuousClock.now - started).components
    Metrics.Timer(label: "assure_db_transaction_seconds", dimensions: [("kind", kind)])
      .recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
  }

  public func isEngineFailure(_ error: any Error) -> Bool {
    guard let error = error as? DatabaseError else { return false }
    let engine: [ResultCode] = [
      .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_NOMEM, .SQLITE_READONLY, .SQLITE_CORRUPT,
      .SQLITE_INTERRUPT, .SQLITE_CANTOPEN, .SQLITE_NOTADB, .SQLITE_PROTOCOL, .SQLITE_ABORT, .SQLITE_PERM,
    ]
    return engine.contains { $0 == error.resultCode }
  }

  public func describe(_ error: any Error) -> String {
    guard let error = error as? DatabaseError else { return "\(error)" }
    return "SQLite error \(error.extendedResultCode.rawValue): \(error.message ?? "no message")"
  }

  public func reclaimErasedSpace() async throws {
    try Database.reclaimErasedSpace(in: pool)
  }

  /// Names of the migrations applied to the file, in order.
  public func appliedMigrations() throws -> [String] {
    try pool.read { try ServerSchema.migrator.appliedMigrations($0) }
  }
}
