import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import RPC
import ServiceLifecycle

/// Runs the gRPC server as a swift-service-lifecycle service: SIGTERM or SIGINT starts a
/// graceful shutdown (health NOT_SERVING, no new calls, in-flight calls finish).
struct GRPCServerService: Service {
  let server: GRPCServer<HTTP2ServerTransport.Posix>
  let health: HealthRegistry
  let logger: Logger
  /// "TLS" or "plaintext", for the log line that says where it listens.
  let security: String
  /// Called with the bound address once the server listens.
  let onListening: @Sendable (String) -> Void
  /// Told of the shutdown, so that connections still open when the grace time ends are cut off.
  var connectionGuard: ConnectionGuard?

  func run() async throws {
    try await withGracefulShutdownHandler {
      try await withThrowingDiscardingTaskGroup { group in
        group.addTask { try await server.serve() }
        group.addTask {
          let address = try await server.transport.listeningAddress
          let text =
            address.ipv4.map { "\($0.host):\($0.port)" } ?? address.ipv6.map { "[\($0.host)]:\($0.port)" }
            ?? "\(address)"
          health.setAll(.serving)
          logger.info("assure-server listening on \(text) (\(security))", metadata: ["address": "\(text)"])
          onListening(text)
        }
      }
    } onGracefulShutdown: {
      logger.info("shutting down: finishing in-flight calls")
      health.setAll(.notServing)
      health.finishWatches()
      server.beginGracefulShutdown()
      connectionGuard?.beginShutdown()
    }
  }
}
