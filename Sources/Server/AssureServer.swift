import ArgumentParser
import Foundation
import Logging
import Model

/// `assure-server`: the Assure gRPC server.
@main
struct AssureServer: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "assure-server",
    abstract: "Serve Assure's delivery plan, engagements and field-device sync over gRPC (HTTP/2).",
    discussion: """
      Stores everything in one SQLite file under --data-dir. SIGTERM or SIGINT shuts down \
      gracefully. grpc.health.v1.Health reports SERVING once the database is migrated and \
      the server listens.
      """)

  @Option(help: "Folder holding the server's database (created if missing).")
  var dataDir: String = "./assure-data"

  @Option(help: "Address to listen on.")
  var host: String = "127.0.0.1"

  @Option(help: "Port to listen on; 0 picks a free port (the log says which).")
  var port: Int = 50051

  @Flag(help: "On first start, seed the West Mercia 2022 demo data: the plan with its August to November 2022 history, governance meetings and 64 engagements.")
  var demo = false

  @Option(
    name: .customLong("area"),
    help: ArgumentHelp(
      "A local policing area of the force, CODE or CODE=Name; repeat for each (default: West Mercia's four).",
      valueName: "code[=name]"))
  var areas: [String] = []

  @Option(help: "Days a deleted engagement is kept as a tombstone; a device offline longer pulls everything again.")
  var tombstoneDays: Int = 180

  @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
  var logLevel: String = "info"

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
    _ = try parsedAreas()
  }

  func run() async throws {
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
      return handler
    }
    let configuration = ServerConfiguration(
      databasePath: URL(fileURLWithPath: dataDir).appendingPathComponent("assure-server.sqlite").path,
      host: host, port: port, demo: demo, areas: try parsedAreas(), tombstoneDays: tombstoneDays)
    try await ServerApplication.run(configuration, logger: Logger(label: "assure-server"))
  }

  private func parsedAreas() throws -> [Model.Area] {
    guard !areas.isEmpty else { return Model.Area.westMercia }
    return try areas.map { text in
      let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
      let code = parts[0]
      do {
        try Model.Area.validate(code: code)
      } catch {
        throw ValidationError("--area: \(error)")
      }
      let name = parts.count > 1 ? parts[1] : code.split(separator: "-").map(\.capitalized).joined(separator: " ")
      return Model.Area(code: code, name: name)
    }
  }
}
