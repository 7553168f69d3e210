import Application
import Foundation
import GRPCCore
import Logging
import Metrics
import RPC
import SwiftProtobuf
import Sync

/// `assure.v1.SyncService`: push and pull for field devices. The rules live in Sync's
/// `ServerRepository`; this only reads and writes the wire.
struct SyncService: Assure_V1_SyncService.SimpleServiceProtocol {
  let repository: ServerRepository
  let logger: Logger

  func push(request: Assure_V1_PushRequest, context: ServerContext) async throws -> Assure_V1_PushResponse {
    let caller = try AuthInterceptor.requireCaller()
    let decoded = try DecodedPush(proto: request, receivedAt: repository.now())
    let reply = try await repository.push(decoded.request, by: caller)
    let response = decoded.response(merging: reply)
    let outcomes = Dictionary(grouping: response.results, by: \.outcome).mapValues(\.count)
    Counter(label: "assure_sync_push_batches_total").increment()
    for (outcome, count) in [
      ("applied", outcomes[.applied] ?? 0), ("duplicate", outcomes[.duplicate] ?? 0),
      ("rejected", outcomes[.rejected] ?? 0),
    ] where count > 0 {
      Counter(label: "assure_sync_mutations_total", dimensions: [("outcome", outcome)]).increment(by: count)
    }
    logger.info(
      "push",
      metadata: [
        "device": "\(request.deviceID)", "mutations": "\(request.mutations.count)",
        "applied": "\(outcomes[.applied] ?? 0)", "duplicate": "\(outcomes[.duplicate] ?? 0)",
        "rejected": "\(outcomes[.rejected] ?? 0)",
      ])
    return response
  }

  func pull(request: Assure_V1_PullRequest, context: ServerContext) async throws -> Assure_V1_PullResponse {
    let caller = try AuthInterceptor.requireCaller()
    let page = try await repository.pull(PullRequest(proto: request), by: caller)
    Counter(label: "assure_sync_pull_pages_total").increment()
    Counter(label: "assure_sync_pulled_changes_total").increment(by: page.changes.count)
    return page.proto
  }

  func listConflicts(request: Assure_V1_ListConflictsRequest, context: ServerContext) async throws
    -> Assure_V1_ListConflictsResponse
  {
    try AuthInterceptor.requireCaller()
    var engagementID: UUID?
    if !request.engagementID.isEmpty {
      guard let id = UUID(uuidString: request.engagementID) else {
        throw RPCError(
          code: .invalidArgument, message: "engagement_id: must be a UUID (got \"\(request.engagementID)\")")
      }
      engagementID = id
    }
    let limit = request.limit == 0 ? 1000 : Int(request.limit)
    guard (1...1000).contains(limit) else {
      throw RPCError(code: .invalidArgument, message: "limit: must be between 1 and 1000 (got \(request.limit))")
    }
    let conflicts = try await repository.conflicts(
      engagementID: engagementID, includeResolved: request.includeResolved, limit: limit)
    return .with { $0.conflicts = conflicts.map(\.proto) }
  }
}
