import Foundation
import GRDB

/// The server's SQLite file: the plan, engagements, the change log and applied mutation ids.
///
/// One instance per file per process. Reads run concurrently (WAL); writes are serialised.
public final class ServerDatabase: Sendable {
  /// The connection pool; transactions that span tables go through `write`.
  public let pool: DatabasePool
  public let path: String

  /// Opens or creates the file and runs any pending migrations.
  public init(path: String) throws {
    self.path = path
    self.pool = try DatabaseFile.open(path: path, migrator: ServerSchema.migrator)
  }

  /// Runs `body` in one write transaction: everything in it is committed together or not at all.
  public func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
    try await pool.write(body)
  }

  public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
    try await pool.read(body)
  }

  /// Names of the migrations applied to the file, in order.
  public func appliedMigrations() throws -> [String] {
    try pool.read { try ServerSchema.migrator.appliedMigrations($0) }
  }
}
