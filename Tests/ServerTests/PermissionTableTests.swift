import Application
import Foundation
import GRPCCore
import GRPCInProcessTransport
import Model
import RPC
import SQLiteStore
import Stores
import SwiftProtobuf
import Sync
import Testing

@testable import Server

/// Bytes in, bytes out: any method can be called with an empty message (valid for every
/// protobuf message type), so one loop walks the whole table.
struct RawBytes: MessageSerializer, MessageDeserializer {
  func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
  func deserialize<Bytes: GRPCContiguousBytes>(_ bytes: Bytes) throws -> [UInt8] {
    bytes.withUnsafeBytes { Array($0) }
  }
}

/// The permission table as Docs/Security.md writes it: method → who may call it ("no token"
/// and each role).
func documentedPermissions() throws -> [String: Set<String>] {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  let text = try String(contentsOf: root.appendingPathComponent("Docs/Security.md"), encoding: .utf8)
  var header: [String] = []
  var table: [String: Set<String>] = [:]
  for line in text.split(separator: "\n").map(String.init) where line.hasPrefix("|") {
    let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
      .map { $0.trimmingCharacters(in: .whitespaces) }
    if cells.first == "RPC" {
      header = cells
      continue
    }
    guard let method = cells.first, method.hasPrefix("`"), cells.count == header.count else { continue }
    let name = method.trimmingCharacters(in: CharacterSet(charactersIn: "`"))
    table[name] = Set(zip(header, cells).dropFirst().filter { $0.1 == "yes" }.map(\.0))
  }
  return table
}

@Suite struct PermissionTableTests {
  /// Every method of every service the server registers.
  static let methods: [MethodDescriptor] =
    Grpc_Health_V1_Health.Method.descriptors + Grpc_Reflection_V1_ServerReflection.Method.descriptors
    + Grpc_Reflection_V1alpha_ServerReflection.Method.descriptors + Assure_V1_AccountService.Method.descriptors
    + Assure_V1_EngagementService.Method.descriptors + Assure_V1_SyncService.Method.descriptors
    + Assure_V1_DeliveryPlanService.Method.descriptors + Assure_V1_GovernanceService.Method.descriptors
    + Assure_V1_OversightService.Method.descriptors + Assure_V1_ReportService.Method.descriptors

  @Test("the table names every RPC the server serves, and Docs/Security.md documents exactly that table")
  func tableIsCompleteAndDocumented() throws {
    #expect(Set(PermissionTable.rules.keys) == Set(Self.methods.map(\.fullyQualifiedMethod)))
    let documented = try documentedPermissions()
    #expect(Set(documented.keys) == Set(PermissionTable.rules.keys), "Docs/Security.md lists other methods")
    for (method, access) in PermissionTable.rules {
      var allowed = Set(Role.known.filter(access.allows).map(\.rawValue))
      if access == .anyone { allowed.insert("no token") }
      #expect(documented[method] == allowed, "\(method): documented \(documented[method] ?? []), enforced \(allowed)")
    }
  }

  @Test("every RPC, every role, no token and a revoked token: each answer is the documented one")
  func walkTheTable() async throws {
    let documented = try documentedPermissions()
    try await withDemoServerParts(configure: {
      $0.attempts.slowAfter = 100_000
      $0.attempts.blockAfter = 100_000
    }) {
      parts, client, currentToken in
      var tokens: [String: String?] = ["no token": nil]
      for role in Role.known {
        tokens[role.rawValue] = try await signIn(
          parts.accounts, role: role, name: "walk-\(role.rawValue)", deviceID: "walk-\(role.rawValue)")
      }
      let revoked = try await signIn(parts.accounts, role: .governance, name: "walk-revoked", deviceID: "walk-revoked")
      _ = try await parts.accounts.revokeDevice("walk-revoked", by: .server("test", rpc: "test"))
      tokens["revoked token"] = revoked

      // SignOut revokes the caller's own token: it goes last.
      let ordered = Self.methods.sorted { ($0.method == "SignOut" ? 1 : 0) < ($1.method == "SignOut" ? 1 : 0) }
      var checked = 0
      for (caller, token) in tokens.sorted(by: { $0.key < $1.key }) {
        currentToken.use(token)
        do {
          for method in ordered {
            let code = await Self.call(method, on: client)
            let allowed =
              documented[method.fullyQualifiedMethod]?.contains(caller == "revoked token" ? "no token" : caller)
              ?? false
            let expected: String
            if allowed {
              expected = "allowed"
              #expect(
                code != .unauthenticated && code != .permissionDenied,
                "\(caller) → \(method.fullyQualifiedMethod): got \(String(describing: code))")
            } else if token == nil || caller == "revoked token" {
              expected = "UNAUTHENTICATED"
              #expect(
                code == .unauthenticated, "\(caller) → \(method.fullyQualifiedMethod): got \(String(describing: code))")
            } else {
              expected = "PERMISSION_DENIED"
              #expect(
                code == .permissionDenied, "\(caller) → \(method.fullyQualifiedMethod): got \(String(describing: code))"
              )
            }
            _ = expected
          }
        }
        checked += ordered.count
      }
      #expect(checked == Self.methods.count * (Role.known.count + 2))
    }
  }

  /// Calls `method` with an empty message; the status code, or `nil` for OK.
  static func call(_ method: MethodDescriptor, on client: GRPCClient<InProcessTransport.Client>) async -> RPCError.Code?
  {
    var options = CallOptions.defaults
    // A guard against a hang only: the whole suite shares two cores, and a call may wait.
    options.timeout = .seconds(60)
    do {
      if method.type == .bidirectionalStreaming {
        try await client.bidirectionalStreaming(
          request: StreamingClientRequest(of: [UInt8].self) { writer in try await writer.write([]) },
          descriptor: method, serializer: RawBytes(), deserializer: RawBytes(), options: options
        ) { response in
          for try await _ in response.messages { break }
        }
      } else if method.type == .serverStreaming {
        try await client.serverStreaming(
          request: ClientRequest(message: [UInt8]()), descriptor: method, serializer: RawBytes(),
          deserializer: RawBytes(), options: options
        ) { response in
          for try await _ in response.messages { break }
        }
      } else {
        try await client.unary(
          request: ClientRequest(message: [UInt8]()), descriptor: method, serializer: RawBytes(),
          deserializer: RawBytes(), options: options
        ) { response in _ = try response.message }
      }
      return nil
    } catch let error as RPCError {
      return error.code
    } catch {
      return .unknown
    }
  }

  @Test("a field role may push only its own office's engagements: the other mutation is refused on its own")
  func pushIsCheckedMutationByMutation() async throws {
    try await withDemoServerParts { parts, client, token in
      token.use(try await signIn(parts.accounts, role: .deputy))
      do {
        let sync = Assure_V1_SyncService.Client(wrapping: client)
        let mine = Engagement(
          date: LocalDate("2022-10-10")!, who: .dpcc, kind: .school, organisation: "Ludlow School", place: "Ludlow",
          area: "shropshire", createdBy: "test-deputy")
        var theirs = mine
        theirs.id = UUID()
        theirs.who = .pcc
        let response = try await sync.push(
          .with {
            $0.deviceID = testDeviceID
            $0.protocolVersion = 2
            $0.mutations = [
              Mutation.upsert(theirs, by: "x", at: Date()).proto, Mutation.upsert(mine, by: "x", at: Date()).proto,
            ]
          })
        #expect(response.results.map(\.outcome) == [.rejected, .applied])
        #expect(response.results[0].error.contains("permission denied"), "\(response.results[0].error)")
        // The audit trail names the signed-in user and device, whatever the mutation claimed.
        let trail = try await parts.repository.database.read {
          try $0.auditTrail(entityType: "engagement", entityID: mine.id.storageKey)
        }
        #expect(trail.map(\.actor) == ["test-deputy"])
        #expect(trail.first?.deviceID == testDeviceID)
        #expect(trail.first?.rpc == "SyncService.Push")
        #expect(trail.first?.beforeDigest == nil && trail.first?.afterDigest?.count == 64)

        // A demo engagement of the PCC's cannot be deleted by the deputy either.
        let pccEngagement = try #require(
          try await parts.repository.database.read { db in
            try db.engagements(matching: EngagementQuery(), after: nil, limit: 100).first { $0.who == .pcc }
          })
        let delete = try await sync.push(
          .with {
            $0.deviceID = testDeviceID
            $0.protocolVersion = 2
            $0.mutations = [Mutation.delete(engagement: pccEngagement.id, by: "x", at: Date()).proto]
          })
        #expect(delete.results.map(\.outcome) == [.rejected])

        // A push claiming another device is refused whole.
        await expectStatus(.permissionDenied, mentioning: "device_id") {
          _ = try await sync.push(
            .with {
              $0.deviceID = "someone-elses-device"
              $0.protocolVersion = 2
              $0.mutations = [Mutation.upsert(mine, by: "x", at: Date()).proto]
            })
        }
      }
    }
  }

  @Test("repeated bad tokens from one address are slowed, then refused for a while, even with a good token")
  func failedAttemptsAreLimited() async throws {
    try await withDemoServerParts(configure: {
      $0.attempts.slowAfter = 2
      $0.attempts.blockAfter = 4
      $0.attempts.delayStep = .milliseconds(1)
    }) { parts, client, token in
      let good = try await signIn(parts.accounts, role: .governance)
      token.use("assure_not-a-real-token")
      do {
        let plan = Assure_V1_DeliveryPlanService.Client(wrapping: client)
        for _ in 0..<4 {
          await expectStatus(.unauthenticated, mentioning: "not known") { _ = try await plan.listObjectives(.init()) }
        }
        await expectStatus(.resourceExhausted, mentioning: "too many failed") {
          _ = try await plan.listObjectives(.init())
        }
      }
      token.use(good)
      do {
        await expectStatus(.resourceExhausted, mentioning: "too many failed") {
          _ = try await Assure_V1_DeliveryPlanService.Client(wrapping: client).listObjectives(.init())
        }
        await expectStatus(.resourceExhausted, mentioning: "too many failed") {
          _ = try await Assure_V1_AccountService.Client(wrapping: client).enrol(.with { $0.code = "AAAA-BBBB" })
        }
      }
    }
  }
}

extension PermissionTableTests {
  @Test("an analyst imports indicators, measurements and reach figures, and no other kind of record")
  func analystImports() async throws {
    try await withDemoServerParts { parts, client, token in
      token.use(try await signIn(parts.accounts, role: .analyst))
      let oversight = Assure_V1_OversightService.Client(wrapping: client)
      await expectStatus(.permissionDenied, mentioning: "may import only indicators, measurements, reach") {
        _ = try await oversight.importRecords(
          .with {
            $0.kind = "awards"
            $0.csv = "id,fund,recipient,amount,date,purpose,element,status,override_reason\n"
          })
      }
      let reach = try await oversight.importRecords(
        .with {
          $0.kind = "reach"
          $0.csv = "metric,as_of,value\n"
          $0.dryRun = true
        })
      #expect(reach.created == 0)
    }
  }
}
