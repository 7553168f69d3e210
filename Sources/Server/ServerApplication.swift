import Application
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Model
import NIOCore
import Prometheus
import SQLiteStore
import ServiceLifecycle
import Stores
import Sync
import Synchronization
import UnixSignals
import Web

/// What the server runs with.
struct ServerConfiguration: Sendable {
  /// Where the data is kept.
  var store: StoreAddress
  var host: String
  var port: Int
  var demo: Bool
  /// Areas stored on the first start (an empty area table); a database that holds areas keeps
  /// them. Empty with `demo`: the demo's four.
  var areas: [Model.Area]
  /// Days a deleted engagement is kept as a tombstone (the longest a device may stay offline
  /// and still catch up from its cursor; past it, it pulls everything again).
  var tombstoneDays: Int = ServerRepository.defaultTombstoneDays
  /// PEM certificate chain and private key: with both, the server speaks TLS only.
  var tlsCertificatePath: String?
  var tlsKeyPath: String?
  /// Lifetimes of enrolment codes and device tokens.
  var accounts = AccountSettings()
  /// When failed sign-in attempts slow an address down and then shut it out.
  var attempts = AttemptLimiter.Settings()
  /// Largest request message accepted, in bytes (INVALID_ARGUMENT past it).
  var maxRequestBytes = 4 * 1024 * 1024
  /// Calls in flight on one HTTP/2 connection.
  var maxConcurrentStreams = 4096
  /// Connections, streams, unread answers and connection time limits (`ConnectionGuard`).
  var connections = ConnectionLimits()
  /// Where the Prometheus endpoint listens, and what it serves; off when `nil`.
  var metrics: MetricsEndpoint?
  /// The web portal; off when `nil`.
  var web: PortalSettings?
  /// How long personal text is kept; applied at start and daily.
  var retention = RetentionSchedule()

  struct MetricsEndpoint: Sendable {
    var host: String
    var port: Int
    var registry: PrometheusCollectorRegistry
  }
}

/// The parts of a running server that its services share.
struct ServerParts: Sendable {
  let repository: ServerRepository
  let accounts: AccountRepository
  let limiter: AttemptLimiter
  let cache: TokenCache
  let health: HealthRegistry
  /// Largest request message accepted, in bytes.
  let maxRequestBytes: Int
  /// What server reflection answers from.
  let reflection: ReflectionIndex
  /// The plan in memory for plan reads.
  let plan: PlanSnapshot
}

/// Wiring of the server, callable from tests: open and migrate the database, apply the
/// configuration, seed the demo, build the services.
enum ServerApplication {
  /// Names of the services reported by grpc.health.v1.Health.
  static let serviceNames = [
    "assure.v1.EngagementService", "assure.v1.SyncService", "assure.v1.DeliveryPlanService",
    "assure.v1.GovernanceService", "assure.v1.OversightService", "assure.v1.ReportService", "assure.v1.AccountService",
  ]

  /// Every service served, as server reflection lists them.
  static let reflectedServices =
    serviceNames + [
      "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
    ]

  /// Opens the database (running migrations), seeds the areas on the first start and, when
  /// asked, seeds the demo data set into an empty database.
  ///
  /// Areas are data: a database that holds areas keeps them whatever the configuration says
  /// (`assure-server area` changes them); `--area` values that differ only get a warning.
  static func prepare(_ configuration: ServerConfiguration, logger: Logger) async throws -> ServerRepository {
    let database = try await configuration.store.open(logger: logger)
    logger.info("database ready", metadata: ["store": "\(configuration.store)"])
    let repository = ServerRepository(database: database)
    let seed = configuration.areas.isEmpty && configuration.demo ? Model.Area.westMercia : configuration.areas
    let seeded = try await repository.seedAreas(seed, by: .server("assure-server", rpc: "assure-server first start"))
    let stored = try await repository.areas()
    if seeded {
      logger.notice("stored the force's areas", metadata: ["areas": "\(stored.map(\.code).joined(separator: ","))"])
    } else if !configuration.areas.isEmpty {
      let active = stored.filter { !$0.retired }
      if active.map(\.code) != configuration.areas.map(\.code) || active.map(\.name) != configuration.areas.map(\.name)
      {
        logger.warning(
          "--area differs from the stored areas, which are kept; change them with assure-server area add|rename|retire",
          metadata: [
            "stored": "\(active.map { "\($0.code)=\($0.name)" }.joined(separator: ","))",
            "given": "\(configuration.areas.map { "\($0.code)=\($0.name)" }.joined(separator: ","))",
          ])
      }
    }
    if stored.isEmpty {
      logger.notice(
        "no areas are stored: engagements are accepted in any well-formed area code until an administrator adds the force's areas (assure-server area add)"
      )
    }
    if configuration.demo && !Set(stored.map(\.code)).isSuperset(of: Model.Area.westMercia.map(\.code)) {
      logger.notice("demo data not seeded: the database holds another force's areas")
    } else if configuration.demo {
      let seeded = try await DemoData.seed(into: repository)
      logger.info(
        seeded ? "seeded the West Mercia 2022 demo data" : "demo data not seeded: the database already holds data")
    }
    return repository
  }

  /// The shared parts for a prepared repository.
  static func parts(
    _ repository: ServerRepository, _ configuration: ServerConfiguration,
    logger: Logger = Logger(label: "assure-server")
  ) throws -> ServerParts {
    try ServerParts(
      repository: repository,
      accounts: AccountRepository(database: repository.database, settings: configuration.accounts, now: repository.now),
      limiter: AttemptLimiter(settings: configuration.attempts, logger: logger), cache: TokenCache(),
      health: HealthRegistry(services: serviceNames), maxRequestBytes: configuration.maxRequestBytes,
      reflection: ReflectionIndex(services: reflectedServices), plan: PlanSnapshot(repository: repository))
  }

  static func services(_ parts: ServerParts, logger: Logger = Logger(label: "assure-server"))
    -> [any RegistrableRPCService]
  {
    let repository = parts.repository
    let governance = GovernanceRepository(database: repository.database, now: repository.now)
    return [
      EngagementService(repository: repository),
      SyncService(repository: repository, logger: logger),
      DeliveryPlanService(repository: repository, governance: governance, snapshot: parts.plan),
      GovernanceService(governance: governance),
      AccountService(accounts: parts.accounts, limiter: parts.limiter, cache: parts.cache),
      OversightService(oversight: OversightRepository(database: repository.database, now: repository.now)),
      ReportService(oversight: OversightRepository(database: repository.database, now: repository.now)),
      HealthService(registry: parts.health),
      ReflectionService(index: parts.reflection),
      ReflectionServiceV1Alpha(index: parts.reflection),
    ]
  }

  /// Interceptors every RPC passes through, in order.
  static func interceptors(_ parts: ServerParts, logger: Logger = Logger(label: "assure-server"))
    -> [any ServerInterceptor]
  {
    [
      CallObserver(logger: logger),
      AuthInterceptor(accounts: parts.accounts, limiter: parts.limiter, cache: parts.cache),
      RequestSizeInterceptor(limit: parts.maxRequestBytes),
    ]
  }

  /// Sign-in codes to show on the console (never in the log): the first administrator's on
  /// first start, and the demo users' when the demo creates them.
  static func firstStartCodes(_ parts: ServerParts, demo: Bool) async throws -> [IssuedCode] {
    var codes: [IssuedCode] = []
    if let admin = try await parts.accounts.ensureFirstAdmin() { codes.append(admin) }
    if demo { codes += try await DemoUsers.seed(into: parts.accounts) }
    return codes
  }

  /// The console text that hands out first-start codes.
  static func codeBanner(_ codes: [IssuedCode], server: String, portal: PortalSettings? = nil) -> String {
    guard !codes.isEmpty else { return "" }
    var lines = ["", "Sign-in codes (each works once; they are not stored and will not be shown again):"]
    for issued in codes {
      lines.append(
        "  \(issued.account.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(issued.account.role.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(issued.code)   expires \(ISO8601DateFormatter().string(from: issued.expiresAt))"
      )
    }
    lines.append("Sign in a device with:  assure login --server \(server) --code CODE")
    if let portal, portal.port != 0 {
      let host = portal.host.contains(":") ? "[\(portal.host)]" : portal.host
      lines.append("Or in a browser at:     \(portal.usesTLS ? "https" : "http")://\(host):\(portal.port)/sign-in")
    }
    lines.append("A new code for a user:  assure-server user code NAME")
    lines.append("")
    return lines.joined(separator: "\n")
  }

  /// Runs until SIGTERM or SIGINT, then shuts down gracefully.
  static func run(_ configuration: ServerConfiguration, logger: Logger) async throws {
    // One server per SQLite file: a restore must not replace the file under a running server,
    // and SQLite's one writer is one process's. Several servers share a PostgreSQL database.
    var serving: ServingLock?
    if let path = configuration.store.sqlitePath {
      try FileManager.default.createDirectory(
        atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
        withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      serving = try ServingLock(databasePath: path)
    }
    defer { withExtendedLifetime(serving) {} }
    let repository: ServerRepository
    do {
      repository = try await prepare(configuration, logger: logger)
    } catch {
      throw StartupError("cannot open the store \(configuration.store): \(describe(error))")
    }
    let parts = try parts(repository, configuration, logger: logger)
    let codes = try await firstStartCodes(parts, demo: configuration.demo)
    let security: HTTP2ServerTransport.Posix.TransportSecurity
    if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
      security = .tls(
        certificateChain: [.file(path: certificate, format: .pem)], privateKey: .file(path: key, format: .pem))
    } else {
      security = .plaintext
    }
    var transportConfig = HTTP2ServerTransport.Posix.Config.defaults
    // Twice the limit: RequestSizeInterceptor answers messages between the two with a clear
    // INVALID_ARGUMENT; the transport drops bigger ones unread.
    transportConfig.rpc.maxRequestPayloadSize = 2 * configuration.maxRequestBytes
    // swift-nio-http2 allows 100 concurrent streams per connection unless told otherwise, and
    // treats a client that opens more (as gRPC core does before it has read the server's
    // SETTINGS, or through a proxy multiplexing many clients) as a protocol error: GOAWAY
    // and every call on the connection fails. A field office behind one gateway easily has
    // more than 100 calls in flight.
    transportConfig.http2.maxConcurrentStreams = configuration.maxConcurrentStreams
    let connectionGuard = configureConnections(&transportConfig, configuration.connections, logger: logger)
    let transport: HTTP2ServerTransport.Posix =
      configuration.host.contains(":")
      ? .http2NIOPosix(
        address: .ipv6(host: configuration.host, port: configuration.port), transportSecurity: security,
        config: transportConfig)
      : .http2NIOPosix(
        address: .ipv4(host: configuration.host, port: configuration.port), transportSecurity: security,
        config: transportConfig)
    let server = GRPCServer(
      transport: transport, services: services(parts, logger: logger), interceptors: interceptors(parts, logger: logger)
    )
    let listening = Atomic(false)
    let scheme = configuration.tlsCertificatePath == nil ? "plaintext" : "TLS"
    var service = GRPCServerService(server: server, health: parts.health, logger: logger, security: scheme) { address in
      listening.store(true, ordering: .relaxed)
      if !codes.isEmpty {
        FileHandle.standardOutput.write(
          Data((codeBanner(codes, server: address, portal: configuration.web) + "\n").utf8))
      }
    }
    service.connectionGuard = connectionGuard
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
      .init(service: service),
      .init(
        service: MaintenanceService.tombstones(repository, days: configuration.tombstoneDays, logger: logger),
        successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore),
    ]
    if !configuration.retention.isEmpty {
      services.append(
        .init(
          service: MaintenanceService.retention(
            RedactionRepository(database: repository.database, now: repository.now),
            schedule: configuration.retention, logger: logger),
          successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore))
    }
    if let shared = repository.database as? any SharedStore {
      services.append(
        .init(
          service: StoreNoticeService(
            store: shared, plan: parts.plan, cache: parts.cache, limiter: parts.limiter, logger: logger)))
    }
    if let web = configuration.web {
      services.append(.init(service: try portal(web, parts, logger: logger)))
    }
    if let metrics = configuration.metrics {
      services.append(
        .init(
          service: MetricsServer(host: metrics.host, port: metrics.port, registry: metrics.registry, logger: logger)))
    }
    let group = ServiceGroup(
      configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    do {
      try await group.run()
    } catch  where !listening.load(ordering: .relaxed) {
      throw StartupError("cannot listen on \(configuration.host):\(configuration.port): \(describe(error))")
    }
  }

  /// The web portal over the server's parts: its pages under `PermissionTable`, its sign-ins
  /// under the same limiter and token cache as the gRPC sign-ins. `onListening` gets the
  /// portal's address (`http://127.0.0.1:8080`) once it listens.
  static func portal(
    _ settings: PortalSettings, _ parts: ServerParts, logger: Logger,
    onListening: @escaping @Sendable (String) async -> Void = { _ in }
  ) throws -> any Service {
    let repository = parts.repository
    let services = PortalServices(
      repository: repository, governance: GovernanceRepository(database: repository.database, now: repository.now),
      oversight: OversightRepository(database: repository.database, now: repository.now), accounts: parts.accounts,
      limiter: parts.limiter, allows: { method, role in PermissionTable.rules[method]?.allows(role) ?? false },
      signInsChanged: { [cache = parts.cache] in cache.removeAll() })
    return try Portal.application(settings: settings, services: services, logger: logger) { address in
      logger.notice("web portal listening", metadata: ["address": "\(address)"])
      await onListening(address)
    }
  }

  /// Runs the portal alone until cancelled (tests run it beside their own server parts).
  static func servePortal(
    _ settings: PortalSettings, _ parts: ServerParts, logger: Logger,
    onListening: @escaping @Sendable (String) async -> Void = { _ in }
  ) async throws {
    try await portal(settings, parts, logger: logger, onListening: onListening).run()
  }

  /// Applies `limits` to the transport: its own idle, age, grace and keepalive settings (which
  /// end well-behaved connections with a GOAWAY) and a `ConnectionGuard` on every accepted
  /// connection and stream (which closes the rest: peers that never speak, never read, or
  /// hold too much).
  @discardableResult
  static func configureConnections(
    _ config: inout HTTP2ServerTransport.Posix.Config, _ limits: ConnectionLimits, logger: Logger
  ) -> ConnectionGuard {
    config.connection.maxIdleTime = limits.idleTimeout
    config.connection.maxAge = limits.maxAge
    config.connection.maxGraceTime = limits.graceTime
    config.connection.keepalive.time = limits.keepaliveTime
    config.connection.keepalive.timeout = limits.keepaliveTimeout
    let connectionGuard = ConnectionGuard(limits: limits, logger: logger)
    config.channelDebuggingCallbacks.onAcceptTCPConnection = { connectionGuard.accept(connection: $0) }
    config.channelDebuggingCallbacks.onAcceptHTTP2Stream = { connectionGuard.accept(stream: $0) }
    return connectionGuard
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
