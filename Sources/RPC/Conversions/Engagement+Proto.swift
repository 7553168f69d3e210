public import Foundation
public import Model
import SwiftProtobuf

extension Engagement {
  /// Reads an engagement from the wire. Throws for an id or date that cannot be read; every
  /// other rule is checked by `validate(in:)`. Missing timestamps read as `fallbackTime`.
  public init(proto p: Assure_V1_Engagement, fallbackTime: Date = Date()) throws(ValidationError) {
    var violations: [ValidationError.Violation] = []
    let id = UUID(text: p.id)
    if id == nil { violations.append(.init(field: "id", rule: "must be a UUID (got \"\(p.id)\")")) }
    let date = LocalDate(p.date)
    if date == nil {
      violations.append(.init(field: "date", rule: "must be a real day written YYYY-MM-DD (got \"\(p.date)\")"))
    }
    let fallback = fallbackTime.truncatedToMilliseconds
    func time(_ t: Google_Protobuf_Timestamp, present: Bool, _ field: String) -> Date {
      guard present else { return fallback }
      do throws(ValidationError) { return try t.date(field: field) } catch {
        violations += error.violations
        return fallback
      }
    }
    let createdAt = time(p.createdAt, present: p.hasCreatedAt, "created_at")
    let updatedAt = time(p.updatedAt, present: p.hasUpdatedAt, "updated_at")
    guard let id, let date, violations.isEmpty else { throw ValidationError(violations: violations) }
    self.init(
      id: id, date: date, who: Officeholder(rawValue: p.who), kind: EngagementKind(rawValue: p.kind),
      organisation: p.organisation, place: p.place, area: p.area,
      attendees: p.hasAttendees ? Int(p.attendees) : nil, topics: p.topics,
      objectiveID: p.objectiveID.isEmpty ? nil : p.objectiveID,
      elementID: p.elementID.isEmpty ? nil : p.elementID, followUpActions: p.followUpActions,
      notes: p.notes, createdBy: p.createdBy,
      createdAt: createdAt,
      updatedBy: p.updatedBy.isEmpty ? p.createdBy : p.updatedBy,
      updatedAt: updatedAt)
  }

  /// The engagement as sent on the wire.
  public var proto: Assure_V1_Engagement {
    Assure_V1_Engagement.with {
      $0.id = id.lowercaseText
      $0.date = date.description
      $0.who = who.rawValue
      $0.kind = kind.rawValue
      $0.organisation = organisation
      $0.place = place
      $0.area = area
      if let attendees { $0.attendees = Int32(clamping: attendees) }
      $0.topics = topics
      $0.objectiveID = objectiveID ?? ""
      $0.elementID = elementID ?? ""
      $0.followUpActions = followUpActions
      $0.notes = notes
      $0.createdBy = createdBy
      $0.createdAt = Google_Protobuf_Timestamp(milliseconds: createdAt)
      $0.updatedBy = updatedBy
      $0.updatedAt = Google_Protobuf_Timestamp(milliseconds: updatedAt)
    }
  }
}

extension EngagementSummary {
  public var proto: Assure_V1_SummarizeEngagementsResponse {
    func counts(_ d: [String: Int]) -> [Assure_V1_EngagementCount] {
      d.sorted { $0.key < $1.key }.map { item in
        Assure_V1_EngagementCount.with {
          $0.key = item.key
          $0.count = Int32(clamping: item.value)
        }
      }
    }
    return .with {
      $0.total = Int32(clamping: total)
      $0.byWho = counts(byWho)
      $0.byArea = counts(byArea)
      $0.byKind = counts(byKind)
      $0.byMonth = counts(byMonth)
    }
  }
}
