import Foundation
import StoreTestSupport
import Testing

/// Sign-in, roles, the audit trail and secrets with the real binaries and a real server.
@Suite(.serialized) struct SecurityEndToEndTests {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-security-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  func json(_ result: RunResult) throws -> Any {
    guard result.status == 0 else { throw TestFailure("command failed: \(result)") }
    return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
  }

  func mode(_ path: String) throws -> Int {
    ((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1) & 0o777
  }

  @Test(
    "sign in, record, sync: the audit trail names the right user and device, and no token reaches a log or the database",
    .enabled(if: TestEngine.isSQLite, "reads or copies the SQLite file itself")
  )
  func auditAndSecrets() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    let server = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await server.waitUntilListening()
    let pcc = FieldDevice(home: root.appendingPathComponent("pcc"), server: address, user: "pcc")
    let office = FieldDevice(home: root.appendingPathComponent("office"), server: address, user: "governance")

    // A wrong code is refused with exit 77 and nothing is stored.
    let wrong = try await pcc.run(["login", "--server", address, "--code", "AAAA-BBBB-CCCC-DDDD"])
    #expect(wrong.status == 77, "\(wrong)")
    #expect(wrong.stderr.contains("not valid"), "\(wrong)")
    #expect(!FileManager.default.fileExists(atPath: pcc.home.appendingPathComponent("credentials.json").path))

    try await pcc.signIn(serverDataDir: server.dataDir, address: address, role: "commissioner")
    try await office.signIn(serverDataDir: server.dataDir, address: address, role: "governance")
    // Owner-only files.
    #expect(try mode(pcc.home.path) == 0o700)
    #expect(try mode(pcc.home.appendingPathComponent("assure.sqlite").path) == 0o600)
    #expect(try mode(pcc.home.appendingPathComponent("credentials.json").path) == 0o600)
    #expect(try mode(server.dataDir.appendingPathComponent("assure-server.sqlite").path) == 0o600)

    let me = try await json(try pcc.run(["whoami", "--format", "json"])) as? [String: Any]
    #expect(me?["account"] as? String == "pcc" && me?["role"] as? String == "commissioner")
    #expect(me?["checkedWithServer"] as? Bool == true)
    let pccDevice = try #require(me?["deviceId"] as? String)

    // The field device refuses, before storing, what its role may not record.
    let notMine = try await pcc.run([
      "engagement", "add", "--date", "2022-10-04", "--by", "dpcc", "--kind", "school", "--organisation", "X School",
      "--place", "Ludlow", "--area", "shropshire",
    ])
    #expect(notMine.status == 77, "\(notMine)")
    await #expect(try pcc.listedIDs().isEmpty)

    let added = try await pcc.run([
      "engagement", "add", "--date", "2022-10-04", "--by", "pcc", "--kind", "parish-council", "--organisation",
      "Ledbury Town Council", "--place", "Ledbury", "--area", "herefordshire",
    ])
    #expect(added.status == 0, "\(added)")
    let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    await #expect(try pcc.run(["sync"]).status == 0)
    let objective = try await office.run(["plan", "objective", "add", "5", "--title", "Audit trail objective"])
    #expect(objective.status == 0, "\(objective)")
    // The governance team may not push engagements, and the field user may not edit the plan.
    let denied = try await pcc.run(["plan", "objective", "add", "6", "--title", "Not allowed"])
    #expect(denied.status == 77, "\(denied)")
    #expect(denied.stderr.contains("may not call DeliveryPlanService.CreateObjective"), "\(denied)")

    let officeDevice = try await #require(
      (try json(try office.run(["whoami", "--format", "json"])) as? [String: Any])?["deviceId"] as? String)
    let trail =
      try await json(try runServerCommand(["audit", "--data-dir", server.dataDir.path, "--format", "json"]))
      as? [[String: Any]]
    let entries = try #require(trail)
    let engagementEntry = entries.first {
      $0["entityType"] as? String == "engagement" && $0["entityID"] as? String == id
    }
    #expect(engagementEntry?["actor"] as? String == "pcc")
    #expect(engagementEntry?["device"] as? String == pccDevice)
    #expect(engagementEntry?["rpc"] as? String == "SyncService.Push")
    let objectiveEntry = entries.first {
      $0["entityType"] as? String == "objective" && $0["entityID"] as? String == "5"
    }
    #expect(objectiveEntry?["actor"] as? String == "governance")
    #expect(objectiveEntry?["device"] as? String == officeDevice)
    #expect(entries.filter { $0["entityType"] as? String == "device_token" }.count == 2)
    #expect(!entries.contains { $0["entityID"] as? String == "6" }, "a refused write leaves nothing to audit")
    let byUser =
      try await json(
        try runServerCommand(["audit", "--data-dir", server.dataDir.path, "--user", "pcc", "--format", "json"]))
      as? [[String: Any]]
    #expect(byUser?.allSatisfy { $0["actor"] as? String == "pcc" } == true && byUser?.isEmpty == false)

    // No token appears in the server's log or in its database files.
    let tokens = try [pcc, office].map { device in
      let data = try Data(contentsOf: device.home.appendingPathComponent("credentials.json"))
      return try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["token"] as? String)
    }
    var stored = Data()
    for suffix in ["", "-wal"] {
      stored +=
        (try? Data(contentsOf: server.dataDir.appendingPathComponent("assure-server.sqlite" + suffix))) ?? Data()
    }
    for token in tokens {
      #expect(token.count >= 50)
      #expect(!server.output.contains(token), "a token is in the server's log")
      #expect(stored.range(of: Data(token.utf8)) == nil, "a token is in the server's database")
    }
    #expect(try await server.terminate() == 0)
  }

  @Test("logout refuses while changes are pending, revokes the token on the server, and --wipe removes the data")
  func logout() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    let server = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await server.waitUntilListening()
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: address, user: "dpcc")
    try await device.signIn(serverDataDir: server.dataDir, address: address, role: "deputy")
    let added = try await device.run([
      "engagement", "add", "--date", "2022-10-04", "--by", "dpcc", "--kind", "school", "--organisation",
      "Bromyard School", "--place", "Bromyard", "--area", "herefordshire",
    ])
    #expect(added.status == 0, "\(added)")

    let refused = try await device.run(["logout"])
    #expect(refused.status == 77, "\(refused)")
    #expect(refused.stderr.contains("1 change is not yet on the server"), "\(refused)")
    await #expect(try device.run(["sync"]).status == 0)

    let credentials = device.home.appendingPathComponent("credentials.json")
    let kept = try Data(contentsOf: credentials)
    let out = try await device.run(["logout"])
    #expect(out.status == 0, "\(out)")
    #expect(out.stdout.contains("the server revoked this device's token"), "\(out)")
    #expect(!FileManager.default.fileExists(atPath: credentials.path))

    // The old token, put back, is refused by the server.
    try kept.write(to: credentials)
    let stale = try await device.run(["sync"])
    #expect(stale.status == 77, "\(stale)")
    #expect(stale.stderr.contains("revoked"), "\(stale)")
    let devices = try await runServerCommand(["device", "list", "--data-dir", server.dataDir.path, "--all"])
    #expect(devices.stdout.contains("revoked"), "\(devices)")

    let wiped = try await device.run(["logout", "--wipe", "--force"])
    #expect(wiped.status == 0, "\(wiped)")
    #expect(!FileManager.default.fileExists(atPath: device.home.appendingPathComponent("assure.sqlite").path))
    #expect(try await server.terminate() == 0)
  }
}

extension SecurityEndToEndTests {
  @Test("a token past half its life is renewed by the next sync; the old one keeps working for the grace period")
  func refresh() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    let server = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await server.waitUntilListening()
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: address, user: "apcc")
    try await device.signIn(serverDataDir: server.dataDir, address: address, role: "assistant")
    // The device's record of when its token was issued is moved back 60 days (of 90): as if
    // that much time had passed on the device.
    let file = device.home.appendingPathComponent("credentials.json")
    var stored = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
    let oldToken = try #require(stored["token"] as? String)
    stored["issuedAt"] = "2026-01-01T00:00:00Z"
    try JSONSerialization.data(withJSONObject: stored).write(to: file)

    let synced = try await device.run(["sync"])
    #expect(synced.status == 0, "\(synced)")
    let renewed = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
    let newToken = try #require(renewed["token"] as? String)
    #expect(newToken != oldToken, "the sync renewed the token")
    #expect(try mode(file.path) == 0o600)
    await #expect(try device.run(["sync"]).status == 0, "the new token works")
    // A command still holding the old token (another terminal) is not cut off.
    stored["token"] = oldToken
    stored["issuedAt"] = renewed["issuedAt"]
    try JSONSerialization.data(withJSONObject: stored).write(to: file)
    await #expect(try device.run(["sync"]).status == 0, "the old token works during its grace period")
    #expect(try await server.terminate() == 0)
  }
}

extension SecurityEndToEndTests {
  @Test(
    "a laptop handed to another user signs in as that user and the first user's sign-in is revoked; pending changes stop it"
  )
  func handedOverLaptop() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    let server = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await server.waitUntilListening()
    let laptop = FieldDevice(home: root.appendingPathComponent("laptop"), server: address, user: "first")
    try await laptop.signIn(serverDataDir: server.dataDir, address: address, name: "first", role: "deputy")
    let added = try await laptop.run([
      "engagement", "add", "--date", "2022-10-04", "--by", "dpcc", "--kind", "school", "--organisation",
      "Tenbury School", "--place", "Tenbury", "--area", "worcestershire",
    ])
    #expect(added.status == 0, "\(added)")

    // With the first user's change pending, the second user's code is refused and stays unused.
    let code = try await runServerCommand([
      "user", "add", "--data-dir", server.dataDir.path, "--name", "second", "--role", "assistant",
    ])
    .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let refused = try await laptop.run(["login", "--server", address, "--code", code])
    #expect(refused.status == 77, "\(refused)")
    #expect(refused.stderr.contains("not yet on the server"), "\(refused)")

    // Synced, the same code signs the laptop in as the second user, and the first user's
    // sign-in on it is revoked: one active sign-in per device id.
    await #expect(try laptop.run(["sync"]).status == 0)
    let login = try await laptop.run(["login", "--server", address, "--code", code])
    #expect(login.status == 0, "\(login)")
    let active = try await runServerCommand(["device", "list", "--data-dir", server.dataDir.path])
    #expect(active.stdout.contains("second") && !active.stdout.contains("first"), "\(active)")

    // Another device cannot take the laptop's device id.
    let laptopID = try #require(
      (try JSONSerialization.jsonObject(with: Data(contentsOf: laptop.home.appendingPathComponent("credentials.json")))
        as? [String: Any])?["deviceID"] as? String)
    let revokedByDevice = try await runServerCommand(["device", "revoke", "--data-dir", server.dataDir.path, laptopID])
    #expect(revokedByDevice.status != 0, "a device id was read as a sign-in id: \(revokedByDevice)")
    let revoked = try await runServerCommand([
      "device", "revoke", "--data-dir", server.dataDir.path, "--device", laptopID,
    ])
    #expect(revoked.status == 0 && revoked.stdout.contains("second"), "\(revoked)")
    #expect(try await server.terminate() == 0)
  }
}

extension SecurityEndToEndTests {
  @Test(
    "a signed-in device sends its token to no other server: --server or ASSURE_SERVER elsewhere is refused and sends nothing"
  )
  func tokenStaysWithItsServer() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    // Given a device signed in to one server, and a peer on another port that records every byte
    let port = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    let server = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await server.waitUntilListening()
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: address, user: "pcc")
    try await device.signIn(serverDataDir: server.dataDir, address: address, role: "commissioner")
    let credentials = device.home.appendingPathComponent("credentials.json")
    let token = try #require(
      (try JSONSerialization.jsonObject(with: Data(contentsOf: credentials)) as? [String: Any])?["token"] as? String)
    let other = try RecordingListener()
    defer { other.stop() }
    let otherAddress = "127.0.0.1:\(other.port)"
    let refusal =
      "signed in to \(address); \(otherAddress) is another server: sign in to it first (assure login --server \(otherAddress))"

    // When signed-in commands name the other server, by option or by environment
    let elsewhere = FieldDevice(home: device.home, server: otherAddress, user: "pcc")
    for (runner, arguments) in [
      (device, ["action", "list", "--server", otherAddress]), (device, ["whoami", "--server", otherAddress]),
      (device, ["sync", "--server", otherAddress]), (device, ["force", "show", "--server", otherAddress]),
      (elsewhere, ["action", "list"]), (elsewhere, ["sync"]),
    ] {
      let result = try await runner.run(arguments)
      // Then each is refused with exit 77, saying how to sign in there
      #expect(result.status == 77, "\(arguments): \(result)")
      #expect(result.stderr.contains(refusal), "\(arguments): \(result)")
    }
    // And not a byte reached the other server
    #expect(
      other.bytes.isEmpty, "\(other.bytes.count) bytes reached \(otherAddress) over \(other.connections) connection(s)")

    // The server signed in to is still used as before.
    let me = try await json(try device.run(["whoami", "--format", "json"])) as? [String: Any]
    #expect(me?["checkedWithServer"] as? Bool == true)

    // Signing in to the other server sends its code there but not this sign-in's token (the
    // peer never answers, so the sign-in itself fails as offline).
    let login = try await device.run(["login", "--server", otherAddress, "--code", "ABCD-EFGH-JKMN-PQRS", "--force"])
    #expect(login.status == 75, "\(login)")
    let sent = other.bytes
    #expect(sent.range(of: Data("ABCD-EFGH-JKMN-PQRS".utf8)) != nil, "the sign-in request was not recorded")
    #expect(sent.range(of: Data(token.utf8)) == nil, "the token was sent to another server")

    // Signing out with the other server named revokes nothing there and says so.
    let logout = try await device.run(["logout", "--server", otherAddress])
    #expect(logout.status == 0, "\(logout)")
    #expect(logout.stdout.contains("the token was not sent to \(otherAddress)"), "\(logout)")
    #expect(other.bytes.range(of: Data(token.utf8)) == nil, "the token was sent to another server")
    #expect(try await server.terminate() == 0)
  }
}
