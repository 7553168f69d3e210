public import Model

/// Renders a monthly governance review as a document for the PCC's monthly governance
/// meeting: as Markdown, to read or paste anywhere, or as one self-contained HTML file, to
/// open in a browser, send by email or print on A4.
///
/// Both forms carry the same content in the same order: the title and the day the plan is
/// described as at (with a warning while the month is still running), a summary of counts,
/// one section per objective (status changes, progress updates, milestones, elements at risk
/// or off track, linked engagements), the month's engagements, its meetings, and the open
/// actions. A RAG rating is always written as a word.
///
/// ```swift
/// let review = try MonthlyReview.build(month: month, today: .today(), inputs: inputs)
/// try ReviewDocument.html(review).write(to: url, atomically: true, encoding: .utf8)
/// ```
public enum ReviewDocument {
  /// The review as GitHub-flavoured Markdown, with no raw HTML.
  ///
  /// Every piece of text from the data is escaped, so that it shows as written and cannot
  /// add a heading, a link, an image, HTML or a table column.
  public static func markdown(_ review: MonthlyReview) -> String {
    ReviewLayout(review).document.markdown
  }

  /// The review as one self-contained HTML file: no links to styles, scripts, fonts or
  /// images, an inline style sheet that reads on a phone and prints on A4 in black and white.
  ///
  /// Every piece of text from the data is escaped.
  public static func html(_ review: MonthlyReview) -> String {
    ReviewLayout(review).document.html
  }
}
