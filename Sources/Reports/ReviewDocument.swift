import Model

/// Renders a monthly governance review as a document.
public enum ReviewDocument {
  /// The review as Markdown.
  public static func markdown(_ review: MonthlyReview) -> String {
    "# Monthly governance review: \(review.month.title)\n"
  }

  /// The review as one self-contained HTML file.
  public static func html(_ review: MonthlyReview) -> String {
    "<!doctype html><title>Monthly governance review: \(review.month.title)</title>"
  }
}
