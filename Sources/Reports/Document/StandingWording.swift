import Model

/// How a plan element's status and RAG rating are written, in every document and both forms:
/// a rating is always a word, never colour alone.
///
/// The writers spell ``Inline/standing(_:)`` and ``Inline/rag(_:overridden:)`` with these
/// words, and a layout that writes a status in its own text uses the same ones.
enum StandingWording {
  /// Shown for an element with no RAG rating (paused, or not started before its start date).
  static let noRating = "no rating"
  /// The same, as the text of an HTML badge.
  static let noRatingBadge = "NO RATING"
  /// Added to a RAG that the governance team set by hand rather than derived.
  static let setByHand = "set by hand"

  /// A status as the plan writes it, e.g. "on-track".
  static func status(_ status: ElementStatus) -> String { status.rawValue }

  /// "GREEN", "AMBER", "RED" or "no rating".
  static func rag(_ rag: RAG?) -> String { rag?.label ?? noRating }

  /// A status and its RAG in words, e.g. "on-track (GREEN)" or "on-track (RED, set by hand)".
  static func standing(_ standing: Standing) -> String {
    let rag = rag(standing.rag)
    return "\(status(standing.status)) (\(standing.ragOverridden ? "\(rag), \(setByHand)" : rag))"
  }
}
