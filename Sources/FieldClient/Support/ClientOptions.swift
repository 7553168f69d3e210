import ArgumentParser
import Foundation
import GRPCNIOTransportHTTP2
import Model
import SQLiteStore
import Sync
import Synchronization

/// Options every command takes.
struct ClientOptions: ParsableArguments {
  @Option(help: "Folder holding this device's data (default: $ASSURE_HOME, else ~/.local/share/assure).")
  var dataDir: String?

  @Option(
    help:
      "Server as HOST:PORT, or HOST for port 50051 (default: $ASSURE_SERVER, else the one signed in to, else 127.0.0.1:50051). A signed-in device sends its token to the server it signed in to only."
  )
  var server: String?

  @Option(
    help:
      "PEM file of the CA that signed the server's certificate (default: $ASSURE_CA, else the one given at sign-in, else the system's trust store)."
  )
  var ca: String?

  var resolvedDataDir: String {
    let folder = {
      if let dataDir { return dataDir }
      let environment = ProcessInfo.processInfo.environment
      if let home = environment["ASSURE_HOME"], !home.isEmpty { return home }
      let userHome = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
      return URL(fileURLWithPath: userHome).appendingPathComponent(".local/share/assure").path
    }()
    DeviceWipe.folderInUse.withLock { $0 = folder }
    return folder
  }

  var resolvedServer: String {
    if let server { return server }
    if let env = ProcessInfo.processInfo.environment["ASSURE_SERVER"], !env.isEmpty { return env }
    if let signedIn = (try? Credentials.load(from: resolvedDataDir))??.server { return signedIn }
    return "127.0.0.1:50051"
  }

  var resolvedCA: String? {
    if let ca { return ca }
    if let env = ProcessInfo.processInfo.environment["ASSURE_CA"], !env.isEmpty { return env }
    return nil
  }

  /// The name recorded on this device's changes: the signed-in account, else the system user.
  var user: String {
    if let account = (try? Credentials.load(from: resolvedDataDir))??.account { return account }
    let environment = ProcessInfo.processInfo.environment
    for key in ["ASSURE_USER", "USER", "LOGNAME"] {
      if let value = environment[key], !value.isEmpty { return value }
    }
    return "field-user"
  }

  /// This device's sign-in; an error that says how to sign in when there is none.
  func requireCredentials() throws -> Credentials {
    guard let credentials = try Credentials.load(from: resolvedDataDir) else {
      throw AccessError(
        .unauthenticated,
        "this device is not signed in: ask an administrator for a sign-in code, then run assure login --server HOST:PORT --code CODE"
      )
    }
    return credentials
  }

  /// Refuses, before anything is stored, a change the server would refuse to this device's
  /// signed-in role: a field role records only its own office's engagements, other roles none.
  /// A device not signed in may record anything; the server decides at sync.
  func checkMayRecord(_ who: Officeholder) throws {
    guard let credentials = try Credentials.load(from: resolvedDataDir), !credentials.role.mayRecord(for: who) else {
      return
    }
    let mine = credentials.role.officeholder.map { "only \($0.rawValue) engagements" } ?? "no engagements"
    throw AccessError(
      .permissionDenied,
      "signed in as \(credentials.account) (\(credentials.role.rawValue)), who may record and change \(mine); this one is \(who.rawValue)'s: nothing was stored"
    )
  }

  /// How to reach `address`, from the options and the sign-in.
  func security(for address: ServerAddress, _ credentials: Credentials?) -> ConnectionSecurity {
    ConnectionSecurity.choose(
      for: address, caFile: resolvedCA ?? credentials?.caFile, tls: credentials?.tls ?? false,
      insecure: credentials?.insecure ?? false)
  }

  func validate() throws {
    _ = try ServerAddress(resolvedServer)
  }

  func openDatabase() throws -> ClientDatabase {
    try DataFolder.check(resolvedDataDir)
    return try ClientDatabase(path: URL(fileURLWithPath: resolvedDataDir).appendingPathComponent("assure.sqlite").path)
  }

  func repository() throws -> FieldRepository {
    FieldRepository(database: try openDatabase(), user: user)
  }
}

/// A server address given as `HOST:PORT` or `HOST` (port 50051, the server's default),
/// normalised so that two spellings of one server compare equal: the host in lower case, an IP
/// address in its standard form (`::1`, not `0:0:0:0:0:0:0:1`), the port as a number
/// (`050051` is 50051).
struct ServerAddress: Sendable, Equatable, CustomStringConvertible {
  /// The port `assure-server` listens on unless told otherwise.
  static let defaultPort = 50051

  var host: String
  var port: Int

  init(_ text: String) throws {
    let host: Substring
    var port: Substring? = nil
    var probe = [UInt8](repeating: 0, count: 16)
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
      host = text[text.index(after: text.startIndex)..<close]
      let rest = text[text.index(after: close)...]
      if !rest.isEmpty {
        guard rest.hasPrefix(":") else {
          throw ValidationError("--server must be HOST:PORT, HOST or [IPv6]:PORT (got \"\(text)\")")
        }
        port = rest.dropFirst()
      }
    } else if inet_pton(AF_INET6, text, &probe) == 1 {
      // An IPv6 address without brackets: all of it is the host.
      host = Substring(text)
    } else if let colon = text.lastIndex(of: ":") {
      host = text[..<colon]
      port = text[text.index(after: colon)...]
    } else {
      host = Substring(text)
    }
    let number = port.map { Int($0) } ?? Self.defaultPort
    guard !host.isEmpty, !host.contains(":") || inet_pton(AF_INET6, String(host), &probe) == 1,
      let number, (1...65535).contains(number)
    else {
      throw ValidationError(
        "--server must be HOST:PORT (or HOST for port 50051) with a port from 1 to 65535 (got \"\(text)\")")
    }
    self.host = Self.normalised(host: String(host))
    self.port = number
  }

  /// The host in lower case, or an IPv4 or IPv6 address as `inet_ntop` writes it.
  private static func normalised(host: String) -> String {
    var buffer = [UInt8](repeating: 0, count: 16)
    var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
    for family in [AF_INET, AF_INET6] where inet_pton(family, host, &buffer) == 1 {
      if inet_ntop(family, &buffer, &text, socklen_t(text.count)) != nil { return string(text) }
    }
    return host.lowercased()
  }

  var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

  /// Whether the host is this machine: `localhost`, 127.0.0.0/8 or ::1.
  var isLoopback: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }

  /// Whether the host is written as an IPv4 or IPv6 address rather than a name.
  var isIPLiteral: Bool {
    var buffer = [UInt8](repeating: 0, count: 16)
    return inet_pton(AF_INET, host, &buffer) == 1 || inet_pton(AF_INET6, host, &buffer) == 1
  }

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
