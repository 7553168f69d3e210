import Foundation
import StoreTestSupport
import Testing

/// Erasure and retention with the real binaries: a person named on one device reaches two
/// others, the office erases them, and after a sync no byte of the server's database or
/// write-ahead log, nor of any device's files, holds the name; the engagement stays.
@Suite(.serialized) struct ErasureEndToEndTests {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-erasure-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  /// Every file under `folder` whose bytes hold `needle` (ASCII case ignored).
  func filesHolding(_ needle: String, under folder: URL) throws -> [String] {
    let pattern = Array(needle.lowercased().utf8)
    var found: [String] = []
    let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
    while let file = files?.nextObject() as? URL {
      guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
      let bytes = try Data(contentsOf: file).map { (65...90).contains($0) ? $0 + 32 : $0 }
      if bytes.count >= pattern.count,
        (0...(bytes.count - pattern.count)).contains(where: { start in
          bytes[start] == pattern[0] && Array(bytes[start..<start + pattern.count]) == pattern
        })
      {
        found.append(file.path)
      }
    }
    return found
  }

  private func json(_ result: RunResult) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
  }

  @Test(
    "erased on the server, after a sync the name is in no byte of the server's or three devices' files; the engagement stays"
  )
  func erasedEverywhere() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    let server = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await server.waitUntilListening()
    let devices = [
      FieldDevice(home: root.appendingPathComponent("laptop"), server: address, user: "pcc"),
      FieldDevice(home: root.appendingPathComponent("tablet"), server: address, user: "dpcc"),
      FieldDevice(home: root.appendingPathComponent("office"), server: address, user: "apcc"),
    ]
    for device in devices { try await device.signIn(serverDataDir: server.dataDir, address: address) }
    let (laptop, tablet, office) = (devices[0], devices[1], devices[2])
    let added = try await laptop.run([
      "engagement", "add", "--date", "2022-07-14", "--by", "pcc", "--kind", "community-group", "--organisation",
      "Tregarthen family", "--place", "Clun", "--area", "shropshire", "--attendees", "4", "--follow-up",
      "Call Morwenna Tregarthen back", "--notes", "Morwenna Tregarthen raised speeding past the school.",
    ])
    #expect(added.status == 0, "\(added)")
    let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    for device in devices { await #expect(try device.run(["sync", "--quiet"]).status == 0) }
    // Two devices change the notes without seeing each other: a conflict record keeps both.
    #expect(try await tablet.run(["engagement", "edit", id, "--notes", "Morwenna Tregarthen rang again."]).status == 0)
    try await Task.sleep(for: .milliseconds(20))
    #expect(try await office.run(["engagement", "edit", id, "--notes", "Letter from M. Tregarthen."]).status == 0)
    for device in [tablet, office, laptop, tablet] { await #expect(try device.run(["sync", "--quiet"]).status == 0) }
    for folder in devices.map(\.home) + (TestEngine.current == .sqlite ? [server.dataDir] : []) {
      #expect(!(try filesHolding("tregarthen", under: folder)).isEmpty, "the test would prove nothing")
    }

    let data = ["--data-dir", server.dataDir.path]
    let search = try await runServerCommand(["privacy", "search", "Tregarthen", "--format", "json"] + data)
    let matches = (try json(search) as? [String: Any])?["matches"] as? [[String: Any]] ?? []
    #expect(matches.map { $0["engagementID"] as? String } == [id], "\(search)")
    let erase = ["privacy", "erase", "--id", id, "--reason", "Erasure request ER-2026-031"] + data
    let preview = try await runServerCommand(erase)
    #expect(preview.status == 0 && preview.stdout.contains("would remove"), "\(preview)")
    let unchanged = try await runServerCommand(["privacy", "search", "Tregarthen", "--format", "json"] + data)
    #expect(unchanged.stdout == search.stdout, "without --yes nothing changes")
    let erased = try await runServerCommand(erase + ["--yes"])
    #expect(
      erased.status == 0 && erased.stdout.contains("removed the text of organisation, place, follow-up, notes"),
      "\(erased)")

    for device in devices + devices {
      let synced = try await device.run(["sync"])
      #expect(synced.status == 0, "\(synced)")
    }
    #expect(try await laptop.run(["sync"]).stderr.isEmpty)
    for device in devices {
      let shown = try await device.run(["engagement", "show", id, "--format", "json"])
      let engagement = try json(shown) as? [String: Any]
      #expect(engagement?["notes"] as? String == "[erased]", "\(device.user): \(shown)")
      #expect(engagement?["organisation"] as? String == "[erased]")
      #expect(engagement?["attendees"] as? Int == 4 && engagement?["area"] as? String == "shropshire")
      #expect(try await device.listedIDs() == [id], "the engagement stays on \(device.user)")
      #expect(try filesHolding("tregarthen", under: device.home) == [], "on \(device.user)")
      #expect(try filesHolding("morwenna", under: device.home) == [], "on \(device.user)")
    }
    let after = try await runServerCommand(["privacy", "search", "Tregarthen", "--format", "json"] + data)
    #expect(((try json(after) as? [String: Any])?["matches"] as? [Any])?.isEmpty == true, "\(after)")
    if TestEngine.current == .sqlite {
      // The running server's database and write-ahead log.
      #expect(try filesHolding("tregarthen", under: server.dataDir) == [])
      #expect(try filesHolding("morwenna", under: server.dataDir) == [])
    }
    let register = try await runServerCommand(["privacy", "erasures", "--format", "json"] + data)
    #expect(register.stdout.contains("Erasure request ER-2026-031") && register.stdout.contains(id), "\(register)")
    let audit = try await runServerCommand(["audit", "--format", "json"] + data)
    #expect(audit.stdout.contains("assure-server privacy erase"))
    #expect(!audit.stdout.lowercased().contains("tregarthen"), "the audit trail keeps the erased text")
    _ = try await server.terminate()
    if TestEngine.current == .sqlite {
      #expect(try filesHolding("tregarthen", under: server.dataDir) == [], "after the server stopped")
    }
  }

  @Test(
    "retention with a short period removes expired notes on the server and on a device offline throughout; the Panel report is unchanged"
  )
  func retention() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    let server = try ServerProcess(
      port: port, dataDir: root.appendingPathComponent("server"), extraArguments: ["--demo"])
    _ = try await server.waitUntilListening()
    let recorder = FieldDevice(home: root.appendingPathComponent("recorder"), server: address, user: "pcc")
    let away = FieldDevice(home: root.appendingPathComponent("away"), server: address, user: "dpcc")
    try await recorder.signIn(serverDataDir: server.dataDir, address: address)
    try await away.signIn(serverDataDir: server.dataDir, address: address)
    let added = try await recorder.run([
      "engagement", "add", "--date", "2022-10-12", "--by", "pcc", "--kind", "community-group", "--organisation",
      "Bewdley Residents", "--place", "Bewdley", "--area", "worcestershire", "--notes",
      "Ysolde Penhallow reported anti-social behaviour.",
    ])
    #expect(added.status == 0, "\(added)")
    for device in [recorder, away] { await #expect(try device.run(["sync", "--quiet"]).status == 0) }
    #expect(!(try filesHolding("penhallow", under: away.home)).isEmpty)
    let panel = ["report", "panel", "--from", "2022-09-01", "--to", "2022-11-30"]
    let before = try await recorder.run(panel)
    #expect(before.status == 0, "\(before)")

    let data = ["--data-dir", server.dataDir.path]
    let dry = try await runServerCommand(["retention", "run", "--dry-run", "--notes-days", "30"] + data)
    #expect(dry.status == 0 && dry.stdout.contains("would remove the text of follow-up, notes from"), "\(dry)")
    let run = try await runServerCommand(["retention", "run", "--yes", "--notes-days", "30"] + data)
    #expect(run.status == 0 && run.stdout.contains("removed the text of follow-up, notes from"), "\(run)")
    let again = try await runServerCommand(["retention", "run", "--yes", "--notes-days", "30"] + data)
    #expect(again.stdout.contains("nothing has expired"), "\(again)")
    let neither = try await runServerCommand(["retention", "run", "--notes-days", "30"] + data)
    #expect(neither.status == 64 && neither.stderr.contains("--dry-run"), "\(neither)")
    let unset = try await runServerCommand(["retention", "run", "--yes"] + data)
    #expect(unset.status == 64 && unset.stderr.contains("no retention period is set"), "\(unset)")

    // The device that was away throughout syncs now.
    let synced = try await away.run(["sync"])
    #expect(synced.status == 0 && synced.stderr.contains("removed personal text"), "\(synced)")
    let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let shown = try await away.run(["engagement", "show", id, "--format", "json"])
    #expect((try json(shown) as? [String: Any])?["notes"] as? String == "[expired]", "\(shown)")
    #expect(try filesHolding("penhallow", under: away.home) == [])
    if TestEngine.current == .sqlite { #expect(try filesHolding("penhallow", under: server.dataDir) == []) }
    let after = try await recorder.run(panel)
    #expect(after.stdout == before.stdout, "the Panel report's counts are unchanged")
    _ = try await server.terminate()
  }

  @Test("a server given a retention period applies it at start, and the audit trail shows the schedule did it")
  func retentionAtStart() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let server = try ServerProcess(
      port: port, dataDir: root.appendingPathComponent("server"),
      extraArguments: ["--demo", "--retention-notes-days", "365", "--retention-contacts-days", "3650"])
    _ = try await server.waitUntilListening()
    let data = ["--data-dir", server.dataDir.path]
    var records: [[String: Any]] = []
    for _ in 0..<100 {
      let register = try await runServerCommand(["privacy", "erasures", "--format", "json"] + data)
      records = (try? JSONSerialization.jsonObject(with: Data(register.stdout.utf8)) as? [[String: Any]]) ?? []
      if !records.isEmpty { break }
      try await Task.sleep(for: .milliseconds(200))
    }
    // The demo's engagements are of 2022: older than a year, not ten.
    #expect(!records.isEmpty && records.allSatisfy { $0["kind"] as? String == "retention" })
    #expect(records.allSatisfy { $0["fields"] as? [String] == ["follow_up_actions", "notes"] }, "\(records.prefix(2))")
    #expect(records.allSatisfy { $0["actor"] as? String == "retention" })
    let dry = try await runServerCommand(["retention", "run", "--dry-run"] + data)
    #expect(dry.status == 64, "no period from the command line or settings: \(dry)")
    _ = try await server.terminate()
  }
}
