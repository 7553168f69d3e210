public import GRPCCore
import Model
import Sync

/// The server's API in the domain's terms: each method takes and returns Model values (or the
/// small request and result types of this folder), sets the deadline, and throws the domain's
/// errors, never a gRPC status:
///
/// - `ValidationError` for INVALID_ARGUMENT, with one violation per field the server named;
/// - `AccessError` for UNAUTHENTICATED, PERMISSION_DENIED and RESOURCE_EXHAUSTED;
/// - `StorageError` (`.notFound`, `.alreadyExists`) for NOT_FOUND and ALREADY_EXISTS;
/// - `SyncError(.offline)` when the server cannot be reached or does not answer in time, and
///   `SyncError(.server)` for any other status.
///
/// It wraps a `GRPCClient` that the caller connects and runs, over any transport: HTTP/2 for
/// the field client, in-process for a service in the same process as the server. The
/// interceptors of that client (a `BearerToken`) decide who the calls are made as.
public struct AssureClient<Transport: ClientTransport>: Sendable {
  /// The connection the calls go over.
  let grpc: GRPCClient<Transport>
  /// How errors name the server, e.g. `127.0.0.1:50051`.
  public let server: String
  /// The deadline of every call.
  public let timeout: Duration

  /// A client of the server `grpc` reaches, naming it `server` in errors; every call gives up
  /// after `timeout` (a silent server is reported offline rather than waited on).
  public init(client grpc: GRPCClient<Transport>, server: String, timeout: Duration = .seconds(30)) {
    self.grpc = grpc
    self.server = server
    self.timeout = timeout
  }

  /// The same connection with another deadline per call.
  public func withTimeout(_ timeout: Duration) -> AssureClient {
    AssureClient(client: grpc, server: server, timeout: timeout)
  }

  /// Sync's transport over this connection (`SyncService`), with its own deadline per call:
  /// sync reports its errors in its own terms (`GRPCSyncTransport`).
  public func syncTransport(timeout: Duration) -> GRPCSyncTransport<Transport> {
    GRPCSyncTransport(client: grpc, timeout: timeout)
  }

  /// Options of every call: the deadline, and no waiting for a connection that is not ready
  /// (an unreachable server fails the call at once).
  var options: CallOptions {
    var options = CallOptions.defaults
    options.timeout = timeout
    options.waitForReady = false
    return options
  }

  /// Runs one call, turning a gRPC status into the domain's error.
  func call<Response: Sendable>(_ body: (CallOptions) async throws -> Response) async throws -> Response {
    do {
      return try await body(options)
    } catch let error as RPCError {
      throw error.domainError(server: server)
    }
  }
}

extension RPCError {
  /// The domain error this status stands for, with the texts the field client prints:
  /// unreachable is "offline", INVALID_ARGUMENT lists each field and rule (from the
  /// `assure-violation-bin` entries the server adds), refusals say why.
  func domainError(server: String) -> any Error {
    switch code {
    case .unavailable, .deadlineExceeded, .cancelled:
      // A TLS handshake that fails (an untrusted certificate, or TLS on one side only) shows
      // only as a connection closed before HTTP/2 began.
      let hint =
        message.contains("connection preface")
        ? "; if the server uses TLS, give --ca FILE (or --tls) and check its certificate names this host" : ""
      return SyncError(
        .offline, "cannot reach the server at \(server) (\(message)); this command needs a connection\(hint)")
    case .invalidArgument:
      let violations = metadata[binaryValues: "assure-violation-bin"].compactMap {
        bytes -> ValidationError.Violation? in
        let text = String(decoding: bytes, as: UTF8.self)
        guard let separator = text.firstIndex(of: "\u{0}") else { return nil }
        return .init(field: String(text[..<separator]), rule: String(text[text.index(after: separator)...]))
      }
      return violations.isEmpty
        ? ValidationError(field: "request", rule: message) : ValidationError(violations: violations)
    case .unauthenticated:
      let wipe = metadata[stringValues: AccessError.wipeTrailer].contains { $0 == "erase" }
      return AccessError(
        wipe ? .wipeRequested : .unauthenticated, "the server at \(server) refused this device's sign-in: \(message)")
    case .permissionDenied:
      return AccessError(.permissionDenied, "the server at \(server) refused: \(message)")
    case .resourceExhausted:
      return AccessError(.tooManyAttempts, "the server at \(server) refused: \(message)")
    case .notFound:
      return StorageError(.notFound, message)
    case .alreadyExists:
      return StorageError(.alreadyExists, message)
    default:
      return SyncError(.server, "the server refused: \(message) (\(code))")
    }
  }
}
