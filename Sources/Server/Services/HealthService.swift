import Foundation
import GRPCCore
import RPC
import SwiftProtobuf
import Synchronization

/// Serving status of the server and of each service, as `grpc.health.v1.Health` reports it.
///
/// Everything starts NOT_SERVING; the server marks itself SERVING once its database is
/// migrated and it is listening, and NOT_SERVING again when shutdown begins.
final class HealthRegistry: Sendable {
  typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

  private struct State {
    var statuses: [String: Status] = [:]
    var watchers: [UUID: (service: String, continuation: AsyncStream<Status>.Continuation)] = [:]
  }

  private let state = Mutex(State())

  /// Registers the overall status ("") and each service name, NOT_SERVING.
  init(services: [String]) {
    state.withLock { state in
      for name in [""] + services { state.statuses[name] = .notServing }
    }
  }

  /// Sets every registered name to `status` and tells the watchers.
  func setAll(_ status: Status) {
    let notify = state.withLock { state -> [(AsyncStream<Status>.Continuation)] in
      for name in state.statuses.keys { state.statuses[name] = status }
      return state.watchers.values.map(\.continuation)
    }
    for continuation in notify { continuation.yield(status) }
  }

  /// The status of `service`, or `nil` when it is not known.
  func status(of service: String) -> Status? {
    state.withLock { $0.statuses[service] }
  }

  /// A stream of status changes of `service`, starting with the current one.
  func watch(_ service: String) -> AsyncStream<Status> {
    let (stream, continuation) = AsyncStream<Status>.makeStream(bufferingPolicy: .bufferingNewest(1))
    let id = UUID()
    let current = state.withLock { state -> Status in
      state.watchers[id] = (service, continuation)
      return state.statuses[service] ?? .serviceUnknown
    }
    continuation.yield(current)
    continuation.onTermination = { [weak self] _ in
      _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
    }
    return stream
  }

  /// Ends every watch, so that a graceful shutdown is not held up by open Watch calls.
  func finishWatches() {
    let all = state.withLock { state in
      defer { state.watchers.removeAll() }
      return state.watchers.values.map(\.continuation)
    }
    for continuation in all { continuation.finish() }
  }
}

/// `grpc.health.v1.Health`: `Check` and `Watch` over the registry.
struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
  let registry: HealthRegistry

  func check(
    request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext
  ) async throws -> Grpc_Health_V1_HealthCheckResponse {
    guard let status = registry.status(of: request.service) else {
      throw RPCError(code: .notFound, message: "unknown service \"\(request.service)\"")
    }
    return .with { $0.status = status }
  }

  func watch(
    request: Grpc_Health_V1_HealthCheckRequest,
    response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
    context: ServerContext
  ) async throws {
    var last: HealthRegistry.Status?
    for await status in registry.watch(request.service) where status != last {
      try await response.write(.with { $0.status = status })
      last = status
    }
  }
}
