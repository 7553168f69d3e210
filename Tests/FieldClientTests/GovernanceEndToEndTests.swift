import Foundation
import Testing

/// The governance team's journey with the real binaries: import a plan, record its month,
/// and read the monthly review, against a real server on 127.0.0.1.
@Suite(.serialized) struct GovernanceEndToEndTests {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-governance-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  func write(_ text: String, _ name: String) throws -> String {
    let url = root.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
  }

  /// The review of a month as JSON.
  func review(_ device: FieldDevice, _ month: String) async throws -> [String: Any] {
    let result = try await device.run(["review", month, "--format", "json"])
    #expect(result.status == 0, "\(result)")
    return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
  }

  func changedElements(_ review: [String: Any]) -> [String] {
    let objectives = review["objectives"] as? [[String: Any]] ?? []
    return objectives.flatMap { ($0["changes"] as? [[String: Any]] ?? []).compactMap { $0["elementID"] as? String } }
  }

  @Test("import a plan, record October, and the review shows it; bad input changes nothing")
  func keepThePlan() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let team = FieldDevice(home: root.appendingPathComponent("team"), server: "127.0.0.1:\(port)", user: "governance")

    let server = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await server.waitUntilListening()
    try await team.signIn(serverDataDir: server.dataDir, address: "127.0.0.1:\(port)", role: "governance")

    // A file with one bad row imports nothing and names the line and the rule.
    let good = """
      objective,objective_title,element,title,opcc_lead,start_date,due_date,status
      1,Putting victims and survivors first,,,,,,
      1,,1.1,£1m Prevention Fund,Commissioning Manager,2022-04-01,2023-03-31,on-track
      1,,1.2,"Victim needs assessment, phase 2",Victim Services Lead,2022-04-01,2023-02-28,on-track
      2,Building a more secure West Mercia,2.1,Serious violence duty,Policy Officer,2022-04-01,2023-03-31,on-track
      """
    let bad = try write(good.replacingOccurrences(of: "2023-02-28", with: "28/02/2023"), "bad.csv")
    let refused = try await team.run(["plan", "import", bad])
    #expect(refused.status == 65, "\(refused)")
    #expect(refused.stderr.contains("line 4, due_date: must be a date YYYY-MM-DD"), "\(refused)")
    let empty = try await team.run(["plan", "export"])
    #expect(empty.status == 0, "\(empty)")
    #expect(empty.stdout.split(separator: "\r\n").count == 1, "nothing was imported: \(empty)")

    let imported = try await team.run(["plan", "import", try write(good, "plan.csv")])
    #expect(imported.status == 0, "\(imported)")
    #expect(imported.stdout.contains("created 2 objective(s) and 3 element(s)"), "\(imported)")

    // Record October: a status change on 12 October, an update, a milestone missed in September,
    // a meeting with an action.
    let status = try await team.run([
      "plan", "element", "status", "1.2", "at-risk", "--on", "2022-10-12", "--note", "Provider withdrew",
    ])
    #expect(status.status == 0, "\(status)")
    #expect(status.stdout.contains("1.2 is at-risk"), "\(status)")
    let milestone = try await team.run([
      "plan", "milestone", "add", "1.1", "--title", "Fund opens for bids", "--due", "2022-09-30",
    ])
    #expect(milestone.stdout.contains("1.1-M1"), "\(milestone)")
    let update = try await team.run([
      "plan", "update", "add", "1.1", "--text", "Forty bids received in the first round.", "--date", "2022-10-05",
      "--panel",
    ])
    #expect(update.status == 0, "\(update)")
    let meeting = try await team.run([
      "meeting", "record", "--date", "2022-09-21", "--attendee", "Police and Crime Commissioner",
      "--decision", "Open the Prevention Fund", "--action",
      "Publish the fund criteria; owner=Commissioning Manager; due=2022-10-14; element=1.1",
    ])
    #expect(meeting.status == 0, "\(meeting)")
    #expect(meeting.stdout.contains("A1"), "\(meeting)")

    // The October review has the change, the update, the overdue milestone and the open action.
    let october = try await review(team, "2022-10")
    #expect(changedElements(october) == ["1.2"])
    let first = (october["objectives"] as? [[String: Any]])?.first ?? [:]
    #expect((first["updates"] as? [Any])?.count == 1)
    #expect((first["milestonesOverdue"] as? [[String: Any]])?.count == 1)
    #expect((october["openActions"] as? [[String: Any]])?.count == 1)
    // November's does not repeat the change.
    await #expect(changedElements(try review(team, "2022-11")).isEmpty)

    let markdown = try await team.run(["review", "2022-10"])
    #expect(markdown.status == 0, "\(markdown)")
    for text in [
      "Putting victims and survivors first", "Victim needs assessment, phase 2", "Forty bids received",
      "Fund opens for bids", "Publish the fund criteria",
    ] {
      #expect(markdown.stdout.contains(text), "markdown review mentions \(text)")
    }
    let htmlPath = root.appendingPathComponent("review.html").path
    let html = try await team.run(["review", "2022-10", "--format", "html", "--out", htmlPath])
    #expect(html.status == 0, "\(html)")
    let page = try String(contentsOfFile: htmlPath, encoding: .utf8)
    #expect(page.lowercased().hasPrefix("<!doctype html>"))
    #expect(page.contains("AMBER"), "RAG shown as text")
    #expect(!page.contains("<link") && !page.contains("src="), "one self-contained file")

    // Bad input is refused with the field and rule, and changes nothing.
    let sideways = try await team.run(["plan", "element", "status", "1.2", "sideways"])
    #expect(sideways.status == 65, "\(sideways)")
    #expect(sideways.stderr.contains("status: must be one of"), "\(sideways)")
    let future = try await team.run(["plan", "element", "status", "1.2", "complete", "--on", "2999-01-01"])
    #expect(future.status == 65, "\(future)")
    let missing = try await team.run(["plan", "milestone", "complete", "9.9-M1"])
    #expect(missing.status == 1, "\(missing)")
    let history = try await team.run(["plan", "element", "history", "1.2", "--format", "json"])
    let entries = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]] ?? []
    #expect(entries.map { $0["status"] as? String } == ["on-track", "at-risk"])

    // Export then import again changes nothing.
    let exported = try await team.run(["plan", "export", "--out", root.appendingPathComponent("export.csv").path])
    #expect(exported.status == 0, "\(exported)")
    let again = try await team.run(["plan", "import", root.appendingPathComponent("export.csv").path])
    #expect(
      again.stdout.contains(
        "created 0 objective(s) and 0 element(s), updated 0 objective(s) and 0 element(s), 3 unchanged"), "\(again)")

    // Closing the action takes it off the open list.
    let done = try await team.run(["action", "update", "A1", "--status", "done", "--note", "Criteria published"])
    #expect(done.status == 0, "\(done)")
    let open = try await team.run(["action", "list"])
    #expect(open.stdout.contains("No open actions"), "\(open)")
    _ = try await server.terminate()

    // With the server gone, an online command says so and exits 75.
    let offline = try await team.run(["review", "2022-10"])
    #expect(offline.status == 75, "\(offline)")
    #expect(offline.stderr.contains("offline"), "\(offline)")
  }
}
