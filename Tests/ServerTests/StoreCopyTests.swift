import Application
import ArgumentParser
import Foundation
import Logging
import Model
import PostgresStore
import Reports
import SQLiteStore
import StoreTestSupport
import Stores
import Sync
import Synchronization
import TestSupport
import Testing

@testable import Server

@Suite(.enabled(if: TestEngine.postgresAdmin != nil, "ASSURE_TEST_POSTGRES names no server"))
struct StoreCopyTests {
  /// The October 2022 review and the September-October Panel report, as the office publishes
  /// them, from a server on `store`.
  static func publications(_ repository: ServerRepository) async throws -> [String] {
    let governance = GovernanceRepository(database: repository.database, now: repository.now)
    let oversight = OversightRepository(database: repository.database, now: repository.now)
    let review = try await governance.monthlyReview(YearMonth(year: 2022, month: 10)!)
    let panel = try await oversight.panelInputs(from: LocalDate("2022-09-01")!, to: LocalDate("2022-10-31")!)
    return [
      ReviewDocument.markdown(review), ReviewDocument.html(review), PanelDocument.markdown(panel),
      PanelDocument.html(panel),
    ]
  }

  @Test(
    "--check-config reaches a PostgreSQL store and reports its migrations without applying them; an unreachable one is a problem"
  )
  func checkConfigOnPostgres() async throws {
    let location = try await TestEngine.newEmptyDatabase()
    let settings = try Serve.parse(["--store", location.description]).settings(environment: [:])
    try await Serve.printChecked(settings)
    // Nothing was created: the check reads only.
    #expect(try await TestEngine.count("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'", on: location) == 0)

    var nowhere = location
    nowhere.port = 1
    let unreachable = try Serve.parse(["--store", nowhere.description]).settings(environment: [:])
    await #expect {
      try await Serve.printChecked(unreachable)
    } throws: { error in
      "\(error)".contains("store \(nowhere)") && "\(error)".contains("cannot connect")
    }
  }

  @Test(
    "an office copied from SQLite to PostgreSQL serves the same reviews and reports byte for byte, and its devices sync on without a full pull"
  )
  func copiedOffice() async throws {
    let folder = try TemporaryFolder()
    let path = folder.path("office.sqlite")
    let original = try await ServerApplication.prepare(
      ServerConfiguration(store: .sqlite(path: path), host: "127.0.0.1", port: 0, demo: true, areas: []),
      logger: Logger(label: "test"))
    // A device that has synced with the SQLite server, and then records one more.
    let transport = SwitchableTransport(original)
    let database = try ClientDatabase(path: folder.path("device.sqlite"))
    let field = FieldRepository(
      database: database, user: "pcc", now: { Date() }, timeZone: TimeZone(identifier: "UTC")!)
    let client = SyncClient(database: database, transport: transport, now: { Date() })
    func record(_ organisation: String) async throws {
      _ = try await field.record(
        Engagement(
          date: LocalDate("2022-10-20")!, who: .pcc, kind: .parishCouncil, organisation: organisation, place: "Ledbury",
          area: "herefordshire", attendees: 12, createdBy: "pcc"))
    }
    try await record("Before the move")
    let first = try await client.sync()
    #expect(first.pushed == 1)
    let before = try await Self.publications(original)

    let target = try await TestEngine.newDatabase()
    try await StoreCommand.Copy.parse(["--from", "sqlite:\(path)", "--to", target.description]).run()
    await #expect(throws: CommandFailure.self) {
      try await StoreCommand.Copy.parse(["--from", "sqlite:\(path)", "--to", target.description]).run()
    }

    let moved = try await ServerApplication.prepare(
      ServerConfiguration(store: .postgres(target), host: "127.0.0.1", port: 0, demo: true, areas: []),
      logger: Logger(label: "test"))
    #expect(moved.database.identity == original.database.identity)
    #expect(try await Self.publications(moved) == before)

    // The device now syncs with the copy: no full pull, its new engagement goes up, and the
    // server's next cursor follows the copied ones.
    transport.server.withLock { $0 = moved }
    try await record("After the move")
    let report = try await client.sync()
    #expect(!report.rebaselined)
    #expect(report.pushed == 1)
    let onServer = try await moved.database.read { try $0.engagements(matching: EngagementQuery()) }
    #expect(onServer.contains { $0.organisation == "After the move" })
    #expect(onServer.contains { $0.organisation == "Before the move" })
  }
}

/// Hands a device's calls to a server in this process, which the test may replace.
final class SwitchableTransport: SyncTransport {
  let server: Mutex<ServerRepository>
  init(_ server: ServerRepository) { self.server = Mutex(server) }

  func push(_ request: PushRequest) async throws -> PushReply {
    try await server.withLock { $0 }.push(request, by: .server("test", rpc: "SyncService.Push"))
  }

  func pull(_ request: PullRequest) async throws -> PullPage {
    try await server.withLock { $0 }.pull(request)
  }
}
