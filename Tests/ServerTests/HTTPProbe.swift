import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A plain HTTP/1.1 client over a TCP socket, for tests of the web portal on 127.0.0.1: one
/// request per connection (`Connection: close`), no redirects followed, cookies only as the test
/// sends them, so that every status, header and cookie the portal sends is seen as sent.
struct HTTPProbe: Sendable {
  struct Answer: Sendable {
    var status: Int
    /// Header names in lower case; a repeated header's values joined by "\n".
    var headers: [String: String]
    var body: String

    /// The cookies the answer sets, by name: the whole `Set-Cookie` line.
    var setCookies: [String: String] {
      var cookies: [String: String] = [:]
      for line in (headers["set-cookie"] ?? "").split(separator: "\n") {
        let name = line.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
        cookies[name] = String(line)
      }
      return cookies
    }

    /// The value a cookie is set to.
    func cookie(_ name: String) -> String? {
      guard let line = setCookies[name] else { return nil }
      let pair = line.split(separator: ";").first ?? ""
      return pair.split(separator: "=", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
    }

    /// The value of the first hidden input named `name` in the body.
    func hidden(_ name: String) -> String? {
      guard let range = body.range(of: "name=\"\(name)\" value=\"") else { return nil }
      let rest = body[range.upperBound...]
      return rest.prefix { $0 != "\"" }.description
    }
  }

  let port: Int

  /// Sends one request; `cookies` become the `Cookie` header. The socket is read on a Dispatch
  /// thread, never on the cooperative pool the portal's own handlers need.
  func send(
    _ method: String, _ path: String, cookies: [String: String] = [:], form: [String: String]? = nil,
    body rawBody: String? = nil, contentType: String? = nil
  ) async throws -> Answer {
    var body = rawBody ?? ""
    var type = contentType
    if let form {
      body = form.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
      type = type ?? "application/x-www-form-urlencoded"
    }
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
    if !cookies.isEmpty {
      head += "Cookie: " + cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") + "\r\n"
    }
    if method == "POST" {
      head += "Content-Type: \(type ?? "application/x-www-form-urlencoded")\r\nContent-Length: \(body.utf8.count)\r\n"
    }
    let request = Array((head + "\r\n" + body).utf8)
    let raw = try await withCheckedThrowingContinuation { continuation in
      DispatchQueue.global().async { continuation.resume(with: Result { try exchange(request) }) }
    }
    return try Self.parse(raw)
  }

  func get(_ path: String, cookies: [String: String] = [:]) async throws -> Answer {
    try await send("GET", path, cookies: cookies)
  }

  private func exchange(_ request: [UInt8]) throws -> [UInt8] {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw ProbeError("socket: errno \(errno)") }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else { throw ProbeError("connect to 127.0.0.1:\(port): errno \(errno)") }
    var timeout = timeval(tv_sec: 30, tv_usec: 0)
    setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var sent = 0
    while sent < request.count {
      let n = request[sent...].withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
      guard n > 0 else { throw ProbeError("write: errno \(errno)") }
      sent += n
    }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
      if n < 0 { throw ProbeError("read: errno \(errno)") }
      if n == 0 { break }
      answer += buffer[0..<n]
    }
    return answer
  }

  private static func parse(_ raw: [UInt8]) throws -> Answer {
    let text = String(decoding: raw, as: UTF8.self)
    guard let end = text.range(of: "\r\n\r\n") else { throw ProbeError("no end of headers in \(text.prefix(200))") }
    let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
    guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
    else { throw ProbeError("bad status line in \(text.prefix(200))") }
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let name = line[..<colon].lowercased()
      let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      headers[name] = headers[name].map { $0 + "\n" + value } ?? value
    }
    return Answer(status: status, headers: headers, body: String(text[end.upperBound...]))
  }

  private static func encode(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-_.~"))) ?? text
  }
}

struct ProbeError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
