import Application
import ArgumentParser
import Configuration
import Foundation
import Logging
import Metrics
import Model
import PostgresStore
import Prometheus
import SQLiteStore
import Stores
import Sync

/// `assure-server`: the Assure gRPC server, and the administration of its accounts.
@main
struct AssureServer: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "assure-server",
    abstract: "Serve Assure's delivery plan, engagements and field-device sync over gRPC (HTTP/2).",
    discussion: """
      With no subcommand, serves (see `assure-server serve --help`). The other subcommands \
      manage users, device sign-ins, the force's areas and the audit trail in the server's \
      database directly; \
      they may run while the server runs.
      """,
    subcommands: [
      Serve.self, UserCommand.self, DeviceCommand.self, AreaCommand.self, AuditCommand.self, BackupCommand.self,
      RestoreCommand.self, StoreCommand.self, PrivacyCommand.self, RetentionCommand.self,
    ],
    defaultSubcommand: Serve.self)
}

/// Where the server keeps its database, for the administration commands: `--data-dir`, else
/// ASSURE_SERVER_DATA_DIR, else `data-dir` in the configuration file (`ConfigSources`).
struct DataOptions: ParsableArguments {
  @Option(
    name: .customLong("data-dir"),
    help: "Folder holding the server's database (created if missing). (default: \(ServeSettings().dataDir))")
  var dataDirOption: String?

  @Option(
    name: .customLong("store"),
    help: ArgumentHelp(
      "Where the data is kept: sqlite:PATH, or postgres://USER@HOST:PORT/DATABASE[?sslmode=disable|prefer|require] (password from --store-password-file or PGPASSWORD). (default: the SQLite file in --data-dir)",
      valueName: "address"))
  var storeOption: String?

  @Option(
    name: .customLong("store-password-file"),
    help: ArgumentHelp("A file whose first line is the PostgreSQL password.", valueName: "file"))
  var storePasswordFileOption: String?

  @Option(help: ArgumentHelp("Read settings from this file (also ASSURE_SERVER_CONFIG).", valueName: "file"))
  var config: String?

  /// The folder in force: set by `validate()` from the command line, the environment or the file.
  private(set) var dataDir = ServeSettings().dataDir
  /// The retention schedule in force (`retention run`), from the environment or the file.
  private(set) var retention = RetentionSchedule()
  /// The store in force, set by `validate()` likewise.
  private(set) var store = StoreAddress.defaultSQLite(dataDir: ServeSettings().dataDir)

  private enum CodingKeys: CodingKey { case dataDirOption, storeOption, storePasswordFileOption, config }

  /// The SQLite file, for the commands that work on one only (backup, restore).
  var databasePath: String {
    store.sqlitePath ?? URL(fileURLWithPath: dataDir).appendingPathComponent("assure-server.sqlite").path
  }

  /// Opens the store (creating and migrating it as needed).
  func openStore() async throws -> any ServerStore {
    try await store.open(logger: Logger(label: "assure-server"))
  }

  mutating func validate() throws {
    do {
      try configure(environment: ProcessInfo.processInfo.environment)
    } catch {
      throw ValidationError(error.description)
    }
  }

  /// Reads the data folder from the command line, `environment` or the configuration file.
  mutating func configure(environment: [String: String]) throws(ConfigSources.Problem) {
    var commandLine: [String: ConfigContent] = [:]
    if let dataDirOption { commandLine["data-dir"] = .string(dataDirOption) }
    if let storeOption { commandLine["store"] = .string(storeOption) }
    if let storePasswordFileOption { commandLine["store-password-file"] = .string(storePasswordFileOption) }
    if let config { commandLine["config"] = .string(config) }
    let sources = try ConfigSources(commandLine: commandLine, environment: environment)
    dataDir = sources.text("data-dir") ?? ServeSettings().dataDir
    retention = RetentionSchedule(
      notesDays: sources.number("retention-notes-days"), contactsDays: sources.number("retention-contacts-days"))
    do {
      try retention.check(names: ("--retention-notes-days", "--retention-contacts-days"))
    } catch {
      throw ConfigSources.Problem(description: error.description)
    }
    var settings = ServeSettings()
    settings.dataDir = dataDir
    settings.store = sources.text("store")
    settings.storePasswordFile = sources.text("store-password-file")
    settings.environment = environment
    try sources.check()
    do {
      store = try settings.storeAddress()
    } catch {
      throw ConfigSources.Problem(description: "--\(error.field) \(error.rule)")
    }
  }
}

/// `assure-server serve`: the gRPC server.
struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve over gRPC (HTTP/2) until SIGTERM or SIGINT.",
    discussion: """
      Stores everything in one SQLite file under --data-dir. SIGTERM or SIGINT shuts down \
      gracefully. grpc.health.v1.Health reports SERVING once the database is migrated and \
      the server listens. Every other call needs a device token (see `assure login`); on \
      first start the server creates the user `admin` and prints its one-time sign-in code.

      Every option can also come from the environment, ASSURE_SERVER_ and its name in capitals \
      with underscores (ASSURE_SERVER_TLS_CERT=/etc/assure/server.pem, ASSURE_SERVER_AREA=a,b \
      for a list, ASSURE_SERVER_DEMO=true for a flag), or from a file given by --config FILE or \
      ASSURE_SERVER_CONFIG (lines of `name = value`, # comments). The command line wins over \
      the environment, which wins over the file. --check-config prints what is in force and \
      where each setting came from, checks it, and exits.
      """)

  @Flag(
    help:
      "Check the configuration (addresses, TLS files, the database), print it with where each setting came from, and exit."
  )
  var checkConfig = false

  /// The defaults, shown in the help.
  private static let defaults = ServeSettings()

  @Option(
    help: ArgumentHelp(
      "Read settings from this file: lines of `name = value` (also ASSURE_SERVER_CONFIG).", valueName: "file"))
  var config: String?

  @Option(help: "Folder holding the server's database (created if missing). (default: \(defaults.dataDir))")
  var dataDir: String?

  @Option(
    help: ArgumentHelp(
      "Where the data is kept: sqlite:PATH, or postgres://USER@HOST:PORT/DATABASE[?sslmode=disable|prefer|require], which several servers may share. (default: the SQLite file in --data-dir)",
      valueName: "address"))
  var store: String?

  @Option(
    help: ArgumentHelp(
      "A file whose first line is the PostgreSQL password (else PGPASSWORD; never in the address).",
      valueName: "file"))
  var storePasswordFile: String?

  @Option(help: "Address to listen on. (default: \(defaults.host))")
  var host: String?

  @Option(help: "Port to listen on; 0 picks a free port (the log says which). (default: \(defaults.port))")
  var port: Int?

  @Flag(
    help:
      "On first start, seed the West Mercia 2022 demo data: the plan with its August to November 2022 history, governance meetings and 64 engagements."
  )
  var demo = false

  @Option(
    name: .customLong("area"),
    help: ArgumentHelp(
      "A local policing area of the force, CODE or CODE=Name; repeat for each. Stored on the first start only (with --demo and none given, the demo's four); later changes: assure-server area.",
      valueName: "code[=name]"))
  var areas: [String] = []

  @Option(
    help:
      "Days a deleted engagement is kept as a tombstone; a device offline longer pulls everything again. (default: \(defaults.tombstoneDays))"
  )
  var tombstoneDays: Int?

  @Option(
    help:
      "Days notes and follow-up actions are kept, counted from the day of the engagement; the server removes older text daily (assure-server retention run). (default: kept for ever)"
  )
  var retentionNotesDays: Int?

  @Option(
    help:
      "Days organisation and place are kept, likewise. (default: kept for ever)")
  var retentionContactsDays: Int?

  @Option(
    help:
      "Log level: trace, debug, info, notice, warning, error or critical. (default: \(defaults.logLevel))")
  var logLevel: String?

  @Option(help: "Log format: text or json (one object per line). (default: \(defaults.logFormat))")
  var logFormat: String?

  @Option(help: "Serve Prometheus metrics over HTTP on this port (GET /metrics); off when not given.")
  var metricsPort: Int?

  @Option(help: "Address the metrics endpoint listens on. (default: \(defaults.metricsHost))")
  var metricsHost: String?

  @Option(help: "PEM certificate chain: with --tls-key, the server speaks TLS only.")
  var tlsCert: String?

  @Option(help: "PEM private key of --tls-cert.")
  var tlsKey: String?

  @Flag(
    help:
      "Allow listening on an address other than loopback without TLS (tokens and records then cross the network in clear)."
  )
  var insecure = false

  @Option(
    help:
      "Serve the web portal (HTTP/1.1; with --tls-cert, HTTPS with HTTP/2) on this port of --host; off when not given.")
  var webPort: Int?

  @Flag(
    name: .customLong("public"),
    help: "With --web-port: serve the published figures (/public) to anyone, with no sign-in (aggregates only).")
  var publicPage = false

  @Option(help: "Hours a sign-in in the web portal lasts. (default: \(defaults.webSessionHours))")
  var webSessionHours: Int?

  @Option(
    help: "Days a device token lasts; a device refreshes it when half has passed. (default: \(defaults.tokenDays))")
  var tokenDays: Int?

  @Option(help: "Hours a one-time enrolment code lasts. (default: \(defaults.enrolmentHours))")
  var enrolmentHours: Int?

  @Option(help: "Largest request message accepted, in bytes. (default: \(defaults.maxRequestBytes))")
  var maxRequestBytes: Int?

  @Option(
    help:
      "Client connections open at once; one past it is closed as soon as it is accepted. (default: \(defaults.maxConnections))"
  )
  var maxConnections: Int?

  @Option(
    help:
      "Seconds a new connection has to start its first call (TLS handshake and HTTP/2 preface included). (default: \(defaults.handshakeTimeout))"
  )
  var handshakeTimeout: Int?

  @Option(help: "Seconds a connection with no call in flight stays open. (default: \(defaults.idleTimeout))")
  var idleTimeout: Int?

  @Option(
    help:
      "Seconds after which a connection is asked to close and reconnect (its calls may finish). (default: \(defaults.maxConnectionAge))"
  )
  var maxConnectionAge: Int?

  /// What the command line gives, by setting name: the first of the configuration's sources. A
  /// flag given is true; a flag not given leaves the setting to the other sources.
  var commandLine: [String: ConfigContent] {
    var values: [String: ConfigContent] = [:]
    let texts: [(String, String?)] = [
      ("config", config), ("data-dir", dataDir), ("store", store), ("store-password-file", storePasswordFile),
      ("host", host), ("port", port.map(String.init)),
      ("tombstone-days", tombstoneDays.map(String.init)), ("log-level", logLevel), ("log-format", logFormat),
      ("metrics-port", metricsPort.map(String.init)), ("metrics-host", metricsHost), ("tls-cert", tlsCert),
      ("tls-key", tlsKey), ("token-days", tokenDays.map(String.init)),
      ("enrolment-hours", enrolmentHours.map(String.init)), ("max-request-bytes", maxRequestBytes.map(String.init)),
      ("max-connections", maxConnections.map(String.init)), ("handshake-timeout", handshakeTimeout.map(String.init)),
      ("idle-timeout", idleTimeout.map(String.init)), ("max-connection-age", maxConnectionAge.map(String.init)),
      ("web-port", webPort.map(String.init)), ("web-session-hours", webSessionHours.map(String.init)),
      ("retention-notes-days", retentionNotesDays.map(String.init)),
      ("retention-contacts-days", retentionContactsDays.map(String.init)),
    ]
    for case (let name, let text?) in texts { values[name] = .string(text) }
    if demo { values["demo"] = .string("true") }
    if publicPage { values["public"] = .string("true") }
    if insecure { values["insecure"] = .string("true") }
    if !areas.isEmpty { values["area"] = .stringArray(areas) }
    return values
  }

  /// The settings in force: the command line over `environment` over the configuration file
  /// over the defaults, checked.
  func settings(environment: [String: String]) throws -> ServeSettings {
    try ServeSettings(ConfigSources(commandLine: commandLine, environment: environment))
  }

  func run() async throws {
    let settings: ServeSettings
    do {
      settings = try self.settings(environment: ProcessInfo.processInfo.environment)
    } catch let problem as ConfigSources.Problem {
      throw ValidationError(problem.description)
    }
    if checkConfig {
      try await Self.printChecked(settings)
      return
    }
    let level = Logger.Level(rawValue: settings.logLevel) ?? .info
    let json = settings.logFormat == "json"
    LoggingSystem.bootstrap(
      { label, provider in
        if json {
          var handler = JSONLogHandler(label: label, metadataProvider: provider)
          handler.logLevel = level
          return handler
        }
        var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
        handler.logLevel = level
        return handler
      }, metadataProvider: RequestContext.metadataProvider)
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    umask(0o077)
    var configuration = ServerConfiguration(
      store: try settings.storeAddress(), host: settings.host, port: settings.port, demo: settings.demo,
      areas: try settings.parsedAreas(), tombstoneDays: settings.tombstoneDays, tlsCertificatePath: settings.tlsCert,
      tlsKeyPath: settings.tlsKey)
    configuration.accounts.tokenLifetime = Double(settings.tokenDays) * 86_400
    configuration.accounts.enrolmentCodeLifetime = Double(settings.enrolmentHours) * 3600
    configuration.maxRequestBytes = settings.maxRequestBytes
    configuration.connections = settings.connectionLimits
    if let metricsPort = settings.metricsPort {
      configuration.metrics = .init(host: settings.metricsHost, port: metricsPort, registry: registry)
    }
    configuration.web = settings.portalSettings
    configuration.retention = RetentionSchedule(
      notesDays: settings.retentionNotesDays, contactsDays: settings.retentionContactsDays)
    try await ServerApplication.run(configuration, logger: Logger(label: "assure-server"))
  }

  /// `--check-config`: every setting in force with where it came from, then the checks that
  /// need more than parsing: the TLS files hold a PEM certificate and key, the data folder can
  /// be written, an existing SQLite database passes SQLite's integrity check, a PostgreSQL one
  /// can be reached and signed in to, and either is not newer than this version. Nothing is
  /// changed. Fails (exit 1) naming every problem.
  static func printChecked(_ settings: ServeSettings) async throws {
    for line in try configurationLines(settings) { print(line) }
    var problems: [String] = []
    func pem(_ path: String?, _ marker: String, _ option: String) {
      guard let path else { return }
      guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.contains(marker) else {
        problems.append("\(option): \(path) holds no PEM block with \"\(marker)\"")
        return
      }
    }
    pem(settings.tlsCert, "-----BEGIN CERTIFICATE-----", "--tls-cert")
    pem(settings.tlsKey, "PRIVATE KEY-----", "--tls-key")
    let folder = URL(fileURLWithPath: settings.dataDir).standardizedFileURL.path
    var existing = folder
    while !FileManager.default.fileExists(atPath: existing) {
      existing = URL(fileURLWithPath: existing).deletingLastPathComponent().path
    }
    if !FileManager.default.isWritableFile(atPath: existing) {
      problems.append("--data-dir: \(existing) cannot be written by this user")
    }
    let store = try settings.storeAddress()
    func pending(_ count: Int) -> String {
      count == 0 ? "up to date" : "\(count) migration\(count == 1 ? "" : "s") to apply on start"
    }
    switch store {
    case .postgres(let location):
      do {
        let summary = try await PostgresServerDatabase.inspect(location)
        print(
          "database            \(location): \(summary.engagements) engagements, change cursor \(summary.changeHead), \(pending(summary.pending.count))"
        )
      } catch {
        problems.append("store \(location): \(PostgresServerDatabase.describeConnection(error))")
      }
    case .sqlite(let databasePath) where FileManager.default.fileExists(atPath: databasePath):
      do {
        let summary = try ServerDatabase.inspect(databasePath)
        print(
          "database            \(databasePath): \(summary.engagements) engagements, change cursor \(summary.changeHead), \(pending(ServerSchema.migrationNames.count - summary.migrations.count))"
        )
      } catch {
        problems.append("database \(databasePath): \(error)")
      }
    case .sqlite(let databasePath):
      print("database            \(databasePath): none yet (made on first start)")
    }
    guard problems.isEmpty else {
      throw CommandFailure(description: "the configuration has problems:\n  " + problems.joined(separator: "\n  "))
    }
    print("configuration OK")
  }

  /// What `--check-config` prints of the settings: each setting in force with where it came
  /// from (command line, environment NAME, file PATH or default), after the file read if any.
  static func configurationLines(_ settings: ServeSettings) throws -> [String] {
    let values: [(String, String)] = [
      ("data-dir", settings.dataDir), ("store", (try? settings.storeAddress().description) ?? "?"),
      ("store-password-file", settings.storePasswordFile ?? "none (PGPASSWORD if set)"), ("host", settings.host),
      ("port", "\(settings.port)"),
      ("demo", "\(settings.demo)"), ("area", areaSummary(try settings.parsedAreas())),
      ("tombstone-days", "\(settings.tombstoneDays)"), ("log-level", settings.logLevel),
      ("log-format", settings.logFormat), ("metrics-port", settings.metricsPort.map(String.init) ?? "off"),
      ("metrics-host", settings.metricsHost), ("tls-cert", settings.tlsCert ?? "none (plaintext)"),
      ("tls-key", settings.tlsKey ?? "none"), ("insecure", "\(settings.insecure)"),
      ("token-days", "\(settings.tokenDays)"), ("enrolment-hours", "\(settings.enrolmentHours)"),
      ("max-request-bytes", "\(settings.maxRequestBytes)"), ("max-connections", "\(settings.maxConnections)"),
      ("handshake-timeout", "\(settings.handshakeTimeout)"), ("idle-timeout", "\(settings.idleTimeout)"),
      ("max-connection-age", "\(settings.maxConnectionAge)"),
      ("web-port", settings.webPort.map { "\($0) (\(settings.tlsCert == nil ? "http" : "https"))" } ?? "off"),
      ("public", "\(settings.publicPage)"), ("web-session-hours", "\(settings.webSessionHours)"),
      ("retention-notes-days", settings.retentionNotesDays.map(String.init) ?? "kept for ever"),
      ("retention-contacts-days", settings.retentionContactsDays.map(String.init) ?? "kept for ever"),
    ]
    let file = settings.configFile.map { [("config", $0)] } ?? []
    return (file + values).map { name, value in
      "\(name.padding(toLength: 23, withPad: " ", startingAt: 0)) \(value)   (\(settings.provenance[name] ?? "default"))"
    }
  }

  /// What `--check-config` says of `--area`.
  private static func areaSummary(_ areas: [Model.Area]) -> String {
    areas.isEmpty ? "none given (stored areas are kept)" : areas.map { "\($0.code)=\($0.name)" }.joined(separator: ", ")
  }
}
