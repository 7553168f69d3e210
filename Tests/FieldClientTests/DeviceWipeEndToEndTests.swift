import Foundation
import Testing

/// A lost laptop: `assure-server device revoke --device ID --wipe` makes the device erase its
/// local data the next time it reaches the server, unsent changes included; another device of
/// the same office is untouched, and a revoke without --wipe erases nothing.
@Suite struct DeviceWipeEndToEndTests {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-wipe-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  func add(_ device: FieldDevice, _ organisation: String) async throws -> RunResult {
    try await device.run([
      "engagement", "add", "--date", "2022-07-14", "--by", "pcc", "--kind", "community-group", "--organisation",
      organisation, "--place", "Clun", "--area", "shropshire", "--notes", "Met a resident.",
    ])
  }

  @Test("revoke --wipe: the device deletes its data at its next contact; revoke alone keeps it")
  func lostLaptop() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    let first = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await first.waitUntilListening()
    let lost = FieldDevice(home: root.appendingPathComponent("lost"), server: address)
    let kept = FieldDevice(home: root.appendingPathComponent("kept"), server: address, user: "dpcc-test")
    try await lost.signIn(serverDataDir: first.dataDir, address: address)
    try await kept.signIn(serverDataDir: first.dataDir, address: address, role: "deputy")
    #expect(try await add(lost, "Synced Hall").status == 0)
    #expect(try await lost.run(["sync"]).status == 0)
    #expect(try await add(lost, "Unsent Hall").status == 0)
    #expect(try await kept.run(["sync"]).status == 0)
    let lostID = try #require(try await lost.status()["deviceId"] as? String)
    let keptID = try #require(try await kept.status()["deviceId"] as? String)
    let data = ["--data-dir", first.dataDir.path]

    // A revoke without --wipe, and one with it (a running server refuses a revoked token
    // within 30 seconds; restarted, at once).
    let revoked = try await runServerCommand(["device", "revoke", "--device", keptID] + data)
    #expect(revoked.status == 0, "\(revoked)")
    let wiped = try await runServerCommand(["device", "revoke", "--device", lostID, "--wipe"] + data)
    #expect(wiped.status == 0 && wiped.stdout.contains("erases its local data"), "\(wiped)")
    #expect(try await first.terminate() == 0)
    let restarted = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await restarted.waitUntilListening()

    // Without --wipe: the device is refused and keeps its data.
    let refused = try await kept.run(["sync"])
    #expect(refused.status == 77, "\(refused)")
    #expect(!refused.stderr.contains("erase"), "\(refused)")
    #expect(FileManager.default.fileExists(atPath: kept.home.appendingPathComponent("assure.sqlite").path))

    // With --wipe: at its next contact the device deletes its database and its sign-in.
    let contact = try await lost.run(["sync"])
    #expect(contact.status == 77, "\(contact)")
    #expect(contact.stderr.contains("asked this device to erase its data"), "\(contact)")
    let left = try FileManager.default.contentsOfDirectory(atPath: lost.home.path)
    #expect(!left.contains { $0.hasPrefix("assure.sqlite") || $0 == "credentials.json" }, "\(left)")
    let after = try await lost.run(["engagement", "list", "--format", "json"])
    let listed = try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [Any]
    #expect(listed?.isEmpty == true, "\(after)")
    // The engagement it had synced is still on the server.
    let search = try await runServerCommand(["privacy", "search", "Synced Hall", "--format", "json"] + data)
    #expect(search.stdout.contains("Synced Hall"), "\(search)")
    #expect(!search.stdout.contains("Unsent Hall"))
    // The audit trail shows the revocation.
    let audit = try await runServerCommand(["audit", "--entity", "device_token", "--format", "json"] + data)
    #expect(audit.stdout.contains("assure-server device revoke"), "\(audit)")
    _ = try await restarted.terminate()
  }
}
