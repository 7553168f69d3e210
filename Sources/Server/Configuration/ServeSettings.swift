import Application
import ArgumentParser
import Configuration
import Foundation
import Logging
import Model
import PostgresStore
import Web

/// The settings `serve` runs with: each from the command line, the environment, the
/// configuration file or its default (`ConfigSources`), checked.
struct ServeSettings {
  var dataDir = "./assure-data"
  /// `sqlite:PATH` or `postgres://USER@HOST:PORT/DATABASE`; none: the SQLite file in `dataDir`.
  var store: String?
  /// A file whose first line is the PostgreSQL password (else `PGPASSWORD`).
  var storePasswordFile: String?
  /// The environment the settings were read from (for `PGPASSWORD`).
  var environment = ProcessInfo.processInfo.environment
  var host = "127.0.0.1"
  var port = 50051
  var demo = false
  var areas: [String] = []
  var tombstoneDays = 180
  var logLevel = "info"
  var logFormat = "text"
  var metricsPort: Int?
  var metricsHost = "127.0.0.1"
  var tlsCert: String?
  var tlsKey: String?
  var insecure = false
  /// The web portal's port, on `host`; off when `nil`.
  var webPort: Int?
  /// Serves the portal's published figures to anyone (`/public`).
  var publicPage = false
  var webSessionHours = 8
  /// Days notes and follow-up actions are kept, from the day of the engagement; for ever when `nil`.
  var retentionNotesDays: Int?
  /// Days organisation and place are kept, likewise.
  var retentionContactsDays: Int?
  var tokenDays = 90
  var enrolmentHours = 72
  var maxRequestBytes = 4 * 1024 * 1024
  var maxConnections = ConnectionLimits().maxConnections
  var handshakeTimeout = Int(ConnectionLimits().handshakeTimeout.components.seconds)
  var idleTimeout = Int(ConnectionLimits().idleTimeout.components.seconds)
  var maxConnectionAge = Int(ConnectionLimits().maxAge.components.seconds)

  /// The configuration file read, if any.
  var configFile: String?
  /// Where each setting came from ("command line", "environment NAME", "file PATH"); a setting
  /// missing here has its default.
  var provenance: [String: String] = [:]

  /// The defaults.
  init() {}

  /// Reads every setting from `sources`; throws `ConfigSources.Problem` naming every value that
  /// is not what its setting takes, then `ValidationError` for the first value out of its range.
  init(_ sources: ConfigSources) throws {
    dataDir = sources.text("data-dir") ?? dataDir
    store = sources.text("store") ?? store
    storePasswordFile = sources.text("store-password-file") ?? storePasswordFile
    environment = sources.environment
    host = sources.text("host") ?? host
    port = sources.number("port") ?? port
    demo = sources.flag("demo") ?? demo
    areas = sources.list("area") ?? areas
    tombstoneDays = sources.number("tombstone-days") ?? tombstoneDays
    logLevel = sources.text("log-level") ?? logLevel
    logFormat = sources.text("log-format") ?? logFormat
    metricsPort = sources.number("metrics-port") ?? metricsPort
    metricsHost = sources.text("metrics-host") ?? metricsHost
    tlsCert = sources.text("tls-cert") ?? tlsCert
    tlsKey = sources.text("tls-key") ?? tlsKey
    insecure = sources.flag("insecure") ?? insecure
    webPort = sources.number("web-port") ?? webPort
    publicPage = sources.flag("public") ?? publicPage
    webSessionHours = sources.number("web-session-hours") ?? webSessionHours
    retentionNotesDays = sources.number("retention-notes-days") ?? retentionNotesDays
    retentionContactsDays = sources.number("retention-contacts-days") ?? retentionContactsDays
    tokenDays = sources.number("token-days") ?? tokenDays
    enrolmentHours = sources.number("enrolment-hours") ?? enrolmentHours
    maxRequestBytes = sources.number("max-request-bytes") ?? maxRequestBytes
    maxConnections = sources.number("max-connections") ?? maxConnections
    handshakeTimeout = sources.number("handshake-timeout") ?? handshakeTimeout
    idleTimeout = sources.number("idle-timeout") ?? idleTimeout
    maxConnectionAge = sources.number("max-connection-age") ?? maxConnectionAge
    try sources.check()
    configFile = sources.file?.path
    provenance = sources.provenance
    try validate()
  }

  /// Where the data is kept: `store` when given, else the SQLite file in `dataDir`.
  func storeAddress() throws(LocationError) -> StoreAddress {
    guard let store else {
      guard storePasswordFile == nil else {
        throw LocationError(field: "store-password-file", rule: "is for a postgres:// store only")
      }
      return .defaultSQLite(dataDir: dataDir)
    }
    return try StoreAddress(parsing: store, passwordFile: storePasswordFile, environment: environment)
  }

  /// The web portal's settings, when `--web-port` turns it on: the gRPC server's address and
  /// TLS pair (the same rule for an address that is not loopback).
  var portalSettings: PortalSettings? {
    webPort.map { port in
      PortalSettings(
        host: host, port: port, tlsCertificatePath: tlsCert, tlsKeyPath: tlsKey, publicPage: publicPage,
        sessionLifetime: Double(webSessionHours) * 3600)
    }
  }

  /// The connection limits the settings give.
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

  /// The rules of each setting. A problem names the option, and where its value came from when
  /// that is not the command line.
  func validate() throws {
    /// A problem with setting `name`.
    func invalid(_ name: String, _ message: String) -> ArgumentParser.ValidationError {
      guard let source = provenance[name], source != "command line" else { return ValidationError(message) }
      return ValidationError("\(message) (from the \(source))")
    }
    var buffer = [UInt8](repeating: 0, count: 16)
    guard inet_pton(AF_INET, host, &buffer) == 1 || inet_pton(AF_INET6, host, &buffer) == 1 else {
      throw invalid("host", "--host must be an IPv4 or IPv6 address, e.g. 127.0.0.1 or ::1 (got \"\(host)\")")
    }
    do {
      _ = try storeAddress()
    } catch {
      throw invalid(error.field, "--\(error.field) \(error.rule)")
    }
    guard (0...65535).contains(port) else { throw invalid("port", "--port must be between 0 and 65535 (got \(port))") }
    guard (1...36_500).contains(tombstoneDays) else {
      throw invalid("tombstone-days", "--tombstone-days must be between 1 and 36500 (got \(tombstoneDays))")
    }
    guard Logger.Level(rawValue: logLevel) != nil else {
      throw invalid("log-level", "--log-level must be one of trace, debug, info, notice, warning, error, critical")
    }
    guard ["text", "json"].contains(logFormat) else {
      throw invalid("log-format", "--log-format must be text or json (got \(logFormat))")
    }
    if let metricsPort, !(0...65535).contains(metricsPort) {
      throw invalid("metrics-port", "--metrics-port must be between 0 and 65535 (got \(metricsPort))")
    }
    guard inet_pton(AF_INET, metricsHost, &buffer) == 1 || inet_pton(AF_INET6, metricsHost, &buffer) == 1 else {
      throw invalid("metrics-host", "--metrics-host must be an IPv4 or IPv6 address (got \"\(metricsHost)\")")
    }
    switch (tlsCert, tlsKey) {
    case (nil, nil):
      guard insecure || Self.isLoopback(host) else {
        throw invalid(
          "host",
          "--host \(host) is not a loopback address: give --tls-cert and --tls-key (Scripts/dev-certs.sh makes a development pair), or --insecure to send everything in clear"
        )
      }
    case (let cert?, let key?):
      for (option, path) in [("--tls-cert", cert), ("--tls-key", key)]
      where !FileManager.default.isReadableFile(atPath: path) {
        throw invalid(String(option.dropFirst(2)), "\(option): cannot read \(path)")
      }
    default:
      throw invalid("tls-cert", "--tls-cert and --tls-key go together: give both or neither")
    }
    if let webPort {
      guard (0...65535).contains(webPort) else {
        throw invalid("web-port", "--web-port must be between 0 and 65535 (got \(webPort))")
      }
      guard webPort == 0 || webPort != port else {
        throw invalid("web-port", "--web-port must differ from --port (both are \(port))")
      }
    } else if publicPage {
      throw invalid("public", "--public serves a page of the web portal: give --web-port too")
    }
    guard (1...24 * 14).contains(webSessionHours) else {
      throw invalid("web-session-hours", "--web-session-hours must be between 1 and 336 (got \(webSessionHours))")
    }
    do {
      try RetentionSchedule(notesDays: retentionNotesDays, contactsDays: retentionContactsDays)
        .check(names: ("retention-notes-days", "retention-contacts-days"))
    } catch {
      let name = error.violations.first?.field ?? "retention-notes-days"
      throw invalid(name, "--\(name) \(error.violations.first?.rule ?? "")")
    }
    guard (1...3650).contains(tokenDays) else {
      throw invalid("token-days", "--token-days must be between 1 and 3650 (got \(tokenDays))")
    }
    guard (1...24 * 90).contains(enrolmentHours) else {
      throw invalid("enrolment-hours", "--enrolment-hours must be between 1 and 2160 (got \(enrolmentHours))")
    }
    guard (64 * 1024...64 * 1024 * 1024).contains(maxRequestBytes) else {
      throw invalid(
        "max-request-bytes", "--max-request-bytes must be between 65536 and 67108864 (got \(maxRequestBytes))")
    }
    guard (1...100_000).contains(maxConnections) else {
      throw invalid("max-connections", "--max-connections must be between 1 and 100000 (got \(maxConnections))")
    }
    for (option, value, range) in [
      ("--handshake-timeout", handshakeTimeout, 1...600), ("--idle-timeout", idleTimeout, 1...86_400),
      ("--max-connection-age", maxConnectionAge, 10...604_800),
    ] where !range.contains(value) {
      throw invalid(
        String(option.dropFirst(2)),
        "\(option) must be between \(range.lowerBound) and \(range.upperBound) seconds (got \(value))")
    }
    do {
      _ = try parsedAreas()
    } catch let error as ArgumentParser.ValidationError {
      throw invalid("area", error.message)
    }
  }

  /// The areas `--area` gives, CODE or CODE=Name each.
  func parsedAreas() throws -> [Model.Area] {
    try areas.map { text in
      let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
      let code = parts.first ?? ""
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
