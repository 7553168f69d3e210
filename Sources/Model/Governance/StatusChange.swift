public import Foundation

/// One entry of a plan element's status history: what its status and RAG override became,
/// from which day, and why. The history is append-only; the review reads it to say what
/// changed in a month.
public struct StatusChange: Sendable, Hashable, Codable {
  public var elementID: String
  /// Day from which the new status holds.
  public var effectiveOn: LocalDate
  public var status: ElementStatus
  public var ragOverride: RAGOverride?
  /// Why the status changed (free text; may be empty).
  public var note: String
  public var author: String
  /// When the server stored it; among changes effective the same day, the later one wins.
  public var recordedAt: Date

  public init(
    elementID: String, effectiveOn: LocalDate, status: ElementStatus, ragOverride: RAGOverride? = nil,
    note: String = "", author: String, recordedAt: Date
  ) {
    self.elementID = elementID
    self.effectiveOn = effectiveOn
    self.status = status
    self.ragOverride = ragOverride
    self.note = note
    self.author = author
    self.recordedAt = recordedAt
  }
}
