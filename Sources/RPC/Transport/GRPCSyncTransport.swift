public import Foundation
public import GRPCCore
public import Model
import SwiftProtobuf
public import Sync

/// Sync's transport over gRPC: `SyncService.Push` and `SyncService.Pull`.
///
/// A server that cannot be reached in `timeout` is reported as `SyncError.offline`; the
/// caller's outbox is untouched.
public struct GRPCSyncTransport<Transport: ClientTransport>: SyncTransport {
  private let client: Assure_V1_SyncService.Client<Transport>
  private let options: CallOptions

  public init(client: GRPCClient<Transport>, timeout: Duration = .seconds(30)) {
    self.client = Assure_V1_SyncService.Client(wrapping: client)
    var options = CallOptions.defaults
    options.timeout = timeout
    options.waitForReady = false
    self.options = options
  }

  public func push(_ request: PushRequest) async throws -> PushReply {
    let response = try await Self.mapErrors { try await client.push(request.proto, options: options) }
    return try PushReply(proto: response)
  }

  /// The server's conflict records, newest first.
  public func conflicts(engagementID: UUID?, includeResolved: Bool) async throws -> [Conflict] {
    let response = try await Self.mapErrors {
      try await client.listConflicts(
        .with {
          $0.engagementID = engagementID?.uuidString.lowercased() ?? ""
          $0.includeResolved = includeResolved
        }, options: options)
    }
    return try response.conflicts.map(Conflict.init(proto:))
  }

  public func pull(_ request: PullRequest) async throws -> PullPage {
    let response = try await Self.mapErrors { try await client.pull(request.proto, options: options) }
    return try PullPage(proto: response)
  }

  /// Turns gRPC status codes into the sync errors a device acts on.
  static func mapErrors<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    do {
      return try await body()
    } catch let error as RPCError {
      switch error.code {
      case .deadlineExceeded:
        // Connected, or still trying, but no answer in time: a server too busy to answer is
        // treated like one out of reach (everything stays queued), and says so.
        throw SyncError(.offline, "no answer in time (the server is unreachable or too busy): \(error.message)")
      case .unavailable, .cancelled:
        throw SyncError(.offline, "server unreachable: \(error.message)")
      case .failedPrecondition:
        throw SyncError(.unsupportedProtocol, error.message)
      case .invalidArgument:
        throw SyncError(.invalidRequest, error.message)
      case .unauthenticated:
        let wipe = error.metadata[stringValues: AccessError.wipeTrailer].contains { $0 == "erase" }
        throw AccessError(wipe ? .wipeRequested : .unauthenticated, error.message)
      case .permissionDenied:
        throw AccessError(.permissionDenied, error.message)
      case .resourceExhausted:
        throw AccessError(.tooManyAttempts, error.message)
      default:
        throw SyncError(.server, "server error \(error.code): \(error.message)")
      }
    }
  }
}
