import Foundation
import Glibc
import Testing

/// `GET path` on 127.0.0.1:`port` over a plain socket: the response body.
func httpGet(port: Int, path: String) throws -> (status: Int, body: String) {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  guard fd >= 0 else { throw TestFailure("socket() failed") }
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = in_port_t(UInt16(port).bigEndian)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  let connected = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
  }
  guard connected == 0 else { throw TestFailure("cannot connect to 127.0.0.1:\(port)") }
  let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
  _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
  var response: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = recv(fd, &buffer, buffer.count, 0)
    if n <= 0 { break }
    response += buffer[0..<n]
  }
  let text = String(decoding: response, as: UTF8.self)
  let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
  let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
  return (status, body)
}

@Suite(.serialized) struct ObservabilityEndToEndTests {
  /// The value of one series in Prometheus text, 0 when absent.
  func value(_ metrics: String, _ series: String) -> Double {
    for line in metrics.split(separator: "\n") where line.hasPrefix(series + " ") {
      return Double(line.split(separator: " ").last ?? "") ?? 0
    }
    return 0
  }

  @Test(
    "the metrics port shows per-method counters that move when the CLI syncs, and every call's log line has its request id"
  )
  func metricsMove() async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-metrics-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let metricsPort = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    let server = try ServerProcess(
      port: port, dataDir: root.appendingPathComponent("server"),
      extraArguments: ["--metrics-port", "\(metricsPort)", "--log-format", "json", "--log-level", "debug"])
    _ = try await server.waitUntilListening()
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: address, user: "pcc")
    try await device.signIn(serverDataDir: server.dataDir, address: address)

    let before = try httpGet(port: metricsPort, path: "/metrics")
    #expect(before.status == 200)
    let push = "assure_rpc_requests_total{method=\"assure.v1.SyncService/Push\",code=\"OK\"}"
    let pull = "assure_rpc_requests_total{method=\"assure.v1.SyncService/Pull\",code=\"OK\"}"
    await #expect(
      try device.run([
        "engagement", "add", "--date", "2022-10-04", "--by", "pcc", "--kind", "school", "--organisation",
        "Ludlow School",
        "--place", "Ludlow", "--area", "shropshire",
      ]).status == 0)
    await #expect(try device.run(["sync"]).status == 0)
    let denied = try await device.run(["plan", "objective", "add", "7", "--title", "Not for the PCC"])
    #expect(denied.status == 77)
    let after = try httpGet(port: metricsPort, path: "/metrics").body
    #expect(value(after, push) == value(before.body, push) + 1, "\(after)")
    #expect(value(after, pull) >= value(before.body, pull) + 1)
    #expect(
      value(
        after,
        "assure_rpc_requests_total{method=\"assure.v1.DeliveryPlanService/CreateObjective\",code=\"PERMISSION_DENIED\"}"
      ) == 1)
    #expect(value(after, "assure_sync_mutations_total{outcome=\"applied\"}") == 1)
    #expect(after.contains("assure_rpc_duration_seconds_bucket{method=\"assure.v1.SyncService/Push\",code=\"OK\""))
    #expect(after.contains("assure_db_transaction_seconds_count{kind=\"write\"}"))
    #expect(after.contains("assure_open_connections"))
    #expect(try httpGet(port: metricsPort, path: "/other").status == 404)

    // JSON logs: the push's own line and the call's line share one request id.
    #expect(try await server.terminate() == 0)
    let lines = server.output.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    let pushLine = try #require(lines.first { $0["message"] as? String == "push" })
    let id = try #require(pushLine["request_id"] as? String)
    #expect(
      lines.contains {
        $0["message"] as? String == "rpc" && $0["request_id"] as? String == id
          && ($0["method"] as? String)?.hasSuffix("Push") == true
      })
  }
}
