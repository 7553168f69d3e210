public import Model

/// The pieces of the documents' HTML that a page embedding them needs: the review and the Panel
/// report without their page shell, the style sheet they use, and the worded RAG badge.
///
/// The portal serves the same documents as `assure review` and `assure report panel` write,
/// inside its own pages: one layout, one style sheet and one way of writing a RAG everywhere.
public enum DocumentHTML {
  /// The style sheet of every document, to serve as a file (a page with a strict
  /// Content-Security-Policy may not carry it inline).
  public static var styleSheet: String { StyleSheet.css }

  /// The review's title and blocks, as the body of a page (no `html`, `head` or `main`).
  public static func review(_ review: MonthlyReview) -> String {
    var writer = HTMLWriter()
    return writer.fragment(ReviewLayout(review).document)
  }

  /// The Panel report's title and blocks, as the body of a page.
  public static func panelReport(_ inputs: PanelInputs) -> String {
    var writer = HTMLWriter()
    return writer.fragment(PanelLayout(inputs).document)
  }

  /// A RAG as the documents write it: the word in a badge, the colour repeating it; `nil` is
  /// "NO RATING".
  public static func badge(_ rag: RAG?) -> String {
    HTMLWriter.badge(rag, overridden: false)
  }

  /// The word of a RAG badge (`RED`, `AMBER`, `GREEN`, `NO RATING`).
  public static func word(_ rag: RAG?) -> String {
    rag?.label ?? StandingWording.noRatingBadge
  }

  /// A status as the documents word it ("on track").
  public static func status(_ status: ElementStatus) -> String {
    StandingWording.status(status)
  }

  /// An indicator's value as the Panel report writes it ("72.5%", "1,204").
  public static func indicatorValue(_ value: Double, _ unit: IndicatorUnit) -> String {
    PanelWording.value(value, unit)
  }

  /// A day as the documents write it ("3 October 2022").
  public static func longDate(_ day: LocalDate) -> String { day.longForm }

  /// Text escaped for HTML content and attribute values.
  public static func escape(_ text: String) -> String { HTMLEscaping.escape(text) }
}
