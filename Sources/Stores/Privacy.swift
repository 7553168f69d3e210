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
