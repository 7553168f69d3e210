public import Foundation
public import Model
public import Stores

/// What one sync did.
public struct SyncReport: Sendable, Hashable {
  /// Mutations the server applied now.
  public var pushed = 0
  /// Mutations the server had already applied (an earlier answer was lost).
  public var duplicates = 0
  /// Mutations the server refused, with why; they are kept aside, not lost.
  public var rejected: [RejectedMutation] = []
  /// Changes pulled and applied here.
  public var pulled = 0
  /// Cursor after the pull.
  public var cursor: Int64 = 0
  /// Mutations still waiting (0 after a complete sync).
  public var pending = 0
  /// Unresolved conflict records that arrived in this pull.
  public var newConflicts = 0
  /// Whether the device had to pull everything again (offline past the tombstone window, or
  /// the server went back to an earlier history).
  public var rebaselined = false
  /// The server answered from another history than the one this device last saw (it was
  /// restored from a backup): the device pulled everything again and sent again what it had.
  public var serverRestored = false
  /// Acknowledged mutations sent again after the server's restore (those it still had are
  /// recognised and counted as duplicates).
  public var resent = 0
  /// Engagements whose personal text the office removed (an erasure, a retention period, a
  /// rectification), removed here too in this pull.
  public var redacted = 0

  public init() {}
}

/// A mutation the server refused.
public struct RejectedMutation: Sendable, Hashable {
  public var mutationID: UUID
  public var entityID: String
  public var error: String
}

/// Progress reported while syncing.
public enum SyncProgress: Sendable, Hashable {
  case pushed(done: Int, of: Int)
  case pulled(count: Int)
}

/// The device half of the sync protocol: push the outbox, then pull the change log.
///
/// Each push batch is acknowledged by the server before it leaves the outbox; if the answer
/// is lost the batch is sent again and the server recognises every mutation id. Each pulled
/// page is applied together with its cursor in one transaction, so an interrupted pull
/// resumes where it stopped.
public struct SyncClient: Sendable {
  public let database: any DeviceStore
  public let transport: any SyncTransport
  public var batchSize: Int
  public var pageSize: Int
  /// Most push batches sent and not yet answered.
  public var batchesInFlight: Int
  /// The device's clock (never trusted for order; its offset from the server is measured).
  public var now: @Sendable () -> Date
  /// The device's monotonic clock: each change goes with its age by it.
  public var boot: @Sendable () -> BootReading?
  /// The sync protocol version sent; a server that knows only the one before is spoken to in
  /// that (it ignores what it does not know).
  public var protocolVersion = SyncProtocol.version

  public init(
    database: any DeviceStore, transport: any SyncTransport, batchSize: Int = 500, pageSize: Int = 1000,
    batchesInFlight: Int = 2, now: @escaping @Sendable () -> Date = Date.init,
    boot: @escaping @Sendable () -> BootReading? = BootReading.current
  ) {
    self.boot = boot
    self.batchesInFlight = batchesInFlight
    self.database = database
    self.transport = transport
    self.batchSize = batchSize
    self.pageSize = pageSize
    self.now = now
  }

  /// Pushes every pending mutation, then pulls every change after the stored cursor.
  public func sync(progress: @Sendable (SyncProgress) -> Void = { _ in }) async throws -> SyncReport {
    var report = SyncReport()
    try await sync(into: &report, progress: progress)
    return report
  }

  /// The same, filling `report` as it goes: when the sync fails part-way, `report` says what
  /// was done before (batches acknowledged, pages applied), and `pending` and `cursor` what
  /// the device holds now.
  public func sync(into report: inout SyncReport, progress: @Sendable (SyncProgress) -> Void = { _ in }) async throws {
    do {
      try await syncOnce(into: &report, progress: progress)
    } catch let error as SyncError
      where error.code == .unsupportedProtocol && protocolVersion > SyncProtocol.supportedVersions.lowerBound
    {
      // An older server (one restored with its older release, say): the version check comes
      // before anything is applied, so the sync starts again in the version before.
      var older = self
      older.protocolVersion = protocolVersion - 1
      try await older.sync(into: &report, progress: progress)
    }
  }

  private func syncOnce(into report: inout SyncReport, progress: @Sendable (SyncProgress) -> Void) async throws {
    let state = try await database.write { try $0.syncState() }
    report.cursor = state.cursor
    do {
      try await push(deviceID: state.deviceID, into: &report, progress: progress)
      let restoredBefore = report.serverRestored
      try await pull(deviceID: state.deviceID, into: &report, progress: progress)
      if report.serverRestored && !restoredBefore {
        // Restored between the push and the pull: what was queued again goes now.
        try await push(deviceID: state.deviceID, into: &report, progress: progress)
        try await pull(deviceID: state.deviceID, into: &report, progress: progress)
      }
    } catch {
      if let (pending, cursor) = try? await database.read({ (try $0.pendingCount(), try $0.syncState().cursor) }) {
        report.pending = pending
        report.cursor = cursor
      }
      throw error
    }
    let finishedAt = now()
    report.pending = try await database.write { db in
      try db.pruneJournal(at: finishedAt)
      return try db.pendingCount()
    }
  }

  /// Pulls every change after the stored cursor without pushing: what a device does when it
  /// signs in, so that it holds the force's areas and plan before it records anything.
  /// Queued changes stay queued for the next sync.
  public func pullOnly() async throws -> SyncReport {
    var report = SyncReport()
    let state = try await database.write { try $0.syncState() }
    report.cursor = state.cursor
    do {
      try await pull(deviceID: state.deviceID, into: &report, progress: { _ in })
    } catch let error as SyncError
      where error.code == .unsupportedProtocol && protocolVersion > SyncProtocol.supportedVersions.lowerBound
    {
      var older = self
      older.protocolVersion = protocolVersion - 1
      return try await older.pullOnly()
    }
    report.pending = try await database.read { try $0.pendingCount() }
    return report
  }

  // MARK: - Push

  func push(deviceID: String, into report: inout SyncReport, progress: @Sendable (SyncProgress) -> Void) async throws {
    do {
      try await pushOnce(deviceID: deviceID, into: &report, progress: progress)
    } catch let change as EpochChange {
      // Nothing of this push was applied. What the server may have lost is queued again, in
      // its old place, and the whole outbox is sent to the history the server now has.
      try await adopt(change.identity, into: &report)
      do {
        try await pushOnce(deviceID: deviceID, into: &report, progress: progress)
      } catch is EpochChange {
        throw SyncError(.server, "the server changed its history twice during one sync; try again")
      }
    } catch let cloned as DeviceCloned {
      let id = try await database.write { try $0.renewDeviceID() }
      throw SyncError(
        .deviceCloned,
        "this data folder is a copy of another device's (change \(cloned.seq) of device \(deviceID) reached the server from both): it now has its own device id \(id); sign in again (assure login), and its changes are sent then"
      )
    }
  }

  /// The server's answer named another history (epoch) than the one this device knew.
  struct EpochChange: Error { let identity: ServerIdentity }
  /// The server found another change in one of this push's places in the device's sequence.
  struct DeviceCloned: Error { let seq: Int64 }

  /// Takes the server's new history: acknowledged mutations go back in the outbox to be sent
  /// again, and the next pull fetches everything.
  private func adopt(_ identity: ServerIdentity, into report: inout SyncReport) async throws {
    let resent = try await database.write { db -> Int in
      if let known = try db.syncState().identity, known.serverID != identity.serverID {
        throw Self.otherServer(known: known, answered: identity)
      }
      let resent = try db.resendJournal(epochStart: identity.epochStart)
      if try !db.isRebaselining() { try db.beginRebaseline() }
      try db.setServerIdentity(identity)
      return resent
    }
    report.serverRestored = true
    report.rebaselined = true
    report.resent += resent
  }

  static func otherServer(known: ServerIdentity, answered: ServerIdentity) -> SyncError {
    SyncError(
      .otherServer,
      "the server answering is not the one this data folder syncs with (server \(answered.serverID), not \(known.serverID)): nothing was sent; use another data folder (--data-dir) for it"
    )
  }

  /// Checks the server that answered: the one this device syncs with, in the history it
  /// knows (or, for a device that knew none, takes it as its own). Throws `EpochChange` for a
  /// new history of the same server.
  /// `known` is what the device holds (read once per push or pull, not once per answer).
  private func check(_ identity: ServerIdentity?, known: inout ServerIdentity?) async throws {
    guard let identity else { return }
    guard let held = known else {
      try await database.write { try $0.setServerIdentity(identity) }
      known = identity
      return
    }
    let known = held
    guard known.serverID == identity.serverID else { throw Self.otherServer(known: known, answered: identity) }
    if known.epoch != identity.epoch { throw EpochChange(identity: identity) }
  }

  private func pushOnce(deviceID: String, into report: inout SyncReport, progress: @Sendable (SyncProgress) -> Void)
    async throws
  {
    let total = try await database.read { try $0.pendingCount() }
    var done = 0
    // Batches are read in outbox order. The next one is sent while the previous is still at
    // the server (up to `batchesInFlight` at once), so the device's work (reading, encoding,
    // settling) and the server's overlap; the server may apply such batches in either order,
    // so a batch sent ahead holds no entity that one in flight holds, and only engagement
    // changes (a conflict's resolution waits until nothing is in flight, and goes alone).
    // Answers are settled in the order the batches were sent. A batch whose answer is lost is
    // sent again as it was, and the server recognises what it had applied.
    let state = try await database.read { try $0.syncState() }
    var known = state.identity
    var offset = state.clockOffsetMillis
    var flights: [Flight] = []
    var after: Int64 = 0
    var exhausted = false
    func count(_ settled: [MutationResult], of entries: [OutboxEntry]) {
      for result in settled {
        switch result.outcome {
        case .applied: report.pushed += 1
        case .duplicate: report.duplicates += 1
        case .rejected(let error):
          let entityID = entries.first { $0.mutation.id == result.mutationID }?.mutation.entityID ?? ""
          report.rejected.append(
            RejectedMutation(mutationID: result.mutationID, entityID: entityID, error: error.description))
        }
      }
      done += settled.count
      progress(.pushed(done: done, of: total))
    }
    do {
      while true {
        // Fill the pipeline.
        while !exhausted && flights.count < max(batchesInFlight, 1) {
          var batch = try await pendingBatch(after: after)
          guard !batch.isEmpty else {
            exhausted = true
            break
          }
          if !flights.isEmpty {
            let busy = flights.contains { !$0.onlyEngagements }
            let held = Set(flights.flatMap(\.entityIDs))
            let free =
              busy
              ? 0 : batch.prefix { $0.mutation.entityType == .engagement && !held.contains($0.mutation.entityID) }.count
            guard free > 0 else { break }
            if free < batch.count { batch = Array(batch.prefix(free)) }
          }
          let sentAt = Date(millisecondsSince1970: now().millisecondsSince1970 + offset)
          // Each change with its place in this device's sequence and its age by the monotonic
          // clock, read as the batch leaves.
          let bootNow = boot()
          let mutations = batch.map { entry in
            var mutation = entry.mutation
            mutation.deviceSeq = entry.seq
            mutation.ageMillis = bootNow.flatMap { now in entry.madeAt?.age(at: now) }
            return mutation
          }
          let request = PushRequest(
            deviceID: deviceID, protocolVersion: protocolVersion, mutations: mutations, sentAt: sentAt,
            epoch: known?.epoch)
          // Started at once, so calls leave in the order their batches were read.
          flights.append(
            Flight(entries: batch, reply: Task.immediate { [transport] in try await transport.push(request) }))
          after = batch[batch.count - 1].seq
        }
        guard !flights.isEmpty else { break }
        let flight = flights.removeFirst()
        let reply = try await flight.reply.value
        if reply.epochChanged, let identity = reply.server {
          // Nothing was applied, here or (same epoch) in the batches behind it.
          try await check(identity, known: &known)
          throw EpochChange(identity: identity)
        }
        if reply.deviceCloned, let seq = flight.entries.first?.seq {
          // The batches behind it are settled before the error is reported.
          for later in flights {
            if let reply = try? await later.reply.value, !reply.deviceCloned, !reply.epochChanged {
              count(try await Self.settle(later.entries, reply, receivedAt: now(), in: database), of: later.entries)
            }
          }
          flights = []
          throw DeviceCloned(seq: seq)
        }
        try await check(reply.server, known: &known)
        let receivedAt = now()
        if let serverTime = reply.serverTime { offset = Self.offset(serverTime, receivedAt) }
        let settled = try await Self.settle(flight.entries, reply, receivedAt: receivedAt, in: database)
        count(settled, of: flight.entries)
        let answered = Set(reply.results.map(\.mutationID))
        if !flight.entries.allSatisfy({ answered.contains($0.mutation.id) }) {
          // A server that answers none of the batch would otherwise be asked forever.
          guard !settled.isEmpty else {
            throw SyncError(
              .server, "the server acknowledged none of \(flight.entries.count) mutations; they stay queued")
          }
          // Some went unanswered: they stay pending and are sent again first, once the
          // batches in flight are answered and settled.
          for later in flights {
            let reply = try await later.reply.value
            count(try await Self.settle(later.entries, reply, receivedAt: now(), in: database), of: later.entries)
          }
          flights = []
          after = 0
          exhausted = false
        }
      }
    } catch {
      // Nothing goes on after the error is reported: the calls still in flight are waited
      // for, and whatever they did at the server is recognised when they are sent again.
      for later in flights { _ = try? await later.reply.value }
      throw error
    }
  }

  /// A batch sent and not yet settled.
  private struct Flight {
    let entries: [OutboxEntry]
    let reply: Task<PushReply, any Error>
    var entityIDs: [String] { entries.map(\.mutation.entityID) }
    var onlyEngagements: Bool { entries.allSatisfy { $0.mutation.entityType == .engagement } }
  }

  /// Pending outbox entries after `seq`, at most one batch: `batchSize` entries, and no more
  /// than `maxBatchBytes` of them by their estimated size on the wire (at least one), so that a
  /// batch of long notes stays well under the server's message limit.
  private func pendingBatch(after seq: Int64) async throws -> [OutboxEntry] {
    let entries = try await database.read { [batchSize] db in try db.pendingMutations(after: seq, limit: batchSize) }
    var total = 0
    var count = 0
    for entry in entries {
      total += Self.estimatedSize(of: entry.mutation)
      if count > 0 && total > Self.maxBatchBytes { break }
      count += 1
    }
    return count == entries.count ? entries : Array(entries.prefix(count))
  }

  /// The most a push carries, by estimate: a quarter of the server's default 4 MiB limit.
  public static let maxBatchBytes = 1 << 20

  /// A generous estimate of a mutation's size on the wire: its text, plus room for the rest.
  static func estimatedSize(of mutation: Mutation) -> Int {
    guard let e = mutation.engagement else { return 256 }
    let lists = (e.topics + e.followUpActions).reduce(0) { $0 + $1.utf8.count + 4 }
    return 512 + e.organisation.utf8.count + e.place.utf8.count + e.notes.utf8.count + lists
      + e.createdBy.utf8.count + e.updatedBy.utf8.count
  }

  /// Takes an answered batch out of the outbox in one transaction: applied and duplicate
  /// mutations leave it, refused ones stay aside with their error; the device goes on
  /// showing each change until the pull brings the server's (possibly merged) state.
  private static func settle(
    _ batch: [OutboxEntry], _ reply: PushReply, receivedAt: Date, in database: any DeviceStore
  ) async throws -> [MutationResult] {
    let byID = Dictionary(reply.results.map { ($0.mutationID, $0) }, uniquingKeysWith: { first, _ in first })
    return try await database.write { db in
      var settled: [MutationResult] = []
      var acknowledged: [UUID] = []
      for entry in batch {
        guard let result = byID[entry.mutation.id] else { continue }
        switch result.outcome {
        case .applied, .duplicate:
          acknowledged.append(entry.mutation.id)
          // Stored as sent: what was sent is the server's state at that cursor, and the pull
          // that follows need not carry it back.
          if result.storedAsSent, result.cursor > 0, entry.mutation.entityType == .engagement,
            entry.mutation.operation == .upsert, let engagement = entry.mutation.engagement
          {
            try db.saveAcknowledgedEngagement(engagement, cursor: result.cursor)
          }
        case .rejected(let error): try db.markRejected(mutationID: entry.mutation.id, error: error.description)
        }
        settled.append(result)
      }
      try db.acknowledge(mutationIDs: acknowledged, at: receivedAt)
      if let serverTime = reply.serverTime { try db.setClockOffset(Self.offset(serverTime, receivedAt)) }
      return settled
    }
  }

  // MARK: - Pull

  func pull(deviceID: String, into report: inout SyncReport, progress: @Sendable (SyncProgress) -> Void) async throws {
    var (cursor, fullPull, known) = try await database.read {
      (try $0.syncState().cursor, try $0.isRebaselining(), try $0.syncState().identity)
    }
    // The device's own changes that the server stored as sent come without their payload
    // (the device kept what it sent when the push was answered); should one arrive that it
    // does not hold, the page is asked for again whole, and so is the rest of this pull.
    var omitOwn = true
    // The next page is asked for while this one is applied; it is applied only after this
    // one and its cursor are committed, so a page lost either way is asked for again.
    var next: Task<(PullPage, Date), any Error>?
    // What this device still holds unsent, reported with the first page: the office cannot
    // erase a field that a device would send again.
    var held: [HeldChange]? = try await database.read { try $0.heldChanges(limit: HeldChange.maxReported) }
    do {
      while true {
        let (page, receivedAt): (PullPage, Date)
        if let prefetched = next {
          next = nil
          (page, receivedAt) = try await prefetched.value
        } else {
          (page, receivedAt) = try await fetch(
            PullRequest(
              afterCursor: cursor, pageSize: pageSize, deviceID: deviceID, protocolVersion: protocolVersion,
              fullPull: fullPull, omitOwnAsSent: omitOwn, epoch: known?.epoch, held: held))
          held = nil
        }
        do {
          try await check(page.server, known: &known)
        } catch let change as EpochChange {
          // Restored between the push and this pull: what was acknowledged is queued again for
          // the next sync, and everything is pulled from this history.
          next?.cancel()
          _ = try? await next?.value
          next = nil
          try await adopt(change.identity, into: &report)
          known = change.identity
          cursor = 0
          fullPull = true
          continue
        }
        if page.rebaselineRequired {
          // Offline longer than the server keeps tombstones: pull everything again. The outbox
          // is untouched; what the server no longer sends is marked deleted at the end.
          guard !fullPull else { throw SyncError(.server, "the server asked again for the full pull under way") }
          try await database.write { try $0.beginRebaseline() }
          report.rebaselined = true
          cursor = 0
          fullPull = true
          continue
        }
        guard page.nextCursor >= cursor else {
          throw SyncError(.server, "the server moved the cursor back from \(cursor) to \(page.nextCursor)")
        }
        let last = !page.hasMore || page.changes.isEmpty
        if !last {
          let request = PullRequest(
            afterCursor: page.nextCursor, pageSize: pageSize, deviceID: deviceID, protocolVersion: protocolVersion,
            fullPull: fullPull, omitOwnAsSent: omitOwn, epoch: known?.epoch)
          next = Task { try await fetch(request) }
        }
        do {
          try await database.write { db in
            try Self.apply(page.changes, in: db)
            try db.setCursor(page.nextCursor)
            if let serverTime = page.serverTime { try db.setClockOffset(Self.offset(serverTime, receivedAt)) }
          }
        } catch is PayloadNeeded where omitOwn {
          // Nothing of the page was kept; it is asked for again, whole.
          omitOwn = false
          next?.cancel()
          _ = try? await next?.value
          next = nil
          continue
        }
        cursor = page.nextCursor
        report.pulled += page.changes.count
        report.redacted += page.changes.count { $0.redaction != nil }
        report.newConflicts += page.changes.count { change in
          if case .conflict(let conflict)? = change.payload { !conflict.isResolved } else { false }
        }
        report.cursor = cursor
        progress(.pulled(count: report.pulled))
        if last {
          let finishedAt = now()
          try await database.write { db in
            guard try db.isRebaselining() else { return }
            for id in try db.finishRebaseline() { try db.rebuildEngagement(id: id, at: finishedAt) }
          }
          // Removed text still sits in the write-ahead log's frames until it is emptied.
          if report.redacted > 0 { try await database.reclaimErasedSpace() }
          return
        }
      }
    } catch {
      // A page asked for ahead is not applied; its call is ended before the error is reported.
      next?.cancel()
      _ = try? await next?.value
      throw error
    }
  }

  /// One page, with the device's time when it arrived (for the clock offset).
  private func fetch(_ request: PullRequest) async throws -> (PullPage, Date) {
    let page = try await transport.pull(request)
    return (page, now())
  }

  /// Server time minus device time, from a server reading received at a device time.
  static func offset(_ serverTime: Date, _ receivedAt: Date) -> Int64 {
    serverTime.millisecondsSince1970 - receivedAt.millisecondsSince1970
  }

  /// Applies one pulled page of changes.
  static func apply(_ changes: [Change], in db: any DeviceTransaction) throws {
    // Read once per page: after a push the outbox is usually empty, and an engagement with
    // nothing waiting is shown exactly as the server sent it.
    let waiting = try db.outboxEntityIDs()
    // The cursor of the server state held for each engagement whose payload was left out,
    // kept up to date as the page's other changes of it are applied.
    let omitted = changes.filter(\.payloadOmitted).map(\.entityID)
    var held = omitted.isEmpty ? [:] : try db.baseCursors(ids: omitted)
    for change in changes {
      if change.payloadOmitted {
        // The device's own change, stored as it sent it: it holds that state already, kept
        // when the push was answered, unless something older has been applied over it since.
        guard change.entityType == .engagement, change.operation == .upsert,
          let cursor = held[change.entityID], cursor >= change.cursor
        else { throw PayloadNeeded() }
        continue
      }
      try apply(change, in: db, waiting: waiting)
      if !omitted.isEmpty, change.entityType == .engagement {
        held[change.entityID] = change.operation == .upsert ? change.cursor : nil
      }
    }
  }

  /// A change came without its payload and the device does not hold that state.
  struct PayloadNeeded: Error {}

  /// Applies one pulled change. An engagement's change becomes the device's copy of the
  /// server's state, and what the device shows is rebuilt from it with the changes still
  /// waiting here on top, so a waiting edit is never overwritten. `waiting` holds the ids
  /// of every entity with a change in the outbox.
  static func apply(_ change: Change, in db: any DeviceTransaction, waiting: Set<String>) throws {
    switch (change.operation, change.payload) {
    case (.upsert, .engagement(let engagement)?):
      let isWaiting = waiting.contains(engagement.id.storageKey)
      // With nothing waiting, the rebuild is the server's state itself; a device pulling
      // back what it pushed already shows it, and the row is then left as it is.
      try db.savePulledEngagement(engagement, cursor: change.cursor, show: !isWaiting)
      if isWaiting { try db.rebuildEngagement(id: engagement.id, at: change.changedAt, base: .some(engagement)) }
    case (.delete, _) where change.entityType == .engagement:
      guard let id = UUID(text: change.entityID) else {
        throw SyncError(.server, "change \(change.cursor) deletes an engagement with an unreadable id")
      }
      try db.saveEngagementBase(id: id, nil, cursor: change.cursor)
      if waiting.contains(id.storageKey) {
        try db.rebuildEngagement(id: id, at: change.changedAt, base: .some(nil))
      } else {
        try db.tombstoneEngagement(id: id, at: change.changedAt)
        // Nothing here needs a deleted engagement's text; the server keeps its own for the
        // tombstone window.
        try db.forgetDeletedText(id: id)
      }
    case (.upsert, .conflict(let conflict)?): try db.saveConflict(conflict)
    case (.upsert, .objective(let objective)?): try db.saveObjective(objective)
    case (.upsert, .element(let element)?): try db.saveElement(element)
    case (.upsert, .area(let area)?): try db.saveArea(area)
    case (.delete, _): try db.deletePlanEntity(change.entityType, id: change.entityID)
    case (.upsert, _):
      throw SyncError(
        .server, "change \(change.cursor) is an upsert of \(change.entityType.rawValue) without its payload")
    }
    // The office removed personal text: the row shown and the copy of the server's state came
    // with the change above; every other copy held here loses it too.
    if let redaction = change.redaction, change.entityType == .engagement {
      guard let id = UUID(text: change.entityID) else {
        throw SyncError(.server, "change \(change.cursor) redacts an engagement with an unreadable id")
      }
      try db.applyRedaction(redaction, engagementID: id)
    }
  }
}
