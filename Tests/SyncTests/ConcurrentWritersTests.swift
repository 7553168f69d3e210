import Application
import Foundation
import Model
import SQLiteStore
import StoreTestSupport
import Stores
import Sync
import TestSupport
import Testing

/// Two servers on one PostgreSQL database, written to at once by devices syncing with either,
/// while every device pulls by cursor: no device may miss a change that committed late with a
/// smaller cursor, the failure a change log numbered by a sequence invites (sequences are
/// taken in one order and committed in another). Each round starts from a new database.
/// Without the writer's lock (PostgresServerDatabase.write) devices miss engagements in most
/// rounds.
@Suite(.enabled(if: TestEngine.current == .postgres, "two servers share one database on PostgreSQL only"))
struct ConcurrentWritersTests {
  static var rounds: [Int] {
    let count = ProcessInfo.processInfo.environment["ASSURE_CONCURRENT_ROUNDS"].flatMap(Int.init) ?? 12
    return Array(1...max(count, 1))
  }

  @Test("two servers writing at once while devices pull: every device ends with every engagement", arguments: rounds)
  func twoServersOneDatabase(round: Int) async throws {
    let folder = try TemporaryFolder()
    let location = try await TestEngine.newDatabase()
    let clock = TestClock()
    let servers = [
      ServerRepository(database: try await TestEngine.openServerStore(location), now: { clock.now }),
      ServerRepository(database: try await TestEngine.openServerStore(location), now: { clock.now }),
    ]
    try await servers[0].configureAreas(Area.westMercia)
    let devicesPerServer = 3
    let perDevice = 12
    var devices: [Device] = []
    for index in 0..<(2 * devicesPerServer) {
      let database = try ClientDatabase(path: folder.path("device-\(index).sqlite"))
      let now: @Sendable () -> Date = { clock.now }
      devices.append(
        Device(
          repository: FieldRepository(
            database: database, user: "device-\(index)", now: now, timeZone: TimeZone(identifier: "UTC")!),
          client: SyncClient(
            database: database, transport: FaultyTransport(server: servers[index % 2]), batchSize: 3, pageSize: 4,
            now: now)))
    }
    // Every device records and syncs in turns, all at once: pushes through both servers
    // interleave with pulls of small pages, so cursors move while other writes are committing.
    try await withThrowingTaskGroup(of: Void.self) { group in
      for (index, device) in devices.enumerated() {
        group.addTask {
          for number in 0..<perDevice {
            _ = try await device.add("Round \(round) device \(index) number \(number)")
            if number % 2 == 1 { _ = try await device.client.sync() }
          }
          _ = try await device.client.sync()
        }
      }
      try await group.waitForAll()
    }
    // Writes have stopped: one more sync each, and every device must hold every engagement.
    for device in devices { _ = try await device.client.sync() }
    let expected = Set(try await servers[1].database.read { try $0.engagements(matching: EngagementQuery()) }.map(\.id))
    #expect(expected.count == devices.count * perDevice, "round \(round): the server lost or duplicated one")
    for (index, device) in devices.enumerated() {
      let held = Set(try await device.engagements().map(\.id))
      let missing = expected.subtracting(held)
      #expect(missing.isEmpty, "round \(round): device \(index) misses \(missing.count) of \(expected.count)")
      #expect(try await device.pending() == 0)
    }
    // The log gives each cursor once, in commit order.
    let cursors = try await queryText(
      servers[0].database, "SELECT CAST(cursor AS TEXT) FROM change_log ORDER BY cursor"
    )
    .compactMap { $0[0].flatMap { Int64($0) } }
    #expect(Set(cursors).count == cursors.count)
  }
}
