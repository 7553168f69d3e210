import Application
import Foundation
import GRPCCore
import GRPCInProcessTransport
import Logging
import Model
import RPC
import SQLiteStore
import StoreTestSupport
import SwiftProtobuf
import Sync
import Synchronization
import Testing

@testable import Server

/// Runs the real services (demo data on a real SQLite file) over grpc-swift's in-process
/// transport, behind the real authorisation interceptor, and hands `body` a client signed in
/// with a role (governance unless told).
func withDemoServer(
  as role: Role = .governance,
  _ body: @Sendable (GRPCClient<InProcessTransport.Client>, HealthRegistry) async throws -> Void
) async throws {
  try await withDemoServer(as: role) { client, health, _ in try await body(client, health) }
}

/// The same, also handing `body` the server's repository, to look at what was stored.
func withDemoServer(
  as role: Role = .governance,
  _ body: @Sendable (GRPCClient<InProcessTransport.Client>, HealthRegistry, ServerRepository) async throws -> Void
) async throws {
  try await withDemoServerParts { parts, client, token in
    token.use(try await signIn(parts.accounts, role: role))
    try await body(client, parts.health, parts.repository)
  }
}

/// Device id of the test clients' sign-ins.
let testDeviceID = "test-device"

/// Creates a user with `role` and returns a device token for it, by the same enrolment a
/// device makes.
func signIn(_ accounts: AccountRepository, role: Role, name: String? = nil, deviceID: String = testDeviceID)
  async throws -> String
{
  let name = name ?? "test-\(role.rawValue)"
  let code =
    try await accounts.users().contains { $0.name == name }
    ? try await accounts.issueCode(forUser: name, by: Caller.server("test", rpc: "test"))
    : try await accounts.addUser(name: name, role: role, by: Caller.server("test", rpc: "test"))
  return try await accounts.enrol(code: code.code, deviceID: deviceID, label: "test", rpc: "test").token
}

/// The token a test client sends, switchable between calls (no header when `nil`).
final class TestToken: ClientInterceptor {
  private let token = Mutex<String?>(nil)

  func use(_ value: String?) { token.withLock { $0 = value } }

  func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingClientRequest<Input>, context: ClientContext,
    next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
  ) async throws -> StreamingClientResponse<Output> {
    var request = request
    if let value = token.withLock({ $0 }) {
      request.metadata.replaceOrAddString("Bearer \(value)", forKey: "authorization")
    }
    return try await next(request, context)
  }
}

/// Runs the real server on the demo data and hands `body` its parts, a connected client, and
/// the token that client sends (none until set).
func withDemoServerParts(
  configure: (inout ServerConfiguration) -> Void = { _ in },
  _ body: @Sendable (ServerParts, GRPCClient<InProcessTransport.Client>, TestToken) async throws -> Void
) async throws {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("assure-server-\(UUID().uuidString)")
  defer { try? FileManager.default.removeItem(at: folder) }
  var configuration = ServerConfiguration(
    store: try await TestEngine.current.storeAddress(in: folder), host: "127.0.0.1", port: 0, demo: true,
    areas: Area.westMercia)
  configure(&configuration)
  let repository = try await ServerApplication.prepare(configuration, logger: .init(label: "test"))
  // Failed sign-ins are logged at notice: the tests make many on purpose.
  var quiet = Logger(label: "test")
  quiet.logLevel = .error
  let parts = try ServerApplication.parts(repository, configuration, logger: quiet)
  let transport = InProcessTransport()
  let server = GRPCServer(
    transport: transport.server, services: ServerApplication.services(parts),
    interceptors: ServerApplication.interceptors(parts))
  try await withThrowingDiscardingTaskGroup { group in
    group.addTask { try await server.serve() }
    parts.health.setAll(.serving)
    let token = TestToken()
    try await withGRPCClient(transport: transport.client, interceptors: [token]) { client in
      try await body(parts, client, token)
    }
    parts.health.finishWatches()
    server.beginGracefulShutdown()
  }
}

func expectStatus(_ code: RPCError.Code, mentioning word: String, _ body: () async throws -> Void) async {
  do {
    try await body()
    Issue.record("expected \(code)")
  } catch let error as RPCError {
    #expect(error.code == code)
    #expect(error.message.contains(word), "\(error.message)")
  } catch {
    Issue.record("unexpected \(error)")
  }
}

@Suite struct ServiceTests {
  @Test("the demo holds the reference report's plan, its 50 engagements of July to September 2022, and 14 in October")
  func demoData() async throws {
    try await withDemoServer { client, _ in
      let plan = Assure_V1_DeliveryPlanService.Client(wrapping: client)
      let objectives = try await plan.listObjectives(.init()).objectives
      #expect(
        objectives.map(\.title) == [
          "Putting victims and survivors first", "Building a more secure West Mercia", "Reforming West Mercia",
          "Reassuring West Mercia's communities",
        ])
      #expect(try await plan.listElements(.init()).elements.count >= 20)

      let engagements = Assure_V1_EngagementService.Client(wrapping: client)
      let summary = try await engagements.summarizeEngagements(
        .with {
          $0.fromDate = "2022-07-01"
          $0.toDate = "2022-09-30"
        })
      #expect(summary.total == 50)
      #expect(summary.byMonth.map(\.key) == ["2022-07", "2022-08", "2022-09"])
      #expect(summary.byArea.reduce(0) { $0 + $1.count } == 50)
      let all = try await engagements.summarizeEngagements(.init())
      #expect(all.total == 64)
      #expect(all.byMonth.map(\.key) == ["2022-07", "2022-08", "2022-09", "2022-10"])
    }
  }

  @Test("listing pages newest first with no repeats, and filters combine")
  func listing() async throws {
    try await withDemoServer { client, _ in
      let engagements = Assure_V1_EngagementService.Client(wrapping: client)
      var token = ""
      var seen: [Assure_V1_Engagement] = []
      repeat {
        let page = try await engagements.listEngagements(
          .with {
            $0.pageSize = 8
            $0.pageToken = token
          })
        #expect(page.totalSize == 64)
        seen += page.engagements
        token = page.nextPageToken
      } while !token.isEmpty
      #expect(seen.count == 64)
      #expect(Set(seen.map(\.id)).count == 64)
      #expect(seen.map(\.date) == seen.map(\.date).sorted(by: >))

      let filtered = try await engagements.listEngagements(
        .with {
          $0.area = "shropshire"
          $0.who = "pcc"
          $0.fromDate = "2022-08-01"
        })
      #expect(filtered.engagements.allSatisfy { $0.area == "shropshire" && $0.who == "pcc" && $0.date >= "2022-08-01" })
      #expect(Int(filtered.totalSize) == filtered.engagements.count)
    }
  }

  @Test("recording is validated, idempotent on id, and visible to sync")
  func recording() async throws {
    try await withDemoServer(as: .deputy) { client, _ in
      let engagements = Assure_V1_EngagementService.Client(wrapping: client)
      var new = Assure_V1_Engagement.with {
        $0.id = UUID().uuidString.lowercased()
        $0.date = "2022-10-03"
        $0.who = "dpcc"
        $0.kind = "partner-meeting"
        $0.organisation = "Shropshire Council"
        $0.place = "Shrewsbury"
        $0.area = "shropshire"
        $0.attendees = 14
      }
      let first = try await engagements.recordEngagement(.with { $0.engagement = new })
      let again = try await engagements.recordEngagement(.with { $0.engagement = first.engagement })
      #expect(again.engagement == first.engagement)
      // A retried request (no audit fields, as first sent) is the same engagement too.
      let retried = try await engagements.recordEngagement(.with { $0.engagement = new })
      #expect(retried.engagement == first.engagement)
      let fetched = try await engagements.getEngagement(.with { $0.id = new.id })
      #expect(fetched.engagement == first.engagement)

      let changes = try await Assure_V1_SyncService.Client(wrapping: client).pull(
        .with {
          $0.afterCursor = first.cursor - 1
          $0.protocolVersion = 2
        })
      #expect(changes.changes.map(\.entityID) == [new.id])

      new.organisation = "Different"
      let changed = new
      await expectStatus(.alreadyExists, mentioning: "already exists") {
        _ = try await engagements.recordEngagement(.with { $0.engagement = changed })
      }
      var invalid = new
      invalid.id = UUID().uuidString
      invalid.attendees = -3
      invalid.area = "gloucestershire"
      let bad = invalid
      await expectStatus(.invalidArgument, mentioning: "attendees") {
        _ = try await engagements.recordEngagement(.with { $0.engagement = bad })
      }
      await expectStatus(.notFound, mentioning: "no engagement") {
        _ = try await engagements.getEngagement(.with { $0.id = bad.id })
      }
      await expectStatus(.invalidArgument, mentioning: "page_token") {
        _ = try await engagements.listEngagements(.with { $0.pageToken = "garbage" })
      }
      await expectStatus(.invalidArgument, mentioning: "from_date") {
        _ = try await engagements.listEngagements(.with { $0.fromDate = "July" })
      }
    }
  }

  @Test("a push answers every mutation in order, rejecting malformed ones on their own")
  func pushOutcomes() async throws {
    try await withDemoServer(as: .assistant) { client, _ in
      let sync = Assure_V1_SyncService.Client(wrapping: client)
      let engagement = Engagement(
        date: LocalDate("2022-08-08")!, who: .apcc, kind: .school, organisation: "Redditch High", place: "Redditch",
        area: "worcestershire", createdBy: "apcc")
      let good = Mutation.upsert(engagement, by: "apcc", at: Date()).proto
      var garbled = good
      garbled.mutationID = "not-a-uuid"
      let request = Assure_V1_PushRequest.with {
        $0.deviceID = testDeviceID
        $0.protocolVersion = 2
        $0.mutations = [garbled, good, good]
      }
      let response = try await sync.push(request)
      #expect(response.results.map(\.outcome) == [.rejected, .applied, .duplicate])
      #expect(response.results[0].field == "mutation_id")
      let retried = try await sync.push(request)
      #expect(retried.results.map(\.outcome) == [.rejected, .duplicate, .duplicate])

      await expectStatus(.failedPrecondition, mentioning: "upgrade") {
        _ = try await sync.push(.with { $0.protocolVersion = 7 })
      }
    }
  }

  @Test("health reports SERVING per service, NOT_FOUND for unknown ones, and Watch follows changes")
  func health() async throws {
    try await withDemoServer { client, registry in
      let health = Grpc_Health_V1_Health.Client(wrapping: client)
      for service in [""] + ServerApplication.serviceNames {
        #expect(try await health.check(.with { $0.service = service }).status == .serving)
      }
      await expectStatus(.notFound, mentioning: "unknown service") {
        _ = try await health.check(.with { $0.service = "assure.v1.Nothing" })
      }
      let seen = try await health.watch(.with { $0.service = "assure.v1.SyncService" }) { response in
        var statuses: [Grpc_Health_V1_HealthCheckResponse.ServingStatus] = []
        for try await message in response.messages {
          statuses.append(message.status)
          if statuses.count == 1 { registry.setAll(.notServing) }
          if statuses.count == 2 { break }
        }
        return statuses
      }
      #expect(seen == [.serving, .notServing])
    }
  }

  @Test("plan reads answer NOT_FOUND for unknown references")
  func planErrors() async throws {
    try await withDemoServer { client, _ in
      let plan = Assure_V1_DeliveryPlanService.Client(wrapping: client)
      let element = try await plan.getElement(.with { $0.id = "2.3" }).element
      #expect(element.title == "Road safety investment")
      let fourth = try await plan.listElements(.with { $0.objectiveID = "4" }).elements
      #expect(!fourth.isEmpty && fourth.allSatisfy { $0.objectiveID == "4" })
      await expectStatus(.notFound, mentioning: "9.9") { _ = try await plan.getElement(.with { $0.id = "9.9" }) }
      await expectStatus(.notFound, mentioning: "objective") {
        _ = try await plan.listElements(.with { $0.objectiveID = "42" })
      }
    }
  }
}
