public import Foundation
public import Model

/// Where a search for a person found their name: an engagement as it is now (tombstones
/// included), a version of one in the change log, or a conflict record.
public struct PersonalDataMatch: Sendable, Hashable {
  public enum Place: String, Sendable, Hashable, CaseIterable {
    /// The engagement as stored now (its organisation, place, follow-up actions or notes).
    case current
    /// A version of the engagement in the change log (what devices were sent), the latest included.
    case version
    /// A conflict record of the engagement (either value of a concurrent edit).
    case conflict
  }

  /// The engagement's id as stored.
  public var engagementID: String
  public var place: Place
  /// The change log's cursor of a version, or the conflict record's id.
  public var reference: String?

  public init(engagementID: String, place: Place, reference: String? = nil) {
    self.engagementID = engagementID
    self.place = place
    self.reference = reference
  }
}

/// Full-text search of the fields that can name a person, for subject access. Server only.
///
/// Every member runs inside the caller's transaction (``ServerStore``).
public protocol PrivacyStore {
  /// Where `phrase` (its words in order, each a whole word, case and accents ignored) appears
  /// in an engagement's organisation, place, follow-up actions or notes: as stored now, in a
  /// version in the change log, or in a conflict record's values. At most `limit` matches of
  /// each place, by engagement id. An engine whose indexes are brought up to date at search
  /// time does so first (all of what `indexPersonalText` has not done yet), so this runs in a
  /// write transaction.
  func personalDataMatches(_ phrase: String, limit: Int) throws -> [PersonalDataMatch]

  /// Brings the search indexes up to date by at most `batch` change-log entries, for an engine
  /// that indexes at search time (so that a large backlog is indexed in short transactions,
  /// not one that holds the writer); `true` when more remain. Nothing to do elsewhere.
  func indexPersonalText(batch: Int) throws -> Bool

  /// Every version of engagement `id` in the change log (upserts with their payload, and
  /// deletes), oldest first.
  func engagementVersions(id: String) throws -> [Change]
}

/// Who removed which personal text from an engagement, when, why, and at which change.
public struct RedactionRecord: Sendable, Hashable {
  public var id: UUID
  /// The engagement's id as stored.
  public var engagementID: String
  public var redaction: Redaction
  /// The change that carries the redaction to devices.
  public var cursor: Int64
  public var at: Date
  public var actor: String
  /// Why, in the office's words (never the text removed).
  public var reason: String

  public init(
    id: UUID = UUID(), engagementID: String, redaction: Redaction, cursor: Int64, at: Date, actor: String,
    reason: String
  ) {
    self.id = id
    self.engagementID = engagementID
    self.redaction = redaction
    self.cursor = cursor
    self.at = at
    self.actor = actor
    self.reason = reason
  }
}

/// The newest redaction of one field of an engagement: the cursor of its change, and its kind.
public struct RedactedField: Sendable, Hashable {
  public var cursor: Int64
  public var kind: Redaction.Kind

  public init(cursor: Int64, kind: Redaction.Kind) {
    self.cursor = cursor
    self.kind = kind
  }
}

/// A device's last report of unsent changes to an engagement's personal fields.
public struct HeldReport: Sendable, Hashable {
  public var deviceID: String
  public var engagementID: String
  public var fields: [Engagement.Field]
  public var reportedAt: Date

  public init(deviceID: String, engagementID: String, fields: [Engagement.Field], reportedAt: Date) {
    self.deviceID = deviceID
    self.engagementID = engagementID
    self.fields = fields
    self.reportedAt = reportedAt
  }
}

/// An engagement dated before a retention cut-off (tombstones included).
public struct RetentionCandidate: Sendable, Hashable {
  public var engagementID: String
  /// The day the engagement took place: what its retention periods count from.
  public var date: LocalDate

  public init(engagementID: String, date: LocalDate) {
    self.engagementID = engagementID
    self.date = date
  }
}

/// Redaction of personal text (erasure, retention, rectification) on the server: the history
/// it rewrites, the change that carries it to devices, the register of who did it and why,
/// and the devices' reports of changes they still hold. Server only.
///
/// Every member runs inside the caller's transaction (``ServerStore``).
public protocol RedactionStore {
  /// The JSON payloads of these entities' changes in the change log (deletes have none and
  /// are left out), oldest first.
  func changePayloads(of type: EntityType, ids: [String]) throws -> [(cursor: Int64, entityID: String, json: String)]

  /// Replaces the payload of one change: a redaction rewriting the history. An engine's
  /// search indexes follow.
  func replaceChangePayload(cursor: Int64, json: String) throws

  /// Appends the change that carries a redaction to devices: an upsert with the engagement as
  /// it is now, or a delete (no payload) for a tombstone. Returns its cursor.
  func appendRedactionChange(
    engagementID: String, operation: Model.Operation, payload: Engagement?, redaction: Redaction, at time: Date
  ) throws -> Int64

  func recordRedaction(_ record: RedactionRecord) throws

  /// Redactions, newest first (of one engagement when `engagementID` is given), at most `limit`.
  func redactionRecords(engagementID: String?, limit: Int) throws -> [RedactionRecord]

  /// For each of these engagements (ids as stored) that has been redacted: each field and the
  /// newest redaction of it.
  func redactedFields(among ids: [String]) throws -> [String: [Engagement.Field: RedactedField]]

  /// Engagements (tombstones too) dated before `day`, by id after `after`, at most `limit`.
  func retentionCandidates(datedBefore day: LocalDate, after: String?, limit: Int) throws -> [RetentionCandidate]

  /// What a device last reported holding.
  func heldChanges(deviceID: String) throws -> [HeldChange]

  /// Replaces a device's report of what it holds.
  func replaceHeldChanges(deviceID: String, _ held: [HeldChange], at time: Date) throws

  /// Every device's last report of unsent changes to these engagements.
  func heldReports(engagementIDs: [String]) throws -> [HeldReport]
}

extension RedactionStore where Self: ConflictStore {
  /// Removes the text of each engagement's redaction from every version of it in the change
  /// log, from its conflict records about those fields, and from those records' versions (one
  /// pass over the change log for all of them). Returns how many versions and conflict
  /// records changed, by engagement.
  public func redactHistory(_ redactions: [UUID: Redaction]) throws -> [UUID: (versions: Int, conflicts: Int)] {
    let byKey = Dictionary(uniqueKeysWithValues: redactions.map { ($0.key.storageKey, ($0.key, $0.value)) })
    var counts: [UUID: (versions: Int, conflicts: Int)] = [:]
    for id in redactions.keys { counts[id] = (0, 0) }
    for (cursor, entityID, json) in try changePayloads(of: .engagement, ids: Array(byKey.keys)) {
      guard let (id, redaction) = byKey[entityID],
        case .engagement(let version) = try ChangePayloadJSON.decode(.engagement, json)
      else { continue }
      let redacted = redaction.redacting(version)
      guard redacted != version else { continue }
      try replaceChangePayload(cursor: cursor, json: try ChangePayloadJSON.encode(.engagement(redacted)))
      counts[id]?.versions += 1
    }
    var touched: [String: Redaction] = [:]
    for (id, redaction) in redactions {
      for conflict in try conflicts(engagementID: id, includeResolved: true, limit: Int.max) {
        let redacted = redaction.redacting(conflict)
        guard redacted != conflict else { continue }
        try saveConflict(redacted)
        touched[conflict.id.storageKey] = redaction
        counts[id]?.conflicts += 1
      }
    }
    if !touched.isEmpty {
      for (cursor, entityID, json) in try changePayloads(of: .conflict, ids: Array(touched.keys)) {
        guard let redaction = touched[entityID],
          case .conflict(let version) = try ChangePayloadJSON.decode(.conflict, json)
        else { continue }
        let redacted = redaction.redacting(version)
        guard redacted != version else { continue }
        try replaceChangePayload(cursor: cursor, json: try ChangePayloadJSON.encode(.conflict(redacted)))
      }
    }
    return counts
  }
}
