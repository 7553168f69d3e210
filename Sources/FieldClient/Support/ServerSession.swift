import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Model
import RPC
import SQLiteStore
import Sync

/// How the client reaches the server: plaintext (loopback, or `--insecure`) or TLS verified
/// against a CA file or the system's trust store.
enum ConnectionSecurity: Sendable, Equatable {
  case plaintext
  case tls(caFile: String?)

  /// The security for `address`: TLS whenever a CA is given or TLS was asked for, and for
  /// every address that is not loopback unless `insecure`.
  static func choose(for address: ServerAddress, caFile: String?, tls: Bool, insecure: Bool) -> ConnectionSecurity {
    if caFile != nil || tls { return .tls(caFile: caFile) }
    if insecure || address.isLoopback { return .plaintext }
    return .tls(caFile: nil)
  }
}

/// A connection to the server for the online commands (plan management, review, meetings).
///
/// Unlike engagements, these records live on the server only: with no connection the command
/// fails with exit code 75 and changes nothing.
struct ServerSession {
  /// Sends this device's token with every call (`BearerToken`).
  let client: GRPCClient<HTTP2ClientTransport.Posix>
  /// A deadline on every call, so that a silent server is reported rather than waited on.
  let callOptions: CallOptions

  /// Connects to `address`, runs `body`, and tears the connection down. With `token`, every
  /// call carries it.
  ///
  /// The connection runs in a child task that is cancelled when `body` returns: a graceful
  /// shutdown would wait for ever on a peer that accepted TCP but never spoke HTTP/2.
  static func connect<T: Sendable>(
    to address: ServerAddress, security: ConnectionSecurity, token: BearerToken? = nil,
    _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> T
  ) async throws -> T {
    let target = try address.resolve().get()
    var config = HTTP2ClientTransport.Posix.Config.defaults
    let transportSecurity: HTTP2ClientTransport.Posix.TransportSecurity
    switch security {
    case .plaintext:
      transportSecurity = .plaintext
    case .tls(let caFile):
      // The name the certificate must carry: the host as given, even though the address was
      // resolved here.
      if !address.isIPLiteral { config.http2.authority = address.host }
      transportSecurity = .tls { tls in
        if let caFile { tls.trustRoots = .certificates([.file(path: caFile, format: .pem)]) }
      }
    }
    let client = GRPCClient(
      transport: try HTTP2ClientTransport.Posix(target: target, transportSecurity: transportSecurity, config: config),
      interceptors: token.map { [$0] } ?? [])
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await client.runConnections() }
      defer { group.cancelAll() }
      return try await body(client)
    }
  }

  /// Connects as this device's signed-in user, exchanging the token for a new one first when
  /// half its life has passed (a failed refresh leaves the old token in use).
  ///
  /// Only to the server signed in to: for any other address this throws before connecting,
  /// so not a byte reaches it (`Credentials.token(for:)`).
  static func connectSignedIn<T: Sendable>(
    _ options: ClientOptions, _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> T
  ) async throws -> T {
    let credentials = try options.requireCredentials()
    let address = try ServerAddress(options.resolvedServer)
    let token = BearerToken(try credentials.token(for: address))
    return try await connect(to: address, security: options.security(for: address, credentials), token: token) {
      client in
      if credentials.refreshDue(at: Date()) {
        await refresh(credentials, client: client, token: token, dataDir: options.resolvedDataDir)
      }
      return try await body(client)
    }
  }

  /// Exchanges the token for a new one and saves it; on any failure the old one stays.
  private static func refresh(
    _ credentials: Credentials, client: GRPCClient<HTTP2ClientTransport.Posix>, token: BearerToken, dataDir: String
  ) async {
    var options = CallOptions.defaults
    options.timeout = .seconds(10)
    do {
      let response = try await Assure_V1_AccountService.Client(wrapping: client).refreshToken(
        .init(), options: options)
      var renewed = credentials
      renewed.token = response.token
      renewed.signInID = response.signIn.id
      renewed.issuedAt = response.signIn.createdAt.millisecondDate
      renewed.expiresAt = response.signIn.expiresAt.millisecondDate
      try renewed.save(to: dataDir)
      token.replace(with: response.token)
    } catch {
      // The old token is still valid for a while; the next command tries again.
    }
  }

  /// Runs an online command's calls against the configured server, turning gRPC statuses into
  /// the CLI's errors: unreachable is "offline" (exit 75), INVALID_ARGUMENT lists each field and
  /// rule (exit 65), UNAUTHENTICATED and PERMISSION_DENIED say why (exit 77), NOT_FOUND and the
  /// rest name the problem (exit 1).
  static func run<T: Sendable>(
    _ options: ClientOptions, timeout: Int = 30, _ body: (ServerSession) async throws -> T
  ) async throws -> T {
    let address = try ServerAddress(options.resolvedServer)
    var callOptions = CallOptions.defaults
    callOptions.timeout = .seconds(max(1, timeout))
    callOptions.waitForReady = false
    do {
      return try await connectSignedIn(options) { client in
        try await body(ServerSession(client: client, callOptions: callOptions))
      }
    } catch let error as RPCError {
      throw translate(error, address: address)
    } catch let error as SyncError where error.code == .offline {
      throw SyncError(
        .offline, "cannot reach the server at \(address) (\(error.message)); this command needs a connection")
    }
  }

  static func translate(_ error: RPCError, address: ServerAddress) -> any Error {
    switch error.code {
    case .unavailable, .deadlineExceeded, .cancelled:
      // A TLS handshake that fails (an untrusted certificate, or TLS on one side only) shows
      // only as a connection closed before HTTP/2 began.
      let hint =
        error.message.contains("connection preface")
        ? "; if the server uses TLS, give --ca FILE (or --tls) and check its certificate names this host" : ""
      return SyncError(
        .offline, "cannot reach the server at \(address) (\(error.message)); this command needs a connection\(hint)")
    case .invalidArgument:
      let violations = error.metadata[binaryValues: "assure-violation-bin"].compactMap {
        bytes -> Model.ValidationError.Violation? in
        let text = String(decoding: bytes, as: UTF8.self)
        guard let separator = text.firstIndex(of: "\u{0}") else { return nil }
        return .init(field: String(text[..<separator]), rule: String(text[text.index(after: separator)...]))
      }
      return violations.isEmpty
        ? Model.ValidationError(field: "request", rule: error.message) : Model.ValidationError(violations: violations)
    case .unauthenticated:
      return AccessError(.unauthenticated, "the server at \(address) refused this device's sign-in: \(error.message)")
    case .permissionDenied:
      return AccessError(.permissionDenied, "the server at \(address) refused: \(error.message)")
    case .resourceExhausted:
      return AccessError(.tooManyAttempts, "the server at \(address) refused: \(error.message)")
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
