public import Model

/// Renders the quarterly report to the Police and Crime Panel from ``PanelInputs``: as
/// Markdown, or as one self-contained HTML file with small charts of the flagged indicators
/// that prints on A4 in black and white.
///
/// Every figure comes from a record in the inputs; paragraph numbers run through the
/// document. See Docs/PanelReport.md for how each section is built.
///
/// ```swift
/// let inputs = try await oversight.panelInputs(from: from, to: to)
/// try PanelDocument.html(inputs).write(to: url, atomically: true, encoding: .utf8)
/// ```
public enum PanelDocument {
  /// The report as GitHub-flavoured Markdown, every piece of data escaped.
  public static func markdown(_ inputs: PanelInputs) -> String {
    let layout = PanelLayout(inputs)
    var parts = ["# " + MarkdownEscaping.lineStart(MarkdownEscaping.inline(layout.title))]
    for block in layout.blocks {
      switch block {
      case .heading(let text, let level):
        parts.append(String(repeating: "#", count: level) + " " + MarkdownEscaping.lineStart(MarkdownEscaping.inline(text)))
      case .numbered(let number, let text, let items):
        // "1\." keeps CommonMark from renumbering the paragraphs as an ordered list.
        var lines = ["\(number)\\. " + MarkdownEscaping.inline(text)]
        if !items.isEmpty { lines.append("") }
        lines += items.map { "   - " + MarkdownEscaping.lineStart(MarkdownEscaping.inline($0)) }
        parts.append(lines.joined(separator: "\n"))
      case .plain(let text):
        parts.append("*" + MarkdownEscaping.inline(text) + "*")
      case .table(let caption, let columns, let rows, let numeric):
        var lines = [MarkdownEscaping.lineStart(MarkdownEscaping.inline(caption)) + ":", ""]
        lines.append("| " + columns.map(MarkdownEscaping.inline).joined(separator: " | ") + " |")
        lines.append("| " + columns.indices.map { numeric.contains($0) ? "---:" : "---" }.joined(separator: " | ") + " |")
        lines += rows.map { "| " + $0.map(MarkdownEscaping.inline).joined(separator: " | ") + " |" }
        parts.append(lines.joined(separator: "\n"))
      case .chart:
        continue  // the values are in the paragraph above
      }
    }
    return parts.joined(separator: "\n\n") + "\n"
  }

  /// The report as one self-contained HTML file: no links to styles, scripts, fonts or images.
  public static func html(_ inputs: PanelInputs) -> String {
    let layout = PanelLayout(inputs)
    let title = HTMLEscaping.escape(layout.title)
    var lines = [
      "<!doctype html>", "<html lang=\"en-GB\">", "<head>", "<meta charset=\"utf-8\">",
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", "<title>\(title)</title>",
      "<style>", styleSheet, "</style>", "</head>", "<body>", "<main>", "<h1>\(title)</h1>",
    ]
    for block in layout.blocks {
      switch block {
      case .heading(let text, let level):
        lines.append("<h\(level)>\(HTMLEscaping.escape(text))</h\(level)>")
      case .numbered(let number, let text, let items):
        var html = "<div class=\"para\" id=\"p\(number)\"><span class=\"num\">\(number).</span><div class=\"body\"><p>\(HTMLEscaping.escape(text))</p>"
        if !items.isEmpty { html += "<ul>" + items.map { "<li>\(HTMLEscaping.escape($0))</li>" }.joined() + "</ul>" }
        lines.append(html + "</div></div>")
      case .plain(let text):
        lines.append("<p class=\"lead\">\(HTMLEscaping.escape(text))</p>")
      case .table(let caption, let columns, let rows, let numeric):
        var html = "<table><caption>\(HTMLEscaping.escape(caption))</caption><thead><tr>"
        html += columns.map { "<th scope=\"col\">\(HTMLEscaping.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
          html += "<tr>" + row.enumerated().map { "<td\(numeric.contains($0.offset) ? " class=\"n\"" : "")>\(HTMLEscaping.escape($0.element))</td>" }.joined() + "</tr>"
        }
        lines.append(html + "</tbody></table>")
      case .chart(let chart):
        var key = ["solid line and squares: value by period"]
        if chart.target != nil { key.append("dashed line: target") }
        if chart.comparator != nil { key.append("dotted line: \(chart.comparatorLabel)") }
        lines.append(
          "<figure>\(chart.svg)<figcaption>\(HTMLEscaping.escape(chart.title)) (\(HTMLEscaping.escape(key.joined(separator: "; ")))).</figcaption></figure>")
      }
    }
    lines += ["</main>", "</body>", "</html>"]
    return lines.joined(separator: "\n") + "\n"
  }

  /// How many numbered paragraphs the report has.
  public static func paragraphCount(_ inputs: PanelInputs) -> Int { PanelLayout(inputs).paragraphCount }

  /// The inline style sheet: a readable measure on screen, A4 with 18 mm margins in print,
  /// black on white; nothing is wider than the page.
  static let styleSheet = """
    *, *::before, *::after { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0; color: #0b0c0c; background: #fff; font: 16px/1.5 "Helvetica Neue", Arial, sans-serif; }
    main { max-width: 46rem; margin: 0 auto; padding: 1rem; overflow-wrap: anywhere; }
    h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .5rem; }
    h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #0b0c0c; padding-bottom: .2rem; }
    h3 { font-size: 1.1rem; margin: 1.25rem 0 .4rem; }
    .lead { color: #505a5f; margin-top: 0; }
    .para { display: flex; gap: .6rem; margin: .6rem 0; }
    .para .num { flex: 0 0 2.2rem; font-weight: bold; text-align: right; }
    .para .body { flex: 1 1 auto; min-width: 0; }
    .para p { margin: 0; }
    .para ul { margin: .3rem 0 0; padding-left: 1.2rem; }
    table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .95rem; }
    caption { text-align: left; font-weight: bold; padding-bottom: .3rem; }
    th, td { border: 1px solid #0b0c0c; padding: .25rem .45rem; text-align: left; }
    td.n { text-align: right; font-variant-numeric: tabular-nums; }
    /* A number or a heading is never broken (main's overflow-wrap would let a narrow column
       fall to one character a line); the long text columns take the rest. */
    th, td.n { overflow-wrap: normal; word-break: normal; white-space: nowrap; width: 1%; }
    figure { margin: .5rem 0 1.2rem 2.8rem; }
    svg.chart { display: block; width: 100%; max-width: 560px; height: auto; font-family: Arial, sans-serif; }
    figcaption { font-size: .85rem; color: #505a5f; }
    @page { size: A4; margin: 18mm; }
    @media print {
      body { font-size: 11pt; }
      main { max-width: none; padding: 0; }
      h2, h3 { break-after: avoid; }
      .para, figure, table { break-inside: avoid; }
      .lead, figcaption { color: #000; }
    }
    """
}
