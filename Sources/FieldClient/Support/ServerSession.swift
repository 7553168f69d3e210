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

/// The typed client of the server, over HTTP/2 (`AssureClient`).
typealias ServerClient = AssureClient<HTTP2ClientTransport.Posix>

/// A connection to the server for the online commands (plan management, review, meetings).
///
/// Unlike engagements, these records live on the server only: with no connection the command
/// fails with exit code 75 and changes nothing.
enum ServerSession {
  /// Connects to `address`, runs `body` with a client whose calls each give up after
  /// `timeout`, and tears the connection down. With `token`, every call carries it.
  ///
  /// The connection runs in a child task that is cancelled when `body` returns: a graceful
  /// shutdown would wait for ever on a peer that accepted TCP but never spoke HTTP/2.
  static func connect<T: Sendable>(
    to address: ServerAddress, security: ConnectionSecurity, token: BearerToken? = nil,
    timeout: Duration = .seconds(30), _ body: (ServerClient) async throws -> T
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
      return try await body(ServerClient(client: client, server: address.description, timeout: timeout))
    }
  }

  /// Connects as this device's signed-in user, exchanging the token for a new one first when
  /// half its life has passed (a failed refresh leaves the old token in use).
  ///
  /// Only to the server signed in to: for any other address this throws before connecting,
  /// so not a byte reaches it (`Credentials.token(for:)`).
  static func connectSignedIn<T: Sendable>(
    _ options: ClientOptions, timeout: Duration = .seconds(30), _ body: (ServerClient) async throws -> T
  ) async throws -> T {
    let credentials = try options.requireCredentials()
    let address = try ServerAddress(options.resolvedServer)
    let token = BearerToken(try credentials.token(for: address))
    return try await connect(
      to: address, security: options.security(for: address, credentials), token: token, timeout: timeout
    ) { server in
      if credentials.refreshDue(at: Date()) {
        await refresh(credentials, server: server, token: token, dataDir: options.resolvedDataDir)
      }
      return try await body(server)
    }
  }

  /// Exchanges the token for a new one and saves it; on any failure the old one stays.
  private static func refresh(_ credentials: Credentials, server: ServerClient, token: BearerToken, dataDir: String)
    async
  {
    do {
      let issued = try await server.withTimeout(.seconds(10)).refreshToken()
      var renewed = credentials
      renewed.token = issued.token
      renewed.signInID = issued.signIn.id.uuidString.lowercased()
      renewed.issuedAt = issued.signIn.createdAt
      renewed.expiresAt = issued.signIn.expiresAt
      try renewed.save(to: dataDir)
      token.replace(with: issued.token)
    } catch {
      // The old token is still valid for a while; the next command tries again.
    }
  }

  /// Runs an online command's calls against the configured server. The client's errors say
  /// what went wrong in the CLI's terms (`AssureClient`): unreachable is "offline" (exit 75),
  /// INVALID_ARGUMENT lists each field and rule (exit 65), UNAUTHENTICATED and
  /// PERMISSION_DENIED say why (exit 77), NOT_FOUND and the rest name the problem (exit 1).
  static func run<T: Sendable>(
    _ options: ClientOptions, timeout: Int = 30, _ body: (ServerClient) async throws -> T
  ) async throws -> T {
    let address = try ServerAddress(options.resolvedServer)
    do {
      return try await connectSignedIn(options, timeout: .seconds(max(1, timeout))) { server in
        do {
          return try await body(server)
        } catch {
          throw CallFailure(error: error)
        }
      }
    } catch let failure as CallFailure {
      throw failure.error
    } catch let error as SyncError where error.code == .offline {
      // The name could not be resolved: nothing was sent.
      throw SyncError(
        .offline, "cannot reach the server at \(address) (\(error.message)); this command needs a connection")
    }
  }

  /// What an online command's calls threw, passed on as it is: the client has said it in the
  /// CLI's terms already.
  private struct CallFailure: Error {
    let error: any Error
  }
}

/// Checks a date option on the command line, naming the option when it is not a real day.
func dayOption(_ text: String?, _ option: String) throws -> LocalDate? {
  guard let text else { return nil }
  return try requiredDay(text, option)
}

/// A required day option, checked here so that a typo is reported without a connection.
func requiredDay(_ text: String, _ option: String) throws -> LocalDate {
  guard let day = LocalDate(text) else {
    throw Model.ValidationError(field: option, rule: "must be a real day written YYYY-MM-DD (got \"\(text)\")")
  }
  return day
}
