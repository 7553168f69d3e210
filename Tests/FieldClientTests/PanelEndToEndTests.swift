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

  func report(_ device: FieldDevice, _ extra: [String] = []) throws -> String {
    let result = try device.run(["report", "panel", "--from", "2022-09-01", "--to", "2022-10-31"] + extra)
    #expect(result.status == 0, "\(result)")
    return result.stdout
  }

  @Test("the demo's Panel report has the reference report's figures in the right sections, and follows the data")
  func demoReport() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let server = try ServerProcess(port: port, dataDir: root.appendingPathComponent("server"), extraArguments: ["--demo"])
    _ = try await server.waitUntilListening()
    let office = FieldDevice(home: root.appendingPathComponent("office"), server: "127.0.0.1:\(port)")

    let document = try report(office)
    let victims = section(document, "## Putting victims and survivors first")
    #expect(victims.contains("£60,000 has been awarded to Barnardo's from the £1m Prevention Fund by the PCC."), "\(victims)")
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
    #expect(holding.contains("The focus of these meetings was on Serious Violence (August 2022) and Diversity, Equality and Inclusion (DEI) (October 2022)."))
    #expect(holding.contains("Key findings / outcomes from the thematic meeting on Serious Violence include:"))
    #expect(holding.contains("The force had developed a Homicide Action Plan"))
    #expect(holding.contains("Improvements in data capture are required"))
    let survey = section(document, "### Perception survey")
    #expect(survey.contains("quarter one 2022/23"))
    #expect(survey.contains("21% – a statistically significant reduction from 24% in quarter four 2021/22"))
    let concerns = section(document, "### Force performance")
    #expect(concerns.contains("101 calls answered within the target time: 55% in September 2022, below the target of 80%"))
    #expect(concerns.contains("Overall victim satisfaction: 71.8% in September 2022, below the target of 80%"))
    #expect(!concerns.contains("999 calls answered within 10 seconds:"), "999 meets its target: not a concern")
    let hmicfrs = section(document, "### HMICFRS inspection reports")
    #expect(hmicfrs.contains("An inspection of vetting, misconduct, and misogyny in the police service, was published on 2 November 2022"))
    #expect(hmicfrs.contains("5 areas for improvement and 43 recommendations for policing nationally"))
    // Paragraph numbers run through the document, one after another.
    let numbers = document.split(separator: "\n").compactMap { line -> Int? in
      guard let dot = line.range(of: "\\. ") else { return nil }
      return Int(line[..<dot.lowerBound])
    }
    #expect(numbers == Array(1...numbers.count), "\(numbers)")
    #expect(numbers.count > 40)

    // Changing an award's amount changes the next report.
    let update = try office.run(["funding", "award", "update", "barnardos-trauma", "--amount", "£65,000"])
    #expect(update.status == 0, "\(update)")
    #expect(update.stdout.contains("fund prevention has £165,000 of £1,000,000 committed"), "\(update)")
    let changed = try report(office)
    #expect(changed.contains("£65,000 has been awarded to Barnardo's from the £1m Prevention Fund by the PCC."))
    #expect(!changed.contains("£60,000"), "no other record holds £60,000")

    // 101 calls are a concern only while the data says so: an October figure above target lifts it.
    let measured = try office.run(["indicator", "measure", "calls-101", "--from", "2022-10-01", "--to", "2022-10-31", "--value", "84"])
    #expect(measured.status == 0, "\(measured)")
    let lifted = section(try report(office), "### Force performance")
    #expect(!lifted.contains("101 calls answered within the target time: "), "\(lifted)")
    #expect(lifted.contains("101 calls answered within the target time (55% to 84%)"))
    #expect(lifted.contains("Overall victim satisfaction: 71.8%"))

    // Bad input changes nothing and names the field and the rule.
    let overCommitted = try office.run([
      "funding", "award", "add", "--fund", "prevention", "--recipient", "Too much", "--amount", "900000", "--date",
      "2022-10-30",
    ])
    #expect(overCommitted.status == 65, "\(overCommitted)")
    #expect(overCommitted.stderr.contains("amount: would commit £1,065,000 of the £1,000,000 in fund prevention"), "\(overCommitted)")
    let badDate = try office.run(["funding", "bid", "add", "--funder", "Home Office", "--amount", "10", "--status", "maybe"])
    #expect(badDate.status == 65, "\(badDate)")
    #expect(badDate.stderr.contains("status: must be one of drafting, submitted, awaiting, successful, unsuccessful"), "\(badDate)")
    let forced = try office.run([
      "funding", "award", "add", "--fund", "prevention", "--recipient", "Harmful sexual behaviour work", "--amount", "900000",
      "--date", "2022-10-30", "--override-reason", "PCC decision of 30 October 2022",
    ])
    #expect(forced.status == 0, "\(forced)")
    #expect(try report(office).contains("£900,000 has been awarded to Harmful sexual behaviour work from the £1m Prevention Fund"))

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
    let refused = try office.run(["import", "correspondence", csv.path])
    #expect(refused.status == 65, "\(refused)")
    #expect(refused.stderr.contains("line 3, subject: must be one of"), "\(refused)")
    #expect(refused.stderr.contains("line 3, channel: must be one of"), "\(refused)")
    #expect(refused.stderr.contains("line 4, area: must be one of"), "\(refused)")
    #expect(try report(office).contains("in receipt of 232 pieces of correspondence"))
    try Data("received_on,subject,area,channel\n2022-10-03,road-safety,herefordshire,email\n".utf8).write(to: csv)
    let imported = try office.run(["import", "correspondence", csv.path])
    #expect(imported.status == 0, "\(imported)")
    #expect(try report(office).contains("in receipt of 233 pieces of correspondence"))

    // The HTML form is one file with a chart of each flagged indicator, and nothing it links to.
    let htmlPath = root.appendingPathComponent("panel.html").path
    _ = try report(office, ["--format", "html", "--out", htmlPath])
    let html = try String(contentsOfFile: htmlPath, encoding: .utf8)
    #expect(html.contains("<svg class=\"chart\""))
    #expect(!html.contains("<link") && !html.contains("src=") && !html.contains("<script"))
    let figures = ["£65,000", "Barnardo's", "233 pieces of correspondence", "87%", "84.5%", "Homicide Action Plan", "vetting"]
    // An A4 sheet (210 mm) and its printable width inside the report's 18 mm margins (174 mm).
    try checkInBrowser(htmlPath, width: 794, expecting: figures)
    try checkInBrowser(htmlPath, width: 658, expecting: figures)
    #expect(PanelEndToEndTests.sameDocument(html, try report(office, ["--format", "html"])), "the HTML is the same each time")
    #expect(try await server.terminate() == 0)
  }

  /// Lays the report out in headless Chromium at a width in CSS pixels and checks that
  /// nothing is wider than the page and that the rendered text holds the figures.
  static func sameDocument(_ a: String, _ b: String) -> Bool { a == b }

  func checkInBrowser(_ htmlPath: String, width: Int, expecting figures: [String]) throws {
    guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile)
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
        const out = document.createElement('pre');
        out.id = 'layout-probe';
        out.textContent = JSON.stringify({ scrollWidth: document.documentElement.scrollWidth, clientWidth: width,
          wide: wide.slice(0, 20), text: document.body.innerText });
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
    try process.run()
    let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard let start = dom.range(of: "<pre id=\"layout-probe\">"), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex)
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
    let text = layout["text"] as? String ?? ""
    for figure in figures { #expect(text.contains(figure), "rendered text lacks \(figure)") }
  }
}
