import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Model
import Storage
import Sync

/// A connection to the server for the online commands (plan management, review, meetings).
///
/// Unlike engagements, these records live on the server only: with no connection the command
/// fails with exit code 75 and changes nothing.
struct ServerSession {
  let client: GRPCClient<HTTP2ClientTransport.Posix>
  /// Sent with every call: who is asking (recorded by the server on each write).
  let metadata: Metadata
  /// A deadline on every call, so that a silent server is reported rather than waited on.
  let callOptions: CallOptions

  /// Connects to `address`, runs `body`, and tears the connection down.
  ///
  /// The connection runs in a child task that is cancelled when `body` returns: a graceful
  /// shutdown would wait for ever on a peer that accepted TCP but never spoke HTTP/2.
  static func connect<T: Sendable>(
    to address: ServerAddress, _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> T
  ) async throws -> T {
    let target = try address.resolve().get()
    let client = GRPCClient(transport: try HTTP2ClientTransport.Posix(target: target, transportSecurity: .plaintext))
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await client.runConnections() }
      defer { group.cancelAll() }
      return try await body(client)
    }
  }

  /// Runs an online command's calls against the configured server, turning gRPC statuses into
  /// the CLI's errors: unreachable is "offline" (exit 75), INVALID_ARGUMENT lists each field and
  /// rule (exit 65), NOT_FOUND and the rest name the problem (exit 1).
  static func run<T: Sendable>(
    _ options: ClientOptions, timeout: Int = 30, _ body: (ServerSession) async throws -> T
  ) async throws -> T {
    let address = try ServerAddress(options.resolvedServer)
    var callOptions = CallOptions.defaults
    callOptions.timeout = .seconds(max(1, timeout))
    callOptions.waitForReady = false
    var metadata = Metadata()
    metadata.addString(options.user, forKey: "assure-user")
    do {
      return try await connect(to: address) { client in
        try await body(ServerSession(client: client, metadata: metadata, callOptions: callOptions))
      }
    } catch let error as RPCError {
      throw translate(error, address: address)
    } catch let error as SyncError where error.code == .offline {
      throw SyncError(.offline, "cannot reach the server at \(address) (\(error.message)); this command needs a connection")
    }
  }

  static func translate(_ error: RPCError, address: ServerAddress) -> any Error {
    switch error.code {
    case .unavailable, .deadlineExceeded, .cancelled:
      return SyncError(.offline, "cannot reach the server at \(address) (\(error.message)); this command needs a connection")
    case .invalidArgument:
      let violations = error.metadata[binaryValues: "assure-violation-bin"].compactMap { bytes -> Model.ValidationError.Violation? in
        let text = String(decoding: bytes, as: UTF8.self)
        guard let separator = text.firstIndex(of: "\u{0}") else { return nil }
        return .init(field: String(text[..<separator]), rule: String(text[text.index(after: separator)...]))
      }
      return violations.isEmpty
        ? Model.ValidationError(field: "request", rule: error.message) : Model.ValidationError(violations: violations)
    case .notFound:
      return StorageError(.notFound, error.message)
    case .alreadyExists:
      return StorageError(.alreadyExists, error.message)
    default:
      return SyncError(.server, "the server refused: \(error.message) (\(error.code))")
    }
  }
}

/// Checks a date option on the command line, naming the option when it is not a real day.
func dayOption(_ text: String?, _ option: String) throws -> LocalDate? {
  guard let text else { return nil }
  guard let day = LocalDate(text) else {
    throw Model.ValidationError(field: option, rule: "must be a real day written YYYY-MM-DD (got \"\(text)\")")
  }
  return day
}
