import Foundation
public import Model
public import Stores

extension PostgresServerTransaction: ServerTransaction {}

extension PostgresServerDatabase: ServerStore {
  public func write<T: Sendable>(_ body: @escaping @Sendable (any ServerTransaction) throws -> T) async throws -> T {
    let started = ContinuousClock.now
    defer { Self.record("write", since: started) }
    // One writer per process waits for the database's lock; the others wait here without
    // holding a connection, so reads always find one.
    return try await writers.serialised {
      try await self.transaction(write: true) { try body(PostgresServerTransaction(session: $0)) }
    }
  }

  public func read<T: Sendable>(_ body: @escaping @Sendable (any ServerTransaction) throws -> T) async throws -> T {
    let started = ContinuousClock.now
    defer { Self.record("read", since: started) }
    return try await transaction(write: false) { try body(PostgresServerTransaction(session: $0)) }
  }

  /// Nothing the server can do from a transaction: PostgreSQL keeps a rewritten row's old
  /// version until VACUUM, and its write-ahead log until recycled (Docs/DataProtection.md).
  public func reclaimErasedSpace() async throws {}
}
