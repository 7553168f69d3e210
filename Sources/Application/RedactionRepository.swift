public import Foundation
public import Model
public import Stores

/// What one redaction did, or would do.
public struct RedactionOutcome: Sendable, Hashable {
  /// The engagement's id as stored.
  public var engagementID: String
  public var redaction: Redaction
  /// The change that carries it to devices (0 in a dry run).
  public var cursor: Int64
  /// Whether the engagement as stored now changed.
  public var current: Bool
  /// How many versions in the change log, and conflict records, lost text.
  public var versions: Int
  public var conflicts: Int
  /// The engagement is a tombstone.
  public var deleted: Bool
}

/// The office's retention schedule: how long each kind of personal text is kept, counted from
/// the day of the engagement. `nil`: kept for as long as the record.
public struct RetentionSchedule: Sendable, Hashable {
  /// Notes and follow-up actions.
  public var notesDays: Int?
  /// Organisation and place (who was met, where).
  public var contactsDays: Int?

  public init(notesDays: Int? = nil, contactsDays: Int? = nil) {
    self.notesDays = notesDays
    self.contactsDays = contactsDays
  }

  public var isEmpty: Bool { notesDays == nil && contactsDays == nil }

  /// Each period set, with the fields it covers.
  public var periods: [(days: Int, fields: [Engagement.Field])] {
    var periods: [(days: Int, fields: [Engagement.Field])] = []
    if let notesDays { periods.append((notesDays, [.followUpActions, .notes])) }
    if let contactsDays { periods.append((contactsDays, [.organisation, .place])) }
    return periods
  }

  /// The longest period the settings accept: 100 years.
  public static let maxDays = 36_500

  /// Refuses a period outside 1...`maxDays`, naming it as `names` says (the option or setting).
  public func check(names: (notes: String, contacts: String)) throws(ValidationError) {
    for (name, days) in [(names.notes, notesDays), (names.contacts, contactsDays)] {
      if let days, !(1...Self.maxDays).contains(days) {
        throw ValidationError(field: name, rule: "must be between 1 and \(Self.maxDays) (got \(days))")
      }
    }
  }
}

/// What a retention run did, or would do.
public struct RetentionReport: Sendable, Hashable {
  /// Engagements whose expired text was (or would be) removed, by the fields removed.
  public var redacted: [[Engagement.Field]: Int] = [:]
  /// Engagements whose expired text waits because a device still holds an unsent change to
  /// it: removed at a later run, once the device has synced.
  public var heldBack: [String] = []
  /// Versions and conflict records that lost text.
  public var versions = 0
  public var conflicts = 0

  public var total: Int { redacted.values.reduce(0, +) }
}

/// Removing personal text on the server: an erasure or a rectification asked for by the office,
/// and the retention schedule. Each removal rewrites the engagement, every version of it in the
/// change log and its conflict records, and appends one change that carries it to every device
/// (Docs/DataProtection.md). The audit trail and the register of redactions record who removed
/// which fields, when and why, never the text.
public struct RedactionRepository: Sendable {
  public let database: any ServerStore
  public let now: @Sendable () -> Date

  /// The longest reason kept.
  public static let reasonLength = 500
  /// Engagements redacted per transaction in a retention run.
  static let batch = 200

  public init(database: any ServerStore, now: @escaping @Sendable () -> Date = Date.init) {
    self.database = database
    self.now = now
  }

  /// Removes the text of `fields` (personal fields only) of engagement `id`: now, in its history
  /// and, at their next sync, on every device. A rectification sets `values` (the corrected
  /// text of each field, checked by the engagement's rules) on the engagement and removes the
  /// old text from its history. Refused, changing nothing, while a device reports an unsent
  /// change to one of the fields.
  public func redact(
    _ id: String, fields: [Engagement.Field], kind: Redaction.Kind, values: [Engagement.Field: String] = [:],
    reason: String, by caller: Caller
  ) async throws -> RedactionOutcome {
    let outcome = try await perform(
      id, fields: fields, kind: kind, values: values, reason: reason, dryRun: false, by: caller)
    try await database.reclaimErasedSpace()
    return outcome
  }

  /// The same, without keeping anything: what `redact` would change (the work is done in a
  /// transaction that is then rolled back).
  public func preview(
    _ id: String, fields: [Engagement.Field], kind: Redaction.Kind, values: [Engagement.Field: String] = [:],
    reason: String, by caller: Caller
  ) async throws -> RedactionOutcome {
    do {
      return try await perform(id, fields: fields, kind: kind, values: values, reason: reason, dryRun: true, by: caller)
    } catch let dryRun as DryRun {
      var outcome = dryRun.outcome
      outcome.cursor = 0
      return outcome
    }
  }

  /// Thrown out of a dry run's transaction, so that it is rolled back, with what it did.
  private struct DryRun: Error {
    var outcome: RedactionOutcome
  }

  /// `redact`'s transaction; with `dryRun` it ends by throwing `DryRun`.
  private func perform(
    _ id: String, fields: [Engagement.Field], kind: Redaction.Kind, values: [Engagement.Field: String],
    reason: String, dryRun: Bool, by caller: Caller
  ) async throws -> RedactionOutcome {
    guard let uuid = UUID(uuidString: id) else {
      throw ValidationError(field: "id", rule: "must be an engagement's id, a UUID (got \(DisplayText.escaped(id)))")
    }
    let reason = try Self.validReason(reason)
    let redaction = Redaction(kind: kind, fields: fields)
    guard !redaction.fields.isEmpty else {
      throw ValidationError(field: "field", rule: "must name at least one of organisation, place, follow-up, notes")
    }
    if kind == .rectification, let missing = redaction.fields.first(where: { values[$0] == nil }) {
      throw ValidationError(field: "value", rule: "must give the corrected text of \(missing.label)")
    }
    let time = now().truncatedToMilliseconds
    return try await database.write { db -> RedactionOutcome in
      guard let (stored, deletedAt) = try db.engagementIncludingDeleted(id: uuid) else {
        let purged = try db.purgedDeletions(among: [uuid.storageKey])[uuid.storageKey] != nil
        throw StorageError(
          .notFound,
          purged
            ? "engagement \(uuid.storageKey) was deleted and its tombstone purged: the server holds no text of it (devices drop theirs when they sync the deletion)"
            : "no engagement \(uuid.storageKey) on this server")
      }
      try Self.refuseIfHeld([uuid.storageKey], redaction: redaction, in: db, at: time)
      var current = redaction.redacting(stored)
      if kind == .rectification {
        guard deletedAt == nil else {
          throw ValidationError(field: "id", rule: "engagement \(uuid.storageKey) is deleted: erase its text instead")
        }
        for field in redaction.fields { _ = current.set(field, text: values[field] ?? "") }
        current.updatedBy = caller.user
        current.updatedAt = time
        try current.validate(in: db.validationContext(latestDate: nil))
      }
      let outcome = try Self.apply(
        [(stored, deletedAt, current)], redaction: redaction, reason: reason, at: time, by: caller, in: db)[0]
      if dryRun {
        // Everything above ran in the transaction; none of it is kept.
        throw DryRun(outcome: outcome)
      }
      return outcome
    }
  }

  /// Removes the text that `schedule` says has expired by `today` (the server's own day, UTC, when
  /// not given), in transactions of a few hundred engagements. An engagement whose text a device
  /// still holds an unsent change to waits for a later run. With `dryRun` nothing changes.
  public func runRetention(
    _ schedule: RetentionSchedule, today: LocalDate? = nil, dryRun: Bool, by caller: Caller
  ) async throws -> RetentionReport {
    var report = RetentionReport()
    let periods = schedule.periods
    guard !periods.isEmpty else { return report }
    let time = now().truncatedToMilliseconds
    let day = today ?? LocalDate(time, in: TimeZone(identifier: "UTC") ?? .current)
    let cutoffs = periods.map { (day.adding(days: -$0.days), $0.fields) }
    let latest = cutoffs.map(\.0).max()!
    var after: String?
    let reason =
      "retention schedule: "
      + periods.map { "\($0.fields.map(\.label).joined(separator: ", ")) \($0.days) days" }
      .joined(separator: "; ")
    while true {
      let from = after
      let page = try await database.read { db in
        try db.retentionCandidates(datedBefore: latest, after: from, limit: Self.batch)
      }
      guard let last = page.last else { break }
      after = last.engagementID
      // What is due is worked out in the write transaction, so that two servers on one
      // database running the schedule at once do not both remove the same text.
      if dryRun {
        let (due, held) = try await database.read { db in
          let due = try Self.due(page, cutoffs: cutoffs, in: db)
          return (due, try Self.heldFields(due.map(\.0), in: db, at: time))
        }
        for (id, redaction) in due {
          if let fields = held[id], !Set(fields).isDisjoint(with: redaction.fields) {
            report.heldBack.append(id)
          } else {
            report.redacted[redaction.fields, default: 0] += 1
          }
        }
        continue
      }
      let done = try await database.write { db -> RetentionReport in
        var part = RetentionReport()
        let due = try Self.due(page, cutoffs: cutoffs, in: db)
        guard !due.isEmpty else { return part }
        let held = try Self.heldFields(due.map(\.0), in: db, at: time)
        var work: [(Engagement, Date?, Engagement)] = []
        var redactions: [String: Redaction] = [:]
        for (id, redaction) in due {
          if let fields = held[id], !Set(fields).isDisjoint(with: redaction.fields) {
            part.heldBack.append(id)
            continue
          }
          guard let uuid = UUID(uuidString: id), let (stored, deletedAt) = try db.engagementIncludingDeleted(id: uuid)
          else { continue }
          work.append((stored, deletedAt, redaction.redacting(stored)))
          redactions[uuid.storageKey] = redaction
        }
        // One redaction per set of fields, so that each batch is one pass over the history.
        for fields in Set(redactions.values.map(\.fields)) {
          let redaction = Redaction(kind: .retention, fields: fields)
          let group = work.filter { redactions[$0.0.id.storageKey]?.fields == fields }
          for outcome in try Self.apply(group, redaction: redaction, reason: reason, at: time, by: caller, in: db) {
            part.redacted[fields, default: 0] += 1
            part.versions += outcome.versions
            part.conflicts += outcome.conflicts
          }
        }
        return part
      }
      report.heldBack += done.heldBack
      report.versions += done.versions
      report.conflicts += done.conflicts
      for (fields, count) in done.redacted { report.redacted[fields, default: 0] += count }
    }
    if !dryRun, report.total > 0 { try await database.reclaimErasedSpace() }
    return report
  }

  /// Of `page`, each engagement's fields whose period ended before its date (`cutoffs`), but
  /// those removed already and not set again since (the register against the field stamps).
  static func due(
    _ page: [RetentionCandidate], cutoffs: [(LocalDate, [Engagement.Field])], in db: any ServerTransaction
  ) throws -> [(String, Redaction)] {
    let ids = page.map(\.engagementID)
    let removed = try db.redactedFields(among: ids)
    var due: [(String, Redaction)] = []
    for candidate in page {
      let expired = cutoffs.filter { candidate.date < $0.0 }.flatMap(\.1)
      guard !expired.isEmpty else { continue }
      let removals = removed[candidate.engagementID] ?? [:]
      let stamps =
        removals.isEmpty
        ? [:] : try UUID(uuidString: candidate.engagementID).map { try db.fieldStamps(engagementID: $0) } ?? [:]
      let fields = expired.filter { field in
        guard let removal = removals[field] else { return true }
        return (stamps[field.rawValue]?.cursor ?? 0) > removal.cursor
      }
      if !fields.isEmpty { due.append((candidate.engagementID, Redaction(kind: .retention, fields: fields))) }
    }
    return due
  }

  /// Every redaction kept in the register, newest first (of one engagement when given).
  public func register(engagementID: String?, limit: Int = 1000) async throws -> [RedactionRecord] {
    let key = engagementID.map { UUID(uuidString: $0)?.storageKey ?? $0 }
    return try await database.read { try $0.redactionRecords(engagementID: key, limit: limit) }
  }

  // MARK: - Steps shared by erasure and retention

  /// Writes each engagement's new state (a tombstone stays one), rewrites the history, appends
  /// the change that carries the redaction to devices, and records it in the register and the
  /// audit trail. One redaction for every engagement given.
  static func apply(
    _ work: [(stored: Engagement, deletedAt: Date?, current: Engagement)], redaction: Redaction, reason: String,
    at time: Date, by caller: Caller, in db: any ServerTransaction
  ) throws -> [RedactionOutcome] {
    let history = try db.redactHistory(Dictionary(uniqueKeysWithValues: work.map { ($0.stored.id, redaction) }))
    var outcomes: [RedactionOutcome] = []
    for (stored, deletedAt, current) in work {
      let key = stored.id.storageKey
      if current != stored {
        try db.saveEngagement(current)
        if let deletedAt { try db.tombstoneEngagement(id: stored.id, at: deletedAt) }
      }
      let cursor = try db.appendRedactionChange(
        engagementID: key, operation: deletedAt == nil ? .upsert : .delete, payload: deletedAt == nil ? current : nil,
        redaction: redaction, at: time)
      let record = RedactionRecord(
        engagementID: key, redaction: redaction, cursor: cursor, at: time, actor: caller.user, reason: reason)
      try db.recordRedaction(record)
      try db.appendAudit(
        AuditEntry(
          at: time, actor: caller.user, deviceID: caller.deviceID, rpc: caller.rpc, entityType: "engagement",
          entityID: key, beforeDigest: AuditEntry.digest(of: stored), afterDigest: AuditEntry.digest(of: current)))
      try db.appendAudit(
        AuditEntry(
          at: time, actor: caller.user, deviceID: caller.deviceID, rpc: caller.rpc, entityType: "redaction",
          entityID: record.id.storageKey, beforeDigest: nil,
          afterDigest: try AuditEntry.digest(of: [key, redaction.kind.rawValue] + redaction.fields.map(\.rawValue))))
      let counts = history[stored.id] ?? (0, 0)
      outcomes.append(
        RedactionOutcome(
          engagementID: key, redaction: redaction, cursor: cursor, current: current != stored,
          versions: counts.versions, conflicts: counts.conflicts, deleted: deletedAt != nil))
    }
    return outcomes
  }

  /// Refuses, naming each device, when a device reports an unsent change to one of the fields.
  static func refuseIfHeld(_ ids: [String], redaction: Redaction, in db: any ServerTransaction, at time: Date) throws {
    let reports = try liveReports(ids, in: db, at: time)
    var violations: [ValidationError.Violation] = []
    for (report, users) in reports {
      let whose = users.isEmpty ? "" : " (signed in as \(users.joined(separator: ", ")))"
      for field in report.fields where redaction.fields.contains(field) {
        violations.append(
          ValidationError.Violation(
            field: field.label,
            rule:
              "device \(report.deviceID)\(whose) holds an unsent change to it (reported \(report.reportedAt.formatted(.iso8601))): it must sync, or drop the change with assure sync --drop, before the text can be removed"
          ))
      }
    }
    if !violations.isEmpty { throw ValidationError(violations: violations) }
  }

  /// The fields each engagement has unsent changes to on some device.
  static func heldFields(_ ids: [String], in db: any ServerTransaction, at time: Date) throws
    -> [String: [Engagement.Field]]
  {
    var held: [String: [Engagement.Field]] = [:]
    for (report, _) in try liveReports(ids, in: db, at: time) {
      held[report.engagementID, default: []] += report.fields
    }
    return held
  }

  /// Devices' reports about these engagements, with the users signed in on each, except those
  /// of devices whose every sign-in the office revoked (a lost laptop will not send its changes).
  static func liveReports(_ ids: [String], in db: any ServerTransaction, at time: Date) throws
    -> [(report: HeldReport, users: [String])]
  {
    try db.heldReports(engagementIDs: ids).compactMap { report in
      let tokens = try db.deviceTokens(deviceID: report.deviceID, includeInactive: true, at: time)
      guard tokens.isEmpty || tokens.contains(where: { $0.revokedAt == nil }) else { return nil }
      return (report, Array(Set(tokens.map(\.accountName))).sorted())
    }
  }

  /// `reason` trimmed, or the rule it breaks.
  static func validReason(_ reason: String) throws -> String {
    let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.isEmpty {
      throw ValidationError(
        field: "reason", rule: "must say why (the request's reference, say): it is kept in the register")
    }
    if trimmed.count > reasonLength {
      throw ValidationError(field: "reason", rule: "must be at most \(reasonLength) characters")
    }
    if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
      throw ValidationError(field: "reason", rule: "must not contain control characters")
    }
    return trimmed
  }
}
