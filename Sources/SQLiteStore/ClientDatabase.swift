import Foundation
public import GRDB
public import Stores

/// A field device's SQLite file: engagements, the outbox, the sync state and the cached plan.
///
/// One instance per file per process. Every local write goes through `write`, which commits
/// the engagement change and its outbox row in one transaction.
public final class ClientDatabase: DeviceStore {
  public let pool: DatabasePool
  public let path: String

  /// Opens or creates the file and runs any pending migrations.
  public init(path: String) throws {
    self.path = path
    self.pool = try DatabaseFile.open(path: path, migrator: ClientSchema.migrator)
  }

  public func write<T: Sendable>(_ body: @Sendable (any DeviceTransaction) throws -> T) async throws -> T {
    try await pool.write { try body(SQLiteDeviceTransaction(db: $0)) }
  }

  public func read<T: Sendable>(_ body: @Sendable (any DeviceTransaction) throws -> T) async throws -> T {
    try await pool.read { try body(SQLiteDeviceTransaction(db: $0)) }
  }

  public func reclaimErasedSpace() async throws {
    try Database.truncateLog(of: pool)
  }

  /// Names of the migrations applied to the file, in order.
  public func appliedMigrations() throws -> [String] {
    try pool.read { try ClientSchema.migrator.appliedMigrations($0) }
  }
}
