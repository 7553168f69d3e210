import GRPCCore
import Model
import Sync

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

  public func push(_ request: PushRequest) async throws -> [MutationResult] {
    let response = try await Self.mapErrors { try await client.push(request.proto, options: options) }
    return try response.results.map(MutationResult.init(proto:))
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
      case .unavailable, .deadlineExceeded, .cancelled:
        throw SyncError(.offline, "server unreachable: \(error.message)")
      case .failedPrecondition:
        throw SyncError(.unsupportedProtocol, error.message)
      case .invalidArgument:
        throw SyncError(.invalidRequest, error.message)
      default:
        throw SyncError(.server, "server error \(error.code): \(error.message)")
      }
    }
  }
}
