public import Foundation

/// Two edits of one engagement field made without seeing each other, or an edit and a delete:
/// one value was kept, and the other is kept here, so that no edit is ever lost without a trace.
///
/// The server detects conflicts when it applies a push and sends them to every device with
/// the change log. A person resolves one by keeping the value that won or by taking back the
/// other (a new edit); either way the record stays, marked resolved.
public struct Conflict: Sendable, Hashable, Codable, Identifiable {
  /// What the conflict is about: one field, or the engagement's existence.
  public enum Subject: Sendable, Hashable, Codable {
    case field(Engagement.Field)
    /// An edit and a delete: the edit won, the engagement stayed.
    case deletion

    /// `notes`, `date`, ... or `deleted`.
    public var name: String {
      switch self {
      case .field(let field): field.rawValue
      case .deletion: "deleted"
      }
    }

    public init?(name: String) {
      if name == "deleted" {
        self = .deletion
      } else if let field = Engagement.Field(rawValue: name) {
        self = .field(field)
      } else {
        return nil
      }
    }

    public init(from decoder: any Decoder) throws {
      let text = try decoder.singleValueContainer().decode(String.self)
      guard let subject = Subject(name: text) else {
        throw DecodingError.dataCorrupted(
          .init(codingPath: decoder.codingPath, debugDescription: "unknown conflict subject \(text)"))
      }
      self = subject
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      try container.encode(name)
    }
  }

  /// One side of a conflict: a value and the edit that made it.
  public struct Side: Sendable, Hashable, Codable {
    /// The value as text (see `Engagement.value(of:)`); for a deletion, what happened.
    public var value: String
    public var user: String
    public var deviceID: String
    /// The edit's clock reading, as the server corrected it.
    public var hlc: HLC

    public init(value: String, user: String, deviceID: String, hlc: HLC) {
      self.value = value
      self.user = user
      self.deviceID = deviceID
      self.hlc = hlc
    }
  }

  public enum Resolution: String, Sendable, Hashable, Codable {
    /// The kept value stays.
    case keptCurrent = "kept-current"
    /// The other value was taken back by a new edit.
    case tookOther = "took-other"
  }

  public var id: UUID
  public var engagementID: UUID
  public var subject: Subject
  public var kept: Side
  public var lost: Side
  /// When the server found it (server clock).
  public var detectedAt: Date
  public var resolution: Resolution?
  public var resolvedBy: String?
  public var resolvedAt: Date?

  public init(
    id: UUID = UUID(), engagementID: UUID, subject: Subject, kept: Side, lost: Side, detectedAt: Date,
    resolution: Resolution? = nil, resolvedBy: String? = nil, resolvedAt: Date? = nil
  ) {
    self.id = id
    self.engagementID = engagementID
    self.subject = subject
    self.kept = kept
    self.lost = lost
    self.detectedAt = detectedAt
    self.resolution = resolution
    self.resolvedBy = resolvedBy
    self.resolvedAt = resolvedAt
  }

  public var isResolved: Bool { resolution != nil }
}
