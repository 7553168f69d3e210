import Foundation
import Testing

/// Another force, not West Mercia, with the real binaries: its five areas, three objectives
/// and its own officeholders loaded through the command line only, on a server started
/// without `--demo`; a device that records offline before its first sync; reports that name
/// nothing of West Mercia's.
@Suite(.serialized) struct SecondForceEndToEndTests {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-force-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  static let areas = [
    ("coast", "Coast"), ("moorland", "Moorland"), ("city", "City"), ("valleys", "The Valleys"), ("islands", "Islands"),
  ]
  /// West Mercia's names and wording that another force's documents must never carry.
  static let westMercia = [
    "West Mercia", "Herefordshire", "Shropshire", "Telford", "Worcestershire", "Safer West Mercia", "Assistant PCC",
    "Deputy PCC and Assistant PCC", "Neighbourhood Matters", "herefordshire", "shropshire", "telford-and-wrekin",
    "worcestershire",
  ]

  @discardableResult
  func ok(_ device: FieldDevice, _ arguments: [String]) async throws -> String {
    let result = try await device.run(arguments)
    #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result)")
    return result.stdout
  }

  func engagement(_ device: FieldDevice, _ organisation: String, area: String, by: String = "pcc", date: String)
    async throws -> RunResult
  {
    try await device.run([
      "engagement", "add", "--date", date, "--by", by, "--kind", "community-group", "--organisation", organisation,
      "--place", "Harbour Hall", "--area", area, "--attendees", "30", "--topic", "road-safety",
    ])
  }

  func expectNoWestMercia(_ text: String, _ what: String) {
    for word in Self.westMercia {
      #expect(!text.contains(word), "\(what) names \"\(word)\":\n\(text)")
    }
  }

  @Test("a second force's areas, plan and people, loaded through the CLI, give reports with nothing of West Mercia's")
  func secondForce() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let address = "127.0.0.1:\(port)"
    let dataDir = root.appendingPathComponent("server")
    var server = try ServerProcess(port: port, dataDir: dataDir)
    _ = try await server.waitUntilListening()

    // The administrator adds the force's five areas while the server runs.
    for (code, name) in Self.areas {
      let added = try await runServerCommand(["area", "add", "--data-dir", dataDir.path, code, "--name", name])
      #expect(added.status == 0, "\(added)")
    }
    await #expect(
      try runServerCommand(["area", "add", "--data-dir", dataDir.path, "coast"]).status != 0, "no second coast")
    let listed = try await runServerCommand(["area", "list", "--data-dir", dataDir.path])
    #expect(listed.stdout.contains("valleys") && listed.stdout.contains("The Valleys"), "\(listed)")
    expectNoWestMercia(listed.stdout, "assure-server area list")

    // Its people: a Commissioner and a Deputy, no Assistant; a governance officer.
    let office = FieldDevice(home: root.appendingPathComponent("office"), server: address, user: "gov.officer")
    try await office.signIn(serverDataDir: dataDir, address: address, role: "governance")
    let commissioner = FieldDevice(home: root.appendingPathComponent("commissioner"), server: address, user: "a.jones")
    let deputy = FieldDevice(home: root.appendingPathComponent("deputy"), server: address, user: "b.evans")

    // Its plan: three objectives.
    let objectives = [
      ("1", "Keeping communities safe"), ("2", "Supporting victims"), ("3", "An efficient and effective service"),
    ]
    for (id, title) in objectives { try await ok(office, ["plan", "objective", "add", id, "--title", title]) }
    try await ok(
      office,
      [
        "plan", "element", "add", "1.1", "--objective", "1", "--title", "Safer roads", "--start", "2025-04-01",
        "--opcc-lead", "Roads Lead", "--status", "on-track",
      ])
    try await ok(
      office, ["plan", "element", "add", "2.1", "--objective", "2", "--title", "Victim care", "--start", "2025-04-01"])
    try await ok(
      office,
      [
        "plan", "update", "add", "1.1", "--date", "2025-10-14", "--panel", "--text",
        "The roads partnership agreed its first joint enforcement plan.",
      ])

    // The deputy's device records offline before its first sync, with no areas yet: any
    // well-formed code is taken, and the server decides.
    let early = try await engagement(deputy, "Harbour Residents", area: "coast", by: "dpcc", date: "2025-08-12")
    #expect(early.status == 0, "\(early)")
    let stray = try await engagement(deputy, "Somewhere else", area: "shropshire", by: "dpcc", date: "2025-08-13")
    #expect(stray.status == 0, "a device with no areas lets the server decide: \(stray)")
    await #expect(try deputy.run(["engagement", "add", "--help"]).stdout.contains("herefordshire") == false)

    // The commissioner signs in: the force's areas and plan come with the sign-in.
    try await commissioner.signIn(serverDataDir: dataDir, address: address, role: "commissioner")
    let areas = try await ok(commissioner, ["area", "list"])
    #expect(areas.contains("islands"), "\(areas)")
    await #expect(try ok(commissioner, ["plan", "list"]).contains("Supporting victims"))

    // The server stops (and restarts later without --area): the commissioner records offline,
    // checked against the force's areas, not West Mercia's.
    #expect(try await server.terminate() == 0)
    let offline = try await engagement(commissioner, "Moorland Parish Council", area: "moorland", date: "2025-08-20")
    #expect(offline.status == 0, "\(offline)")
    let wrong = try await engagement(commissioner, "Ledbury Town Council", area: "herefordshire", date: "2025-08-21")
    #expect(wrong.status == 65, "\(wrong)")
    #expect(wrong.stderr.contains("area: must be one of city, coast, islands, moorland, valleys"), "\(wrong)")
    await #expect(try commissioner.run(["sync"]).status == 75)

    server = try ServerProcess(port: port, dataDir: dataDir)
    _ = try await server.waitUntilListening()
    let afterRestart = try await runServerCommand(["area", "list", "--data-dir", dataDir.path])
    for (code, _) in Self.areas {
      #expect(afterRestart.stdout.contains(code), "a restart kept \(code): \(afterRestart)")
    }
    expectNoWestMercia(afterRestart.stdout, "the areas after a restart")
    await #expect(try ok(commissioner, ["sync"]).contains("pushed 1"))
    try await ok(
      commissioner,
      [
        "engagement", "add", "--date", "2025-09-03", "--by", "pcc", "--kind", "parish-council",
        "--organisation", "Island Council", "--place", "Port", "--area", "islands",
      ])
    try await ok(commissioner, ["sync"])

    // The deputy signs in and syncs: the stray area is refused and kept aside with its reason.
    try await deputy.signIn(serverDataDir: dataDir, address: address, role: "deputy")
    let deputySync = try await deputy.run(["sync"])
    #expect(deputySync.status == 0, "\(deputySync)")
    let status = try await deputy.status()
    let refused = status["quarantined"] as? [[String: Any]] ?? []
    #expect(refused.count == 1, "\(status)")
    #expect((refused.first?["error"] as? String ?? "").contains("area"), "\(status)")

    // An area the force stops using is retired, not deleted.
    let retired = try await runServerCommand(["area", "retire", "--data-dir", dataDir.path, "islands"])
    #expect(retired.status == 0 && retired.stdout.contains("1 engagement"), "\(retired)")
    try await ok(commissioner, ["sync"])
    let refusedNew = try await engagement(commissioner, "New island visit", area: "islands", date: "2025-09-10")
    #expect(refusedNew.status == 65 && refusedNew.stderr.contains("islands is retired"), "\(refusedNew)")

    // Oversight records of the force's own, with its areas.
    try await ok(
      office,
      [
        "correspondence", "add", "--received", "2025-09-05", "--subject", "road-safety", "--area", "coast",
        "--channel", "email",
      ])
    try await ok(
      office,
      [
        "correspondence", "add", "--received", "2025-09-06", "--subject", "asb", "--area", "city",
        "--channel", "letter",
      ])
    try await ok(
      office,
      [
        "correspondence", "add", "--received", "2025-10-06", "--subject", "asb", "--area", "city",
        "--channel", "letter",
      ])
    try await ok(
      office, ["reach", "record", "--metric", "newsletter-subscribers", "--as-of", "2025-10-31", "--value", "950"])
    try await ok(
      office,
      [
        "funding", "award", "add", "--recipient", "Coastal Youth Trust", "--amount", "12000", "--date",
        "2025-09-15", "--element", "2.1", "--purpose", "To run summer diversionary activities.",
      ])

    // Before the force names itself, the report uses the standard names.
    let standard = try await ok(office, ["report", "panel", "--from", "2025-09-01", "--to", "2025-10-31"])
    #expect(standard.contains("The PCC and Deputy PCC continue to carry out engagements"), "\(standard)")
    #expect(standard.contains("in support of the Police and Crime Plan"), "\(standard)")
    expectNoWestMercia(standard, "the Panel report with the standard names")

    // The force's own names: a Police, Fire and Crime Commissioner and a Deputy, no Assistant.
    await #expect(
      try deputy.run(["force", "set", "--name", "Coastshire"]).status == 77, "only the governance role sets them")
    let set = try await ok(
      office,
      [
        "force", "set", "--name", "Coastshire", "--plan", "Safer Coastshire Plan", "--panel",
        "Police, Fire and Crime Panel",
        "--commissioner-title", "Police, Fire and Crime Commissioner", "--commissioner-short", "PFCC",
        "--office", "pcc=Police, Fire and Crime Commissioner=PFCC", "--office", "dpcc=Deputy PFCC",
        "--reach-name", "neighbourhood-matters=Coastshire Alerts", "--subject", "road-safety=road safety",
        "--subject", "asb=ASB", "--subject", "fire-safety=fire safety", "--subject", "other=other matters",
        "--kind", "community-group=community group", "--kind", "parish-council=parish council",
        "--kind", "drop-in=drop-in surgery",
      ])
    // Its own kinds of engagement reach devices at their next sync and are checked offline;
    // a device that has not received them takes any well-formed kind and the server decides.
    try await ok(commissioner, ["sync"])
    let dropIn = try await commissioner.run([
      "engagement", "add", "--date", "2025-09-12", "--by", "pcc", "--kind", "drop-in", "--organisation",
      "Coast drop-in",
      "--place", "Harbour", "--area", "coast",
    ])
    #expect(dropIn.status == 0, "\(dropIn)")
    let school = try await commissioner.run([
      "engagement", "add", "--date", "2025-09-12", "--by", "pcc", "--kind", "school", "--organisation", "Coast School",
      "--place", "Harbour", "--area", "coast",
    ])
    #expect(school.status == 65, "\(school)")
    #expect(school.stderr.contains("kind: must be one of community-group, parish-council, drop-in"), "\(school)")
    // The force has no Assistant office: even a user given the assistant role cannot record
    // as one.
    let misnamed = FieldDevice(home: root.appendingPathComponent("assistant"), server: address, user: "d.wrong")
    try await misnamed.signIn(serverDataDir: dataDir, address: address, role: "assistant")
    let assistant = try await misnamed.run([
      "engagement", "add", "--date", "2025-09-12", "--by", "apcc", "--kind", "drop-in", "--organisation", "Hall",
      "--place", "Harbour", "--area", "coast",
    ])
    #expect(
      assistant.status == 65 && assistant.stderr.contains("the force has no Assistant PCC office"), "\(assistant)")
    await #expect(try ok(commissioner, ["sync"]).contains("pushed 1"))
    let unsigned = FieldDevice(home: root.appendingPathComponent("unsigned"), server: address, user: "c.new")
    await #expect(
      try unsigned.run([
        "engagement", "add", "--date", "2025-09-12", "--by", "pcc", "--kind", "drop-in", "--organisation", "Hall",
        "--place", "Harbour", "--area", "coast",
      ]).status == 0)
    // Its own correspondence subjects: fire safety is one, the standard "policing-service" is not.
    try await ok(
      office,
      [
        "correspondence", "add", "--received", "2025-10-07", "--subject", "fire-safety", "--area", "coast",
        "--channel", "email",
      ])
    let unknownSubject = try await office.run([
      "correspondence", "add", "--received", "2025-10-07", "--subject", "policing-service", "--area", "coast",
      "--channel", "email",
    ])
    #expect(unknownSubject.status == 65, "\(unknownSubject)")
    #expect(
      unknownSubject.stderr.contains("subject: must be one of road-safety, asb, fire-safety, other"),
      "\(unknownSubject)")
    #expect(set.contains("office         dpcc: Deputy PFCC") && !set.contains("apcc"), "\(set)")
    await #expect(try deputy.run(["force", "set", "--office", "pcc"]).status == 65)
    try await ok(
      office, ["reach", "record", "--metric", "neighbourhood-matters", "--as-of", "2025-10-31", "--value", "4200"])

    // The reports name the force's own areas, people and words, and nothing of West Mercia's.
    let panel = try await ok(office, ["report", "panel", "--from", "2025-09-01", "--to", "2025-10-31"])
    #expect(panel.contains("A total of 4 engagements took place between July and September 2025."), "\(panel)")
    #expect(panel.contains("The PFCC and Deputy PFCC continue to carry out engagements"), "\(panel)")
    #expect(
      panel.contains("3 were attended by the Police, Fire and Crime Commissioner and 1 by the Deputy PFCC"), "\(panel)")
    #expect(panel.contains("members of the Police, Fire and Crime Panel"), "\(panel)")
    #expect(panel.contains("in support of the Safer Coastshire Plan"), "\(panel)")
    #expect(panel.contains("4,200 people signed up for PFCC updates via Coastshire Alerts"), "\(panel)")
    #expect(panel.range(of: #"\bPCC\b"#, options: .regularExpression) == nil, "\(panel)")
    #expect(panel.contains("City"), "\(panel)")
    #expect(panel.contains("| Fire safety | 1 |"), "\(panel)")
    #expect(
      panel.contains("The PFCC has provided £12,000 to Coastal Youth Trust, to run summer diversionary activities."))
    expectNoWestMercia(panel, "the Panel report")
    let html = try await ok(
      office, ["report", "panel", "--from", "2025-09-01", "--to", "2025-10-31", "--format", "html"])
    expectNoWestMercia(html, "the Panel report in HTML")
    let review = try await ok(office, ["review", "2025-09"])
    #expect(review.contains("Islands") || review.contains("islands"), "\(review)")
    #expect(review.contains("Police, Fire and Crime Commissioner"), "\(review)")
    expectNoWestMercia(review, "the monthly review")
    await expectNoWestMercia(try ok(commissioner, ["engagement", "add", "--help"]), "assure engagement add --help")
    await expectNoWestMercia(try runServerCommand(["--help"]).stdout, "assure-server --help")
    await expectNoWestMercia(
      try runServerCommand(["serve", "--help"]).stdout.replacingOccurrences(of: "the West Mercia 2022 demo", with: ""),
      "assure-server serve --help")
    #expect(try await server.terminate() == 0)
  }
}
