import Application
import Foundation
import GRPCCore
import GRPCInProcessTransport
import Logging
import Model
import RPC
import SQLiteStore
import StoreTestSupport
import Stores
import SwiftProtobuf
import Sync
import Synchronization
import Testing

@testable import Server

/// Identity fails closed, revocation hits the sign-in it names, a token is refreshed once, and
/// sign-in guesses are counted before they are checked.
@Suite struct AccessHardeningTests {
  // MARK: - No default caller

  @Test("services reached without the authorisation interceptor refuse every call: nobody is the server by default")
  func noDefaultCaller() async throws {
    // Given the real services on the demo data, served with no AuthInterceptor in front
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("assure-noauth-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let configuration = ServerConfiguration(
      store: try await TestEngine.current.storeAddress(in: folder), host: "127.0.0.1", port: 0, demo: true,
      areas: Area.westMercia)
    let repository = try await ServerApplication.prepare(configuration, logger: .init(label: "test"))
    let parts = try ServerApplication.parts(repository, configuration)
    let before = try await repository.database.read { try $0.engagementCount(matching: EngagementQuery()) }
    let transport = InProcessTransport()
    let server = GRPCServer(transport: transport.server, services: ServerApplication.services(parts), interceptors: [])
    try await withThrowingDiscardingTaskGroup { group in
      group.addTask { try await server.serve() }
      try await withGRPCClient(transport: transport.client) { client in
        // When every assure.v1 method but Enrol is called with no caller at all
        let methods = PermissionTableTests.methods.filter {
          $0.service.fullyQualifiedService.hasPrefix("assure.v1.") && $0.method != "Enrol"
        }
        for method in methods {
          let code = await PermissionTableTests.call(method, on: client)
          // Then each is refused as unauthenticated
          #expect(code == .unauthenticated, "\(method.fullyQualifiedMethod): got \(String(describing: code))")
        }
        // And a well-formed engagement is not stored either
        let engagement = Engagement(
          date: LocalDate("2022-10-10")!, who: .pcc, kind: .school, organisation: "No Caller School", place: "Ludlow",
          area: "shropshire", createdBy: "nobody")
        await expectStatus(.unauthenticated, mentioning: "signed-in caller") {
          _ = try await Assure_V1_EngagementService.Client(wrapping: client).recordEngagement(
            .with { $0.engagement = engagement.proto })
        }
      }
      server.beginGracefulShutdown()
    }
    let after = try await repository.database.read { try $0.engagementCount(matching: EngagementQuery()) }
    #expect(after == before)
  }

  @Test("an anonymous caller may record no engagement and change no plan, whatever the repository")
  func anonymousChangesNothing() async throws {
    try await withDemoServerParts { parts, _, _ in
      let anonymous = Caller.anonymous(rpc: "test")
      #expect(!anonymous.mayRecord(for: .pcc))
      let engagement = Engagement(
        date: LocalDate("2022-10-10")!, who: .pcc, kind: .school, organisation: "Anonymous School", place: "Ludlow",
        area: "shropshire", createdBy: "nobody")
      await #expect(throws: AccessError.self) { _ = try await parts.repository.record(engagement, by: anonymous) }
      let governance = GovernanceRepository(database: parts.repository.database, now: parts.repository.now)
      await #expect(throws: AccessError.self) {
        _ = try await governance.createObjective(Objective(id: "9", title: "Nobody's", position: 9), by: anonymous)
      }
      await #expect(throws: AccessError.self) {
        _ = try await parts.accounts.addUser(name: "nobody-made", role: .admin, by: anonymous)
      }
      let users = try await parts.accounts.users()
      #expect(!users.contains { $0.name == "nobody-made" })
    }
  }

  // MARK: - Revocation hits the sign-in it names

  @Test("a device id chosen to equal another sign-in's id neither takes the victim's sign-out nor the admin's revoke")
  func decoyDeviceID() async throws {
    try await withDemoServerParts { parts, client, token in
      // Given a victim's sign-in, and an insider who enrols with the victim's sign-in id as
      // its device id
      let victimToken = try await signIn(parts.accounts, role: .commissioner, name: "victim", deviceID: "victim-laptop")
      let victim = try #require(try await parts.accounts.authenticate(token: victimToken).get())
      let decoyToken = try await signIn(
        parts.accounts, role: .deputy, name: "insider", deviceID: victim.token.id.storageKey)

      // When the victim signs out
      token.use(victimToken)
      _ = try await Assure_V1_AccountService.Client(wrapping: client).signOut(.init())

      // Then the victim's sign-in is revoked and the decoy's is not
      await #expect(throws: AccessError.self) { try await parts.accounts.authenticate(token: victimToken).get() }
      #expect(try await parts.accounts.authenticate(token: decoyToken).get().account.name == "insider")

      // And an administrator revoking the victim's new sign-in by its id revokes that one
      let againToken = try await signIn(parts.accounts, role: .commissioner, name: "victim", deviceID: "victim-laptop")
      let again = try #require(try await parts.accounts.authenticate(token: againToken).get())
      token.use(try await signIn(parts.accounts, role: .admin, name: "an-admin", deviceID: "admin-desk"))
      let revoked = try await Assure_V1_AccountService.Client(wrapping: client).revokeDevice(
        .with { $0.id = again.token.id.storageKey })
      #expect(revoked.revoked.map(\.deviceID) == ["victim-laptop"])
      #expect(try await parts.accounts.authenticate(token: decoyToken).get().account.name == "insider")
    }
  }

  @Test("a device id is read as one only when said so: revoke --device, RevokeDevice with by_device")
  func revokeByDeviceOnlyWhenSaid() async throws {
    try await withDemoServerParts { parts, client, token in
      let fieldToken = try await signIn(parts.accounts, role: .deputy, name: "field", deviceID: "laptop-0042")
      token.use(try await signIn(parts.accounts, role: .admin, name: "an-admin", deviceID: "admin-desk"))
      let accounts = Assure_V1_AccountService.Client(wrapping: client)
      await expectStatus(.notFound, mentioning: "laptop-0042") {
        _ = try await accounts.revokeDevice(.with { $0.id = "laptop-0042" })
      }
      #expect(try await parts.accounts.authenticate(token: fieldToken).get().account.name == "field")
      let revoked = try await accounts.revokeDevice(
        .with {
          $0.id = "laptop-0042"
          $0.byDevice = true
        })
      #expect(revoked.revoked.map(\.accountName) == ["field"])
      #expect(!revoked.revoked[0].hasWipeRequestedAt, "no wipe unless asked")
      await #expect(throws: AccessError.self) { try await parts.accounts.authenticate(token: fieldToken).get() }
    }
  }

  @Test("RevokeDevice with wipe: the device's next call is refused with the erase trailer's reason")
  func revokeWithWipeOverTheWire() async throws {
    try await withDemoServerParts { parts, client, token in
      let fieldToken = try await signIn(parts.accounts, role: .deputy, name: "field", deviceID: "lost-laptop")
      token.use(try await signIn(parts.accounts, role: .admin, name: "an-admin", deviceID: "admin-desk"))
      let revoked = try await Assure_V1_AccountService.Client(wrapping: client).revokeDevice(
        .with {
          $0.id = "lost-laptop"
          $0.byDevice = true
          $0.wipe = true
        })
      #expect(revoked.revoked.map(\.deviceID) == ["lost-laptop"] && revoked.revoked[0].hasWipeRequestedAt)
      do {
        _ = try await parts.accounts.authenticate(token: fieldToken).get()
        Issue.record("a wiped device's token still works")
      } catch let error as AccessError {
        #expect(error.code == .wipeRequested, "\(error)")
      }
    }
  }

  // MARK: - Sign-in guesses

  @Test("guesses sent all at once on one connection: at most the limit are checked, the rest are refused")
  func pipelinedGuessesAreCounted() async throws {
    try await withDemoServerParts(configure: {
      $0.attempts.slowAfter = 5
      $0.attempts.blockAfter = 20
      $0.attempts.delayStep = .milliseconds(1)
      $0.attempts.maxDelay = .milliseconds(5)
    }) { parts, client, token in
      token.use("assure_guess-that-is-not-a-token")
      let answers = await withTaskGroup(of: RPCError.Code?.self) { group in
        for _ in 0..<200 {
          group.addTask {
            await PermissionTableTests.call(Assure_V1_AccountService.Method.WhoAmI.descriptor, on: client)
          }
        }
        return await group.reduce(into: [RPCError.Code?]()) { $0.append($1) }
      }
      let checked = answers.filter { $0 == .unauthenticated }.count
      #expect(answers.count == 200)
      #expect(checked <= 20, "\(checked) guesses were checked; the limit is 20")
      #expect(answers.filter { $0 == .resourceExhausted }.count == 200 - checked)
      // Enrolment codes are counted the same way, and the address is now shut out.
      await expectStatus(.resourceExhausted, mentioning: "too many") {
        _ = try await Assure_V1_AccountService.Client(wrapping: client).enrol(
          .with {
            $0.code = "AAAA-BBBB-CCCC-DDDD"
            $0.deviceID = "guesser"
          })
      }
    }
  }

  @Test("a burst of calls with good tokens from one address, none of them cached, is answered, not refused")
  func goodBurstIsServed() async throws {
    // Each waits for a place as long as it takes: the test is that none is refused as a
    // failure, however slowly a loaded machine checks them.
    try await withDemoServerParts(configure: { $0.attempts.admissionWait = .seconds(120) }) { parts, client, token in
      token.use(try await signIn(parts.accounts, role: .governance))
      parts.cache.removeAll()
      let answers = await withTaskGroup(of: RPCError.Code?.self) { group in
        for _ in 0..<100 {
          group.addTask {
            await PermissionTableTests.call(Assure_V1_AccountService.Method.WhoAmI.descriptor, on: client)
          }
        }
        return await group.reduce(into: [RPCError.Code?]()) { $0.append($1) }
      }
      #expect(answers.count == 100)
      #expect(answers.allSatisfy { $0 == nil }, "\(answers.compactMap { $0 })")
    }
  }

  @Test("enrolment codes guessed all at once: at most the limit are checked")
  func pipelinedCodeGuessesAreCounted() async throws {
    try await withDemoServerParts(configure: {
      $0.attempts.blockAfter = 10
      $0.attempts.delayStep = .milliseconds(1)
      $0.attempts.maxDelay = .milliseconds(5)
    }) { parts, client, _ in
      let accounts = Assure_V1_AccountService.Client(wrapping: client)
      let answers = await withTaskGroup(of: RPCError.Code?.self) { group in
        for index in 0..<100 {
          group.addTask {
            do {
              _ = try await accounts.enrol(
                .with {
                  $0.code = String(format: "AAAA-BBBB-CCCC-%04d", index)
                  $0.deviceID = "guesser"
                })
              return nil
            } catch let error as RPCError {
              return error.code
            } catch {
              return .unknown
            }
          }
        }
        return await group.reduce(into: [RPCError.Code?]()) { $0.append($1) }
      }
      #expect(answers.filter { $0 == .unauthenticated }.count <= 10)
      #expect(answers.filter { $0 == .resourceExhausted }.count >= 90)
    }
  }

  @Test("the limiter admits no more attempts at once than would reach the block, and gives places back on success")
  func limiterCountsBeforeChecking() {
    let limiter = AttemptLimiter(settings: .init(slowAfter: 2, blockAfter: 4))
    let admitted = (0..<10).map { _ in limiter.begin("10.0.0.1") }
    #expect(admitted.filter { $0 == .admitted }.count == 4)
    #expect(admitted.last == .tooManyInFlight)
    for _ in 0..<4 { limiter.succeeded("10.0.0.1") }
    #expect(limiter.begin("10.0.0.1") == .admitted)
    // Another address is not affected.
    #expect(limiter.begin("10.0.0.2") == .admitted)
  }

  @Test("failed sign-ins and the block they lead to are logged at notice")
  func failuresAreLoggedAtNotice() {
    let records = LogRecords()
    let logger = Logger(label: "test") { _ in records.handler() }
    let limiter = AttemptLimiter(settings: .init(slowAfter: 1, blockAfter: 2), logger: logger)
    for _ in 0..<2 {
      #expect(limiter.begin("192.0.2.7") == .admitted)
      _ = limiter.failed("192.0.2.7", rpc: "AccountService.WhoAmI", reason: "the device token is not known")
    }
    let lines = records.lines
    #expect(lines.filter { $0.level == .notice && $0.message == "failed sign-in" }.count == 2)
    #expect(
      lines.contains { $0.level == .notice && $0.message.contains("blocked") && $0.metadata.contains("192.0.2.7") })
    #expect(limiter.begin("192.0.2.7") == .blocked)
  }
}

/// Log lines kept in memory, to check what was logged and at which level.
final class LogRecords: Sendable {
  struct Line: Sendable {
    var level: Logger.Level
    var message: String
    var metadata: String
  }

  private let stored = Mutex<[Line]>([])
  var lines: [Line] { stored.withLock { $0 } }

  func handler() -> Handler { Handler(records: self) }

  func append(_ line: Line) { stored.withLock { $0.append(line) } }

  struct Handler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
      let all = metadata.merging(event.metadata ?? [:]) { $1 }
      records.append(
        Line(
          level: event.level, message: "\(event.message)",
          metadata: all.map { "\($0)=\($1)" }.sorted().joined(separator: " ")))
    }
  }

  @Test("sign-ins refused by another server count here: spread over two servers, attempts are blocked as on one")
  func failuresElsewhereCount() {
    let announced = Mutex<[String]>([])
    let here = AttemptLimiter(settings: .init(slowAfter: 2, blockAfter: 4))
    here.share { peer in announced.withLock { $0.append(peer) } }
    let there = AttemptLimiter(settings: .init(slowAfter: 2, blockAfter: 4))
    for _ in 0..<2 {
      #expect(here.begin("198.51.100.4") == .admitted)
      _ = here.failed("198.51.100.4", rpc: "AccountService.Enrol", reason: "unknown code")
    }
    // Each refusal here was announced, once, for the other server to count.
    #expect(announced.withLock { $0 } == ["198.51.100.4", "198.51.100.4"])
    for peer in announced.withLock({ $0 }) { there.failedElsewhere(peer) }
    for _ in 0..<2 {
      #expect(there.begin("198.51.100.4") == .admitted)
      _ = there.failed("198.51.100.4", rpc: "AccountService.Enrol", reason: "unknown code")
    }
    // Four failures in all, two on each server: the second server blocks the address.
    #expect(there.begin("198.51.100.4") == .blocked)
    #expect(there.begin("198.51.100.5") == .admitted)
  }
}
