public import Foundation
public import Model
public import Stores

/// Every write a field device makes: the engagement row and its outbox mutation are
/// committed in one transaction, so a change acknowledged to the user is always queued.
public struct FieldRepository: Sendable {
  public let database: any DeviceStore
  /// User recorded as making the changes.
  public let user: String
  public let now: @Sendable () -> Date
  /// Zone that decides what "today" is for the future-date rule.
  public let timeZone: TimeZone
  /// The machine's monotonic clock, kept with each change: its age when it is pushed.
  public let boot: @Sendable () -> BootReading?

  public init(
    database: any DeviceStore, user: String, now: @escaping @Sendable () -> Date = Date.init,
    timeZone: TimeZone = .current, boot: @escaping @Sendable () -> BootReading? = BootReading.current
  ) {
    self.database = database
    self.user = user
    self.now = now
    self.timeZone = timeZone
    self.boot = boot
  }

  /// The rules a new or edited engagement must pass here: the force's plan and areas as
  /// this device last received them, and no date after today. A device that holds no areas
  /// yet (never synced, signed in to no server) accepts any well-formed area code: the
  /// server decides at sync, and a code it refuses is kept aside with its reason.
  public func validationContext() async throws -> ValidationContext {
    let today = LocalDate.today(in: timeZone, now: now())
    return try await database.read { db in
      var context = try db.validationContext(latestDate: today)
      // No profile received yet: any well-formed kind, and the server decides.
      if try !db.hasForceProfile() {
        context.kinds = nil
        context.offices = nil
      }
      return context
    }
  }

  // MARK: - Writes

  /// Validates and stores a new engagement, queueing it for the server.
  @discardableResult
  public func record(_ draft: Engagement) async throws -> Engagement {
    let time = now().truncatedToMilliseconds
    var engagement = draft
    engagement.createdBy = user
    engagement.createdAt = time
    engagement.updatedBy = user
    engagement.updatedAt = time
    try engagement.validate(in: try await validationContext())
    let stored = engagement
    try await database.write { db in
      guard try !db.engagementExists(id: stored.id, includingDeleted: true) else {
        throw StorageError(.alreadyExists, "an engagement with id \(stored.id.storageKey) already exists")
      }
      try db.saveEngagement(stored)
      try db.enqueue(.upsert(stored, hlc: try db.nextHLC(at: time), by: user, at: time), madeAt: boot())
    }
    return stored
  }

  /// Applies `change` to a stored engagement, validates the result and queues it.
  @discardableResult
  public func edit(id: UUID, _ change: @Sendable (inout Engagement) -> Void) async throws -> Engagement {
    let context = try await validationContext()
    let time = now().truncatedToMilliseconds
    let user = self.user
    return try await database.write { db in
      guard var engagement = try db.engagement(id: id) else {
        throw StorageError(.notFound, "no engagement \(id.storageKey)")
      }
      let before = engagement
      change(&engagement)
      engagement.id = before.id
      engagement.createdBy = before.createdBy
      engagement.createdAt = before.createdAt
      guard try Self.saveEdit(&engagement, from: before, by: user, at: time, madeAt: boot(), context: context, in: db)
      else {
        return before
      }
      return engagement
    }
  }

  /// Deletes an engagement, keeping a tombstone, and queues the delete.
  public func delete(id: UUID) async throws {
    let time = now().truncatedToMilliseconds
    let user = self.user
    try await database.write { db in
      guard try Self.saveDelete(id: id, by: user, at: time, madeAt: boot(), in: db) else {
        throw StorageError(.notFound, "no engagement \(id.storageKey)")
      }
    }
  }

  /// Stores an edited engagement and queues the edit of the fields it changed from `before`,
  /// stamped with who, when, its base cursor and a clock reading. Returns false, storing
  /// nothing, when nothing changed.
  private static func saveEdit(
    _ engagement: inout Engagement, from before: Engagement, by user: String, at time: Date, madeAt: BootReading?,
    context: ValidationContext, in db: any DeviceTransaction
  ) throws -> Bool {
    guard engagement != before else { return false }
    engagement.updatedBy = user
    engagement.updatedAt = time
    try engagement.validate(in: context, storedArea: before.area)
    try db.saveEngagement(engagement)
    try db.enqueue(
      .upsert(
        engagement, changed: engagement.changedFields(from: before),
        base: try db.engagementBase(id: before.id)?.cursor ?? 0,
        hlc: try db.nextHLC(at: time), by: user, at: time), madeAt: madeAt)
    return true
  }

  /// Tombstones a live engagement and queues its delete. Returns false when none was live.
  private static func saveDelete(
    id: UUID, by user: String, at time: Date, madeAt: BootReading?, in db: any DeviceTransaction
  )
    throws -> Bool
  {
    guard try db.tombstoneEngagement(id: id, at: time) else { return false }
    try db.enqueue(
      .delete(
        engagement: id, base: try db.engagementBase(id: id)?.cursor ?? 0, hlc: try db.nextHLC(at: time), by: user,
        at: time), madeAt: madeAt)
    return true
  }

  // MARK: - Conflicts and refused changes

  /// Resolves a conflict: keeps the value that won, or takes back the other with a new edit
  /// (for an edit and a delete, deletes the engagement after all). The record stays, marked
  /// resolved, here at once and on the server at the next sync.
  @discardableResult
  public func resolve(conflict id: UUID, _ resolution: Conflict.Resolution) async throws -> Conflict {
    let context = try await validationContext()
    let time = now().truncatedToMilliseconds
    let user = self.user
    return try await database.write { db in
      guard var conflict = try db.conflict(id: id) else {
        throw StorageError(.notFound, "no conflict \(id.storageKey)")
      }
      if let done = conflict.resolution {
        throw ValidationError(
          field: "conflict", rule: "was already resolved (\(done.rawValue)) by \(conflict.resolvedBy ?? "someone")")
      }
      if resolution == .tookOther {
        switch conflict.subject {
        case .deletion:
          _ = try Self.saveDelete(id: conflict.engagementID, by: user, at: time, madeAt: boot(), in: db)
        case .field(let field):
          guard var engagement = try db.engagement(id: conflict.engagementID) else {
            throw StorageError(
              .notFound, "engagement \(conflict.engagementID.storageKey) is deleted here; nothing to change")
          }
          let before = engagement
          guard engagement.set(field, text: conflict.lost.value) else {
            throw ValidationError(field: field.label, rule: "the other value \"\(conflict.lost.value)\" cannot be read")
          }
          _ = try Self.saveEdit(&engagement, from: before, by: user, at: time, madeAt: boot(), context: context, in: db)
        }
      }
      conflict.resolution = resolution
      conflict.resolvedBy = user
      conflict.resolvedAt = time
      try db.saveConflict(conflict)
      try db.enqueue(
        .resolve(conflict: id, as: resolution, hlc: try db.nextHLC(at: time), by: user, at: time), madeAt: boot())
      return conflict
    }
  }

  /// Puts a change the server refused back in the queue, to be sent at the next sync (after
  /// the cause was fixed on the server, e.g. an area added).
  public func retry(quarantined mutationID: UUID) async throws {
    try await database.write { db in
      guard let entry = try db.outboxEntry(mutationID: mutationID), entry.isRejected else {
        throw StorageError(.notFound, "no refused change \(mutationID.storageKey)")
      }
      try db.requeue(mutationID: mutationID)
    }
  }

  /// Throws away a change the server refused. The device then shows the engagement as the
  /// server has it (with any other waiting changes); a refused new engagement disappears.
  public func drop(quarantined mutationID: UUID) async throws -> OutboxEntry {
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      guard let entry = try db.outboxEntry(mutationID: mutationID), entry.isRejected else {
        throw StorageError(.notFound, "no refused change \(mutationID.storageKey)")
      }
      try db.removeFromOutbox(mutationID: mutationID)
      if entry.mutation.entityType == .engagement, let id = UUID(uuidString: entry.mutation.entityID) {
        try db.rebuildEngagement(id: id, at: time)
      }
      return entry
    }
  }

  // MARK: - Reads

  /// Resolves a full id or a unique prefix of at least 4 characters to an engagement id.
  public func resolve(_ text: String) async throws -> UUID {
    try await resolve(text, naming: "engagement") { try $0.engagementIDs(withPrefix: $1) }
  }

  /// Resolves a full conflict id or a unique prefix of at least 4 characters.
  public func resolveConflict(_ text: String) async throws -> UUID {
    try await resolve(text, naming: "conflict") { try $0.conflictIDs(withPrefix: $1) }
  }

  private func resolve(
    _ text: String, naming noun: String,
    matching: @escaping @Sendable (any DeviceTransaction, String) throws -> [String]
  ) async throws -> UUID {
    if let id = UUID(uuidString: text) { return id }
    guard text.count >= 4, text.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
      throw ValidationError(
        field: "id", rule: "must be the \(noun)'s id or at least its first 4 characters (got \"\(text)\")")
    }
    let matches = try await database.read { try matching($0, text) }
    switch matches.count {
    case 0: throw StorageError(.notFound, "no \(noun) with an id starting \(text)")
    case 1:
      guard let id = UUID(uuidString: matches[0]) else {
        throw StorageError(.corrupt, "stored id \(matches[0]) is unreadable")
      }
      return id
    default: throw StorageError(.ambiguous, "more than one \(noun) has an id starting \(text); give more characters")
    }
  }
}
