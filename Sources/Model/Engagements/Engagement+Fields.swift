import Foundation

extension Engagement {
  /// The fields a user edits, each merged on its own when two devices edit one engagement.
  ///
  /// The raw values are the wire and storage names. Who recorded the engagement and when
  /// never change; who last changed it and when follow the last applied edit.
  public enum Field: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case date, who, kind, organisation, place, area, attendees, topics
    case objectiveID = "objective_id"
    case elementID = "element_id"
    case followUpActions = "follow_up_actions"
    case notes

    public static func < (a: Field, b: Field) -> Bool {
      (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }

    /// The name a user types and reads (`objective`, `follow-up`, ...).
    public var label: String {
      switch self {
      case .objectiveID: "objective"
      case .elementID: "element"
      case .followUpActions: "follow-up"
      default: rawValue
      }
    }
  }

  /// The fields whose values differ between the two.
  public func changedFields(from other: Engagement) -> [Field] {
    Field.allCases.filter { value(of: $0) != other.value(of: $0) }
  }

  /// A field's value as text: what conflict records keep and show. Lists are joined with
  /// `; `, an absent value is empty.
  public func value(of field: Field) -> String {
    switch field {
    case .date: date.description
    case .who: who.rawValue
    case .kind: kind.rawValue
    case .organisation: organisation
    case .place: place
    case .area: area
    case .attendees: attendees.map(String.init) ?? ""
    case .topics: topics.joined(separator: "; ")
    case .objectiveID: objectiveID ?? ""
    case .elementID: elementID ?? ""
    case .followUpActions: followUpActions.joined(separator: "; ")
    case .notes: notes
    }
  }

  /// Copies one field's value from `other`.
  public mutating func take(_ field: Field, from other: Engagement) {
    switch field {
    case .date: date = other.date
    case .who: who = other.who
    case .kind: kind = other.kind
    case .organisation: organisation = other.organisation
    case .place: place = other.place
    case .area: area = other.area
    case .attendees: attendees = other.attendees
    case .topics: topics = other.topics
    case .objectiveID: objectiveID = other.objectiveID
    case .elementID: elementID = other.elementID
    case .followUpActions: followUpActions = other.followUpActions
    case .notes: notes = other.notes
    }
  }

  /// Sets one field from its text form (as `value(of:)` writes it), for taking back a value a
  /// conflict record kept. Returns false when the text cannot be read for that field.
  public mutating func set(_ field: Field, text: String) -> Bool {
    func list(_ text: String) -> [String] {
      text.isEmpty ? [] : text.components(separatedBy: "; ")
    }
    switch field {
    case .date:
      guard let day = LocalDate(text) else { return false }
      date = day
    case .who: who = Officeholder(rawValue: text)
    case .kind: kind = EngagementKind(rawValue: text)
    case .organisation: organisation = text
    case .place: place = text
    case .area: area = text
    case .attendees:
      if text.isEmpty {
        attendees = nil
      } else {
        guard let number = Int(text) else { return false }
        attendees = number
      }
    case .topics: topics = list(text)
    case .objectiveID: objectiveID = text.isEmpty ? nil : text
    case .elementID: elementID = text.isEmpty ? nil : text
    case .followUpActions: followUpActions = list(text)
    case .notes: notes = text
    }
    return true
  }
}
