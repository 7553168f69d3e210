public import Foundation

/// Where a PostgreSQL store is: `postgres://USER@HOST:PORT/DATABASE`, optionally with
/// `?sslmode=disable|prefer|require`. The password is never part of it: it comes from a file
/// or from `PGPASSWORD`, so that it appears in no command line and no process list.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
  /// How the connection uses TLS: as libpq's `sslmode` of the same names.
  public enum TLSMode: String, Sendable, CaseIterable {
    case disable, prefer, require
  }

  public var user: String
  public var host: String
  public var port: Int
  public var database: String
  public var tls: TLSMode
  public var password: String?

  public init(
    user: String, host: String, port: Int = 5432, database: String, tls: TLSMode = .prefer, password: String? = nil
  ) {
    self.user = user
    self.host = host
    self.port = port
    self.database = database
    self.tls = tls
    self.password = password
  }

  /// Reads a `postgres://` address; `field` names the setting in errors.
  public init(url text: String, field: String = "store") throws(LocationError) {
    func fail(_ rule: String) -> LocationError { LocationError(field: field, rule: rule) }
    let schemes = ["postgres://", "postgresql://"]
    guard let scheme = schemes.first(where: { text.hasPrefix($0) }) else {
      throw fail("must start with postgres:// (got \"\(text)\")")
    }
    var rest = Substring(text.dropFirst(scheme.count))
    var query: Substring = ""
    if let mark = rest.firstIndex(of: "?") {
      query = rest[rest.index(after: mark)...]
      rest = rest[..<mark]
    }
    guard let at = rest.lastIndex(of: "@") else {
      throw fail("must name the user, as postgres://USER@HOST:PORT/DATABASE")
    }
    let userInfo = rest[..<at]
    if userInfo.contains(":") {
      throw fail(
        "must not hold a password (it would show in the process list and the shell's history): give it in a password file or PGPASSWORD"
      )
    }
    guard !userInfo.isEmpty, let user = userInfo.removingPercentEncoding else {
      throw fail("must name the user, as postgres://USER@HOST:PORT/DATABASE")
    }
    let hostAndPath = rest[rest.index(after: at)...]
    guard let slash = hostAndPath.firstIndex(of: "/") else {
      throw fail("must name the database, as postgres://USER@HOST:PORT/DATABASE")
    }
    let database = String(hostAndPath[hostAndPath.index(after: slash)...])
    guard !database.isEmpty, !database.contains("/"), let decoded = database.removingPercentEncoding else {
      throw fail("must name one database after the host, as postgres://USER@HOST:PORT/DATABASE")
    }
    var hostPort = hostAndPath[..<slash]
    var port = 5432
    if hostPort.hasPrefix("[") {
      guard let close = hostPort.firstIndex(of: "]") else { throw fail("has an IPv6 address without its closing ]") }
      let after = hostPort[hostPort.index(after: close)...]
      if !after.isEmpty {
        guard after.hasPrefix(":"), let number = Int(after.dropFirst()), (1...65535).contains(number) else {
          throw fail("must give the port as a number from 1 to 65535 after the host")
        }
        port = number
      }
      hostPort = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
    } else if let colon = hostPort.lastIndex(of: ":") {
      guard let number = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(number) else {
        throw fail("must give the port as a number from 1 to 65535 after the host")
      }
      port = number
      hostPort = hostPort[..<colon]
    }
    guard !hostPort.isEmpty else { throw fail("must name the host, as postgres://USER@HOST:PORT/DATABASE") }
    var tls = TLSMode.prefer
    for pair in query.split(separator: "&") where !pair.isEmpty {
      let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, parts[0] == "sslmode" else {
        throw fail("takes only sslmode=disable|prefer|require after ? (got \"\(pair)\")")
      }
      guard let mode = TLSMode(rawValue: parts[1]) else {
        throw fail("sslmode must be one of disable, prefer, require (got \"\(parts[1])\")")
      }
      tls = mode
    }
    self.init(user: user, host: String(hostPort), port: port, database: decoded, tls: tls)
  }

  /// The address without the password (there is none in it).
  public var description: String {
    let host = self.host.contains(":") ? "[\(self.host)]" : self.host
    return "postgres://\(user)@\(host):\(port)/\(database)" + (tls == .prefer ? "" : "?sslmode=\(tls.rawValue)")
  }

  /// The password from `file` (its first line) if given, else from `PGPASSWORD`, else none.
  public static func password(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
    throws(LocationError) -> String?
  {
    if let file {
      guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
        throw LocationError(field: "store-password-file", rule: "cannot read \(file)")
      }
      let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
      let password = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
      guard !password.isEmpty else {
        throw LocationError(field: "store-password-file", rule: "\(file) must hold the password on its first line")
      }
      return password
    }
    if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
    return nil
  }
}

/// A store address or password setting that cannot be used: which setting, and the rule.
public struct LocationError: Error, Sendable, Equatable, CustomStringConvertible {
  public var field: String
  public var rule: String
  public init(field: String, rule: String) {
    self.field = field
    self.rule = rule
  }
  public var description: String { "\(field): \(rule)" }
}
