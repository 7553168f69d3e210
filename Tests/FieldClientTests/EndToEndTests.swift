import Foundation
import StoreTestSupport
import Testing

/// The main journey with the real binaries: record offline, sync when the server appears,
/// and see exactly those engagements on a second device.
@Suite(.serialized) struct EndToEndTests {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  func add(_ device: FieldDevice, _ organisation: String, date: String, extra: [String] = []) async throws -> RunResult
  {
    try await device.run(
      [
        "engagement", "add", "--date", date, "--by", "pcc", "--kind", "parish-council", "--organisation",
        organisation, "--place", "Ludlow", "--area", "shropshire", "--attendees", "15", "--topic", "rural-crime",
      ] + extra)
  }

  @Test("offline recording, then sync: nothing lost, nothing duplicated, a second device sees exactly the three")
  func offlineThenOnline() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    let first = FieldDevice(home: root.appendingPathComponent("first"), server: address)
    let second = FieldDevice(home: root.appendingPathComponent("second"), server: address)
    // Both devices were signed in once, while the server was up.
    let setup = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await setup.waitUntilListening()
    try await first.signIn(serverDataDir: setup.dataDir, address: address)
    try await second.signIn(serverDataDir: setup.dataDir, address: address)
    #expect(try await setup.terminate() == 0)

    // Given three engagements recorded with no server.
    var ids: [String] = []
    for (index, name) in ["Ludlow Town Council", "Bishop's Castle Town Council", "Clun Parish Council"].enumerated() {
      let result = try await add(first, name, date: "2022-07-1\(index + 1)")
      #expect(result.status == 0, "\(result)")
      let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      #expect(UUID(uuidString: id) != nil, "add prints the new id: \(result)")
      ids.append(id)
    }

    // When syncing offline, it reports the queue and exits 75.
    let offline = try await first.run(["sync"])
    #expect(offline.status == 75, "\(offline)")
    #expect(offline.stderr.contains("offline: 3 changes pending"), "\(offline)")
    let offlineStatus = try await first.status()
    #expect(offlineStatus["pending"] as? Int == 3)
    #expect(offlineStatus["server"] as? String == address)
    #expect(offlineStatus["lastError"] is String)
    await #expect(try first.listedIDs().sorted() == ids.sorted(), "offline lists work")

    // Then with the server up, sync succeeds and empties the queue (one change per push, so
    // that two pushes are in flight at once over the one connection).
    let server = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await server.waitUntilListening()
    let online = try await first.run(["sync", "--batch-size", "1"])
    #expect(online.status == 0, "\(online)")
    #expect(online.stdout.contains("pushed 3"), "\(online)")
    let onlineStatus = try await first.status()
    #expect(onlineStatus["pending"] as? Int == 0)
    #expect(onlineStatus["lastSyncAt"] is String)

    // An acknowledged push survives the server being killed outright.
    server.killNow()
    let restarted = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await restarted.waitUntilListening()

    // A repeated sync changes nothing.
    let repeated = try await first.run(["sync", "--format", "json"])
    #expect(repeated.status == 0, "\(repeated)")
    let summary = try JSONSerialization.jsonObject(with: Data(repeated.stdout.utf8)) as? [String: Any]
    #expect(summary?["pushed"] as? Int == 0)
    #expect(summary?["pulled"] as? Int == 0)
    await #expect(try first.listedIDs().sorted() == ids.sorted())

    // A second device pulls exactly those three.
    let pulled = try await second.run(["sync", "--quiet"])
    #expect(pulled.status == 0, "\(pulled)")
    #expect(pulled.stdout.isEmpty, "--quiet prints nothing: \(pulled)")
    await #expect(try second.listedIDs().sorted() == ids.sorted())
    let plan = try await second.run(["plan", "list"])
    #expect(plan.status == 0 && plan.stdout.contains("No plan"), "no --demo, so no plan: \(plan)")

    // Edits and deletes travel the same way.
    let edited = try await second.run(["engagement", "edit", String(ids[0].prefix(8)), "--attendees", "30"])
    #expect(edited.status == 0, "\(edited)")
    await #expect(try second.run(["engagement", "delete", ids[1]]).status == 0)
    await #expect(try second.run(["sync"]).status == 0)
    await #expect(try first.run(["sync"]).status == 0)
    await #expect(try first.listedIDs().sorted() == [ids[0], ids[2]].sorted())
    let shown = try await first.run(["engagement", "show", ids[0], "--format", "json"])
    let shownObject = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
    #expect(shownObject?["attendees"] as? Int == 30, "\(shown)")

    let summary2 = try await second.run(["engagement", "summary", "--from", "2022-07-01", "--to", "2022-07-31"])
    #expect(summary2.stdout.hasPrefix("2 engagements"), "\(summary2)")

    // SIGTERM shuts the server down cleanly.
    #expect(try await restarted.terminate() == 0, "\(restarted.output)")
  }

  @Test(
    "bad input exits 65, names the field, and stores nothing",
    arguments: [
      (["--attendees", "-3"], "attendees"),
      (["--date", "2999-01-01"], "date"),
      (["--area", "Atlantis!"], "area"),
      (["--by", "mayor"], "who"),
      (["--date", "2022-02-30"], "date"),
      (["--attendees", "lots"], "attendees"),
      (["--organisation", "  "], "organisation"),
      (["--notes", String(repeating: "n", count: 10_001)], "notes"),
    ])
  func badInput(override: [String], field: String) async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: "127.0.0.1:1")
    var arguments = [
      "engagement", "add", "--date", "2022-07-11", "--by", "pcc", "--kind", "school", "--organisation",
      "Ludlow School", "--place", "Ludlow", "--area", "shropshire",
    ]
    // Later options of the same name win, so the override replaces the good value.
    arguments += override
    let result = try await device.run(arguments)
    #expect(result.status == 65, "\(result)")
    #expect(result.stderr.contains("\(field):"), "\(result)")
    #expect(result.stdout.isEmpty)
    await #expect(try device.listedIDs().isEmpty)
    await #expect(try device.status()["pending"] as? Int == 0)
  }

  /// Signs `device` in to a server that is then stopped, and records its `server` address as
  /// the one signed in to (a device sends its token to that server only): the device then
  /// meets whatever that address holds, as a device whose server became unreachable does.
  func signInThenGoOffline(_ device: FieldDevice) async throws {
    let port = try freeLoopbackPort()
    let server = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await server.waitUntilListening()
    try await device.signIn(serverDataDir: server.dataDir, address: "127.0.0.1:\(port)")
    _ = try await server.terminate()
    let file = device.home.appendingPathComponent("credentials.json")
    var stored = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
    stored["server"] = device.server
    try JSONSerialization.data(withJSONObject: stored).write(to: file)
  }

  @Test("a device that is not signed in is told how to sign in, and its changes stay queued")
  func notSignedIn() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: "127.0.0.1:1")
    await #expect(try add(device, "Clun Parish Council", date: "2022-07-20").status == 0)
    let result = try await device.run(["sync"])
    #expect(result.status == 77, "\(result)")
    #expect(result.stderr.contains("assure login --server HOST:PORT --code CODE"), "\(result)")
    await #expect(try device.status()["pending"] as? Int == 1)
  }

  @Test("a server name that does not resolve is offline at once, not a hang")
  func unresolvableServer() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: "no-such-host.invalid:50051")
    try await signInThenGoOffline(device)
    await #expect(try add(device, "Clun Parish Council", date: "2022-07-20").status == 0)
    let started = ContinuousClock.now
    let result = try await device.run(["sync"])
    #expect(result.status == 75, "\(result)")
    #expect(result.stderr.contains("offline: 1 change pending"), "\(result)")
    #expect(ContinuousClock.now - started < .seconds(30))
    await #expect((try device.status()["lastError"] as? String)?.contains("cannot resolve") == true)
  }

  @Test(
    "the server restored from a backup: the device says so, sends again what the backup lacks, and a second device sees it all",
    .enabled(if: TestEngine.isSQLite, "reads or copies the SQLite file itself")
  )
  func restoredServer() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    let serverData = root.appendingPathComponent("server")
    let first = FieldDevice(home: root.appendingPathComponent("first"), server: address)
    let second = FieldDevice(home: root.appendingPathComponent("second"), server: address)
    var server = try ServerProcess(port: port, dataDir: serverData)
    _ = try await server.waitUntilListening()
    try await first.signIn(serverDataDir: serverData, address: address)
    try await second.signIn(serverDataDir: serverData, address: address)
    let before = try await add(first, "Ludlow Town Council", date: "2022-07-11").stdout.trimmingCharacters(
      in: .whitespacesAndNewlines)
    await #expect(try first.run(["sync"]).status == 0)
    let backup = root.appendingPathComponent("backup.sqlite").path
    let backedUp = try await runServerCommand(["backup", "--data-dir", serverData.path, "--out", backup])
    #expect(backedUp.status == 0, "\(backedUp)")
    let after = try await add(first, "Clun Parish Council", date: "2022-07-12").stdout.trimmingCharacters(
      in: .whitespacesAndNewlines)
    await #expect(try first.run(["sync"]).status == 0)
    #expect(try await server.terminate() == 0)

    let restored = try await runServerCommand(["restore", "--data-dir", serverData.path, "--from", backup, "--yes"])
    #expect(restored.status == 0, "\(restored)")
    server = try ServerProcess(port: port, dataDir: serverData)
    _ = try await server.waitUntilListening()
    let sync = try await first.run(["sync"])
    #expect(sync.status == 0, "\(sync)")
    #expect(sync.stderr.contains("the server was restored from a backup"), "\(sync)")
    #expect(sync.stdout.contains("0 pending"), "\(sync)")
    await #expect(try second.run(["sync"]).status == 0)
    await #expect(Set(try second.listedIDs()) == [before, after])
    await #expect(Set(try first.listedIDs()) == [before, after])
    #expect(try await server.terminate() == 0)
  }

  @Test("two syncs of one device never run at once: the second is refused while the first holds the device's sync lock")
  func oneSyncAtATime() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let listener = try SilentListener()
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: "127.0.0.1:\(listener.port)")
    try await signInThenGoOffline(device)
    await #expect(try add(device, "Clun Parish Council", date: "2022-07-20").status == 0)
    // Given another process holding the lock a running sync takes
    let lockPath = root.appendingPathComponent("device/assure.sqlite.sync").path
    let fd = open(lockPath, O_RDWR | O_CREAT, 0o600)
    #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
    // When a second sync starts, it is refused at once and changes nothing
    let refused = try await device.run(["sync", "--timeout", "2"])
    #expect(refused.status == 1, "\(refused)")
    #expect(refused.stderr.contains("another assure sync is running for this device"), "\(refused)")
    await #expect(try device.status()["pending"] as? Int == 1)
    // Then, once the lock is released, a sync runs (offline here, as the peer never answers)
    flock(fd, LOCK_UN)
    close(fd)
    let after = try await device.run(["sync", "--timeout", "2"])
    #expect(after.status == 75, "\(after)")
  }

  @Test("a peer that accepts the connection but never answers is offline after the timeout, not a hang")
  func silentPeer() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let listener = try SilentListener()
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: "127.0.0.1:\(listener.port)")
    try await signInThenGoOffline(device)
    await #expect(try add(device, "Clun Parish Council", date: "2022-07-20").status == 0)
    let started = ContinuousClock.now
    let result = try await device.run(["sync", "--timeout", "2"])
    #expect(result.status == 75, "\(result)")
    #expect(result.stderr.contains("offline: 1 change pending"), "\(result)")
    #expect(result.stderr.contains("did not answer in time"), "\(result)")
    #expect(ContinuousClock.now - started < .seconds(20))
    await #expect(try device.status()["pending"] as? Int == 1)
  }

  @Test("usage errors exit 64 and unknown ids exit 1")
  func usageAndNotFound() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: "127.0.0.1:1")
    await #expect(try device.run(["engagement", "add", "--by", "pcc"]).status == 64)
    await #expect(try device.run(["engagement", "frobnicate"]).status == 64)
    await #expect(try device.run(["status", "--server", "nonsense:port"]).status == 64)
    let batch = try await device.run(["sync", "--batch-size", "501"])
    #expect(batch.status == 64, "\(batch)")
    #expect(batch.stderr.contains("--batch-size: must be between 1 and 500 (got 501)"), "\(batch)")
    let missing = try await device.run(["engagement", "show", "deadbeef"])
    #expect(missing.status == 1, "\(missing)")
    #expect(missing.stderr.contains("no engagement"))
  }
}
