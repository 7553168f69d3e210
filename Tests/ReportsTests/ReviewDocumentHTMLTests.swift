import Foundation
import Model
import Testing

@testable import Reports

/// The HTML form: one self-contained, accessible file that prints on A4.
@Suite struct ReviewDocumentHTMLTests {
  /// A payload that would run a script, break out of an attribute and start an entity if
  /// it were not escaped.
  static let payload = #"<script>alert("x")</script> & 'y' <img src=x onerror=alert(1)> &amp;"#
  static let escapedPayload =
    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &lt;img src=x onerror=alert(1)&gt; &amp;amp;"

  @Test("is a UTF-8, British English document with a title, a viewport and exactly one h1")
  func documentShell() throws {
    let html = ReviewDocument.html(try SampleReview.october())
    #expect(html.hasPrefix("<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"))
    #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
    #expect(html.contains("<title>Monthly governance review: October 2022</title>"))
    #expect(html.components(separatedBy: "<h1").count - 1 == 1)
    #expect(html.contains("<h1>Monthly governance review: October 2022</h1>"))
    #expect(html.hasSuffix("</main>\n</body>\n</html>\n"))
  }

  @Test("is self-contained: it links to no style sheet, script, font, image or other page")
  func selfContained() throws {
    for review in [try SampleReview.october(), try SampleReview.october(today: "2022-10-17")] {
      let html = ReviewDocument.html(review).lowercased()
      for forbidden in [
        "<link", "src=", "href=", "url(", "@import", "@font-face", "<script", "<img", "<iframe", "<object", "<embed",
        "http:", "https:", "//",
      ] {
        #expect(!html.contains(forbidden), "found \(forbidden)")
      }
      #expect(html.components(separatedBy: "<style>").count == 2)
    }
  }

  @Test("gives each section an h2 and each part of an objective an h3")
  func headingLevels() throws {
    let html = ReviewDocument.html(try SampleReview.october())
    for section in [
      "Summary", "Objective 1: Putting victims and survivors first", "Objective 3: Reforming West Mercia",
      "Meetings held in October 2022",
    ] {
      #expect(html.contains(try Regex("<h2 id=\"part-[0-9]+\">\(section)</h2>")), "no h2 for \(section)")
    }
    for part in [
      "Status changes", "Progress updates", "Milestones completed", "Overdue milestones",
      "Elements at risk or off track", "By area",
    ] {
      #expect(html.contains(try Regex("<h3 id=\"part-[0-9]+\">\(part)</h3>")), "no h3 for \(part)")
    }
    #expect(
      html.contains(
        #/<h4 id="part-[0-9]+"><time datetime="2022-10-05">5 October 2022</time>: 1.1 £1m Prevention Fund</h4>/#))
  }

  @Test("heads every column with th scope=col and labels every table by the heading above it")
  func accessibleTables() throws {
    let html = ReviewDocument.html(try SampleReview.october())
    let headerCells = html.matches(of: #/<th[ >]/#).count
    #expect(headerCells > 0)
    #expect(html.components(separatedBy: "<th scope=\"col\"").count - 1 == headerCells)
    let tables = html.components(separatedBy: "<table").count - 1
    let labels = html.matches(
      of: #/<div class="table-wrap" role="region" aria-labelledby="([a-z0-9-]+)" tabindex="0">\n<table/#)
    #expect(tables == 14)
    #expect(labels.count == tables)
    for label in labels {
      #expect(html.contains("<h3 id=\"\(label.output.1)\">") || html.contains("<h2 id=\"\(label.output.1)\">"))
    }
  }

  @Test("shows each RAG as a word in a badge, never as colour alone")
  func ragBadges() throws {
    let html = ReviewDocument.html(try SampleReview.october())
    #expect(html.contains("<span class=\"rag rag-red\">RED</span>"))
    #expect(html.contains("<span class=\"rag rag-amber\">AMBER</span>"))
    #expect(html.contains("<span class=\"rag rag-green\">GREEN</span>"))
    #expect(html.contains("<span class=\"rag rag-none\">NO RATING</span>"))
    // Every badge carries its word, and the word matches its colour.
    let badges = html.matches(of: #/<span class="rag rag-([a-z]+)">([^<]*)</span>/#)
    #expect(badges.count == html.components(separatedBy: "class=\"rag ").count - 1)
    for badge in badges {
      let word = String(badge.output.2)
      #expect(word == (badge.output.1 == "none" ? "NO RATING" : badge.output.1.uppercased()))
    }
  }

  @Test("every text colour has a contrast of at least 4.5:1 with its background")
  func contrast() throws {
    for (what, foreground, background) in StyleSheet.textColourPairs {
      let ratio = try Self.contrast(foreground, background)
      #expect(ratio >= 4.5, "\(what): \(foreground) on \(background) is \(ratio):1")
    }
    // And the style sheet uses the colours checked.
    let css = StyleSheet.css
    for badge in StyleSheet.badges {
      #expect(css.contains(".\(badge.className) { color: \(badge.foreground); background: \(badge.background);"))
    }
  }

  @Test("prints on A4 in black and white: badges lose their fill and keep a border")
  func printStyles() throws {
    let css = StyleSheet.css
    #expect(css.contains("@page { size: A4;"))
    let print = try #require(css.range(of: "@media print {")).upperBound
    let printRules = String(css[print...])
    for badge in StyleSheet.badges {
      #expect(
        printRules.contains(".\(badge.className) { color: #000; background: none; border: \(badge.printBorder) #000; }")
      )
      #expect(!printRules.contains(badge.background))
    }
    // The print borders differ, so that badges differ without colour.
    #expect(Set(StyleSheet.badges.map(\.printBorder)).count == StyleSheet.badges.count)
    #expect(printRules.contains("thead { display: table-header-group; }"))
  }

  @Test("reads on a phone: a readable width, and tables that scroll sideways")
  func phoneLayout() throws {
    let html = ReviewDocument.html(try SampleReview.october())
    #expect(html.contains("main { max-width: 60rem;"))
    #expect(html.contains(".table-wrap { overflow-x: auto;"))
    #expect(
      html.components(separatedBy: "<div class=\"table-wrap\"").count == html.components(separatedBy: "<table").count)
  }

  @Test("escapes every piece of text from the data")
  func escapesData() throws {
    // Given a review in which every text from the data is a hostile payload
    let html = ReviewDocument.html(try SampleReview.hostile(Self.payload))

    // Then no tag from the data survives, and the payload shows as text wherever it was
    #expect(!html.contains("<script"))
    #expect(!html.contains("<img"))
    #expect(!html.contains("\"x\""))
    #expect(!html.contains("'y'"))
    #expect(html.contains("&lt;script&gt;"))
    // Each place that shows the payload shows it escaped, whole: the objective's id and title;
    // a change's element id, title, two statuses and two notes; an update's element id,
    // title, author, status and two paragraphs; three milestone tables of id, title, element
    // id and title; an element of concern's id, title, status and lead; two tallies; a
    // meeting's title, two attendees and a decision; an action's id, text and owner.
    #expect(html.components(separatedBy: Self.escapedPayload).count - 1 == 2 + 6 + 6 + 3 * 4 + 4 + 2 + 4 + 3)
  }

  @Test("a narrative holding a script shows it as text")
  func scriptInNarrative() throws {
    var review = try SampleReview.october()
    review.objectives[0].updates[0].update.narrative = "Before <script>alert('x')</script> after"
    let html = ReviewDocument.html(review)
    #expect(html.contains("<p>Before &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; after</p>"))
    #expect(!html.contains("<script"))
  }

  @Test(
    "escapes the five characters that matter in HTML",
    arguments: [
      ("<b>", "&lt;b&gt;"), ("a & b", "a &amp; b"), ("\"q\"", "&quot;q&quot;"), ("it's", "it&#39;s"),
      ("&amp;", "&amp;amp;"), ("£1m – Barnardo’s", "£1m – Barnardo’s"),
      ("nul\u{0}bell\u{7}", "nul\u{FFFD}bell\u{FFFD}"), ("del\u{7F}", "del\u{FFFD}"),
      ("tab\tline\r\nend", "tab\tline\r\nend"), ("Ysgol <Gymraeg> ’ 👩‍👩‍👧 é", "Ysgol &lt;Gymraeg&gt; ’ 👩‍👩‍👧 é"),
      ("", ""),
    ])
  func escaping(text: String, expected: String) {
    #expect(HTMLEscaping.escape(text) == expected)
  }

  /// The WCAG 2.2 contrast ratio of two `#rrggbb` colours.
  static func contrast(_ first: String, _ second: String) throws -> Double {
    func luminance(_ hex: String) throws -> Double {
      let digits = hex.dropFirst()
      let value = try #require(
        hex.first == "#" && digits.count == 6 ? Int(digits, radix: 16) : nil, "not #rrggbb: \(hex)")
      let channels = [(value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF].map { channel -> Double in
        let c = Double(channel) / 255
        return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
      }
      return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    }
    let (a, b) = (try luminance(first), try luminance(second))
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)
  }
}
