import Foundation
import GRPCCore
import Logging
import RPC
import Sync

/// `assure.v1.SyncService`: push and pull for field devices. The rules live in Sync's
/// `ServerRepository`; this only reads and writes the wire.
struct SyncService: Assure_V1_SyncService.SimpleServiceProtocol {
  let repository: ServerRepository
  let logger: Logger

  func push(request: Assure_V1_PushRequest, context: ServerContext) async throws -> Assure_V1_PushResponse {
    let decoded = DecodedPush(proto: request, receivedAt: repository.now())
    let results = try await repository.push(decoded.request)
    let response = decoded.response(merging: results)
    let outcomes = Dictionary(grouping: response.results, by: \.outcome).mapValues(\.count)
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
    try await repository.pull(PullRequest(proto: request)).proto
  }
}
