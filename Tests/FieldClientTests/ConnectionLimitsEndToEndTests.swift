import Foundation
import Glibc
import Testing

/// Connection limits on the real `assure-server`: a peer that never speaks is closed, and no
/// more connections than allowed stay open, while a real device still signs in and works.
@Suite(.serialized) struct ConnectionLimitsEndToEndTests {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-limits-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  @Test("a connection that never sends a byte is closed within the handshake timeout")
  func silentConnectionIsClosed() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let server = try ServerProcess(
      port: port, dataDir: root.appendingPathComponent("server"), extraArguments: ["--handshake-timeout", "2"])
    _ = try await server.waitUntilListening()
    // Given a TCP connection that says nothing
    let socket = try RawConnection(port: port)
    let started = ContinuousClock.now
    // When the client waits (up to 15 s) for the server to give up on it
    let closed = socket.waitForClose(within: .seconds(15))
    // Then the server closes it after the 2 s deadline, well before the wait ends
    #expect(closed, "the server kept a silent connection open for 15 s")
    let waited = ContinuousClock.now - started
    #expect(waited >= .seconds(1) && waited < .seconds(6), "closed after \(waited)")
    _ = try await server.terminate()
  }

  @Test("connections past --max-connections are closed at once; those within stay, and a device still works")
  func maxConnections() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let serverData = root.appendingPathComponent("server")
    let server = try ServerProcess(
      port: port, dataDir: serverData, extraArguments: ["--max-connections", "3", "--handshake-timeout", "60"])
    let address = try await server.waitUntilListening()
    // Given six silent connections to a server that allows three
    let sockets = try (0..<6).map { _ in try RawConnection(port: port) }
    try await Task.sleep(for: .seconds(2))
    // Then three are closed by the server and three stay open
    let open = sockets.filter { $0.isOpen }.count
    #expect(open == 3, "\(open) of 6 connections open; the cap is 3")
    // And once they are gone, a real device signs in and syncs
    for socket in sockets { socket.close() }
    try await Task.sleep(for: .milliseconds(300))
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: address, user: "pcc")
    try await device.signIn(serverDataDir: serverData, address: address, role: "commissioner")
    let sync = try await device.run(["sync"])
    #expect(sync.status == 0, "\(sync)")
    _ = try await server.terminate()
  }
}

/// A raw TCP connection to 127.0.0.1 that sends nothing.
final class RawConnection {
  private var fd: Int32

  init(port: Int) throws {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket() failed") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      Glibc.close(fd)
      throw TestFailure("connect() to 127.0.0.1:\(port) failed")
    }
  }

  /// Whether the server has not closed the connection: nothing (no end of file, no reset)
  /// is waiting to be read.
  var isOpen: Bool {
    var byte: UInt8 = 0
    let read = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
    if read < 0 { return errno == EAGAIN || errno == EWOULDBLOCK }
    return read > 0
  }

  /// Waits until the server closes the connection (end of file or reset); `false` when it is
  /// still open after `limit`.
  func waitForClose(within limit: Duration) -> Bool {
    var timeout = timeval(tv_sec: Int(limit.components.seconds), tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var buffer = [UInt8](repeating: 0, count: 512)
    while true {
      let read = recv(fd, &buffer, buffer.count, 0)
      if read == 0 { return true }
      if read < 0 { return errno != EAGAIN && errno != EWOULDBLOCK }
    }
  }

  func close() {
    if fd >= 0 { Glibc.close(fd) }
    fd = -1
  }

  deinit { close() }
}
