import Model

/// The one inline style sheet of every HTML document (the review and the Panel report), and
/// the colours it uses.
///
/// A document must work with no other file: on a laptop, on a phone (a readable measure,
/// tables that scroll sideways instead of squashing, no word wider than the page), and
/// printed on A4 in black and white.
/// A RAG is always a word in a badge; colour only repeats it. Every text colour meets
/// WCAG 2.2 AA contrast (4.5:1) on its background, and in print the badges lose their fill
/// and are told apart by their word and border style alone.
enum StyleSheet {
  /// Text on the page.
  static let text = "#0b0c0c"
  /// The page.
  static let page = "#ffffff"
  /// Secondary text (who wrote an update, a figure's caption), on the page.
  static let muted = "#505a5f"
  /// The still-running notice's fill.
  static let noticeFill = "#fff4cc"

  /// How one RAG badge looks on screen and in print.
  struct Badge: Sendable {
    /// The CSS class after `rag`, e.g. `rag-red`.
    let className: String
    let foreground: String
    let background: String
    let border: String
    /// Border style in print, so badges differ without colour or fill.
    let printBorder: String
  }

  static let red = Badge(
    className: "rag-red", foreground: "#ffffff", background: "#a8201a", border: "#a8201a", printBorder: "3px double")
  static let amber = Badge(
    className: "rag-amber", foreground: text, background: "#ffbf47", border: "#8a5a00", printBorder: "2px dashed")
  static let green = Badge(
    className: "rag-green", foreground: "#ffffff", background: "#00703c", border: "#00703c", printBorder: "1px solid")
  static let none = Badge(
    className: "rag-none", foreground: text, background: "#f3f2f1", border: muted, printBorder: "1px dotted")

  /// Every badge, for the style sheet and for checking contrast.
  static let badges = [red, amber, green, none]

  /// The badge for a rating; `nil` is "no rating".
  static func badge(for rag: RAG?) -> Badge {
    switch rag {
    case .red: red
    case .amber: amber
    case .green: green
    case nil: none
    }
  }

  /// Every text colour the sheet puts on a background, as (what, foreground, background).
  static var textColourPairs: [(String, String, String)] {
    [("body text", text, page), ("muted text", muted, page), ("notice", text, noticeFill)]
      + badges.map { ("badge \($0.className)", $0.foreground, $0.background) }
  }

  /// The CSS for the `<style>` element. It names no URL, font file or image.
  static var css: String {
    let badgeRules = badges.map { badge in
      ".\(badge.className) { color: \(badge.foreground); background: \(badge.background); "
        + "border-color: \(badge.border); }"
    }.joined(separator: "\n")
    let printBadgeRules = badges.map { badge in
      "  .\(badge.className) { color: #000; background: none; border: \(badge.printBorder) #000; }"
    }.joined(separator: "\n")
    return """
      :root { color-scheme: light; }
      *, *::before, *::after { box-sizing: border-box; }
      html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
      body {
        margin: 0; color: \(text); background: \(page); font-size: 1rem; line-height: 1.5;
        font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
      }
      main { max-width: 60rem; margin: 0 auto; padding: 1rem; overflow-wrap: anywhere; }
      h1 { font-size: 1.75rem; line-height: 1.25; margin: 0.5rem 0; }
      h2 {
        font-size: 1.375rem; line-height: 1.3; margin: 2.5rem 0 0.75rem; padding-top: 0.5rem;
        border-top: 2px solid \(text);
      }
      h3 { font-size: 1.125rem; margin: 1.75rem 0 0.5rem; }
      h4 { font-size: 1rem; margin: 1.25rem 0 0.25rem; }
      p, ul { margin: 0.5rem 0; }
      .as-at { font-size: 1.125rem; }
      .notice { margin: 1rem 0; padding: 0.75rem 1rem; border-left: 6px solid \(text); background: \(noticeFill); }
      .meta, .lead { color: \(muted); }
      .narrative { max-width: 42rem; }
      .para { display: flex; gap: 0.6rem; max-width: 46rem; margin: 0.6rem 0; }
      .para .num { flex: 0 0 2.2rem; font-weight: 700; }
      .para .body { flex: 1 1 auto; min-width: 0; }
      .para p { margin: 0; }
      .para ul { margin: 0.3rem 0 0; padding-left: 1.2rem; }
      time { white-space: nowrap; }
      .table-wrap { overflow-x: auto; margin: 0.5rem 0 1rem; }
      .table-wrap:focus-visible { outline: 3px solid \(text); outline-offset: 2px; }
      table { border-collapse: collapse; width: 100%; font-size: 0.9375rem; }
      /* Wide tables scroll on a phone rather than squash, yet fit the width of an A4 page's text
         (174 mm, about 658 px) on screen. */
      table.wide { min-width: 36rem; }
      caption { text-align: left; font-weight: 700; padding-bottom: 0.3rem; }
      th, td { padding: 0.375rem 0.5rem; text-align: left; vertical-align: top; border-bottom: 1px solid #b1b4b6; }
      thead th { border-bottom: 2px solid \(text); }
      .num { text-align: right; font-variant-numeric: tabular-nums; }
      /* A column heading or a number is never broken over lines (main's overflow-wrap would let
         a narrow column fall to one character a line); a column of numbers is as narrow as they
         are, and the text columns take the rest. */
      th, td.num { overflow-wrap: normal; white-space: nowrap; }
      td.num { width: 1%; }
      figure { margin: 0.5rem 0 1.25rem 2.8rem; }
      svg.chart { display: block; width: 100%; max-width: 560px; height: auto; font-family: Arial, sans-serif; }
      figcaption { font-size: 0.875rem; color: \(muted); }
      .rag {
        display: inline-block; padding: 0 0.375rem; border: 2px solid; border-radius: 3px;
        font-size: 0.8125rem; font-weight: 700; letter-spacing: 0.03em; line-height: 1.4; white-space: nowrap;
      }
      \(badgeRules)
      @media (max-width: 30rem) {
        main { padding: 0.75rem; }
        h1 { font-size: 1.5rem; }
      }
      @page { size: A4; margin: 18mm; }
      @media print {
        html { print-color-adjust: economy; -webkit-print-color-adjust: economy; }
        body { font-size: 10.5pt; line-height: 1.4; color: #000; background: #fff; }
        main { max-width: none; padding: 0; }
        h2 { margin-top: 1.5rem; border-top-color: #000; }
        h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
        .notice { background: none; border: 1pt solid #000; border-left-width: 4pt; }
        .meta, .lead, figcaption { color: #000; }
        .para, figure { break-inside: avoid; page-break-inside: avoid; }
        .table-wrap { overflow: visible; }
        table, table.wide { min-width: 0; font-size: 9.5pt; }
        thead { display: table-header-group; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        th, td { border-bottom-color: #000; }
      \(printBadgeRules)
      }
      """
  }
}
