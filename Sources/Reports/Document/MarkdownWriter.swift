import Model

/// Writes a document's blocks as GitHub-flavoured Markdown, with no raw HTML.
///
/// Tables are GFM pipe tables whose cells stay on one line; narratives keep their
/// paragraphs (blank lines) and line breaks (a backslash at the end of a line); a figure is
/// left out, since the text before it gives its values.
///
/// Checked against GitHub's own renderer (cmark-gfm) while written: data never adds an
/// element beyond those the writer makes, and every table row keeps its header's columns.
struct MarkdownWriter {
  /// The whole document: the title as the one level-1 heading, then the blocks.
  func document(_ document: Document) -> String {
    let title = "# " + MarkdownEscaping.lineStart(MarkdownEscaping.inline(document.title))
    return ([title] + document.blocks.compactMap { write($0, depth: 2) }).joined(separator: "\n\n") + "\n"
  }

  /// One block, or `nil` for one that Markdown does not show.
  private func write(_ block: Block, depth: Int) -> String? {
    switch block {
    case .paragraph(let content), .subtitle(let content), .byline(let content):
      return MarkdownEscaping.lineStart(inline(content))
    case .note(let content):
      return "*" + MarkdownEscaping.lineStart(inline(content)) + "*"
    case .notice(let content):
      return "> " + MarkdownEscaping.lineStart(inline(content))
    case .list(let items):
      return items.map(bullet).joined(separator: "\n")
    case .numbered(let number, let content, let items):
      // "1\." keeps CommonMark from renumbering the paragraphs as an ordered list; the bullets,
      // indented, belong to the paragraph.
      let lines = ["\(number)\\. " + inline(content)] + (items.isEmpty ? [] : [""] + items.map { "   " + bullet($0) })
      return lines.joined(separator: "\n")
    case .table(let table):
      return write(table)
    case .narrative(let text):
      return FreeText.paragraphs(text).map { lines in
        // A backslash before the line end is a hard line break in CommonMark; the space before
        // it keeps GitHub's autolinking from taking it into a web address ending the line.
        lines.map { MarkdownEscaping.lineStart(MarkdownEscaping.inline($0)) }.joined(separator: " \\\n")
      }.joined(separator: "\n\n")
    case .figure:
      return nil
    case .section(let title, let blocks):
      let heading = String(repeating: "#", count: min(depth, 6)) + " " + MarkdownEscaping.lineStart(inline(title))
      return ([heading] + blocks.compactMap { write($0, depth: depth + 1) }).joined(separator: "\n\n")
    }
  }

  /// A list item on one line.
  private func bullet(_ item: [Inline]) -> String { "- " + MarkdownEscaping.lineStart(inline(item)) }

  private func write(_ table: Block.Table) -> String {
    func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
    var lines = table.caption.map { [MarkdownEscaping.lineStart(MarkdownEscaping.inline($0)) + ":", ""] } ?? []
    lines += [
      row(table.columns.map { MarkdownEscaping.inline($0.title) }),
      row(table.columns.map { $0.isNumeric ? "---:" : "---" }),
    ]
    lines += table.rows.map { cells in row(cells.map(inline)) }
    return lines.joined(separator: "\n")
  }

  /// Inline content on one line, every piece of data escaped.
  private func inline(_ content: [Inline]) -> String {
    content.map { piece in
      switch piece {
      case .text(let text): MarkdownEscaping.inline(text)
      case .strong(let text): "**" + MarkdownEscaping.inline(text) + "**"
      case .marker(let text): "**" + text + "**"
      case .date(let date): date.longForm
      case .standing(let standing): MarkdownEscaping.inline(StandingWording.standing(standing))
      case .rag(let rag, let overridden):
        StandingWording.rag(rag) + (overridden ? " (\(StandingWording.setByHand))" : "")
      }
    }.joined()
  }
}
