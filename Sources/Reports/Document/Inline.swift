import Model

/// A piece of running text in a document, before it is written as Markdown or HTML.
///
/// The layouts (``ReviewLayout``, ``PanelLayout``) decide what a document says; the writers
/// (``MarkdownWriter``, ``HTMLWriter``) decide only how each piece is spelled and escaped.
/// Text taken from the data is always a ``text(_:)`` or ``strong(_:)`` and is escaped by the
/// writer; only ``marker(_:)`` carries the document's own fixed words unescaped in Markdown.
enum Inline: Hashable, Sendable {
  /// Plain text, from the document or the data; kept to one line.
  case text(String)
  /// Text to stand out, e.g. an overdue state.
  case strong(String)
  /// A fixed marker of the document's own, such as "[for Panel report]": shown strong and,
  /// in Markdown, written as is (it must contain nothing the data could have put there).
  case marker(String)
  /// A day, written "31 October 2022".
  case date(LocalDate)
  /// A status with its RAG, e.g. "on-track (GREEN)".
  case standing(Standing)
  /// A RAG rating alone; `nil` is "no rating". `overridden` adds "(set by hand)".
  case rag(RAG?, overridden: Bool)
}

extension [Inline] {
  /// A run made of one piece of plain text.
  static func plain(_ text: String) -> [Inline] { [.text(text)] }
}
