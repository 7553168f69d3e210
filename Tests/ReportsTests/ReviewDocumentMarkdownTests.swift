import Foundation
import Model
import Testing

@testable import Reports

/// The Markdown form: GitHub-flavoured, with data that cannot change its structure.
@Suite struct ReviewDocumentMarkdownTests {
  @Test("table cells escape | and stay on one line, so every row has its header's columns")
  func tableCells() throws {
    // Given a change whose title and notes hold pipes and line breaks
    let change = ElementChange(
      elementID: "2.3", elementTitle: "Roads | speed", from: Standing(status: .onTrack, rag: .green),
      to: Standing(status: .atRisk, rag: .amber), changedOn: try SampleReview.day("2022-10-18"),
      notes: ["first | second\nthird", "ends with a backslash \\"])
    let objective = ObjectiveReview(objective: Objective(id: "2", title: "Secure", position: 2), changes: [change])
    let markdown = ReviewDocument.markdown(try SampleReview.handMade(objectives: [objective]))

    // Then the pipes are escaped and the row is one line
    #expect(
      markdown.contains(
        "| 2.3 Roads \\| speed | on-track (GREEN) | at-risk (AMBER) | 18 October 2022 | first \\| second third; ends with a backslash \\\\ |"
      ))
    for table in Self.tables(in: markdown) + Self.tables(in: ReviewDocument.markdown(try SampleReview.october())) {
      let columns = Self.cellCount(table[0])
      #expect(columns >= 2)
      for row in table { #expect(Self.cellCount(row) == columns, "row: \(row)") }
    }
  }

  @Test("text from the data cannot add raw HTML, headings, lists, links, images or code")
  func dataCannotAddStructure() throws {
    // Given a narrative and titles written as Markdown and HTML
    let narrative = """
      # Not a heading
      <script>alert(1)</script>
      ![pixel](http://example.org/p.png) and [a link](http://example.org)
      - not a list
      1. not a list either
      ---
          not code
      `not code` *not emphasis* _nor this_ ~~nor this~~ $x$
      [ref]: http://example.org
      """
    var review = try SampleReview.october()
    review.objectives[0].updates[0].update.narrative = narrative
    review.objectives[0].changes[0].elementTitle = "<b>bold</b> # [x](y)"
    let markdown = ReviewDocument.markdown(review)

    // Then every construct is escaped and shows as written
    let lines = markdown.components(separatedBy: "\n")
    #expect(lines.contains("\\# Not a heading \\"))
    #expect(lines.contains("\\<script\\>alert(1)\\</script\\> \\"))
    #expect(lines.contains("!\\[pixel\\](http://example.org/p.png) and \\[a link\\](http://example.org) \\"))
    #expect(lines.contains("\\- not a list \\"))
    #expect(lines.contains("1\\. not a list either \\"))
    #expect(lines.contains("\\--- \\"))
    #expect(lines.contains("not code \\"))
    #expect(lines.contains("\\`not code\\` \\*not emphasis\\* \\_nor this\\_ \\~\\~nor this\\~\\~ \\$x\\$ \\"))
    #expect(lines.contains("\\[ref\\]: http://example.org"))
    #expect(markdown.contains("| 1.3 \\<b\\>bold\\</b\\> \\# \\[x\\](y) |"))
    #expect(!lines.contains { $0.hasPrefix("    ") })
    #expect(Self.unescapedCount(of: "<", in: markdown) == 0)
  }

  @Test("the October review has no raw HTML and no unescaped data")
  func noRawHTML() throws {
    for review in [try SampleReview.october(), try SampleReview.hostile(ReviewDocumentHTMLTests.payload)] {
      let markdown = ReviewDocument.markdown(review)
      #expect(Self.unescapedCount(of: "<", in: markdown) == 0)
      #expect(Self.unescapedCount(of: ">", in: markdown) == 0, "a > starts a block quote or ends a tag")
    }
    // The only block quote is the still-running notice, which is the document's own.
    let running = ReviewDocument.markdown(try SampleReview.october(today: "2022-10-17"))
    #expect(running.components(separatedBy: "\n").filter { $0.hasPrefix(">") }.count == 1)
  }

  @Test("a hostile payload cannot add a heading or a table column")
  func hostileStructure() throws {
    let payload = "# x | y\n\n## z"
    let markdown = ReviewDocument.markdown(try SampleReview.hostile(payload))
    let headings = markdown.components(separatedBy: "\n").filter { $0.hasPrefix("#") }
    // Every heading is the document's own: the only unescaped "#"s are its leading ones.
    #expect(headings.count > 10)
    for heading in headings {
      #expect(Self.unescapedCount(of: "#", in: String(heading.drop { $0 == "#" })) == 0, "heading: \(heading)")
    }
    #expect(!markdown.contains("\n## z"))
    for table in Self.tables(in: markdown) {
      let columns = Self.cellCount(table[0])
      for row in table { #expect(Self.cellCount(row) == columns, "row: \(row)") }
    }
  }

  @Test(
    "an ampersand is escaped only where it could start an entity",
    arguments: [
      ("Telford & Wrekin", "Telford & Wrekin"), ("R&D", "R\\&D"), ("&lt;b&gt;", "\\&lt;b\\&gt;"),
      ("&#60;", "\\&\\#60;"),
    ])
  func ampersands(text: String, expected: String) {
    #expect(MarkdownEscaping.inline(text) == expected)
  }

  @Test(
    "a line that would start a list or a heading underline is escaped; others are left alone",
    arguments: [
      ("- a", "\\- a"), ("+ a", "\\+ a"), ("= =", "\\= ="), ("1. a", "1\\. a"), ("12) a", "12\\) a"),
      ("2022.", "2022\\."),
      ("1.5 Operation Lincoln", "1.5 Operation Lincoln"), ("2022 was busy", "2022 was busy"), ("   - a", "\\- a"),
    ])
  func lineStarts(line: String, expected: String) {
    #expect(MarkdownEscaping.lineStart(line) == expected)
  }

  // MARK: - Helpers

  /// The GFM tables of a document, as lists of their lines (header, delimiter, rows).
  static func tables(in markdown: String) -> [[String]] {
    var tables: [[String]] = []
    var current: [String] = []
    for line in markdown.components(separatedBy: "\n") {
      if line.hasPrefix("|") {
        current.append(line)
      } else if !current.isEmpty {
        tables.append(current)
        current = []
      }
    }
    if !current.isEmpty { tables.append(current) }
    return tables
  }

  /// The cells of a table line: its unescaped pipes, less one.
  static func cellCount(_ line: String) -> Int { unescapedCount(of: "|", in: line) - 1 }

  /// How many times `character` occurs in `text` without a backslash escaping it.
  static func unescapedCount(of character: Character, in text: String) -> Int {
    var count = 0
    var escaped = false
    for c in text {
      if escaped {
        escaped = false
      } else if c == "\\" {
        escaped = true
      } else if c == character {
        count += 1
      }
    }
    return count
  }
}
