import Model

/// Writes a document's blocks as one self-contained HTML file.
///
/// The file links to nothing: its only style is the inline sheet of ``StyleSheet``, its
/// charts are inline SVG, and it has no script, image or font. Sections become `<section>`
/// elements labelled by their heading (`<h2>` for the document's parts, `<h3>` for their
/// sub-parts); each table sits in a scrollable region labelled by the heading above it, so
/// that a wide table scrolls sideways on a phone and can be scrolled from the keyboard. A
/// numbered paragraph keeps its number in its own column and an id (`p12`) to link to. Every
/// piece of data is escaped by ``HTMLEscaping``.
struct HTMLWriter {
  /// Headings written so far, to give each one a unique id.
  private var headings = 0

  /// The whole document.
  mutating func document(_ document: Document) -> String {
    let title = HTMLEscaping.escape(document.title)
    var lines = [
      "<!doctype html>",
      "<html lang=\"en-GB\">",
      "<head>",
      "<meta charset=\"utf-8\">",
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
      "<title>\(title)</title>",
      "<style>",
      StyleSheet.css,
      "</style>",
      "</head>",
      "<body>",
      "<main>",
      "<h1>\(title)</h1>",
    ]
    if !document.blocks.isEmpty { lines.append(body(document)) }
    lines += ["</main>", "</body>", "</html>"]
    return lines.joined(separator: "\n") + "\n"
  }

  /// The title and blocks, for a page of its own shell (``DocumentHTML``).
  mutating func fragment(_ document: Document) -> String {
    "<h1>\(HTMLEscaping.escape(document.title))</h1>\n" + body(document) + "\n"
  }

  private mutating func body(_ document: Document) -> String {
    document.blocks.map { write($0, depth: 2, label: nil) }.joined(separator: "\n")
  }

  /// One block; `label` is the id of the heading of the section it is in.
  private mutating func write(_ block: Block, depth: Int, label: String?) -> String {
    switch block {
    case .paragraph(let content):
      return "<p>\(inline(content))</p>"
    case .subtitle(let content):
      return "<p class=\"as-at\">\(inline(content))</p>"
    case .byline(let content):
      return "<p class=\"meta\">\(inline(content))</p>"
    case .note(let content):
      return "<p class=\"lead\">\(inline(content))</p>"
    case .notice(let content):
      return "<p class=\"notice\" role=\"note\">\(inline(content))</p>"
    case .list(let items):
      return (["<ul>"] + items.map(listItem) + ["</ul>"]).joined(separator: "\n")
    case .numbered(let number, let content, let items):
      let list = items.isEmpty ? "" : "<ul>" + items.map(listItem).joined() + "</ul>"
      return "<div class=\"para\" id=\"p\(number)\"><span class=\"num\">\(number).</span>"
        + "<div class=\"body\"><p>\(inline(content))</p>\(list)</div></div>"
    case .table(let table):
      return write(table, label: label)
    case .narrative(let text):
      let paragraphs = FreeText.paragraphs(text).map { lines in
        "<p>" + lines.map(HTMLEscaping.escape).joined(separator: "<br>\n") + "</p>"
      }
      return (["<div class=\"narrative\">"] + paragraphs + ["</div>"]).joined(separator: "\n")
    case .figure(let chart):
      return "<figure>\(chart.svg)<figcaption>\(HTMLEscaping.escape(chart.title)) "
        + "(\(HTMLEscaping.escape(chart.key))).</figcaption></figure>"
    case .section(let title, let blocks):
      headings += 1
      let id = "part-\(headings)"
      let level = min(depth, 6)
      var lines = ["<section aria-labelledby=\"\(id)\">", "<h\(level) id=\"\(id)\">\(inline(title))</h\(level)>"]
      for block in blocks { lines.append(write(block, depth: depth + 1, label: id)) }
      lines.append("</section>")
      return lines.joined(separator: "\n")
    }
  }

  private func listItem(_ item: [Inline]) -> String { "<li>\(inline(item))</li>" }

  private func write(_ table: Block.Table, label: String?) -> String {
    let region = label.map { " role=\"region\" aria-labelledby=\"\($0)\" tabindex=\"0\"" } ?? ""
    let wide = table.columns.count >= 4 ? " class=\"wide\"" : ""
    let numeric = table.columns.map(\.isNumeric)
    func cellClass(_ column: Int) -> String {
      numeric.indices.contains(column) && numeric[column] ? " class=\"num\"" : ""
    }
    var lines = ["<div class=\"table-wrap\"\(region)>", "<table\(wide)>"]
    if let caption = table.caption { lines.append("<caption>\(HTMLEscaping.escape(caption))</caption>") }
    lines.append("<thead>")
    let header = table.columns.enumerated().map { column, heading in
      "<th scope=\"col\"\(cellClass(column))>\(HTMLEscaping.escape(heading.title))</th>"
    }
    lines.append("<tr>" + header.joined() + "</tr>")
    lines += ["</thead>", "<tbody>"]
    for row in table.rows {
      let cells = row.enumerated().map { column, content in "<td\(cellClass(column))>\(inline(content))</td>" }
      lines.append("<tr>" + cells.joined() + "</tr>")
    }
    lines += ["</tbody>", "</table>", "</div>"]
    return lines.joined(separator: "\n")
  }

  /// Inline content, every piece of data escaped.
  private func inline(_ content: [Inline]) -> String {
    content.map { piece in
      switch piece {
      case .text(let text): HTMLEscaping.escape(text)
      case .strong(let text): "<strong>\(HTMLEscaping.escape(text))</strong>"
      case .marker(let text): "<strong class=\"marker\">\(HTMLEscaping.escape(text))</strong>"
      case .date(let date): "<time datetime=\"\(date.description)\">\(date.longForm)</time>"
      case .standing(let standing):
        HTMLEscaping.escape(StandingWording.status(standing.status)) + " "
          + badge(standing.rag, overridden: standing.ragOverridden)
      case .rag(let rag, let overridden): badge(rag, overridden: overridden)
      }
    }.joined()
  }

  /// A RAG as a worded badge: the word carries the meaning, the colour repeats it.
  private func badge(_ rag: RAG?, overridden: Bool) -> String { Self.badge(rag, overridden: overridden) }

  static func badge(_ rag: RAG?, overridden: Bool) -> String {
    let style = StyleSheet.badge(for: rag)
    let word = rag?.label ?? StandingWording.noRatingBadge
    let badge = "<span class=\"rag \(style.className)\">\(word)</span>"
    return overridden ? badge + " (\(StandingWording.setByHand))" : badge
  }
}
