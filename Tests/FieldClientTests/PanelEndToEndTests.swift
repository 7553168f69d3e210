import Foundation
import Testing

/// The quarterly Panel report with the real binaries: a demo server on 127.0.0.1, the real
/// `assure` CLI, and (when installed) headless Chromium laying the HTML out at A4 width.
@Suite(.serialized) struct PanelEndToEndTests {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-panel-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  /// The text of a report from a heading (`## Title` or `### Title`) to the next heading of the
  /// same or a higher level.
  func section(_ document: String, _ heading: String) -> String {
    let level = heading.prefix { $0 == "#" }.count
    guard let start = document.range(of: "\n" + heading + "\n") else { return "" }
    var rest = document[start.upperBound...]
    var end = rest.endIndex
    var searchFrom = rest.startIndex
    while let next = rest.range(of: "\n#", range: searchFrom..<rest.endIndex) {
      let hashes = rest[rest.index(after: next.lowerBound)...].prefix { $0 == "#" }.count
      if hashes <= level {
        end = next.lowerBound
        break
      }
      searchFrom = next.upperBound
    }
    rest = rest[..<end]
    return String(rest)
  }

  func report(_ device: FieldDevice, _ extra: [String] = []) async throws -> String {
    let result = try await device.run(["report", "panel", "--from", "2022-09-01", "--to", "2022-10-31"] + extra)
    #expect(result.status == 0, "\(result)")
    return result.stdout
  }

  @Test("the demo's Panel report has the reference report's figures in the right sections, and follows the data")
  func demoReport() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let server = try ServerProcess(
      port: port, dataDir: root.appendingPathComponent("server"), extraArguments: ["--demo"])
    _ = try await server.waitUntilListening()
    let office = FieldDevice(
      home: root.appendingPathComponent("office"), server: "127.0.0.1:\(port)", user: "governance")
    try await office.signIn(serverDataDir: server.dataDir, address: "127.0.0.1:\(port)", role: "governance")

    let document = try await report(office)
    let victims = section(document, "## Putting victims and survivors first")
    #expect(
      victims.contains("£60,000 has been awarded to Barnardo's from the £1m Prevention Fund by the PCC."), "\(victims)")
    #expect(victims.contains("bid to the Home Office on 7 October 2022 for £100,000"))
    let secure = section(document, "## Building a more secure West Mercia")
    for line in [
      "Overall conviction rate: 87%, compared to the national average of 82%.",
      "Sexual offences conviction rate: 92%, compared to the national average of 84.5%.",
      "Domestic violence conviction rate: 83%, compared to the national average of 75%.",
      "Hate crime conviction rate: 89%, compared to the national average of 83%.",
    ] {
      #expect(secure.contains(line), "\(line)")
    }
    let engagement = section(document, "## Engagement and correspondence")
    #expect(engagement.contains("A total of 50 engagements took place between July and September 2022."))
    #expect(engagement.contains("the PCC's office was in receipt of 232 pieces of correspondence"))
    #expect(engagement.contains("The majority of the correspondence was from Worcestershire and Shropshire residents."))
    let holding = section(document, "### Holding to account")
    #expect(
      holding.contains(
        "The focus of these meetings was on Serious Violence (August 2022) and Diversity, Equality and Inclusion (DEI) (October 2022)."
      ))
    #expect(holding.contains("Key findings / outcomes from the thematic meeting on Serious Violence include:"))
    #expect(holding.contains("The force had developed a Homicide Action Plan"))
    #expect(holding.contains("Improvements in data capture are required"))
    let survey = section(document, "### Perception survey")
    #expect(survey.contains("quarter one 2022/23"))
    #expect(survey.contains("21% – a statistically significant reduction from 24% in quarter four 2021/22"))
    let concerns = section(document, "### Force performance")
    #expect(
      concerns.contains("101 calls answered within the target time: 55% in September 2022, below the target of 80%"))
    #expect(concerns.contains("Overall victim satisfaction: 71.8% in September 2022, below the target of 80%"))
    #expect(!concerns.contains("999 calls answered within 10 seconds:"), "999 meets its target: not a concern")
    let hmicfrs = section(document, "### HMICFRS inspection reports")
    #expect(
      hmicfrs.contains(
        "An inspection of vetting, misconduct, and misogyny in the police service, was published on 2 November 2022"))
    #expect(hmicfrs.contains("5 areas for improvement and 43 recommendations for policing nationally"))
    // Paragraph numbers run through the document, one after another.
    let numbers = document.split(separator: "\n").compactMap { line -> Int? in
      guard let dot = line.range(of: "\\. ") else { return nil }
      return Int(line[..<dot.lowerBound])
    }
    #expect(numbers == Array(1..<(numbers.count + 1)), "\(numbers)")
    #expect(numbers.count > 40)
    // Every figure can be traced: the appendix names the records behind each paragraph.
    let barnardos = try #require(
      document.split(separator: "\n").first { $0.contains("has been awarded to Barnardo's") })
    let number = try #require(barnardos.range(of: "\\. ").map { barnardos[..<$0.lowerBound] })
    let sources = section(document, "## Sources of the figures")
    #expect(sources.contains("| \(number) | award barnardos-trauma; fund prevention |"), "\(sources)")
    #expect(sources.contains("correspondence received 2022-09-01 to 2022-10-31"))
    #expect(sources.contains("indicator conviction-overall, period ending 2022-09-30 (CPS case outcomes)"))

    // Changing an award's amount changes the next report.
    let update = try await office.run(["funding", "award", "update", "barnardos-trauma", "--amount", "£65,000"])
    #expect(update.status == 0, "\(update)")
    #expect(update.stdout.contains("fund prevention has £165,000 of £1,000,000 committed"), "\(update)")
    let changed = try await report(office)
    #expect(changed.contains("£65,000 has been awarded to Barnardo's from the £1m Prevention Fund by the PCC."))
    #expect(!changed.contains("£60,000"), "no other record holds £60,000")

    // 101 calls are a concern only while the data says so: an October figure above target lifts it.
    let measured = try await office.run([
      "indicator", "measure", "calls-101", "--from", "2022-10-01", "--to", "2022-10-31", "--value", "84",
    ])
    #expect(measured.status == 0, "\(measured)")
    let lifted = await section(try report(office), "### Force performance")
    #expect(!lifted.contains("101 calls answered within the target time: "), "\(lifted)")
    #expect(lifted.contains("101 calls answered within the target time (55% to 84%)"))
    #expect(lifted.contains("Overall victim satisfaction: 71.8%"))

    // Bad input changes nothing and names the field and the rule.
    let overCommitted = try await office.run([
      "funding", "award", "add", "--fund", "prevention", "--recipient", "Too much", "--amount", "900000", "--date",
      "2022-10-30",
    ])
    #expect(overCommitted.status == 65, "\(overCommitted)")
    #expect(
      overCommitted.stderr.contains("amount: would commit £1,065,000 of the £1,000,000 in fund prevention"),
      "\(overCommitted)")
    let badDate = try await office.run([
      "funding", "bid", "add", "--funder", "Home Office", "--amount", "10", "--status", "maybe",
    ])
    #expect(badDate.status == 65, "\(badDate)")
    #expect(
      badDate.stderr.contains("status: must be one of drafting, submitted, awaiting, successful, unsuccessful"),
      "\(badDate)")
    let forced = try await office.run([
      "funding", "award", "add", "--fund", "prevention", "--recipient", "Harmful sexual behaviour work", "--amount",
      "900000",
      "--date", "2022-10-30", "--override-reason", "PCC decision of 30 October 2022",
    ])
    #expect(forced.status == 0, "\(forced)")
    await #expect(
      try report(office).contains(
        "£900,000 has been awarded to Harmful sexual behaviour work from the £1m Prevention Fund"))

    // A CSV file with a bad row imports nothing and names each line; a good one is counted.
    let csv = root.appendingPathComponent("correspondence.csv")
    try Data(
      """
      received_on,subject,area,channel
      2022-10-03,road-safety,herefordshire,email
      2022-10-04,parking,herefordshire,pigeon
      2022-10-05,asb,narnia,email
      """.utf8
    ).write(to: csv)
    let refused = try await office.run(["import", "correspondence", csv.path])
    #expect(refused.status == 65, "\(refused)")
    #expect(refused.stderr.contains("line 3, subject: must be one of"), "\(refused)")
    #expect(refused.stderr.contains("line 3, channel: must be one of"), "\(refused)")
    #expect(refused.stderr.contains("line 4, area: must be one of"), "\(refused)")
    await #expect(try report(office).contains("in receipt of 232 pieces of correspondence"))
    try Data("received_on,subject,area,channel\n2022-10-03,road-safety,herefordshire,email\n".utf8).write(to: csv)
    let imported = try await office.run(["import", "correspondence", csv.path])
    #expect(imported.status == 0, "\(imported)")
    await #expect(try report(office).contains("in receipt of 233 pieces of correspondence"))

    // The HTML form is one file with a chart of each flagged indicator, and nothing it links to.
    let htmlPath = root.appendingPathComponent("panel.html").path
    _ = try await report(office, ["--format", "html", "--out", htmlPath])
    let html = try String(contentsOfFile: htmlPath, encoding: .utf8)
    #expect(html.contains("<svg class=\"chart\""))
    #expect(!html.contains("<link") && !html.contains("src=") && !html.contains("<script"))
    let figures = [
      "£65,000", "Barnardo's", "233 pieces of correspondence", "87%", "84.5%", "Homicide Action Plan", "vetting",
    ]
    // An A4 sheet (210 mm) and its printable width inside the report's 18 mm margins (174 mm).
    try await checkInBrowser(htmlPath, width: 794, expecting: figures)
    try await checkInBrowser(htmlPath, width: 658, expecting: figures)
    try await checkPrintsOnA4(htmlPath)
    await #expect(
      PanelEndToEndTests.sameDocument(html, try report(office, ["--format", "html"])), "the HTML is the same each time")
    #expect(try await server.terminate() == 0)
  }

  /// Every figure of the reference report (November 2022) that comes from a record, with the
  /// part of the generated report it belongs in: the demo's report for September and October
  /// 2022 must carry each one there, and say each once.
  static let referenceFigures: [(section: String, text: String)] = [
    (
      "## Putting victims and survivors first",
      "£60,000 has been awarded to Barnardo's from the £1m Prevention Fund by the PCC."
    ),
    ("## Putting victims and survivors first", "The PCC has provided £71,000 to Victim Support"),
    (
      "## Putting victims and survivors first",
      "The PCC has provided £339,782 to West Mercia Rape and Sexual Abuse Support Centre, to support therapeutic counselling"
    ),
    ("## Putting victims and survivors first", "bid to the Home Office on 7 October 2022 for £100,000"),
    (
      "## Putting victims and survivors first",
      "bid to the Ministry of Justice on 28 October 2022 for £276,500 up to 31 March 2025"
    ),
    (
      "## Putting victims and survivors first",
      "Referrals for support received by the PCC's commissioned victim services: 17,630."
    ),
    ("## Putting victims and survivors first", "Victims provided with support: 16,145."),
    ("## Putting victims and survivors first", "Victims supported to cope and recover: 6,976."),
    ("## Putting victims and survivors first", "mental health support services: 545."),
    (
      "## Building a more secure West Mercia",
      "The PCC has provided £23,190 to Telford & Wrekin Community Safety Partnership, for Taxi Marshalls and Street Pastors"
    ),
    (
      "## Building a more secure West Mercia",
      "The PCC has provided £515,800 to West Mercia Police, to directly tackle speeding"
    ),
    ("## Building a more secure West Mercia", "with a further £400,000 ringfenced pending a business case"),
    ("## Building a more secure West Mercia", "The PCC has provided £26,000 to West Mercia Police Witness Care"),
    ("## Building a more secure West Mercia", "Overall conviction rate: 87%, compared to the national average of 82%."),
    (
      "## Building a more secure West Mercia",
      "Sexual offences conviction rate: 92%, compared to the national average of 84.5%."
    ),
    (
      "## Building a more secure West Mercia",
      "Domestic violence conviction rate: 83%, compared to the national average of 75%."
    ),
    (
      "## Building a more secure West Mercia",
      "Hate crime conviction rate: 89%, compared to the national average of 83%."
    ),
    ("## Building a more secure West Mercia", "Witness attendance rate (the highest in the region): 87%."),
    ("## Building a more secure West Mercia", "£804,003 up to 31 March 2025"),
    (
      "## Building a more secure West Mercia",
      "The PCC is looking to contribute £100,000 from the £1m Prevention Fund to the Steer Clear programme"
    ),
    ("## Engagement and correspondence", "A total of 50 engagements took place between July and September 2022."),
    ("## Engagement and correspondence", "2,198 subscribers"),
    ("## Engagement and correspondence", "has increased by 197 since"),
    ("## Engagement and correspondence", "6,621 people signed up"),
    ("## Engagement and correspondence", "53 press releases and statements"),
    ("## Engagement and correspondence", "in receipt of 232 pieces of correspondence"),
    ("## Engagement and correspondence", "such as road safety, ASB and general concerns around crime"),
    (
      "## Engagement and correspondence",
      "The majority of the correspondence was from Worcestershire and Shropshire residents."
    ),
    ("### Holding to account", "2 thematic holding to account meetings"),
    (
      "### Holding to account",
      "Serious Violence (August 2022) and Diversity, Equality and Inclusion (DEI) (October 2022)"
    ),
    ("### Holding to account", "Satisfaction, open investigations and outcomes (29 November 2022)"),
    ("### Holding to account", "Public Confidence (17 January 2023)"),
    ("### Perception survey", "quarter one 2022/23"),
    ("### Perception survey", "Residents who have confidence in West Mercia Police: 81%"),
    ("### Perception survey", "Residents confident they would receive a good service: 83%"),
    ("### Perception survey", "affect their community: 68%"),
    ("### Perception survey", "access the police in an emergency: 87%"),
    ("### Perception survey", "access the police in a non-emergency: 65%"),
    ("### Perception survey", "21% – a statistically significant reduction from 24% in quarter four 2021/22"),
    ("### Force performance", "a statistically significant reduction since March 2021"),
    ("### Force performance", "7th out of 8 in the most similar group of forces"),
    ("### Force performance", "Overall victim satisfaction: 71.8%"),
    ("### Force performance", "101 calls answered within the target time: 55%"),
    ("### Force performance", "People killed or seriously injured on West Mercia's roads: 71"),
    ("### HMICFRS inspection reports", "5 areas for improvement and 43 recommendations for policing nationally"),
    ("### HMICFRS inspection reports", "the PCC has written to the Home Secretary in response to two national reports"),
    ("### HMICFRS inspection reports", "Multi-Agency Public Protection Arrangements (MAPPA)"),
    ("### HMICFRS inspection reports", "The police response to burglary, robbery and other acquisitive crime"),
  ]

  @Test("every record-backed figure of the reference report is in its section of the demo's report, once")
  func referenceFiguresInTheirSections() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let server = try ServerProcess(
      port: port, dataDir: root.appendingPathComponent("server"), extraArguments: ["--demo"])
    _ = try await server.waitUntilListening()
    let office = FieldDevice(
      home: root.appendingPathComponent("office"), server: "127.0.0.1:\(port)", user: "governance")
    try await office.signIn(serverDataDir: server.dataDir, address: "127.0.0.1:\(port)", role: "governance")
    let document = try await report(office)
    // The demo force's own names, from its profile.
    #expect(document.contains("in support of the Safer West Mercia Plan"))
    #expect(document.contains("6,621 people signed up for PCC updates via Neighbourhood Matters."))
    #expect(document.contains("The PCC, Deputy PCC and Assistant PCC continue to carry out engagements"))
    for (heading, text) in Self.referenceFigures {
      #expect(section(document, heading).contains(text), "\(heading) lacks \"\(text)\"")
    }
    // Said once: the engagement total is not repeated by a progress update.
    #expect(document.components(separatedBy: "engagements took place").count == 2, "\(document)")
    // No paragraph quotes the reference report's own paragraph numbers.
    #expect(document.range(of: #"\(paras? \d"#, options: .regularExpression) == nil)
    // Statistics stay out of the prose, in the table of sources.
    let body = document.components(separatedBy: "## Sources of the figures").first ?? document
    #expect(!body.contains("z = "), "\(body)")
    #expect(section(document, "## Sources of the figures").contains("z = -2.03 against the period before"))
    #expect(section(document, "## Sources of the figures").contains("inspection mappa-2022, response sent 2022-10-18"))
    // An award's purpose joins its sentence; no fragment follows a full stop.
    for fragment in [". For 22/23", ". Taxi Marshalls", ". The continuation", ". An extension"] {
      #expect(!document.contains(fragment), "\(fragment)")
    }
    #expect(try await server.terminate() == 0)
  }

  /// Prints the report to PDF with headless Chromium and checks that every page is A4
  /// (595 × 842 points).
  func checkPrintsOnA4(_ htmlPath: String) async throws {
    guard
      let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(
        where: FileManager.default.isExecutableFile)
    else { return }
    let pdf = root.appendingPathComponent("panel.pdf")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: chromium)
    process.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
      "--user-data-dir=" + root.appendingPathComponent("chromium-print").path, "--print-to-pdf=" + pdf.path,
      URL(fileURLWithPath: htmlPath).absoluteString,
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try await offThePool {
      try process.run()
      process.waitUntilExit()
    }
    let bytes = String(decoding: try Data(contentsOf: pdf), as: UTF8.self)
    let boxes = bytes.components(separatedBy: "/MediaBox").dropFirst().map { $0.prefix { $0 != "]" } }
    #expect(!boxes.isEmpty, "no pages printed")
    for box in boxes {
      let numbers = box.split(whereSeparator: { $0 == " " || $0 == "[" }).compactMap { Double($0) }
      #expect(numbers.count == 4 && abs(numbers[2] - 595) < 2 && abs(numbers[3] - 842) < 2, "not an A4 page: \(box)")
    }
  }

  /// Lays the report out in headless Chromium at a width in CSS pixels and checks that
  /// nothing is wider than the page and that the rendered text holds the figures.
  /// Runs a command that must succeed and returns what it printed.
  @discardableResult
  func ok(_ device: FieldDevice, _ arguments: [String]) async throws -> String {
    let result = try await device.run(arguments)
    #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result)")
    return result.stdout
  }

  /// Runs a command that must be refused as bad data (exit 65) and returns its standard error.
  func refused(_ device: FieldDevice, _ arguments: [String]) async throws -> String {
    let result = try await device.run(arguments)
    #expect(result.status == 65, "\(arguments.joined(separator: " ")): \(result)")
    return result.stderr
  }

  @Test("every oversight command against an empty server, and the report built from what they stored")
  func oversightCommands() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let server = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"))
    _ = try await server.waitUntilListening()
    let office = FieldDevice(
      home: root.appendingPathComponent("office"), server: "127.0.0.1:\(port)", user: "governance")
    try await office.signIn(serverDataDir: server.dataDir, address: "127.0.0.1:\(port)", role: "governance")

    try await ok(office, ["plan", "objective", "add", "1", "--title", "Putting victims and survivors first"])
    try await ok(
      office,
      ["plan", "element", "add", "1.1", "--objective", "1", "--title", "Prevention Fund", "--start", "2022-04-01"])

    // Funding.
    await #expect(
      try ok(
        office,
        [
          "funding", "fund", "add", "--id", "prevention", "--name", "Prevention Fund", "--total", "1000000", "--start",
          "2022-04-01", "--end", "2023-03-31", "--element", "1.1",
        ]
      ).contains("saved fund prevention: £1,000,000, £0 committed"))
    await #expect(
      try refused(office, ["funding", "award", "add", "--recipient", "X", "--amount", "60k", "--date", "2022-10-06"])
        .contains("--amount: must be an amount in pounds"))
    await #expect(
      try refused(
        office,
        [
          "funding", "award", "add", "--fund", "prevention", "--recipient", "X", "--amount", "10", "--date",
          "2022-10-06",
          "--element", "9.9",
        ]
      ).contains("element: no plan element \"9.9\""))
    await #expect(
      try ok(
        office,
        [
          "funding", "award", "add", "--fund", "prevention", "--recipient", "Barnardo's", "--amount", "£60,000",
          "--date",
          "2022-10-06", "--element", "1.1", "--purpose", "Trauma-informed training.",
        ]
      ).contains("saved award AW1: £60,000 to Barnardo's; fund prevention has £60,000 of £1,000,000 committed"))
    try await ok(
      office,
      [
        "funding", "bid", "add", "--funder", "Home Office", "--amount", "100000", "--status", "drafting", "--element",
        "1.1",
      ])
    await #expect(
      try refused(office, ["funding", "bid", "update", "B1", "--status", "awaiting"]).contains(
        "submitted_on: is required once a bid is awaiting"))
    try await ok(office, ["funding", "bid", "update", "B1", "--status", "awaiting", "--submitted", "2022-10-07"])
    let funding =
      try await JSONSerialization.jsonObject(with: Data(try ok(office, ["funding", "list", "--format", "json"]).utf8))
      as? [String: Any]
    let funds = funding?["funds"] as? [[String: Any]] ?? []
    #expect(funds.first?["committedPence"] as? Int == 6_000_000, "\(funds)")
    #expect((funding?["bids"] as? [[String: Any]])?.first?["status"] as? String == "awaiting")

    // Holding to account: a meeting still to be held has no findings.
    try await ok(
      office,
      [
        "scrutiny", "add", "--kind", "thematic", "--topic", "Serious Violence", "--date", "2022-10-12", "--finding",
        "A Homicide Action Plan is in place.", "--action", "Report progress in January.",
      ])
    await #expect(
      try refused(
        office,
        ["scrutiny", "add", "--kind", "thematic", "--topic", "VAWG", "--date", "2099-12-13", "--finding", "Early"]
      )
      .contains("findings: a meeting still to be held"))
    await #expect(
      try refused(office, ["scrutiny", "add", "--kind", "chat", "--topic", "", "--date", "2022-10-12"])
        .contains("kind: must be one of thematic, virtual, quarterly-performance"))
    try await ok(
      office,
      [
        "scrutiny", "add", "--kind", "quarterly-performance", "--topic", "Quarterly Performance", "--date",
        "2022-11-22",
      ])
    await #expect(try ok(office, ["scrutiny", "list"]).contains("Serious Violence"))

    // Indicators: flags come from the measurements.
    try await ok(
      office,
      [
        "indicator", "add", "--id", "seen", "--name", "residents who see an officer weekly", "--unit", "percent",
        "--better",
        "higher", "--frequency", "quarterly", "--survey", "--element", "1.1",
      ])
    await #expect(
      try refused(
        office, ["indicator", "measure", "seen", "--from", "2022-04-01", "--to", "2022-06-30", "--value", "21"]
      )
      .contains("sample_size: is required for survey measure seen"))
    try await ok(
      office,
      [
        "indicator", "measure", "seen", "--from", "2022-01-01", "--to", "2022-03-31", "--value", "24", "--sample-size",
        "1600",
      ])
    await #expect(
      try ok(
        office,
        [
          "indicator", "measure", "seen", "--from", "2022-04-01", "--to", "2022-06-30", "--value", "21",
          "--sample-size", "1600",
        ]
      )
      .contains("significant-worse"))
    await #expect(try ok(office, ["indicator", "list", "--as-of", "2022-10-31"]).contains("CONCERN"))
    await #expect(!(try ok(office, ["indicator", "list", "--as-of", "2022-03-31"]).contains("CONCERN")))

    // Inspections, correspondence, reach.
    try await ok(
      office,
      [
        "inspection", "add", "--id", "vetting-2022", "--title", "Vetting, misconduct and misogyny", "--published",
        "2022-11-02", "--scope", "national",
      ])
    try await ok(
      office,
      ["inspection", "item", "vetting-2022", "--kind", "recommendation", "--number", "1", "--text", "Review vetting."])
    try await ok(
      office,
      [
        "inspection", "item", "vetting-2022", "--kind", "area-for-improvement", "--number", "1", "--text",
        "Improve data.",
      ])
    await #expect(
      try refused(office, ["inspection", "item", "nope", "--kind", "recommendation", "--number", "1", "--text", "x"])
        .contains("inspection: no inspection \"nope\""))
    await #expect(try ok(office, ["inspection", "list"]).contains("vetting-2022"))
    try await ok(
      office,
      [
        "correspondence", "add", "--received", "2022-10-03", "--subject", "road-safety", "--area", "worcestershire",
        "--channel", "email",
      ])
    try await ok(
      office,
      [
        "correspondence", "add", "--received", "2022-10-04", "--subject", "asb", "--area", "outside", "--channel",
        "letter",
      ])
    await #expect(
      try refused(
        office,
        ["correspondence", "add", "--received", "2022-10-04", "--subject", "asb", "--area", "mars", "--channel", "owl"]
      )
      .contains("channel: must be one of email"))
    let totals =
      try await JSONSerialization.jsonObject(
        with: Data(
          try ok(
            office, ["correspondence", "totals", "--from", "2022-10-01", "--to", "2022-10-31", "--format", "json"]
          ).utf8))
      as? [String: Any]
    #expect(totals?["total"] as? Int == 2)
    try await ok(
      office, ["reach", "record", "--metric", "newsletter-subscribers", "--as-of", "2022-10-31", "--value", "2198"])
    await #expect(
      try refused(office, ["reach", "record", "--metric", "press-releases", "--as-of", "2022-09-30", "--value", "53"])
        .contains("period_start: is required for press-releases"))
    try await ok(
      office,
      [
        "reach", "record", "--metric", "press-releases", "--period-start", "2022-10-01", "--as-of", "2022-10-31",
        "--value", "12",
      ])
    await #expect(try ok(office, ["reach", "list"]).contains("press-releases"))

    // The report says what was stored.
    let document = try await ok(office, ["report", "panel", "--from", "2022-10-01", "--to", "2022-10-31"])
    #expect(
      section(document, "## Putting victims and survivors first").contains(
        "£60,000 has been awarded to Barnardo's from the £1m Prevention Fund by the PCC. Trauma-informed training."))
    #expect(
      document.contains(
        "The PCC submitted a bid to the Home Office on 7 October 2022 for £100,000. The outcome of this bid is still awaited."
      ))
    #expect(section(document, "### Holding to account").contains("A Homicide Action Plan is in place."))
    #expect(
      section(document, "### Holding to account").contains(
        "Upcoming formal meetings include: Quarterly Performance (22 November 2022)."))
    #expect(document.contains("in receipt of 2 pieces of correspondence"))
    #expect(document.contains("12 press releases and statements"))
    #expect(section(document, "### Perception survey").contains("21% – a statistically significant reduction from 24%"))
    #expect(section(document, "### HMICFRS inspection reports").contains("1 area for improvement and 1 recommendation"))
    await #expect(
      try refused(office, ["report", "panel", "--from", "2022-10-31", "--to", "2022-10-01"]).contains(
        "--to: must be on or after --from"))
    #expect(try await server.terminate() == 0)
  }

  static func sameDocument(_ a: String, _ b: String) -> Bool { a == b }

  func checkInBrowser(_ htmlPath: String, width: Int, expecting figures: [String]) async throws {
    guard
      let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(
        where: FileManager.default.isExecutableFile)
    else {
      // .ci/run installs chromium, so CI always runs this check.
      print("chromium not installed: browser layout check skipped")
      return
    }
    let html = try String(contentsOfFile: htmlPath, encoding: .utf8)
    let probe = """
      <script>
      addEventListener('load', () => {
        const width = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > width + 0.5).map(e => e.tagName);
        // A number or a column heading broken over lines (a table column squeezed to one
        // character a line).
        const wrapped = [...document.querySelectorAll('td.num, th')].filter(e => {
          const range = document.createRange();
          range.selectNodeContents(e);
          return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
        }).map(e => e.textContent);
        const out = document.createElement('pre');
        out.id = 'layout-probe';
        out.textContent = JSON.stringify({ scrollWidth: document.documentElement.scrollWidth, clientWidth: width,
          wide: wide.slice(0, 20), wrapped: wrapped.slice(0, 20), text: document.body.innerText });
        document.body.appendChild(out);
      });
      </script>
      """
    let probed = root.appendingPathComponent("probe.html")
    try Data(html.replacingOccurrences(of: "</body>", with: probe + "\n</body>").utf8).write(to: probed)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: chromium)
    process.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--window-size=\(width),1123", "--virtual-time-budget=5000",
      "--user-data-dir=" + root.appendingPathComponent("chromium").path, "--dump-dom", probed.absoluteString,
    ]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    let dom = try await offThePool {
      try process.run()
      let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      return dom
    }
    guard let start = dom.range(of: "<pre id=\"layout-probe\">"),
      let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex)
    else {
      Issue.record("chromium did not lay the report out: \(dom.prefix(500))")
      return
    }
    let json = String(dom[start.upperBound..<end.lowerBound])
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
      .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    let layout = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
    let scrollWidth = layout["scrollWidth"] as? Int ?? -1
    let clientWidth = layout["clientWidth"] as? Int ?? 0
    #expect(clientWidth > width - 30, "\(layout)")
    #expect(scrollWidth <= clientWidth, "the page scrolls sideways at A4 width: \(layout)")
    #expect((layout["wide"] as? [String] ?? ["?"]).isEmpty, "elements wider than the page: \(layout["wide"] ?? "")")
    #expect(
      (layout["wrapped"] as? [String] ?? ["?"]).isEmpty,
      "numbers or headings broken over lines: \(layout["wrapped"] ?? "")")
    let text = layout["text"] as? String ?? ""
    for figure in figures { #expect(text.contains(figure), "rendered text lacks \(figure)") }
  }
}
