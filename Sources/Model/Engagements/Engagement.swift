public import Foundation

/// One community engagement attended by the PCC, the Deputy PCC or the Assistant PCC.
///
/// Its `id` is made on the device that recorded it and never changes, so the same
/// engagement has the same identity on every replica and a retried upload is recognised.
/// Timestamps come from the recording device's clock and are informational only: order
/// between replicas comes from the server's change cursor.
public struct Engagement: Sendable, Hashable, Codable, Identifiable {
  public var id: UUID
  /// Day it took place.
  public var date: LocalDate
  public var who: Officeholder
  public var kind: EngagementKind
  /// Organisation or group met.
  public var organisation: String
  /// Town, village or venue.
  public var place: String
  /// Local policing area code (see `Area`).
  public var area: String
  /// People attending, when counted.
  public var attendees: Int?
  /// Topics raised, e.g. `road-safety`, `asb`, `rural-crime`, or free text.
  public var topics: [String]
  /// Linked delivery-plan objective (`Objective.id`).
  public var objectiveID: String?
  /// Linked delivery-plan element (`PlanElement.id`).
  public var elementID: String?
  /// Follow-up actions agreed, one per entry.
  public var followUpActions: [String]
  public var notes: String
  public var createdBy: String
  public var createdAt: Date
  public var updatedBy: String
  public var updatedAt: Date

  public init(
    id: UUID = UUID(),
    date: LocalDate,
    who: Officeholder,
    kind: EngagementKind,
    organisation: String,
    place: String,
    area: String,
    attendees: Int? = nil,
    topics: [String] = [],
    objectiveID: String? = nil,
    elementID: String? = nil,
    followUpActions: [String] = [],
    notes: String = "",
    createdBy: String,
    createdAt: Date = Date(),
    updatedBy: String? = nil,
    updatedAt: Date? = nil
  ) {
    self.id = id
    self.date = date
    self.who = who
    self.kind = kind
    self.organisation = organisation
    self.place = place
    self.area = area
    self.attendees = attendees
    self.topics = topics
    self.objectiveID = objectiveID
    self.elementID = elementID
    self.followUpActions = followUpActions
    self.notes = notes
    self.createdBy = createdBy
    self.createdAt = createdAt
    self.updatedBy = updatedBy ?? createdBy
    self.updatedAt = updatedAt ?? createdAt
  }

  /// Whether the two record the same engagement, ignoring who saved it and when.
  ///
  /// A client retrying a request that in fact succeeded sends the same content with new or
  /// missing audit fields; that is the same engagement, not a conflicting one.
  public func hasSameContent(as other: Engagement) -> Bool {
    var mine = self
    mine.createdBy = other.createdBy
    mine.createdAt = other.createdAt
    mine.updatedBy = other.updatedBy
    mine.updatedAt = other.updatedAt
    return mine == other
  }
}
