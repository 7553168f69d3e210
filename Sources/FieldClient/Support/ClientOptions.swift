import ArgumentParser
import Foundation
import GRPCNIOTransportHTTP2
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

  /// Where gRPC connects: the address itself for an IPv4 or IPv6 literal, else the first
  /// address the system resolver gives for the name.
  ///
  /// Names are resolved here rather than by gRPC, whose resolver retries an unknown name
  /// for ever: with no network, `sync` must say "offline" promptly, not hang.
  func resolve() -> Result<any ResolvableTarget, SyncError> {
    var buffer = [UInt8](repeating: 0, count: 16)
    if inet_pton(AF_INET, host, &buffer) == 1 { return .success(.ipv4(address: host, port: port)) }
    if inet_pton(AF_INET6, host, &buffer) == 1 { return .success(.ipv6(address: host, port: port)) }
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, nil, &hints, &list)
    defer { if list != nil { freeaddrinfo(list) } }
    var entry = list
    while status == 0, let info = entry?.pointee {
      var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
      if info.ai_family == AF_INET, let address = info.ai_addr {
        var ipv4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
        inet_ntop(AF_INET, &ipv4, &text, socklen_t(text.count))
        return .success(.ipv4(address: Self.string(text), port: port))
      }
      if info.ai_family == AF_INET6, let address = info.ai_addr {
        var ipv6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
        inet_ntop(AF_INET6, &ipv6, &text, socklen_t(text.count))
        return .success(.ipv6(address: Self.string(text), port: port))
      }
      entry = info.ai_next
    }
    let reason = status == 0 ? "no address" : gai_strerror(status).map { String(cString: $0) } ?? "error \(status)"
    return .failure(SyncError(.offline, "cannot resolve \(host): \(reason)"))
  }

  /// Text of a NUL-terminated C buffer.
  private static func string(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
