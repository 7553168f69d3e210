/// A document laid out as a title and blocks, ready to be written in either form.
///
/// The review and the Panel report are each laid out into one (``ReviewLayout/document``,
/// ``PanelLayout/document``), so that both forms of both documents come from the same
/// writers and the same style sheet.
struct Document: Sendable {
  /// The one level-1 heading, and the HTML page's title.
  var title: String
  /// What follows the title, in order.
  var blocks: [Block]

  /// The document as GitHub-flavoured Markdown, with no raw HTML; see ``MarkdownWriter``.
  var markdown: String { MarkdownWriter().document(self) }

  /// The document as one self-contained HTML file; see ``HTMLWriter``.
  var html: String {
    var writer = HTMLWriter()
    return writer.document(self)
  }
}
