import Foundation
import Testing

/// Subject access from the console: an engagement recorded on a device naming a person reaches
/// the server, `assure-server privacy search` finds it, `privacy export` writes it for
/// disclosure, and the audit trail says who searched and disclosed, never the name.
@Suite struct PrivacyEndToEndTests {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-privacy-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  @Test("privacy search finds a synced engagement by the name in its notes; export writes it; both are audited")
  func searchAndExport() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    let server = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await server.waitUntilListening()
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: address)
    try await device.signIn(serverDataDir: server.dataDir, address: address)
    let added = try await device.run([
      "engagement", "add", "--date", "2022-07-14", "--by", "pcc", "--kind", "community-group", "--organisation",
      "Clun Residents", "--place", "Clun", "--area", "shropshire", "--notes", "Gwilym Ap-Rhys raised speeding.",
    ])
    #expect(added.status == 0, "\(added)")
    let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(try await device.run(["sync"]).status == 0)

    let data = ["--data-dir", server.dataDir.path]
    let search = try await runServerCommand(["privacy", "search", "gwilym ap-rhys", "--format", "json"] + data)
    #expect(search.status == 0, "\(search)")
    let found = try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [String: Any]
    let matches = found?["matches"] as? [[String: Any]] ?? []
    #expect(matches.map { $0["engagementID"] as? String } == [id.lowercased()], "\(search)")
    #expect(matches.first?["current"] as? Bool == true)
    let none = try await runServerCommand(["privacy", "search", "Gwilym Jones"] + data)
    #expect(none.status == 0 && none.stderr.contains("0 engagement(s)"), "\(none)")
    let empty = try await runServerCommand(["privacy", "search", " "] + data)
    #expect(empty.status == 64 && empty.stderr.contains("text: must not be empty"), "\(empty)")

    let out = root.appendingPathComponent("disclosure")
    let export = try await runServerCommand(["privacy", "export", "--id", id, "--out", out.path] + data)
    #expect(export.status == 0, "\(export)")
    let json = try String(contentsOf: out.appendingPathComponent("subject-access.json"), encoding: .utf8)
    let html = try String(contentsOf: out.appendingPathComponent("subject-access.html"), encoding: .utf8)
    #expect(json.contains("Gwilym Ap-Rhys raised speeding.") && html.contains("Gwilym Ap-Rhys raised speeding."))
    let mode =
      try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("subject-access.json").path)[
        .posixPermissions] as? Int
    #expect(mode == 0o600)
    let again = try await runServerCommand(["privacy", "export", "--id", id, "--out", out.path] + data)
    #expect(again.status == 64 && again.stderr.contains("exists already"), "\(again)")

    let audit = try await runServerCommand(["audit", "--format", "json"] + data)
    #expect(audit.status == 0)
    #expect(
      audit.stdout.contains("assure-server privacy search") && audit.stdout.contains("assure-server privacy export"))
    #expect(!audit.stdout.lowercased().contains("gwilym"), "the audit trail names the person searched for")
    _ = try await server.terminate()
  }
}
