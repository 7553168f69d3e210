import Foundation
import Glibc
import PostgresStore
import StoreTestSupport
import Synchronization

/// The real `assure` and `assure-server` executables, built by `swift build` / `swift test`
/// next to this test bundle.
enum Binaries {
  static var directory: URL {
    URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
  }
  static var client: URL { directory.appendingPathComponent("assure") }
  static var server: URL { directory.appendingPathComponent("assure-server") }
}

/// What a finished process printed and how it exited.
struct RunResult: CustomStringConvertible {
  var status: Int32
  var stdout: String
  var stderr: String
  var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// Runs the real `assure` binary with its own data folder and server address.
struct FieldDevice {
  let home: URL
  let server: String
  var user = "pcc-test"

  @discardableResult
  func run(_ arguments: [String]) async throws -> RunResult {
    var environment = ProcessInfo.processInfo.environment
    environment["ASSURE_HOME"] = home.path
    environment["ASSURE_SERVER"] = server
    environment["ASSURE_USER"] = user
    return try await runToEnd(Binaries.client, arguments, environment: environment)
  }

  /// Signs this device in to the server whose data folder is `serverDataDir` and which
  /// listens on `address`, as `name` with `role`: the administrator's `assure-server user add`
  /// (or `user code` for an existing user) makes a one-time code, and `assure login` uses it.
  func signIn(serverDataDir: URL, address: String, name: String? = nil, role: String = "commissioner") async throws {
    let name = name ?? user
    var issued = try await runServerCommand([
      "user", "add", "--data-dir", serverDataDir.path, "--name", name, "--role", role,
    ])
    if issued.status != 0 && issued.stderr.contains("already exists") {
      issued = try await runServerCommand(["user", "code", "--data-dir", serverDataDir.path, name])
    }
    guard issued.status == 0 else { throw TestFailure("assure-server user add failed: \(issued)") }
    let code = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let login = try await run(["login", "--server", address, "--code", code])
    guard login.status == 0 else { throw TestFailure("assure login failed: \(login)") }
  }

  /// `engagement list --format json`, as parsed objects.
  func listedIDs() async throws -> [String] {
    let result = try await run(["engagement", "list", "--format", "json"])
    guard result.status == 0,
      let array = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
    else { throw TestFailure("engagement list failed: \(result)") }
    return array.compactMap { $0["id"] as? String }
  }

  func status() async throws -> [String: Any] {
    let result = try await run(["status", "--format", "json"])
    guard result.status == 0,
      let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    else { throw TestFailure("status failed: \(result)") }
    return object
  }
}

/// Runs `assure-server` with `arguments` (an administration command) and waits for it.
@discardableResult
func runServerCommand(_ arguments: [String]) async throws -> RunResult {
  try await runToEnd(Binaries.server, arguments + TestStores.arguments(for: arguments))
}

/// Where a test server keeps its data on the engine of this test process: with PostgreSQL, each
/// server data folder gets a database of its own, made the first time a command names the
/// folder, and every `assure-server` command naming that folder is given `--store` for it.
enum TestStores {
  private static let databases = Mutex<[String: String]>([:])

  /// `--store ADDRESS` for the data folder that `arguments` name with `--data-dir`, on
  /// PostgreSQL; nothing on SQLite (the file in the folder is the store).
  static func arguments(for arguments: [String]) throws -> [String] {
    guard TestEngine.current == .postgres, let flag = arguments.firstIndex(of: "--data-dir"),
      flag + 1 < arguments.count, !arguments.contains("--store")
    else { return [] }
    return ["--store", try address(forDataDir: arguments[flag + 1])]
  }

  /// The PostgreSQL database of a server data folder, made on first use.
  static func address(forDataDir path: String) throws -> String {
    let folder = URL(fileURLWithPath: path).standardizedFileURL.path
    if let known = databases.withLock({ $0[folder] }) { return known }
    guard var admin = TestEngine.postgresAdmin else { throw TestFailure("no PostgreSQL server for the tests") }
    let name = "assure_e2e_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
    let created = try runToEndBlocking(
      URL(fileURLWithPath: "/usr/bin/psql"),
      ["-q", "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE \(name)", "\(admin)"])
    guard created.status == 0 else { throw TestFailure("cannot create a test database: \(created)") }
    admin.database = name
    let address = admin.description
    return databases.withLock { known in
      if let other = known[folder] { return other }
      known[folder] = address
      return address
    }
  }
}

/// Runs a program to its end, collecting what it printed. The wait happens on a thread of its
/// own, so that a test waiting for a slow program never holds one of the few threads that
/// Swift's tasks (and the in-process servers of other tests) run on.
func runToEnd(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) async throws
  -> RunResult
{
  try await offThePool { try runToEndBlocking(executable, arguments, environment: environment) }
}

/// Runs `work`, which blocks, on a thread of its own and waits for it without blocking a task.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread { continuation.resume(with: Result { try work() }) }.start()
  }
}

/// `runToEnd`, blocking the calling thread: for the few callers that cannot wait (a database
/// made while a data folder's server arguments are worked out).
func runToEndBlocking(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws
  -> RunResult
{
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  if let environment { process.environment = environment }
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let stdout = out.fileHandleForReading.readDataToEndOfFile()
  let stderr = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return RunResult(
    status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
    stderr: String(decoding: stderr, as: UTF8.self))
}

struct TestFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// A real `assure-server` process on 127.0.0.1.
final class ServerProcess: Sendable {
  let process: Process
  let dataDir: URL
  private let log = LogBuffer()

  init(port: Int, dataDir: URL, extraArguments: [String] = []) throws {
    self.dataDir = dataDir
    process = Process()
    process.executableURL = Binaries.server
    process.arguments =
      ["--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDir.path] + extraArguments
    process.arguments! += try TestStores.arguments(for: process.arguments!)
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    err.fileHandleForReading.readabilityHandler = { [log] handle in
      let text = String(decoding: handle.availableData, as: UTF8.self)
      log.text.withLock { $0 += text }
    }
    try process.run()
  }

  var output: String { log.text.withLock { $0 } }

  /// Waits until the server logs that it listens, and returns its `HOST:PORT`.
  func waitUntilListening(timeout: Duration = .seconds(60)) async throws -> String {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      if let range = output.range(of: "listening on ") {
        let rest = output[range.upperBound...]
        return String(rest.prefix { !$0.isWhitespace })
      }
      guard process.isRunning else { throw TestFailure("assure-server exited early:\n\(output)") }
      try await Task.sleep(for: .milliseconds(50))
    }
    throw TestFailure("assure-server did not listen within \(timeout):\n\(output)")
  }

  /// Sends SIGTERM and waits for the process to end; returns its exit status.
  func terminate(timeout: Duration = .seconds(20)) async throws -> Int32 {
    process.terminate()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
      guard ContinuousClock.now < deadline else {
        Glibc.kill(process.processIdentifier, SIGKILL)
        throw TestFailure("assure-server ignored SIGTERM for \(timeout)")
      }
      try await Task.sleep(for: .milliseconds(50))
    }
    return process.terminationStatus
  }

  /// Kills the process with SIGKILL (no chance to clean up) and waits for it to end.
  func killNow() {
    Glibc.kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  deinit {
    if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
  }
}

/// A loopback port nobody listens on right now.
func freeLoopbackPort() throws -> Int {
  try SilentListener().port
}

/// What a server process has printed so far.
final class LogBuffer: Sendable {
  let text = Mutex("")
}

/// A loopback socket that accepts TCP connections (the kernel completes the handshake) but
/// never says a word: what a device meets behind a captive portal or on a half-open link.
final class SilentListener {
  let port: Int
  private let fd: Int32

  init() throws {
    (fd, port) = try Self.bound()
  }

  /// A listening socket on 127.0.0.1 and the port the system gave it.
  static func bound() throws -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket() failed") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(fd, 16) == 0 else {
      close(fd)
      throw TestFailure("bind() or listen() failed")
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
  }

  deinit { close(fd) }
}

/// A loopback peer that records every byte a client sends it. It answers a client's HTTP/2
/// preface with its own SETTINGS, so that a gRPC client goes on to send its call (HEADERS,
/// with any `authorization`, then DATA), answers nothing else, and closes a connection after a
/// second of silence, so that the client gives up promptly. Call `stop()` when done.
final class RecordingListener: Sendable {
  let port: Int
  private let fd: Int32
  private let received = Mutex(Data())
  private let accepted = Mutex(0)
  private let stopping = Mutex(false)
  private let finished = DispatchSemaphore(value: 0)

  init() throws {
    let listener = try SilentListener.bound()
    fd = listener.fd
    port = listener.port
    let thread = Thread { [self] in
      serve()
      finished.signal()
    }
    thread.start()
  }

  /// Everything received so far, over every connection.
  var bytes: Data { received.withLock { $0 } }
  /// How many connections were accepted.
  var connections: Int { accepted.withLock { $0 } }

  private func serve() {
    while !stopping.withLock({ $0 }) {
      var pending = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      guard poll(&pending, 1, 100) > 0 else { continue }
      let client = accept(fd, nil, nil)
      guard client >= 0 else { continue }
      accepted.withLock { $0 += 1 }
      record(client)
      Glibc.close(client)
    }
  }

  private func record(_ client: Int32) {
    var answered = false
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      var readable = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
      guard poll(&readable, 1, 1_000) > 0 else { return }
      let count = read(client, &buffer, buffer.count)
      guard count > 0 else { return }
      received.withLock { $0.append(contentsOf: buffer[0..<count]) }
      if !answered {
        // An empty SETTINGS frame, then the acknowledgement of the client's.
        let frames: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0]
        _ = frames.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
        answered = true
      }
    }
  }

  /// Stops accepting (after the connection being recorded, if any) and closes the socket.
  func stop() {
    guard
      !stopping.withLock({ stopped in
        defer { stopped = true }
        return stopped
      })
    else { return }
    _ = finished.wait(timeout: .now() + 5)
    Glibc.close(fd)
  }
}
