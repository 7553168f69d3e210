import Foundation
import GRDB
import Model
import Storage

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
  /// Whether the device had to pull everything again (offline past the tombstone window).
  public var rebaselined = false

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
  public let database: ClientDatabase
  public let transport: any SyncTransport
  public var batchSize: Int
  public var pageSize: Int
  /// The device's clock (never trusted for order; its offset from the server is measured).
  public var now: @Sendable () -> Date

  public init(
    database: ClientDatabase, transport: any SyncTransport, batchSize: Int = 500, pageSize: Int = 1000,
    now: @escaping @Sendable () -> Date = Date.init
  ) {
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
    let state = try await database.write { try $0.syncState() }
    report.cursor = state.cursor
    do {
      try await push(deviceID: state.deviceID, into: &report, progress: progress)
      try await pull(deviceID: state.deviceID, into: &report, progress: progress)
    } catch {
      if let (pending, cursor) = try? await database.read({ (try $0.pendingCount(), try $0.syncState().cursor) }) {
        report.pending = pending
        report.cursor = cursor
      }
      throw error
    }
    report.pending = try await database.read { try $0.pendingCount() }
  }

  // MARK: - Push

  func push(deviceID: String, into report: inout SyncReport, progress: @Sendable (SyncProgress) -> Void) async throws {
    let total = try await database.read { try $0.pendingCount() }
    var done = 0
    while true {
      let (batch, offset) = try await database.read { [batchSize] db in
        (try db.pendingMutations(limit: batchSize), try db.syncState().clockOffsetMillis)
      }
      guard !batch.isEmpty else { return }
      let sentAt = Date(millisecondsSince1970: now().millisecondsSince1970 + offset)
      let reply = try await transport.push(
        PushRequest(deviceID: deviceID, mutations: batch.map(\.mutation), sentAt: sentAt))
      let receivedAt = now()
      let byID = Dictionary(reply.results.map { ($0.mutationID, $0) }, uniquingKeysWith: { first, _ in first })
      let settled = try await database.write { db in
        var settled: [MutationResult] = []
        for entry in batch {
          guard let result = byID[entry.mutation.id] else { continue }
          switch result.outcome {
          case .applied, .duplicate:
            // The device goes on showing the change until the pull brings the server's
            // (possibly merged) state of the engagement.
            try db.removeFromOutbox(mutationID: entry.mutation.id)
          case .rejected(let error):
            try db.markRejected(mutationID: entry.mutation.id, error: error.description)
          }
          settled.append(result)
        }
        if let serverTime = reply.serverTime { try db.setClockOffset(Self.offset(serverTime, receivedAt)) }
        return settled
      }
      for result in settled {
        switch result.outcome {
        case .applied: report.pushed += 1
        case .duplicate: report.duplicates += 1
        case .rejected(let error):
          let entityID = batch.first { $0.mutation.id == result.mutationID }?.mutation.entityID ?? ""
          report.rejected.append(
            RejectedMutation(mutationID: result.mutationID, entityID: entityID, error: error.description))
        }
      }
      done += settled.count
      progress(.pushed(done: done, of: total))
      // A server that answers none of the batch would otherwise be asked forever.
      guard !settled.isEmpty else {
        throw SyncError(.server, "the server acknowledged none of \(batch.count) mutations; they stay queued")
      }
    }
  }

  // MARK: - Pull

  func pull(deviceID: String, into report: inout SyncReport, progress: @Sendable (SyncProgress) -> Void) async throws {
    var (cursor, fullPull) = try await database.read { (try $0.syncState().cursor, try $0.isRebaselining()) }
    while true {
      let page = try await transport.pull(
        PullRequest(afterCursor: cursor, pageSize: pageSize, deviceID: deviceID, fullPull: fullPull))
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
      let receivedAt = now()
      try await database.write { db in
        for change in page.changes { try Self.apply(change, in: db) }
        try db.setCursor(page.nextCursor)
        if let serverTime = page.serverTime { try db.setClockOffset(Self.offset(serverTime, receivedAt)) }
      }
      cursor = page.nextCursor
      report.pulled += page.changes.count
      report.newConflicts += page.changes.count { change in
        if case .conflict(let conflict)? = change.payload { !conflict.isResolved } else { false }
      }
      report.cursor = cursor
      progress(.pulled(count: report.pulled))
      if !page.hasMore || page.changes.isEmpty {
        let finishedAt = now()
        try await database.write { db in
          guard try db.isRebaselining() else { return }
          for id in try db.finishRebaseline() { try db.rebuildEngagement(id: id, at: finishedAt) }
        }
        return
      }
    }
  }

  /// Server time minus device time, from a server reading received at a device time.
  static func offset(_ serverTime: Date, _ receivedAt: Date) -> Int64 {
    serverTime.millisecondsSince1970 - receivedAt.millisecondsSince1970
  }

  /// Applies one pulled change. An engagement's change becomes the device's copy of the
  /// server's state, and what the device shows is rebuilt from it with the changes still
  /// waiting here on top, so a waiting edit is never overwritten.
  static func apply(_ change: Change, in db: Database) throws {
    switch (change.operation, change.payload) {
    case (.upsert, .engagement(let engagement)?):
      try db.saveEngagementBase(id: engagement.id, engagement, cursor: change.cursor)
      try db.rebuildEngagement(id: engagement.id, at: change.changedAt, base: .some(engagement))
    case (.delete, _) where change.entityType == .engagement:
      guard let id = UUID(uuidString: change.entityID) else {
        throw SyncError(.server, "change \(change.cursor) deletes an engagement with an unreadable id")
      }
      try db.saveEngagementBase(id: id, nil, cursor: change.cursor)
      try db.rebuildEngagement(id: id, at: change.changedAt, base: .some(nil))
    case (.upsert, .conflict(let conflict)?): try db.saveConflict(conflict)
    case (.upsert, .objective(let objective)?): try db.saveObjective(objective)
    case (.upsert, .element(let element)?): try db.saveElement(element)
    case (.upsert, .area(let area)?): try db.saveArea(area)
    case (.delete, _): try db.deletePlanEntity(change.entityType, id: change.entityID)
    case (.upsert, _):
      throw SyncError(.server, "change \(change.cursor) is an upsert of \(change.entityType.rawValue) without its payload")
    }
  }
}
