/// A block of a document (a paragraph, a list, a table, a section), before it is written as
/// Markdown or HTML.
///
/// A layout such as ``ReviewLayout`` decides what the blocks say; ``MarkdownWriter`` and
/// ``HTMLWriter`` decide only how each block is spelled and escaped. Sections nest: a
/// document's top-level sections are level 2 (`##`, `<h2>`), their parts level 3, and so on,
/// so a writer derives every heading level from the nesting alone.
enum Block: Sendable {
  /// A paragraph of one-line inline text.
  case paragraph([Inline])
  /// The line under the title that says what the document describes.
  case subtitle([Inline])
  /// Who wrote something and when: shown quieter than the text it introduces.
  case byline([Inline])
  /// A paragraph to be noticed, such as the warning that the month is still running.
  case notice([Inline])
  /// A bulleted list, one line per item.
  case list([[Inline]])
  case table(Table)
  /// Free text from the data that keeps its paragraphs (blank lines) and line breaks.
  case narrative(String)
  /// A titled section holding further blocks.
  case section(title: [Inline], blocks: [Block])

  /// A table with a header row; every cell is one line.
  struct Table: Sendable {
    var columns: [Column]
    /// One entry per row, one inline run per column.
    var rows: [[[Inline]]]
  }

  /// A table column's heading and alignment.
  struct Column: Sendable {
    var title: String
    /// Counts are right-aligned so that digits line up.
    var isNumeric: Bool

    init(_ title: String, numeric: Bool = false) {
      self.title = title
      self.isNumeric = numeric
    }
  }
}
