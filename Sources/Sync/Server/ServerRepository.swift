import Foundation
import GRDB
import Model
import Storage

/// Every write the server makes, each with its change-log row in the same transaction, and
/// the server half of the sync protocol.
///
/// The change log is what devices pull, so nothing may reach the engagement or plan tables
/// except through here.
public struct ServerRepository: Sendable {
  public let database: ServerDatabase
  /// The server's clock: change times and the future-date rule come from it, never from devices.
  public let now: @Sendable () -> Date

  public init(database: ServerDatabase, now: @escaping @Sendable () -> Date = Date.init) {
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
  public func record(_ engagement: Engagement, deviceID: String? = nil) async throws -> (Engagement, Int64) {
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      try engagement.validate(in: db.validationContext(latestDate: latestAllowedDate(at: time)))
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
        _ = try db.appendChange(.objective, id: objective.id, operation: .upsert, payload: .objective(objective), at: time)
      }
      for element in elements where try db.element(id: element.id) != element {
        try db.saveElement(element)
        _ = try db.appendChange(.element, id: element.id, operation: .upsert, payload: .element(element), at: time)
      }
    }
  }

  /// Makes the stored areas exactly `areas`, logging each addition, change and removal.
  ///
  /// Removing an area does not touch engagements already recorded in it.
  public func configureAreas(_ areas: [Area]) async throws {
    for area in areas { try Area.validate(code: area.code) }
    let time = now().truncatedToMilliseconds
    try await database.write { db in
      let stored = try db.areas()
      guard stored != areas else { return }
      for (position, area) in areas.enumerated() {
        try db.saveArea(area, position: position)
        if !stored.contains(area) {
          _ = try db.appendChange(.area, id: area.code, operation: .upsert, payload: .area(area), at: time)
        }
      }
      for old in stored where !areas.contains(where: { $0.code == old.code }) {
        try db.deletePlanEntity(.area, id: old.code)
        _ = try db.appendChange(.area, id: old.code, operation: .delete, payload: nil, at: time)
      }
    }
  }

  // MARK: - Sync

  /// Applies a batch of mutations in one transaction and returns each one's outcome, in order.
  ///
  /// A mutation id seen before is acknowledged as a duplicate and not applied again, so a
  /// device that lost the answer to an earlier push can safely send it again. An invalid
  /// mutation is rejected with its error and the others still apply.
  public func push(_ request: PushRequest) async throws -> [MutationResult] {
    try Self.checkProtocol(request.protocolVersion)
    guard !request.deviceID.isEmpty, request.deviceID.count <= 100 else {
      throw SyncError(.invalidRequest, "device_id: is required, at most 100 characters")
    }
    guard request.mutations.count <= SyncProtocol.maxBatchSize else {
      throw SyncError(
        .invalidRequest, "mutations: at most \(SyncProtocol.maxBatchSize) per push (got \(request.mutations.count))")
    }
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      let context = try db.validationContext(latestDate: latestAllowedDate(at: time))
      var results: [MutationResult] = []
      for mutation in request.mutations {
        // The transaction sees its own writes, so this also catches a repeat within the batch.
        if let cursor = try db.appliedCursor(mutationID: mutation.id) {
          results.append(MutationResult(mutationID: mutation.id, outcome: .duplicate, cursor: cursor))
          continue
        }
        do throws(ValidationError) {
          try Self.check(mutation, in: context)
        } catch {
          results.append(MutationResult(mutationID: mutation.id, outcome: .rejected(error), cursor: 0))
          continue
        }
        let cursor = try apply(mutation, deviceID: request.deviceID, at: time, in: db)
        try db.recordApplied(mutationID: mutation.id, deviceID: request.deviceID, cursor: cursor, at: time)
        results.append(MutationResult(mutationID: mutation.id, outcome: .applied, cursor: cursor))
      }
      return results
    }
  }

  /// One page of the change log after the request's cursor.
  public func pull(_ request: PullRequest) async throws -> PullPage {
    try Self.checkProtocol(request.protocolVersion)
    let size = request.pageSize == 0 ? 500 : request.pageSize
    guard (1...SyncProtocol.maxPageSize).contains(size), request.afterCursor >= 0 else {
      throw SyncError(.invalidRequest, "page_size: must be between 1 and \(SyncProtocol.maxPageSize) (got \(size))")
    }
    return try await database.read { db in
      let changes = try db.changes(after: request.afterCursor, limit: size + 1)
      let page = Array(changes.prefix(size))
      return PullPage(
        changes: page, nextCursor: page.last?.cursor ?? request.afterCursor, hasMore: changes.count > size)
    }
  }

  static func checkProtocol(_ version: UInt32) throws {
    guard SyncProtocol.supportedVersions.contains(version) else {
      throw SyncError(
        .unsupportedProtocol,
        "sync protocol \(version) is not supported by this server (it speaks \(SyncProtocol.supportedVersions)); upgrade the older side"
      )
    }
  }

  private static func check(_ mutation: Mutation, in context: ValidationContext) throws(ValidationError) {
    guard mutation.entityType == .engagement else {
      throw ValidationError(field: "entity_type", rule: "field devices may only change engagements (got \(mutation.entityType.rawValue))")
    }
    switch mutation.operation {
    case .upsert:
      guard let engagement = mutation.engagement else {
        throw ValidationError(field: "engagement", rule: "is required for an upsert")
      }
      guard engagement.id.storageKey == mutation.entityID else {
        throw ValidationError(field: "entity_id", rule: "must equal the engagement's id")
      }
      try engagement.validate(in: context)
    case .delete:
      guard UUID(uuidString: mutation.entityID) != nil else {
        throw ValidationError(field: "entity_id", rule: "must be a UUID (got \"\(mutation.entityID)\")")
      }
    }
  }

  /// Applies a checked mutation and returns its cursor.
  ///
  /// An upsert of a deleted engagement restores it: an edit is never lost to a delete it
  /// did not see. Deleting what does not exist changes nothing and returns the head cursor.
  private func apply(_ mutation: Mutation, deviceID: String, at time: Date, in db: Database) throws -> Int64 {
    switch mutation.operation {
    case .upsert:
      guard let engagement = mutation.engagement else { return try db.headCursor() }
      try db.saveEngagement(engagement)
      return try db.appendChange(
        .engagement, id: mutation.entityID, operation: .upsert, payload: .engagement(engagement), at: time,
        mutationID: mutation.id, deviceID: deviceID)
    case .delete:
      guard let id = UUID(uuidString: mutation.entityID), try db.tombstoneEngagement(id: id, at: time) else {
        return try db.headCursor()
      }
      return try db.appendChange(
        .engagement, id: mutation.entityID, operation: .delete, payload: nil, at: time, mutationID: mutation.id,
        deviceID: deviceID)
    }
  }
}
