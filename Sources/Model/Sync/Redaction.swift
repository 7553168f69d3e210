public import Foundation

/// The removal of personal text from an engagement's fields: an erasure asked for by a person,
/// a retention period run out, or a rectification (the text corrected now, the wrong text
/// removed from the history).
///
/// The server applies it to the engagement, every version of it in the change log and its
/// conflict records, and logs it as a change of the engagement carrying this value; a device
/// that pulls the change applies the same function to its own copies (its outbox and journal
/// payloads, its conflict records, a tombstone's fields). The record stays, with its date,
/// area, officeholder, kind, attendees and topics, so every count still adds up.
public struct Redaction: Sendable, Hashable, Codable {
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A person's right to erasure (UK GDPR article 17), or the office's own decision.
    case erasure
    /// The retention period of the text ran out.
    case retention
    /// The text was wrong: the engagement holds the corrected text, the history none.
    case rectification
    /// The engagement was deleted on the server: a device keeps it as a hidden tombstone, and
    /// needs none of its text (never sent; the server keeps its own for the tombstone window).
    case deletion

    /// What takes the place of each removed text.
    public var marker: String {
      switch self {
      case .erasure: "[erased]"
      case .retention: "[expired]"
      case .rectification: "[rectified]"
      case .deletion: "[deleted]"
      }
    }
  }

  /// The fields that can hold a person's name or circumstances: the only ones a redaction
  /// touches. Dates, areas, officeholders, kinds, attendees, topics and plan links are the
  /// figures the office publishes.
  public static let personalFields: [Engagement.Field] = [.organisation, .place, .followUpActions, .notes]

  public var kind: Kind
  /// Personal fields only, in `personalFields` order, no repeats.
  public var fields: [Engagement.Field]

  /// A redaction of `fields` (those that are not personal are left out).
  public init(kind: Kind, fields: [Engagement.Field]) {
    self.kind = kind
    self.fields = Self.personalFields.filter(fields.contains)
  }

  public var marker: String { kind.marker }

  /// `engagement` with the text of each field removed: a text that is not empty becomes the
  /// marker, and each follow-up action becomes one (so their number stays). Empty stays empty.
  /// Fields in `keeping` are left as they are (a change still waiting on a device keeps what
  /// its user typed).
  public func redacting(_ engagement: Engagement, keeping: Set<Engagement.Field> = []) -> Engagement {
    var result = engagement
    for field in fields where !keeping.contains(field) {
      switch field {
      case .organisation: if !result.organisation.isEmpty { result.organisation = marker }
      case .place: if !result.place.isEmpty { result.place = marker }
      case .notes: if !result.notes.isEmpty { result.notes = marker }
      case .followUpActions: result.followUpActions = result.followUpActions.map { _ in marker }
      default: break
      }
    }
    return result
  }

  /// A conflict record about one of the fields, with both values removed; others as they are.
  public func redacting(_ conflict: Conflict) -> Conflict {
    guard case .field(let field) = conflict.subject, fields.contains(field) else { return conflict }
    var result = conflict
    if !result.kept.value.isEmpty { result.kept.value = marker }
    if !result.lost.value.isEmpty { result.lost.value = marker }
    return result
  }

  /// The fields named in `text` (`notes`, `follow-up`, `follow_up_actions`, `organisation`,
  /// `place`, or `all`), or the error that names the first one that is not a personal field.
  public static func fields(named names: [String]) throws(ValidationError) -> [Engagement.Field] {
    var fields: [Engagement.Field] = []
    for name in names {
      if name == "all" {
        fields += personalFields
        continue
      }
      guard
        let field = Engagement.Field(rawValue: name) ?? Engagement.Field.allCases.first(where: { $0.label == name }),
        personalFields.contains(field)
      else {
        throw ValidationError(
          field: "field",
          rule:
            "must be one of \(personalFields.map(\.label).joined(separator: ", ")) or all: the fields that can hold personal text (got \(name))"
        )
      }
      fields.append(field)
    }
    return personalFields.filter(fields.contains)
  }
}

/// An engagement with changes still on a device (waiting or refused), and the personal
/// fields they change: the server will not erase those fields until the device has sent or
/// dropped them.
public struct HeldChange: Sendable, Hashable, Codable {
  /// The engagement's id as stored (lower case).
  public var engagementID: String
  /// Personal fields only (`Redaction.personalFields`).
  public var fields: [Engagement.Field]

  public init(engagementID: String, fields: [Engagement.Field]) {
    self.engagementID = engagementID
    self.fields = fields
  }

  /// At most this many engagements in one report.
  public static let maxReported = 10_000
}
