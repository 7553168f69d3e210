public import Foundation

/// A dated account of progress on a plan element, as reported to the governance meeting.
public struct ProgressUpdate: Sendable, Hashable, Codable, Identifiable {
  public var id: UUID
  public var elementID: String
  /// Day the progress is reported for (the review places it in that day's month).
  public var date: LocalDate
  public var narrative: String
  /// Who reported it (an OPCC or force lead).
  public var author: String
  /// The element's status when the update was written.
  public var status: ElementStatus
  /// Marked to be used in the quarterly report to the Police and Crime Panel.
  public var forPanel: Bool
  /// Records it refers to, as `type:id` (see ``RecordLink``).
  public var links: [String]
  /// When the server stored it, by the server's clock.
  public var recordedAt: Date

  public init(
    id: UUID = UUID(), elementID: String, date: LocalDate, narrative: String, author: String,
    status: ElementStatus, forPanel: Bool = false, links: [String] = [], recordedAt: Date
  ) {
    self.id = id
    self.elementID = elementID
    self.date = date
    self.narrative = narrative
    self.author = author
    self.status = status
    self.forPanel = forPanel
    self.links = links
    self.recordedAt = recordedAt
  }
}
