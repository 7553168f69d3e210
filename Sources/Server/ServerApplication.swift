import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Model
import ServiceLifecycle
import UnixSignals
import Storage
import Sync
import Synchronization

/// What the server runs with.
struct ServerConfiguration: Sendable {
  var databasePath: String
  var host: String
  var port: Int
  var demo: Bool
  var areas: [Model.Area]
  /// Days a deleted engagement is kept as a tombstone (the longest a device may stay offline
  /// and still catch up from its cursor; past it, it pulls everything again).
  var tombstoneDays: Int = ServerRepository.defaultTombstoneDays
}

/// Wiring of the server, callable from tests: open and migrate the database, apply the
/// configuration, seed the demo, build the services.
enum ServerApplication {
  /// Names of the services reported by grpc.health.v1.Health.
  static let serviceNames = [
    "assure.v1.EngagementService", "assure.v1.SyncService", "assure.v1.DeliveryPlanService",
    "assure.v1.GovernanceService", "assure.v1.OversightService", "assure.v1.ReportService",
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

  static func services(
    repository: ServerRepository, health: HealthRegistry, logger: Logger = Logger(label: "assure-server")
  ) -> [any RegistrableRPCService] {
    [
      EngagementService(repository: repository),
      SyncService(repository: repository, logger: logger),
      DeliveryPlanService(repository: repository, governance: GovernanceRepository(database: repository.database, now: repository.now)),
      GovernanceService(governance: GovernanceRepository(database: repository.database, now: repository.now)),
      OversightService(oversight: OversightRepository(database: repository.database, now: repository.now)),
      ReportService(oversight: OversightRepository(database: repository.database, now: repository.now)),
      HealthService(registry: health),
    ]
  }

  /// Interceptors every RPC passes through, in order.
  static let interceptors: [any ServerInterceptor] = [CallerInterceptor()]

  /// Runs until SIGTERM or SIGINT, then shuts down gracefully.
  static func run(_ configuration: ServerConfiguration, logger: Logger) async throws {
    let repository: ServerRepository
    do {
      repository = try await prepare(configuration, logger: logger)
    } catch {
      throw StartupError("cannot open the database at \(configuration.databasePath): \(describe(error))")
    }
    let health = HealthRegistry(services: serviceNames)
    let transport: HTTP2ServerTransport.Posix =
      configuration.host.contains(":")
      ? .http2NIOPosix(address: .ipv6(host: configuration.host, port: configuration.port), transportSecurity: .plaintext)
      : .http2NIOPosix(address: .ipv4(host: configuration.host, port: configuration.port), transportSecurity: .plaintext)
    let server = GRPCServer(
      transport: transport,
      services: services(repository: repository, health: health, logger: logger),
      interceptors: interceptors)
    let listening = Atomic(false)
    let service = GRPCServerService(server: server, health: health, logger: logger) { _ in
      listening.store(true, ordering: .relaxed)
    }
    let group = ServiceGroup(
      configuration: .init(
        services: [
          .init(service: service),
          .init(
            service: TombstoneService(repository: repository, days: configuration.tombstoneDays, logger: logger),
            successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore),
        ], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    do {
      try await group.run()
    } catch where !listening.load(ordering: .relaxed) {
      throw StartupError("cannot listen on \(configuration.host):\(configuration.port): \(describe(error))")
    }
  }

  /// The most useful text of an error: Foundation's sentence, or the error's own description.
  private static func describe(_ error: any Error) -> String {
    error is CocoaError ? error.localizedDescription : String(describing: error)
  }
}

/// The server could not start; the message says what to fix.
struct StartupError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
