public import Foundation
public import Model
public import Stores
public import Sync

/// Every write the server makes, each with its change-log row in the same transaction, and
/// the server half of the sync protocol.
///
/// The change log is what devices pull, so nothing may reach the engagement or plan tables
/// except through here.
public struct ServerRepository: Sendable {
  public let database: any ServerStore
  /// The server's clock: change times and the future-date rule come from it, never from devices.
  public let now: @Sendable () -> Date

  public init(database: any ServerStore, now: @escaping @Sendable () -> Date = Date.init) {
    self.database = database
    self.now = now
  }

  /// Last day an engagement may be dated: tomorrow by the server's UTC clock, so that a device
  /// east of UTC just after midnight is not refused.
  func latestAllowedDate(at time: Date) -> LocalDate {
    LocalDate(time, in: TimeZone(identifier: "UTC") ?? .current).adding(days: 1)
  }

  // MARK: - Engagements

  /// Records an engagement made online. Recording the same engagement again (whatever its
  /// audit fields) returns the stored one; a different engagement with an existing id is refused.
  public func record(_ engagement: Engagement, by caller: Caller) async throws -> (Engagement, Int64) {
    try Self.requireIdentified(caller)
    let time = now().truncatedToMilliseconds
    let deviceID = caller.deviceID
    return try await database.write { db in
      try engagement.validate(in: db.validationContext(latestDate: latestAllowedDate(at: time)))
      if !caller.mayRecord(for: engagement.who) {
        throw AccessError(
          .permissionDenied,
          "\(caller.user) (\(caller.authorityName)) may record only \(caller.role?.officeholder?.rawValue ?? "no") engagements (got who = \(engagement.who.rawValue))"
        )
      }
      if let existing = try db.engagement(id: engagement.id) {
        guard existing.hasSameContent(as: engagement) else {
          throw StorageError(.alreadyExists, "engagement \(engagement.id.storageKey) already exists with other values")
        }
        return (existing, try db.headCursor())
      }
      if try db.engagementExists(id: engagement.id, includingDeleted: true) {
        throw StorageError(.alreadyExists, "engagement \(engagement.id.storageKey) was deleted; use a new id")
      }
      try db.saveEngagement(engagement)
      try db.appendAudit(
        AuditEntry(
          at: time, actor: caller.actor(onBehalfOf: engagement.createdBy), deviceID: deviceID,
          rpc: caller.rpc, entityType: "engagement",
          entityID: engagement.id.storageKey, beforeDigest: nil, afterDigest: AuditEntry.digest(of: engagement)))
      let cursor = try db.appendChange(
        .engagement, id: engagement.id.storageKey, operation: .upsert, payload: .engagement(engagement),
        at: time, deviceID: deviceID)
      return (engagement, cursor)
    }
  }

  // MARK: - Plan and configuration

  /// Stores objectives and elements that differ from what is stored, logging each change.
  public func savePlan(objectives: [Objective], elements: [PlanElement]) async throws {
    let time = now().truncatedToMilliseconds
    try await database.write { db in
      for objective in objectives where try db.objective(id: objective.id) != objective {
        try db.saveObjective(objective)
        _ = try db.appendChange(
          .objective, id: objective.id, operation: .upsert, payload: .objective(objective), at: time)
      }
      for element in elements where try db.element(id: element.id) != element {
        try db.saveElement(element)
        _ = try db.appendChange(.element, id: element.id, operation: .upsert, payload: .element(element), at: time)
      }
    }
  }

  // MARK: - Sync

  /// Applies a batch of mutations in one transaction and returns each one's outcome, in order.
  ///
  /// A mutation id seen before is acknowledged as a duplicate and not applied again, so a
  /// device that lost the answer to an earlier push can safely send it again. An invalid
  /// mutation is rejected with its error and the others still apply. Edits merge field by
  /// field (see `applyUpsert`).
  ///
  /// A signed-in device's push must come from the caller's own device, and each mutation must
  /// be of an engagement of the caller's office: one that is not is rejected as denied and
  /// the others still apply. The server itself (tests, tools on its machine) acts for the
  /// users who recorded the changes. An anonymous caller is refused. Every change is audited
  /// under the caller.
  public func push(_ request: PushRequest, by caller: Caller) async throws -> PushReply {
    try Self.requireIdentified(caller)
    try Self.checkProtocol(request.protocolVersion)
    var device = ViolationCollector()
    device.identifier(request.deviceID, "device_id", max: 100)
    try device.throwIfAny()
    if case .account = caller.authority, let signedIn = caller.deviceID, signedIn != request.deviceID {
      throw AccessError(
        .permissionDenied, "device_id: \(request.deviceID) is not the device this token was issued to (\(signedIn))")
    }
    guard request.mutations.count <= SyncProtocol.maxBatchSize else {
      throw SyncError(
        .invalidRequest, "mutations: at most \(SyncProtocol.maxBatchSize) per push (got \(request.mutations.count))")
    }
    let time = now().truncatedToMilliseconds
    let identity = database.identity
    // A device that synced with another history of this server (before a restore) sends
    // nothing until it has taken this one's: its bases and cursors mean nothing here.
    if let epoch = request.epoch, epoch != identity.epoch {
      return PushReply(results: [], serverTime: time, server: identity, epochChanged: true)
    }
    let clock = ClockCorrection(
      sentAt: request.sentAt?.millisecondsSince1970, serverNow: time.millisecondsSince1970)
    // Each engagement as sent, written out for the change log before the write transaction:
    // most are stored as sent (new engagements), and the single writer need not wait on it.
    let written = request.mutations.map { $0.engagement.map(LoggedEngagement.init) }
    // The batch is applied in one transaction with no savepoint per mutation (they cost 0.2 to
    // 0.5 s of a 10,000-mutation push; Docs/Performance.md). Should a mutation fail in a way that is not the database's, the
    // transaction is rolled back and the batch applied again with each mutation in its own
    // savepoint, so that the failing one is refused alone and the rest still apply.
    func attempt(isolating: Bool) async throws -> [MutationResult]? {
      try await database.write { db -> [MutationResult]? in
        let context = try db.validationContext(latestDate: latestAllowedDate(at: time))
        // One query each for the whole batch: the mutations applied before, and which
        // engagements have no row at all (new ones, the common case, need no other read).
        var applied = try db.appliedCursors(mutationIDs: request.mutations.map(\.id))
        // No device can have seen a change past the head: a base beyond it comes from another
        // history (a restored or replaced server) and would hide every later edit from the merge.
        let head = try db.issuedThrough()
        let named = request.mutations.compactMap { $0.entityType == .engagement ? Self.key($0.entityID) : nil }
        var absent = Set(named).subtracting(try db.storedEngagementIDs(among: named))
        // Of those, the ones deleted long ago (their tombstone purged): an edit brings one back
        // with a conflict record.
        let purged = absent.isEmpty ? [:] : try db.purgedDeletions(among: Array(absent))
        // Edits of personal fields whose text the office has removed since: refused below.
        let personal = request.mutations.compactMap { mutation -> String? in
          mutation.entityType == .engagement && mutation.operation == .upsert
            && mutation.changedFields.contains(where: Redaction.personalFields.contains)
            ? Self.key(mutation.entityID) : nil
        }
        // An engagement purged and brought back by an edit keeps the removals of its text too.
        let revived = personal + purged.keys
        let redacted = revived.isEmpty ? [:] : try db.redactedFields(among: revived)
        if try Self.isClone(request, in: db) { return nil }
        var results: [MutationResult] = []
        results.reserveCapacity(request.mutations.count)
        for (mutation, written) in zip(request.mutations, written) {
          // Kept up to date below, so this also catches a repeat within the batch.
          if let (cursor, asSent) = applied[mutation.id] {
            results.append(
              MutationResult(mutationID: mutation.id, outcome: .duplicate, cursor: cursor, storedAsSent: asSent))
            continue
          }
          // A resolution must name a conflict the server has (a read error fails the push).
          let unknownConflict =
            mutation.entityType == .conflict
            ? try UUID(text: mutation.entityID).map { try db.conflict(id: $0) == nil } ?? false : false
          // Whose the engagement is, as stored: a new one (the common case) has no row to read.
          let storedWho: Officeholder? =
            caller.role == nil || Self.key(mutation.entityID).map(absent.contains) == true
            ? nil : try Self.storedOfficeholder(of: mutation, in: db)
          // An engagement may stay in an area retired since it was stored, not move into one:
          // only then is the stored row read (a new engagement has none).
          let storedArea: String? =
            mutation.engagement.map { context.retiredAreas.contains($0.area) } == true
              && Self.key(mutation.entityID).map(absent.contains) != true
            ? try UUID(text: mutation.entityID).flatMap { try db.engagementIncludingDeleted(id: $0)?.0.area } : nil
          do throws(ValidationError) {
            if mutation.baseCursor > head {
              throw ValidationError(
                field: "base_cursor",
                rule:
                  "must not be past the server's head cursor \(head) (got \(mutation.baseCursor)): the device's copy is from another history of the server"
              )
            }
            try Self.check(mutation, in: context, storedArea: storedArea)
            if let fields = Self.key(mutation.entityID).flatMap({ redacted[$0] }) {
              try Self.checkNotRedacted(mutation, redacted: fields)
            }
            if unknownConflict {
              throw ValidationError(field: "entity_id", rule: "no conflict \(mutation.entityID) on the server")
            }
            try Self.checkOwnership(of: mutation, stored: storedWho, by: caller)
          } catch {
            results.append(MutationResult(mutationID: mutation.id, outcome: .rejected(error), cursor: 0))
            continue
          }
          // The reading is the device's; the server corrects it and names the device itself.
          var reading = mutation.hlc ?? HLC(wallMillis: time.millisecondsSince1970, node: request.deviceID)
          reading.node = request.deviceID
          let edit = Edit(
            mutation: mutation, deviceID: request.deviceID, user: caller.actor(onBehalfOf: mutation.recordedBy),
            hlc: clock.correct(reading, ageMillis: mutation.ageMillis), time: time, rpc: caller.rpc, written: written)
          // Each mutation in its own savepoint: one that fails unexpectedly is undone and
          // refused on its own, and the rest of the batch still applies.
          // Only this mutation's own id can leave `absent`; remembered rather than copying the set
          // (a copy per mutation would make the batch quadratic).
          let absentKey = Self.key(mutation.entityID).flatMap { absent.contains($0) ? $0 : nil }
          var outcome: (cursor: Int64, asSent: Bool) = (0, false)
          do {
            if isolating {
              try db.inSavepoint {
                outcome = try apply(edit, absent: &absent, purged: purged, redacted: redacted, in: db)
                try db.recordApplied(
                  mutationID: mutation.id, deviceID: request.deviceID, deviceSeq: mutation.deviceSeq,
                  cursor: outcome.cursor, at: time)
                return .commit
              }
            } else {
              outcome = try apply(edit, absent: &absent, purged: purged, redacted: redacted, in: db)
              try db.recordApplied(
                mutationID: mutation.id, deviceID: request.deviceID, deviceSeq: mutation.deviceSeq,
                cursor: outcome.cursor,
                at: time)
            }
          } catch {
            if failsTheBatch(error) { throw error }
            guard isolating else { throw NeedsIsolation() }
            if let absentKey { absent.insert(absentKey) }
            results.append(
              MutationResult(
                mutationID: mutation.id,
                outcome: .rejected(
                  ValidationError(field: "mutation", rule: "could not be applied: \(database.describe(error))")),
                cursor: 0))
            continue
          }
          applied[mutation.id] = outcome
          results.append(
            MutationResult(
              mutationID: mutation.id, outcome: .applied, cursor: outcome.cursor, storedAsSent: outcome.asSent))
        }
        return results
      }
    }
    let results: [MutationResult]?
    do {
      results = try await attempt(isolating: false)
    } catch is NeedsIsolation {
      results = try await attempt(isolating: true)
    }
    guard let results else {
      return PushReply(results: [], serverTime: time, server: identity, deviceCloned: true)
    }
    return PushReply(results: results, serverTime: time, server: identity)
  }

  /// Refuses an edit of a field whose text the office removed (an erasure, a retention period,
  /// a rectification) after the change the edit was made on: applying it would bring the
  /// removed text back, and keeping it as a conflict record would keep the text too. The
  /// device keeps it aside with this reason, so nothing is lost without its user knowing.
  static func checkNotRedacted(_ mutation: Mutation, redacted: [Engagement.Field: RedactedField])
    throws(ValidationError)
  {
    for field in mutation.changedFields {
      guard let cursor = redacted[field]?.cursor, cursor > mutation.baseCursor else { continue }
      throw ValidationError(
        field: field.label,
        rule:
          "its text was removed by the office (change \(cursor)) after the copy this change was made on (change \(mutation.baseCursor)): not applied, so that the removed text does not come back; sync, then edit the engagement again if needed, and drop this change (assure sync --drop)"
      )
    }
  }

  /// Refuses a caller nobody authenticated: it may change nothing.
  static func requireIdentified(_ caller: Caller) throws {
    guard caller.isIdentified else {
      throw AccessError(.unauthenticated, "\(caller.rpc): sign in first; an anonymous caller may change nothing")
    }
  }

  /// A mutation failed unexpectedly in a batch applied without savepoints: apply it again
  /// with them.
  struct NeedsIsolation: Error {}

  /// Whether a push holds a mutation whose place in its device's sequence another mutation
  /// of the same device already took (here or earlier in the batch): the device's data
  /// folder has been copied to a second machine, and both go on making changes as one device.
  static func isClone(_ request: PushRequest, in db: any ServerTransaction) throws -> Bool {
    let sequenced = request.mutations.filter { $0.deviceSeq > 0 }
    guard !sequenced.isEmpty else { return false }
    let taken = try db.appliedMutations(deviceID: request.deviceID, seqs: sequenced.map(\.deviceSeq))
    var seen: [Int64: UUID] = [:]
    for mutation in sequenced {
      if let other = taken[mutation.deviceSeq], other != mutation.id.storageKey { return true }
      if let other = seen.updateValue(mutation.id, forKey: mutation.deviceSeq), other != mutation.id { return true }
    }
    return false
  }

  /// Whether an error met while applying one mutation is the store's (full, read-only,
  /// locked, damaged, out of memory, interrupted) or a cancellation, not the mutation's: then
  /// the whole push fails and the device sends it again later, since refusing the mutation
  /// would quarantine a change that is not at fault.
  func failsTheBatch(_ error: any Error) -> Bool {
    error is CancellationError || database.isEngineFailure(error)
  }

  /// How long deleted engagements are kept as tombstones by default.
  public static let defaultTombstoneDays = 180

  /// Removes tombstones of engagements deleted more than `days` ago, with their change-log
  /// rows; their ids stay, with who deleted them. A device that last pulled before them is
  /// told to pull everything again; an edit it still holds for one of them brings the
  /// engagement back with a conflict record naming the delete, so nothing is lost.
  @discardableResult
  public func purgeTombstones(olderThanDays days: Int) async throws -> [UUID] {
    let time = now()
    let cutoff = time.addingTimeInterval(-Double(days) * 86_400)
    return try await database.write { try $0.purgeTombstones(deletedBefore: cutoff, at: time) }
  }

  /// Stores a device's report of what it holds, if it differs from the last one.
  func keepReport(_ held: [HeldChange], of deviceID: String, by caller: Caller?) async throws {
    var violations = ViolationCollector()
    violations.identifier(deviceID, "device_id", max: 100)
    try violations.throwIfAny()
    if let caller, case .account = caller.authority, let signedIn = caller.deviceID, signedIn != deviceID {
      throw AccessError(
        .permissionDenied, "device_id: \(deviceID) is not the device this token was issued to (\(signedIn))")
    }
    guard held.count <= HeldChange.maxReported else {
      throw SyncError(.invalidRequest, "held: at most \(HeldChange.maxReported) engagements (got \(held.count))")
    }
    // One entry per engagement (a repeated id adds its fields), personal fields only, each
    // once and in one order: the same report compares equal to the last and writes nothing.
    var fields: [String: Set<Engagement.Field>] = [:]
    for change in held {
      guard let id = UUID(uuidString: change.engagementID)?.storageKey else {
        throw SyncError(
          .invalidRequest,
          "held: engagement_id must be a UUID (got \(DisplayText.escaped(String(change.engagementID.prefix(100)))))")
      }
      fields[id, default: []].formUnion(change.fields.filter(Redaction.personalFields.contains))
    }
    let report = fields.filter { !$0.value.isEmpty }.keys.sorted().map { id in
      HeldChange(engagementID: id, fields: Redaction.personalFields.filter { fields[id]?.contains($0) == true })
    }
    if try await database.read({ try $0.heldChanges(deviceID: deviceID) }) == report { return }
    let time = now().truncatedToMilliseconds
    try await database.write { try $0.replaceHeldChanges(deviceID: deviceID, report, at: time) }
  }

  /// Conflict records kept by the server, newest first.
  public func conflicts(engagementID: UUID?, includeResolved: Bool, limit: Int = 1000) async throws -> [Conflict] {
    try await database.read { db in
      try db.conflicts(engagementID: engagementID, includeResolved: includeResolved, limit: limit)
    }
  }

  /// One page of the change log after the request's cursor. A device's report of the
  /// changes it still holds (with the first page) is kept, for erasure to refuse fields a
  /// device would send again; a signed-in device reports only for itself.
  public func pull(_ request: PullRequest, by caller: Caller? = nil) async throws -> PullPage {
    try Self.checkProtocol(request.protocolVersion)
    if let held = request.held { try await keepReport(held, of: request.deviceID, by: caller) }
    let size = request.pageSize == 0 ? 500 : request.pageSize
    guard (1...SyncProtocol.maxPageSize).contains(size), request.afterCursor >= 0 else {
      throw SyncError(.invalidRequest, "page_size: must be between 1 and \(SyncProtocol.maxPageSize) (got \(size))")
    }
    let identity = database.identity
    if let epoch = request.epoch, epoch != identity.epoch {
      return PullPage(
        changes: [], nextCursor: 0, hasMore: true, serverTime: now().truncatedToMilliseconds, rebaselineRequired: true,
        server: identity)
    }
    return try await database.read { db in
      // A cursor older than the purged tombstones, or past the head (the device holds changes
      // this server does not: it was restored from a backup or replaced), cannot be continued
      // from: the device pulls everything again.
      if !request.fullPull, request.afterCursor > 0,
        try request.afterCursor < db.purgedThrough() || request.afterCursor > db.issuedThrough()
      {
        return PullPage(
          changes: [], nextCursor: 0, hasMore: true, serverTime: now().truncatedToMilliseconds,
          rebaselineRequired: true,
          server: identity)
      }
      let changes = try db.changes(
        after: request.afterCursor, limit: size + 1,
        omittingAsSentOf: request.omitOwnAsSent && !request.fullPull ? request.deviceID : nil)
      let page = Array(changes.prefix(size))
      return PullPage(
        changes: page, nextCursor: page.last?.cursor ?? request.afterCursor, hasMore: changes.count > size,
        serverTime: now().truncatedToMilliseconds, server: identity)
    }
  }

  static func checkProtocol(_ version: UInt32) throws {
    guard SyncProtocol.supportedVersions.contains(version) else {
      throw SyncError(
        .unsupportedProtocol,
        version < SyncProtocol.supportedVersions.lowerBound
          ? "this device speaks sync protocol \(version) and the server needs \(SyncProtocol.supportedVersions.lowerBound) or later: upgrade the assure client"
          : "this device speaks sync protocol \(version), newer than the server's \(SyncProtocol.supportedVersions.upperBound): upgrade the server"
      )
    }
  }

  private static func check(_ mutation: Mutation, in context: ValidationContext, storedArea: String?)
    throws(ValidationError)
  {
    if mutation.entityType == .conflict {
      guard UUID(text: mutation.entityID) != nil else {
        throw ValidationError(field: "entity_id", rule: "must be a conflict id (got \"\(mutation.entityID)\")")
      }
      guard mutation.operation == .upsert, mutation.resolution != nil else {
        throw ValidationError(field: "resolution", rule: "a conflict can only be resolved (kept-current or took-other)")
      }
      return
    }
    guard mutation.entityType == .engagement else {
      throw ValidationError(
        field: "entity_type",
        rule: "field devices may only change engagements and resolve conflicts (got \(mutation.entityType.rawValue))")
    }
    switch mutation.operation {
    case .upsert:
      guard let engagement = mutation.engagement else {
        throw ValidationError(field: "engagement", rule: "is required for an upsert")
      }
      guard engagement.id.storageKey == mutation.entityID else {
        throw ValidationError(field: "entity_id", rule: "must equal the engagement's id")
      }
      try engagement.validate(in: context, storedArea: storedArea)
    case .delete:
      guard UUID(text: mutation.entityID) != nil else {
        throw ValidationError(field: "entity_id", rule: "must be a UUID (got \"\(mutation.entityID)\")")
      }
    }
  }

  /// A checked mutation with who made it and its corrected clock reading.
  struct Edit {
    let mutation: Mutation
    let deviceID: String
    let user: String
    let hlc: HLC
    let time: Date
    /// The call that carried it, for the audit trail.
    let rpc: String
    /// The engagement as sent, written out for the log.
    var written: LoggedEngagement? = nil

    var stamp: (Int64) -> FieldStamp { { FieldStamp(cursor: $0, deviceID: deviceID, user: user, hlc: hlc) } }

    /// The edit of `incoming` as the merge sees it.
    func merging(_ incoming: Engagement) -> EngagementMerge.Edit {
      EngagementMerge.Edit(
        incoming: incoming, changedFields: mutation.changedFields, baseCursor: mutation.baseCursor, deviceID: deviceID,
        user: user, hlc: hlc, time: time)
    }

    /// Whether a stored stamp is of a change this edit did not see (see `EngagementMerge`).
    func isConcurrent(with stamp: FieldStamp?) -> Bool {
      EngagementMerge.isConcurrent(stamp, base: mutation.baseCursor, deviceID: deviceID)
    }

    func side(_ value: String) -> Conflict.Side {
      Conflict.Side(value: value, user: user, deviceID: deviceID, hlc: hlc)
    }
  }

  /// Applies a checked mutation and returns its cursor, and whether the change there is this
  /// mutation's engagement stored exactly as sent. `absent` holds ids of engagements known to
  /// have no row (not even a tombstone); an upsert that stores one takes it out.
  private func apply(
    _ edit: Edit, absent: inout Set<String>, purged: [String: FieldStamp],
    redacted: [String: [Engagement.Field: RedactedField]], in db: any ServerTransaction
  ) throws -> (Int64, asSent: Bool) {
    let mutation = edit.mutation
    switch (mutation.entityType, mutation.operation) {
    case (.conflict, _):
      return (try applyResolution(edit, in: db), false)
    case (_, .upsert):
      guard var engagement = mutation.engagement else { return (try db.headCursor(), false) }
      if absent.remove(engagement.id.storageKey) != nil {
        // Brought back after its purge from the device's copy, whose fields the edit did not
        // change may hold text the office removed since that copy was made: removed again.
        var removals: [Redaction.Kind: [Engagement.Field]] = [:]
        for (field, removal) in redacted[engagement.id.storageKey] ?? [:]
        where removal.cursor > mutation.baseCursor && !mutation.changedFields.contains(field) {
          engagement = Redaction(kind: removal.kind, fields: [field]).redacting(engagement)
          removals[removal.kind, default: []].append(field)
        }
        let cursor = try applyCreation(edit, engagement, in: db)
        // The device that sent it still holds that text in its other copies (the journal of
        // this very change): the removal goes to devices again.
        for (kind, fields) in removals.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
          _ = try db.appendRedactionChange(
            engagementID: engagement.id.storageKey, operation: .upsert, payload: engagement,
            redaction: Redaction(kind: kind, fields: fields), at: edit.time)
        }
        guard let deletion = purged[engagement.id.storageKey] else { return (cursor, true) }
        // Deleted long ago by a device this edit never heard from: the edit wins, as it does
        // before the purge, and the delete is kept as a conflict record.
        try db.forgetPurgedDeletion(id: engagement.id)
        let conflict = Conflict(
          engagementID: engagement.id, subject: .deletion,
          kept: edit.side("restored by an edit made without seeing the delete"),
          lost: Conflict.Side(value: "deleted", user: deletion.user, deviceID: deletion.deviceID, hlc: deletion.hlc),
          detectedAt: edit.time)
        return (try record(conflict, edit, in: db), false)
      }
      return try applyUpsert(edit, engagement, in: db)
    case (_, .delete):
      // Deleting what is absent changes nothing.
      if let key = Self.key(mutation.entityID), absent.contains(key) { return (try db.headCursor(), false) }
      return (try applyDelete(edit, in: db), false)
    }
  }

  /// An engagement id as stored (lower case), or `nil` when it is not one.
  private static func key(_ entityID: String) -> String? { UUID(text: entityID)?.storageKey }

  /// Stores an engagement the server has no row for (not even a tombstone).
  ///
  /// A new engagement needs no stamps: no other device can have edited it before seeing it.
  /// An edit arriving here is of an engagement whose tombstone was purged: it comes back,
  /// and the fields the edit changed are stamped, since other devices hold copies.
  private func applyCreation(_ edit: Edit, _ incoming: Engagement, in db: any ServerTransaction) throws -> Int64 {
    try db.saveEngagement(incoming)
    let cursor = try appendEngagement(incoming, edit, before: nil, asSent: true, in: db)
    for field in edit.mutation.changedFields {
      try db.saveFieldStamp(engagementID: incoming.id, field: field.rawValue, edit.stamp(cursor))
    }
    return cursor
  }

  /// Applies an upsert field by field.
  ///
  /// A new engagement is stored as sent. An edit changes only the fields it lists. Where a
  /// listed field was changed since the edit's base by another device, the two edits are
  /// concurrent: the later clock reading (corrected by the server) wins, and the other value
  /// is kept as a conflict record. An edit of a deleted engagement brings it back: an edit is
  /// never lost to a delete it did not see (that delete is kept as a conflict record).
  private func applyUpsert(_ edit: Edit, _ incoming: Engagement, in db: any ServerTransaction) throws -> (
    Int64, asSent: Bool
  ) {
    guard let (stored, deletedAt) = try db.engagementIncludingDeleted(id: incoming.id) else {
      return (try applyCreation(edit, incoming, in: db), true)
    }
    let outcome = EngagementMerge.merge(
      edit.merging(incoming), into: stored, deletedAt: deletedAt, stamps: try db.fieldStamps(engagementID: incoming.id))
    var cursor = try db.headCursor()
    if outcome.stores {
      try db.saveEngagement(outcome.merged)
      cursor = try appendEngagement(outcome.merged, edit, before: stored, asSent: outcome.storedAsSent, in: db)
      for field in outcome.taken {
        try db.saveFieldStamp(engagementID: stored.id, field: field.rawValue, edit.stamp(cursor))
      }
    } else if !outcome.conflicts.isEmpty {
      // The edit lost every field it changed: the engagement is logged again as it stands,
      // so that the device that made the edit shows the value that won.
      cursor = try appendEngagement(stored, edit, before: stored, in: db)
    }
    for conflict in outcome.conflicts { cursor = try record(conflict, edit, in: db) }
    return (cursor, outcome.storedAsSent)
  }

  /// Applies a delete, unless another device changed the engagement since the delete's base:
  /// then the edit wins, the engagement stays, and the delete is kept as a conflict record.
  /// Deleting what is absent or already deleted changes nothing.
  private func applyDelete(_ edit: Edit, in db: any ServerTransaction) throws -> Int64 {
    guard let id = UUID(text: edit.mutation.entityID),
      let (stored, deletedAt) = try db.engagementIncludingDeleted(id: id), deletedAt == nil
    else { return try db.headCursor() }
    let stamps = try db.fieldStamps(engagementID: id)
    let unseen = stamps.filter { $0.key != "deleted" && edit.isConcurrent(with: $0.value) }
    if let latest = unseen.values.max(by: { $0.cursor < $1.cursor }) {
      let fields = Set(unseen.keys).sorted().joined(separator: ", ")
      let kept = Conflict.Side(
        value: "kept: edited (\(fields)) by another device", user: latest.user, deviceID: latest.deviceID,
        hlc: latest.hlc)
      // Logged again so that the device that deleted it gets it back.
      _ = try appendEngagement(stored, edit, before: stored, in: db)
      return try record(
        Conflict(engagementID: id, subject: .deletion, kept: kept, lost: edit.side("deleted"), detectedAt: edit.time),
        edit, in: db)
    }
    try db.tombstoneEngagement(id: id, at: edit.time)
    try audit(
      edit, type: "engagement", id: edit.mutation.entityID, before: AuditEntry.digest(of: stored), after: nil, in: db)
    let cursor = try db.appendChange(
      .engagement, id: edit.mutation.entityID, operation: .delete, payload: nil, at: edit.time,
      mutationID: edit.mutation.id, deviceID: edit.deviceID)
    try db.saveFieldStamp(engagementID: id, field: "deleted", edit.stamp(cursor))
    return cursor
  }

  /// Marks a conflict resolved; the first resolution to arrive stands.
  private func applyResolution(_ edit: Edit, in db: any ServerTransaction) throws -> Int64 {
    guard let id = UUID(text: edit.mutation.entityID), var conflict = try db.conflict(id: id),
      !conflict.isResolved, let resolution = edit.mutation.resolution
    else { return try db.headCursor() }
    let before = conflict
    conflict.resolution = resolution
    conflict.resolvedBy = edit.user
    conflict.resolvedAt = edit.time
    return try record(conflict, edit, before: before, in: db)
  }

  /// Logs an engagement as it now stands and audits the change from `before`.
  private func appendEngagement(
    _ engagement: Engagement, _ edit: Edit, before: Engagement?, asSent: Bool = false, in db: any ServerTransaction
  ) throws -> Int64 {
    let (cursor, digest) = try db.appendEngagementChange(
      engagement, at: edit.time, mutationID: edit.mutation.id, deviceID: edit.deviceID, asSent: asSent,
      written: edit.written)
    try audit(
      edit, type: "engagement", id: engagement.id.storageKey,
      before: AuditEntry.digest(of: before), after: digest, in: db)
    return cursor
  }

  /// Stores a conflict record and logs it, so that every device receives it.
  private func record(_ conflict: Conflict, _ edit: Edit, before: Conflict? = nil, in db: any ServerTransaction) throws
    -> Int64
  {
    try db.saveConflict(conflict)
    try audit(
      edit, type: "conflict", id: conflict.id.storageKey,
      before: try AuditEntry.digest(of: before), after: try AuditEntry.digest(of: conflict), in: db)
    return try db.appendChange(
      .conflict, id: conflict.id.storageKey, operation: .upsert, payload: .conflict(conflict), at: edit.time,
      mutationID: edit.mutation.id, deviceID: edit.deviceID)
  }

  private func audit(
    _ edit: Edit, type: String, id: String, before: String?, after: String?, in db: any ServerTransaction
  ) throws {
    try db.appendAudit(
      AuditEntry(
        at: edit.time, actor: edit.user, deviceID: edit.deviceID, rpc: edit.rpc, entityType: type, entityID: id,
        beforeDigest: before, afterDigest: after))
  }

  /// The office of the stored engagement a mutation touches (through its conflict, for a
  /// resolution); `nil` when there is none yet.
  static func storedOfficeholder(of mutation: Mutation, in db: any ServerTransaction) throws -> Officeholder? {
    guard var id = UUID(text: mutation.entityID) else { return nil }
    if mutation.entityType == .conflict {
      guard let engagementID = try db.conflict(id: id)?.engagementID else { return nil }
      id = engagementID
    }
    return try db.engagementIncludingDeleted(id: id)?.0.who
  }

  /// Refuses a mutation of an engagement the caller's role may not change: a field role
  /// changes only its own office's engagements, as stored and as sent.
  static func checkOwnership(of mutation: Mutation, stored: Officeholder?, by caller: Caller) throws(ValidationError) {
    for who in [stored, mutation.engagement?.who].compactMap({ $0 }) where !caller.mayRecord(for: who) {
      throw ValidationError(
        field: Officeholder.fieldName,
        rule: "permission denied: \(caller.user) (\(caller.authorityName)) may change only "
          + "\(caller.role?.officeholder?.rawValue ?? "no") engagements; this one is \(who.rawValue)'s")
    }
  }

}
