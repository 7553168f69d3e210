import Foundation
import Glibc
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
  func run(_ arguments: [String]) throws -> RunResult {
    var environment = ProcessInfo.processInfo.environment
    environment["ASSURE_HOME"] = home.path
    environment["ASSURE_SERVER"] = server
    environment["ASSURE_USER"] = user
    return try runToEnd(Binaries.client, arguments, environment: environment)
  }

  /// Signs this device in to the server whose data folder is `serverDataDir` and which
  /// listens on `address`, as `name` with `role`: the administrator's `assure-server user add`
  /// (or `user code` for an existing user) makes a one-time code, and `assure login` uses it.
  func signIn(serverDataDir: URL, address: String, name: String? = nil, role: String = "commissioner") throws {
    let name = name ?? user
    var issued = try runServerCommand(["user", "add", "--data-dir", serverDataDir.path, "--name", name, "--role", role])
    if issued.status != 0 && issued.stderr.contains("already exists") {
      issued = try runServerCommand(["user", "code", "--data-dir", serverDataDir.path, name])
    }
    guard issued.status == 0 else { throw TestFailure("assure-server user add failed: \(issued)") }
    let code = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let login = try run(["login", "--server", address, "--code", code])
    guard login.status == 0 else { throw TestFailure("assure login failed: \(login)") }
  }

  /// `engagement list --format json`, as parsed objects.
  func listedIDs() throws -> [String] {
    let result = try run(["engagement", "list", "--format", "json"])
    guard result.status == 0,
      let array = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
    else { throw TestFailure("engagement list failed: \(result)") }
    return array.compactMap { $0["id"] as? String }
  }

  func status() throws -> [String: Any] {
    let result = try run(["status", "--format", "json"])
    guard result.status == 0,
      let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    else { throw TestFailure("status failed: \(result)") }
    return object
  }
}

/// Runs `assure-server` with `arguments` (an administration command) and waits for it.
@discardableResult
func runServerCommand(_ arguments: [String]) throws -> RunResult {
  try runToEnd(Binaries.server, arguments)
}

/// Runs a program to its end, collecting what it printed.
func runToEnd(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws -> RunResult {
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
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket() failed") }
    self.fd = fd
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
    port = Int(UInt16(bigEndian: address.sin_port))
  }

  deinit { close(fd) }
}
