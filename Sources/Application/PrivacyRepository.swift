public import Foundation
public import Model
public import Stores

/// One engagement a subject-access search found, with where the phrase appears.
public struct PrivacyHit: Sendable, Hashable {
  /// The engagement's id as stored.
  public var engagementID: String
  /// The engagement as stored now (`nil` when only its history remains), and when it was
  /// deleted if it is a tombstone.
  public var engagement: Engagement?
  public var deletedAt: Date?
  /// Where the phrase was found: now, in versions (their change-log cursors), in conflicts.
  public var current: Bool
  public var versions: [String]
  public var conflicts: [String]
}

/// What a subject-access search found.
public struct PrivacySearch: Sendable, Hashable {
  public var phrase: String
  public var hits: [PrivacyHit]
  /// More matches than `PrivacyRepository.limit` of one place: narrow the phrase.
  public var truncated: Bool
}

/// What the office discloses for the engagements chosen: each as stored now, every version
/// the change log holds, and its conflict records.
public struct SubjectAccessRecord: Sendable, Hashable {
  public var engagementID: String
  public var engagement: Engagement?
  public var deletedAt: Date?
  public var versions: [Change]
  public var conflicts: [Conflict]
}

/// Subject access: finding what the server holds about a person in the text that can name one
/// (Docs/DataProtection.md), and gathering it for disclosure. Both are audited with a digest of
/// what was asked, never the name itself, so that the audit trail does not become a list of
/// the people searched for.
public struct PrivacyRepository: Sendable {
  public let database: any ServerStore
  public let now: @Sendable () -> Date

  /// The most matches read of each place (now, versions, conflicts).
  public static let limit = 1000
  /// Change-log entries indexed per transaction before a search.
  static let indexBatch = 2000
  /// The longest phrase searched for.
  public static let phraseLength = 200

  public init(database: any ServerStore, now: @escaping @Sendable () -> Date = Date.init) {
    self.database = database
    self.now = now
  }

  /// Engagements whose organisation, place, follow-up actions or notes mention `phrase`, now,
  /// in a version in the change log or in a conflict record.
  public func search(_ phrase: String, by caller: Caller) async throws -> PrivacySearch {
    let phrase = try Self.validPhrase(phrase)
    let time = now()
    // A backlog of versions to index goes in short transactions, so that pushes wait for none
    // of them for long; the search's own transaction then finds at most a few more.
    while try await database.write({ try $0.indexPersonalText(batch: Self.indexBatch) }) {}
    return try await database.write { db in
      let matches = try db.personalDataMatches(phrase, limit: Self.limit)
      var byID: [String: PrivacyHit] = [:]
      for match in matches {
        var hit =
          byID[match.engagementID]
          ?? PrivacyHit(
            engagementID: match.engagementID, engagement: nil, deletedAt: nil, current: false, versions: [],
            conflicts: [])
        switch match.place {
        case .current: hit.current = true
        case .version: hit.versions.append(match.reference ?? "")
        case .conflict: hit.conflicts.append(match.reference ?? "")
        }
        byID[match.engagementID] = hit
      }
      var hits: [PrivacyHit] = []
      for id in byID.keys.sorted() {
        var hit = byID[id]!
        if let uuid = UUID(uuidString: id), let stored = try db.engagementIncludingDeleted(id: uuid) {
          hit.engagement = stored.engagement
          hit.deletedAt = stored.deletedAt
        }
        hits.append(hit)
      }
      let truncated = PersonalDataMatch.Place.allCases.contains { place in
        matches.filter { $0.place == place }.count >= Self.limit
      }
      try db.appendAudit(
        AuditEntry(
          at: time, actor: caller.user, deviceID: caller.deviceID, rpc: caller.rpc, entityType: "privacy_search",
          entityID: Self.phraseDigest(phrase), beforeDigest: nil,
          afterDigest: try AuditEntry.digest(of: hits.map(\.engagementID))))
      return PrivacySearch(phrase: phrase, hits: hits, truncated: truncated)
    }
  }

  /// The records to disclose for engagements `ids` (each audited as read for subject access).
  /// An id the server has never held is refused, naming it; nothing is audited then.
  public func export(_ ids: [String], by caller: Caller) async throws -> [SubjectAccessRecord] {
    guard !ids.isEmpty else { throw ValidationError(field: "id", rule: "must name at least one engagement") }
    let time = now()
    return try await database.write { db in
      var records: [SubjectAccessRecord] = []
      for id in ids {
        let uuid = UUID(uuidString: id)
        let key = uuid?.storageKey ?? id
        let stored = try uuid.flatMap { try db.engagementIncludingDeleted(id: $0) }
        let versions = try db.engagementVersions(id: key)
        guard stored != nil || !versions.isEmpty else {
          throw StorageError(.notFound, "no engagement \(DisplayText.escaped(id)) on this server")
        }
        let conflicts = try uuid.map { try db.conflicts(engagementID: $0, includeResolved: true, limit: 10_000) } ?? []
        records.append(
          SubjectAccessRecord(
            engagementID: key, engagement: stored?.engagement, deletedAt: stored?.deletedAt, versions: versions,
            conflicts: conflicts))
        try db.appendAudit(
          AuditEntry(
            at: time, actor: caller.user, deviceID: caller.deviceID, rpc: caller.rpc, entityType: "engagement",
            entityID: key, beforeDigest: nil, afterDigest: nil))
      }
      return records
    }
  }

  /// `phrase` trimmed, or the rule it breaks.
  static func validPhrase(_ phrase: String) throws -> String {
    let trimmed = phrase.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.isEmpty { throw ValidationError(field: "text", rule: "must not be empty") }
    if trimmed.count > phraseLength {
      throw ValidationError(field: "text", rule: "must be at most \(phraseLength) characters")
    }
    if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
      throw ValidationError(field: "text", rule: "must not contain control characters")
    }
    if !trimmed.unicodeScalars.contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }) {
      throw ValidationError(field: "text", rule: "must contain a letter or a digit")
    }
    return trimmed
  }

  /// What the audit trail keeps of a search: a digest of the phrase in lower case.
  static func phraseDigest(_ phrase: String) -> String {
    "sha256:" + (AuditEntry.digest(ofJSON: phrase.lowercased()))
  }
}
