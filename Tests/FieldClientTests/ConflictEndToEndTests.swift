import Foundation
import Testing

/// Two real `assure` devices edit one engagement's notes offline, against a real server.
@Suite(.serialized) struct ConflictEndToEndTests {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-conflict-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  private func json(_ result: RunResult) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
  }

  @Test("both devices end with the same notes, and `assure conflicts list` on either shows the other value")
  func notesEditedOnTwoDevices() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    let server = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await server.waitUntilListening()
    // The PCC's laptop and tablet: one account, two devices, each with its own sign-in.
    let pcc = FieldDevice(home: root.appendingPathComponent("pcc"), server: address, user: "pcc")
    let tablet = FieldDevice(home: root.appendingPathComponent("tablet"), server: address, user: "pcc")
    try await pcc.signIn(serverDataDir: server.dataDir, address: address)
    try await tablet.signIn(serverDataDir: server.dataDir, address: address)

    let added = try await pcc.run([
      "engagement", "add", "--date", "2022-10-04", "--by", "pcc", "--kind", "parish-council", "--organisation",
      "Ledbury Town Council", "--place", "Ledbury", "--area", "herefordshire",
    ])
    #expect(added.status == 0, "\(added)")
    let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    await #expect(try pcc.run(["sync"]).status == 0)
    await #expect(try tablet.run(["sync"]).status == 0)

    // Offline, both change the notes.
    let a = try await pcc.run(["engagement", "edit", id, "--notes", "Speeding on the A449 raised by residents"])
    #expect(a.status == 0, "\(a)")
    try await Task.sleep(for: .milliseconds(20))
    let b = try await tablet.run([
      "engagement", "edit", String(id.prefix(8)), "--notes", "Parking near the primary school",
    ])
    #expect(b.status == 0, "\(b)")

    let first = try await pcc.run(["sync"])
    #expect(first.status == 0, "\(first)")
    let second = try await tablet.run(["sync"])
    #expect(second.status == 0, "\(second)")
    #expect(second.stderr.contains("1 new conflict"), "\(second)")
    await #expect(try pcc.run(["sync", "--quiet"]).status == 0)

    for device in [pcc, tablet] {
      let shown = try await device.run(["engagement", "show", id, "--format", "json"])
      let notes = (try json(shown) as? [String: Any])?["notes"] as? String
      #expect(notes == "Parking near the primary school", "\(device.user): \(shown)")
      let listed = try await device.run(["conflicts", "list", "--format", "json"])
      #expect(listed.status == 0, "\(listed)")
      let conflicts = try json(listed) as? [[String: Any]] ?? []
      #expect(conflicts.count == 1, "\(device.user): \(listed)")
      let other = conflicts.first?["other"] as? [String: Any]
      #expect(other?["value"] as? String == "Speeding on the A449 raised by residents")
      #expect(other?["user"] as? String == "pcc")
      #expect(conflicts.first?["subject"] as? String == "notes")
      let table = try await device.run(["conflicts", "list"])
      #expect(table.stdout.contains("Speeding on the A449"), "\(table)")
      let status = try await device.status()
      #expect(status["conflicts"] as? Int == 1)
    }

    // The PCC takes the other value back; after a sync both devices hold it and the record is resolved.
    let conflictID =
      try await (json(try pcc.run(["conflicts", "list", "--format", "json"])) as? [[String: Any]])?.first?["id"]
      as? String
    let resolved = try await pcc.run(["conflicts", "resolve", String((conflictID ?? "").prefix(8)), "--keep", "other"])
    #expect(resolved.status == 0, "\(resolved)")
    await #expect(try pcc.run(["sync"]).status == 0)
    await #expect(try tablet.run(["sync"]).status == 0)
    let final = try await tablet.run(["engagement", "show", id, "--format", "json"])
    #expect((try json(final) as? [String: Any])?["notes"] as? String == "Speeding on the A449 raised by residents")
    await #expect(try tablet.run(["conflicts", "list"]).stdout.contains("no unresolved conflicts"))
    let all = try await json(try tablet.run(["conflicts", "list", "--all", "--format", "json"])) as? [[String: Any]]
    #expect(all?.first?["resolution"] as? String == "took-other")
    #expect(all?.first?["resolvedBy"] as? String == "pcc")
    let bad = try await tablet.run(["conflicts", "resolve", "zz", "--keep", "current"])
    #expect(bad.status == 65, "\(bad)")
  }

  @Test("a change the server refuses is quarantined, shown by status, and can be dropped with --yes")
  func quarantineFromTheCommandLine() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    // A server that knows two areas, and a device that records before it signs in, when it
    // holds no areas and takes any well-formed code.
    let server = try ServerProcess(
      port: port, dataDir: root.appendingPathComponent("server"),
      extraArguments: ["--area", "shropshire", "--area", "herefordshire"])
    _ = try await server.waitUntilListening()
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: address)
    let good = try await device.run([
      "engagement", "add", "--date", "2022-10-04", "--by", "pcc", "--kind", "school", "--organisation", "Ludlow School",
      "--place", "Ludlow", "--area", "shropshire",
    ])
    let bad = try await device.run([
      "engagement", "add", "--date", "2022-10-05", "--by", "pcc", "--kind", "school", "--organisation",
      "Evesham School",
      "--place", "Evesham", "--area", "worcestershire",
    ])
    #expect(good.status == 0 && bad.status == 0, "\(good) \(bad)")
    try await device.signIn(serverDataDir: server.dataDir, address: address)
    let sync = try await device.run(["sync"])
    #expect(sync.status == 0, "\(sync)")
    #expect(sync.stderr.contains("refused"), "\(sync)")
    let status = try await device.status()
    let quarantined = status["quarantined"] as? [[String: Any]] ?? []
    #expect(quarantined.count == 1)
    let mutation = quarantined.first?["mutationId"] as? String ?? ""
    #expect((quarantined.first?["error"] as? String ?? "").contains("area"))

    let refusedWithoutTerminal = try await device.run(["sync", "--drop", String(mutation.prefix(8))])
    #expect(refusedWithoutTerminal.status != 0, "dropping asks first: \(refusedWithoutTerminal)")
    await #expect((try device.status()["quarantined"] as? [[String: Any]])?.count == 1, "nothing dropped")

    let retried = try await device.run(["sync", "--retry", "all"])
    #expect(retried.status == 0, "\(retried)")
    await #expect((try device.status()["quarantined"] as? [[String: Any]])?.count == 1, "refused again")

    let dropped = try await device.run(["sync", "--drop", String(mutation.prefix(8)), "--yes"])
    #expect(dropped.status == 0, "\(dropped)")
    #expect(dropped.stdout.contains("Evesham School"), "\(dropped)")
    await #expect((try device.status()["quarantined"] as? [[String: Any]])?.isEmpty == true)
    await #expect(try device.listedIDs() == [good.stdout.trimmingCharacters(in: .whitespacesAndNewlines)])
  }
}

/// Several `assure` processes started at once on a new data folder.
@Suite struct ConcurrentFirstUseTests {
  @Test("four commands at once on a new data folder all succeed: the file is migrated once", arguments: 1...5)
  func concurrentFirstUse(round: Int) async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-first-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let device = FieldDevice(home: root, server: "127.0.0.1:1")
    let results = try await withThrowingTaskGroup(of: RunResult.self) { group in
      for index in 0..<4 {
        group.addTask {
          try await device.run([
            "engagement", "add", "--date", "2022-10-0\(index + 1)", "--by", "pcc", "--kind", "school",
            "--organisation", "School \(index)", "--place", "Ludlow", "--area", "shropshire",
          ])
        }
      }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    for result in results { #expect(result.status == 0, "\(result)") }
    await #expect(try device.listedIDs().count == 4)
  }
}
