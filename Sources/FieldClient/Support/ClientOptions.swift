import ArgumentParser
import Foundation
import Storage
import Sync

/// Options every command takes.
struct ClientOptions: ParsableArguments {
  @Option(help: "Folder holding this device's data (default: $ASSURE_HOME, else ~/.local/share/assure).")
  var dataDir: String?

  @Option(help: "Server as HOST:PORT (default: $ASSURE_SERVER, else 127.0.0.1:50051).")
  var server: String?

  var resolvedDataDir: String {
    if let dataDir { return dataDir }
    let environment = ProcessInfo.processInfo.environment
    if let home = environment["ASSURE_HOME"], !home.isEmpty { return home }
    let userHome = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
    return URL(fileURLWithPath: userHome).appendingPathComponent(".local/share/assure").path
  }

  var resolvedServer: String {
    if let server { return server }
    if let env = ProcessInfo.processInfo.environment["ASSURE_SERVER"], !env.isEmpty { return env }
    return "127.0.0.1:50051"
  }

  /// The name recorded on this device's changes.
  var user: String {
    let environment = ProcessInfo.processInfo.environment
    for key in ["ASSURE_USER", "USER", "LOGNAME"] {
      if let value = environment[key], !value.isEmpty { return value }
    }
    return "field-user"
  }

  func validate() throws {
    _ = try ServerAddress(resolvedServer)
  }

  func openDatabase() throws -> ClientDatabase {
    try ClientDatabase(path: URL(fileURLWithPath: resolvedDataDir).appendingPathComponent("assure.sqlite").path)
  }

  func repository() throws -> FieldRepository {
    FieldRepository(database: try openDatabase(), user: user)
  }
}

/// A server address given as `HOST:PORT`.
struct ServerAddress: Sendable, CustomStringConvertible {
  var host: String
  var port: Int

  init(_ text: String) throws {
    let (host, port): (Substring, Substring)
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
      host = text[text.index(after: text.startIndex)..<close]
      port = text[close...].dropFirst(2)
    } else if let colon = text.lastIndex(of: ":") {
      host = text[..<colon]
      port = text[text.index(after: colon)...]
    } else {
      throw ValidationError("--server must be HOST:PORT (got \"\(text)\")")
    }
    guard !host.isEmpty, let number = Int(port), (1...65535).contains(number) else {
      throw ValidationError("--server must be HOST:PORT with a port from 1 to 65535 (got \"\(text)\")")
    }
    self.host = String(host)
    self.port = number
  }

  var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
