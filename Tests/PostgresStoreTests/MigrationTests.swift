import Foundation
import Model
import PostgresNIO
import StoreTestSupport
import Testing

@testable import PostgresStore

@Suite(.enabled(if: TestEngine.postgresAdmin != nil, "ASSURE_TEST_POSTGRES names no server"))
struct MigrationTests {
  @Test func createsTheSchemaOnceAndKeepsTheIdentity() async throws {
    let location = try await TestEngine.newDatabase()
    let first = try await PostgresServerDatabase.open(location, connections: 2)
    #expect(try await first.appliedMigrations() == PostgresSchema.names)
    #expect(first.identity.epochStart == 1)
    // Two more processes opening the same database at once: one migrates nothing, both see
    // the same server.
    async let second = PostgresServerDatabase.open(location, connections: 2)
    async let third = PostgresServerDatabase.open(location, connections: 2)
    let (b, c) = try await (second, third)
    #expect(b.identity == first.identity && c.identity == first.identity)
    #expect(try await b.appliedMigrations() == PostgresSchema.names)
    for store in [first, b, c] { await store.close() }
  }

  @Test func refusesADatabaseMigratedByANewerServer() async throws {
    let location = try await TestEngine.newDatabase()
    let store = try await PostgresServerDatabase.open(location, connections: 1)
    try await store.transaction(write: true) { session in
      try session.execute(
        "INSERT INTO assure_migration (name, applied_order, applied_at_ms) VALUES ('v99-from-the-future', 99, 0)")
    }
    await store.close()
    await #expect {
      try await PostgresServerDatabase.open(location, connections: 1)
    } throws: { error in
      "\(error)".contains("v99-from-the-future") && "\(error)".contains("newer assure-server")
    }
  }

  @Test func anUnreachableDatabaseIsUnavailableNotAWait() async throws {
    var nowhere = try await TestEngine.newDatabase()
    nowhere.port = 1
    let started = ContinuousClock.now
    await #expect {
      try await PostgresServerDatabase.open(nowhere, connections: 1)
    } throws: { error in
      (error as? StorageError)?.code == .unavailable
    }
    #expect(ContinuousClock.now - started < PostgresServerDatabase.leaseTimeout + .seconds(5))
  }
}
