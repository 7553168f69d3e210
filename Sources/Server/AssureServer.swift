import Application
import ArgumentParser
import Foundation
import Logging
import Metrics
import Model
import Prometheus
import SQLiteStore
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
      RestoreCommand.self,
    ],
    defaultSubcommand: Serve.self)

  /// Parses the command line completed with the settings of the environment and the
  /// configuration file (`ConfigSources`), then runs the command.
  static func main() async {
    do {
      let arguments = try ConfigSources.merge(
        Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
      var command = try parseAsRoot(arguments)
      if var command = command as? any AsyncParsableCommand {
        try await command.run()
      } else {
        try command.run()
      }
    } catch let problem as ConfigSources.Problem {
      exit(withError: ValidationError(problem.description))
    } catch {
      exit(withError: error)
    }
  }
}

/// Where the server keeps its database.
struct DataOptions: ParsableArguments {
  @Option(help: "Folder holding the server's database (created if missing).")
  var dataDir: String = "./assure-data"

  var databasePath: String { URL(fileURLWithPath: dataDir).appendingPathComponent("assure-server.sqlite").path }
}

/// `assure-server serve`: the gRPC server.
struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
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

  @OptionGroup var data: DataOptions

  @Option(help: "Address to listen on.")
  var host: String = "127.0.0.1"

  @Option(help: "Port to listen on; 0 picks a free port (the log says which).")
  var port: Int = 50051

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

  @Option(help: "Days a deleted engagement is kept as a tombstone; a device offline longer pulls everything again.")
  var tombstoneDays: Int = 180

  @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
  var logLevel: String = "info"

  @Option(help: "Log format: text or json (one object per line).")
  var logFormat: String = "text"

  @Option(help: "Serve Prometheus metrics over HTTP on this port (GET /metrics); off when not given.")
  var metricsPort: Int?

  @Option(help: "Address the metrics endpoint listens on.")
  var metricsHost: String = "127.0.0.1"

  @Option(help: "PEM certificate chain: with --tls-key, the server speaks TLS only.")
  var tlsCert: String?

  @Option(help: "PEM private key of --tls-cert.")
  var tlsKey: String?

  @Flag(
    help:
      "Allow listening on an address other than loopback without TLS (tokens and records then cross the network in clear)."
  )
  var insecure = false

  @Option(help: "Days a device token lasts; a device refreshes it when half has passed.")
  var tokenDays: Int = 90

  @Option(help: "Hours a one-time enrolment code lasts.")
  var enrolmentHours: Int = 72

  @Option(help: "Largest request message accepted, in bytes.")
  var maxRequestBytes: Int = 4 * 1024 * 1024

  @Option(help: "Client connections open at once; one past it is closed as soon as it is accepted.")
  var maxConnections: Int = ConnectionLimits().maxConnections

  @Option(help: "Seconds a new connection has to start its first call (TLS handshake and HTTP/2 preface included).")
  var handshakeTimeout: Int = Int(ConnectionLimits().handshakeTimeout.components.seconds)

  @Option(help: "Seconds a connection with no call in flight stays open.")
  var idleTimeout: Int = Int(ConnectionLimits().idleTimeout.components.seconds)

  @Option(help: "Seconds after which a connection is asked to close and reconnect (its calls may finish).")
  var maxConnectionAge: Int = Int(ConnectionLimits().maxAge.components.seconds)

  func validate() throws {
    var buffer = [UInt8](repeating: 0, count: 16)
    guard inet_pton(AF_INET, host, &buffer) == 1 || inet_pton(AF_INET6, host, &buffer) == 1 else {
      throw ValidationError("--host must be an IPv4 or IPv6 address, e.g. 127.0.0.1 or ::1 (got \"\(host)\")")
    }
    guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535 (got \(port))") }
    guard (1...36_500).contains(tombstoneDays) else {
      throw ValidationError("--tombstone-days must be between 1 and 36500 (got \(tombstoneDays))")
    }
    guard Logger.Level(rawValue: logLevel) != nil else {
      throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
    }
    guard ["text", "json"].contains(logFormat) else {
      throw ValidationError("--log-format must be text or json (got \(logFormat))")
    }
    if let metricsPort, !(0...65535).contains(metricsPort) {
      throw ValidationError("--metrics-port must be between 0 and 65535 (got \(metricsPort))")
    }
    guard inet_pton(AF_INET, metricsHost, &buffer) == 1 || inet_pton(AF_INET6, metricsHost, &buffer) == 1 else {
      throw ValidationError("--metrics-host must be an IPv4 or IPv6 address (got \"\(metricsHost)\")")
    }
    switch (tlsCert, tlsKey) {
    case (nil, nil):
      guard insecure || Self.isLoopback(host) else {
        throw ValidationError(
          "--host \(host) is not a loopback address: give --tls-cert and --tls-key (Scripts/dev-certs.sh makes a development pair), or --insecure to send everything in clear"
        )
      }
    case (let cert?, let key?):
      for (option, path) in [("--tls-cert", cert), ("--tls-key", key)]
      where !FileManager.default.isReadableFile(atPath: path) {
        throw ValidationError("\(option): cannot read \(path)")
      }
    default:
      throw ValidationError("--tls-cert and --tls-key go together: give both or neither")
    }
    guard (1...3650).contains(tokenDays) else {
      throw ValidationError("--token-days must be between 1 and 3650 (got \(tokenDays))")
    }
    guard (1...24 * 90).contains(enrolmentHours) else {
      throw ValidationError("--enrolment-hours must be between 1 and 2160 (got \(enrolmentHours))")
    }
    guard (64 * 1024...64 * 1024 * 1024).contains(maxRequestBytes) else {
      throw ValidationError("--max-request-bytes must be between 65536 and 67108864 (got \(maxRequestBytes))")
    }
    guard (1...100_000).contains(maxConnections) else {
      throw ValidationError("--max-connections must be between 1 and 100000 (got \(maxConnections))")
    }
    for (option, value, range) in [
      ("--handshake-timeout", handshakeTimeout, 1...600), ("--idle-timeout", idleTimeout, 1...86_400),
      ("--max-connection-age", maxConnectionAge, 10...604_800),
    ] where !range.contains(value) {
      throw ValidationError(
        "\(option) must be between \(range.lowerBound) and \(range.upperBound) seconds (got \(value))")
    }
    _ = try parsedAreas()
  }

  /// The connection limits the options give.
  var connectionLimits: ConnectionLimits {
    var limits = ConnectionLimits()
    limits.maxConnections = maxConnections
    limits.handshakeTimeout = .seconds(handshakeTimeout)
    limits.idleTimeout = .seconds(idleTimeout)
    limits.maxAge = .seconds(maxConnectionAge)
    return limits
  }

  /// Whether `host` is a loopback address (127.0.0.0/8 or ::1).
  static func isLoopback(_ host: String) -> Bool {
    host == "::1" || host.hasPrefix("127.")
  }

  func run() async throws {
    if checkConfig {
      try printCheckedConfiguration()
      return
    }
    let level = Logger.Level(rawValue: logLevel) ?? .info
    let json = logFormat == "json"
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
      databasePath: data.databasePath, host: host, port: port, demo: demo, areas: try parsedAreas(),
      tombstoneDays: tombstoneDays, tlsCertificatePath: tlsCert, tlsKeyPath: tlsKey)
    configuration.accounts.tokenLifetime = Double(tokenDays) * 86_400
    configuration.accounts.enrolmentCodeLifetime = Double(enrolmentHours) * 3600
    configuration.maxRequestBytes = maxRequestBytes
    configuration.connections = connectionLimits
    if let metricsPort { configuration.metrics = .init(host: metricsHost, port: metricsPort, registry: registry) }
    try await ServerApplication.run(configuration, logger: Logger(label: "assure-server"))
  }

  /// `--check-config`: every setting in force with where it came from, then the checks that
  /// need more than parsing: the TLS files hold a PEM certificate and key, the data folder can
  /// be written, an existing database passes SQLite's integrity check and is not newer than
  /// this version. Nothing is changed. Fails (exit 1) naming every problem.
  private func printCheckedConfiguration() throws {
    let values: [(String, String)] = [
      ("data-dir", data.dataDir), ("host", host), ("port", "\(port)"), ("demo", "\(demo)"),
      ("area", areaSummary(try parsedAreas())),
      ("tombstone-days", "\(tombstoneDays)"), ("log-level", logLevel), ("log-format", logFormat),
      ("metrics-port", metricsPort.map(String.init) ?? "off"), ("metrics-host", metricsHost),
      ("tls-cert", tlsCert ?? "none (plaintext)"), ("tls-key", tlsKey ?? "none"), ("insecure", "\(insecure)"),
      ("token-days", "\(tokenDays)"), ("enrolment-hours", "\(enrolmentHours)"),
      ("max-request-bytes", "\(maxRequestBytes)"), ("max-connections", "\(maxConnections)"),
      ("handshake-timeout", "\(handshakeTimeout)"), ("idle-timeout", "\(idleTimeout)"),
      ("max-connection-age", "\(maxConnectionAge)"),
    ]
    for (name, value) in values {
      print(
        "\(name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(value)   (\(ConfigSources.provenance[name] ?? "default"))"
      )
    }
    var problems: [String] = []
    func pem(_ path: String?, _ marker: String, _ option: String) {
      guard let path else { return }
      guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.contains(marker) else {
        problems.append("\(option): \(path) holds no PEM block with \"\(marker)\"")
        return
      }
    }
    pem(tlsCert, "-----BEGIN CERTIFICATE-----", "--tls-cert")
    pem(tlsKey, "PRIVATE KEY-----", "--tls-key")
    let folder = URL(fileURLWithPath: data.dataDir).standardizedFileURL.path
    var existing = folder
    while !FileManager.default.fileExists(atPath: existing) {
      existing = URL(fileURLWithPath: existing).deletingLastPathComponent().path
    }
    if !FileManager.default.isWritableFile(atPath: existing) {
      problems.append("--data-dir: \(existing) cannot be written by this user")
    }
    if FileManager.default.fileExists(atPath: data.databasePath) {
      do {
        let summary = try ServerDatabase.inspect(data.databasePath)
        let pending = ServerSchema.migrationNames.count - summary.migrations.count
        print(
          "database           \(data.databasePath): \(summary.engagements) engagements, change cursor \(summary.changeHead), \(pending == 0 ? "up to date" : "\(pending) migration\(pending == 1 ? "" : "s") to apply on start")"
        )
      } catch {
        problems.append("database \(data.databasePath): \(error)")
      }
    } else {
      print("database           \(data.databasePath): none yet (made on first start)")
    }
    guard problems.isEmpty else {
      throw CommandFailure(description: "the configuration has problems:\n  " + problems.joined(separator: "\n  "))
    }
    print("configuration OK")
  }

  /// What `--check-config` says of `--area`.
  private func areaSummary(_ areas: [Model.Area]) -> String {
    areas.isEmpty ? "none given (stored areas are kept)" : areas.map { "\($0.code)=\($0.name)" }.joined(separator: ", ")
  }

  private func parsedAreas() throws -> [Model.Area] {
    try areas.map { text in
      let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
      let code = parts[0]
      do {
        try Model.Area.validate(code: code)
      } catch {
        throw ValidationError("--area: \(error)")
      }
      let name = parts.count > 1 ? parts[1] : Model.Area.name(fromCode: code)
      return Model.Area(code: code, name: name)
    }
  }
}
