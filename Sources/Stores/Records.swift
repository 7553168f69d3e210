import Crypto
public import Foundation
public import Model

/// One entry of the append-only audit trail: who changed which record, from where, when,
/// through which call, with digests of the record before and after.
public struct AuditEntry: Sendable, Hashable {
  public var at: Date
  public var actor: String
  public var deviceID: String?
  /// The RPC (or command) that made the change, e.g. `DeliveryPlanService.SetElementStatus`.
  public var rpc: String
  public var entityType: String
  public var entityID: String
  /// SHA-256 (hex) of the record's JSON before the change; `nil` when it was created.
  public var beforeDigest: String?
  /// SHA-256 (hex) of the record's JSON after the change; `nil` when it was removed.
  public var afterDigest: String?

  public init(
    at: Date, actor: String, deviceID: String? = nil, rpc: String, entityType: String, entityID: String,
    beforeDigest: String?, afterDigest: String?
  ) {
    self.at = at
    self.actor = actor
    self.deviceID = deviceID
    self.rpc = rpc
    self.entityType = entityType
    self.entityID = entityID
    self.beforeDigest = beforeDigest
    self.afterDigest = afterDigest
  }

  /// SHA-256 of a record's canonical JSON (sorted keys, instants in milliseconds), in hex.
  public static func digest(of value: (some Encodable)?) throws -> String? {
    guard let value else { return nil }
    return hex(SHA256.hash(data: Data(try JSONText.encode(value).utf8)))
  }

  /// The same digest of an engagement, from the engagement's own JSON writer (the same text,
  /// written faster: the sync path audits every engagement it changes).
  public static func digest(of engagement: Engagement?) -> String? {
    engagement.map { digest(ofJSON: EngagementJSON.encode($0)) }
  }

  /// SHA-256 (hex) of a record's JSON already written.
  package static func digest(ofJSON json: String) -> String {
    var text = json
    return text.withUTF8 { hex(SHA256.hash(data: $0)) }
  }

  package static func hex(_ digest: some Sequence<UInt8>) -> String {
    let letters = Array("0123456789abcdef".utf8)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(64)
    for byte in digest {
      bytes.append(letters[Int(byte >> 4)])
      bytes.append(letters[Int(byte & 0x0f)])
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// Which audit entries to read: every condition given must hold.
public struct AuditQuery: Sendable, Hashable {
  public var entityType: String?
  public var entityID: String?
  public var actor: String?
  /// From this instant, inclusive.
  public var from: Date?
  /// Before this instant.
  public var before: Date?
  public var limit: Int

  public init(
    entityType: String? = nil, entityID: String? = nil, actor: String? = nil, from: Date? = nil, before: Date? = nil,
    limit: Int = 1000
  ) {
    self.entityType = entityType
    self.entityID = entityID
    self.actor = actor
    self.from = from
    self.before = before
    self.limit = limit
  }
}

/// An engagement's JSON as the change log holds it, with its SHA-256 (hex) as the audit trail
/// holds it: made before a write transaction, so that the single writer does not wait on it.
public struct LoggedEngagement: Sendable {
  public let engagement: Engagement
  public let json: String
  public let digest: String

  public init(_ engagement: Engagement) {
    self.engagement = engagement
    json = EngagementJSON.encode(engagement)
    digest = AuditEntry.digest(ofJSON: json)
  }
}

/// A place in the newest-first engagement order, for keyset paging.
public struct EngagementPosition: Sendable, Hashable {
  public var date: LocalDate
  public var id: String

  public init(date: LocalDate, id: String) {
    self.date = date
    self.id = id
  }

  public init(after engagement: Engagement) {
    self.init(date: engagement.date, id: engagement.id.storageKey)
  }
}

extension UUID {
  /// Lower-case text form: how ids are stored and sent.
  public var storageKey: String { lowercaseText }
}

/// JSON text columns (lists of strings, change payloads).
///
/// Instants are written as whole milliseconds since 1970, the precision every replica keeps,
/// so the stored text is readable with the `sqlite3` shell and reads back equal.
package enum JSONText {
  // Made once: building an encoder or decoder per value costs more than the value.
  private static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .millisecondsSince1970
    return encoder
  }()
  private static let decoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .millisecondsSince1970
    return decoder
  }()

  package static func encode<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  /// A list of strings; the common empty list is written without an encoder.
  package static func encodeList(_ list: [String]) throws -> String {
    list.isEmpty ? "[]" : EngagementJSON.encodeList(list)
  }

  /// A stored JSON array of strings; the common empty list is read without a decoder, and an
  /// unreadable value reads as empty.
  package static func list(_ text: String?) -> [String] {
    guard let text, text != "[]" else { return [] }
    return (try? decode(text)) ?? []
  }

  package static func decode<T: Decodable>(_ text: String) throws -> T {
    try decoder.decode(T.self, from: Data(text.utf8))
  }

  /// A stored list of strings, the empty one read without a decoder; unreadable text throws.
  package static func decodeList(_ text: String) throws -> [String] {
    text == "[]" ? [] : try EngagementJSON.decodeList(text) ?? decode(text)
  }
}

/// Tables whose ids the server may assign, and the prefix of those ids.
public enum OversightIDTable: String, Sendable {
  case award, bid
  case scrutinyMeeting = "scrutiny_meeting"
  case correspondence

  package var prefix: String {
    switch self {
    case .award: "AW"
    case .bid: "B"
    case .scrutinyMeeting: "H"
    case .correspondence: "C"
    }
  }
}
