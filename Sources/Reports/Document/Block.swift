/// A block of a document (a paragraph, a list, a table, a figure, a section), before it is
/// written as Markdown or HTML.
///
/// Both documents are laid out into these blocks, the monthly review by ``ReviewLayout`` and
/// the Panel report by ``PanelLayout``; ``MarkdownWriter`` and ``HTMLWriter`` decide only how
/// each block is spelled and escaped. Sections nest: a document's top-level sections are
/// level 2 (`##`, `<h2>`), their parts level 3, and so on, so a writer derives every heading
/// level from the nesting alone.
enum Block: Sendable {
  /// A paragraph of one-line inline text.
  case paragraph([Inline])
  /// The line under the title that says what the document describes.
  case subtitle([Inline])
  /// Who wrote something and when: shown quieter than the text it introduces.
  case byline([Inline])
  /// A line set apart from the numbered paragraphs around it, such as the period a report
  /// covers: in italics in Markdown, quieter in HTML.
  case note([Inline])
  /// A paragraph to be noticed, such as the warning that the month is still running.
  case notice([Inline])
  /// A bulleted list, one line per item.
  case list([[Inline]])
  /// A paragraph with its number in the document (numbers run through the whole document,
  /// so that the Panel can cite one), and bullet points under it, if any.
  case numbered(Int, [Inline], items: [[Inline]])
  case table(Table)
  /// Free text from the data that keeps its paragraphs (blank lines) and line breaks.
  case narrative(String)
  /// A chart, drawn in HTML only: the text before it gives the same values in words, which is
  /// all that Markdown shows.
  case figure(LineChart)
  /// A titled section holding further blocks.
  case section(title: [Inline], blocks: [Block])

  /// A table with a header row; every cell is one line.
  struct Table: Sendable {
    var columns: [Column]
    /// One entry per row, one inline run per column.
    var rows: [[[Inline]]]
    /// What the table shows, where the heading above it does not say: a caption in HTML, a
    /// line before the table in Markdown.
    var caption: String?
  }

  /// A table column's heading and alignment.
  struct Column: Sendable {
    var title: String
    /// Counts are right-aligned so that digits line up, and never broken over lines.
    var isNumeric: Bool

    init(_ title: String, numeric: Bool = false) {
      self.title = title
      self.isNumeric = numeric
    }
  }
}
