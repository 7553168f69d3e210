import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Model
import ServiceLifecycle
import UnixSignals
import Storage
import Sync

/// What the server runs with.
struct ServerConfiguration: Sendable {
  var databasePath: String
  var host: String
  var port: Int
  var demo: Bool
  var areas: [Model.Area]
}

/// Wiring of the server, callable from tests: open and migrate the database, apply the
/// configuration, seed the demo, build the services.
enum ServerApplication {
  /// Names of the services reported by grpc.health.v1.Health.
  static let serviceNames = [
    "assure.v1.EngagementService", "assure.v1.SyncService", "assure.v1.DeliveryPlanService",
  ]

  /// Opens the database (running migrations), stores the configured areas and, when asked,
  /// seeds the demo data set into an empty database.
  static func prepare(_ configuration: ServerConfiguration, logger: Logger) async throws -> ServerRepository {
    let database = try ServerDatabase(path: configuration.databasePath)
    logger.info("database ready", metadata: ["path": "\(configuration.databasePath)"])
    let repository = ServerRepository(database: database)
    try await repository.configureAreas(configuration.areas)
    if configuration.demo {
      let seeded = try await DemoData.seed(into: repository)
      logger.info(
        seeded ? "seeded the West Mercia 2022 demo data" : "demo data not seeded: the database already holds data")
    }
    return repository
  }

  static func services(repository: ServerRepository, health: HealthRegistry) -> [any RegistrableRPCService] {
    [
      EngagementService(repository: repository),
      SyncService(repository: repository),
      DeliveryPlanService(repository: repository),
      HealthService(registry: health),
    ]
  }

  /// Runs until SIGTERM or SIGINT, then shuts down gracefully.
  static func run(_ configuration: ServerConfiguration, logger: Logger) async throws {
    let repository = try await prepare(configuration, logger: logger)
    let health = HealthRegistry(services: serviceNames)
    let server = GRPCServer(
      transport: .http2NIOPosix(
        address: .ipv4(host: configuration.host, port: configuration.port), transportSecurity: .plaintext),
      services: services(repository: repository, health: health))
    let service = GRPCServerService(server: server, health: health, logger: logger, onListening: { _ in })
    let group = ServiceGroup(
      configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
  }
}
