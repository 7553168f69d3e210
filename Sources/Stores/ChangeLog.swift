public import Foundation
public import Model

/// The server's change log (what devices pull, in cursor order), the mutations it has applied
/// (so that a push sent again is acknowledged, not applied twice), the server's identity and
/// epoch, and the tombstones it keeps and purges. Server only.
///
/// Every member runs inside the caller's transaction (``ServerStore`` or ``DeviceStore``).
public protocol ChangeLogStore {
  /// Appends a change and returns its cursor.
  func appendChange(
    _ type: EntityType, id: String, operation: Model.Operation, payload: Change.Payload?, at time: Date,
    mutationID: UUID?, deviceID: String?
  ) throws -> Int64

  /// Appends an engagement's upsert and returns its cursor and the SHA-256 (hex) of the JSON
  /// logged, written once for both (the audit trail's digest is of the same text).
  /// `asSent`: the engagement is stored exactly as the device `deviceID` sent it.
  /// `written`: the same engagement's JSON made beforehand (used only if it is of an equal
  /// engagement).
  func appendEngagementChange(
    _ engagement: Engagement, at time: Date, mutationID: UUID?, deviceID: String?, asSent: Bool,
    written: LoggedEngagement?
  ) throws -> (cursor: Int64, digest: String)

  /// Changes with a cursor greater than `cursor`, in cursor order, at most `limit`. The
  /// changes of device `omittingAsSentOf` stored as it sent them come without their payload
  /// (not even read), marked `payloadOmitted`.
  func changes(after cursor: Int64, limit: Int, omittingAsSentOf deviceID: String?) throws -> [Change]

  /// The newest cursor, or 0 for an empty log.
  func headCursor() throws -> Int64

  /// The highest cursor this server has ever given out: past the head when the newest
  /// changes were purged tombstones, or after a restore's fence. No device can hold a cursor
  /// beyond it unless it synced with another history (a newer copy of this server).
  func issuedThrough() throws -> Int64

  /// The cursor a mutation was applied at, or `nil` if it never was.
  func appliedCursor(mutationID: UUID) throws -> Int64?

  /// The cursors the given mutations were applied at, for those that ever were, and whether
  /// the change at that cursor is the mutation's own, stored as sent: one query for a whole
  /// push batch instead of one per mutation.
  func appliedCursors(mutationIDs: [UUID]) throws -> [UUID: (cursor: Int64, asSent: Bool)]

  /// `deviceSeq`: the mutation's place in its device's sequence (0: not sent).
  func recordApplied(mutationID: UUID, deviceID: String, deviceSeq: Int64, cursor: Int64, at time: Date) throws

  /// For the given places in one device's sequence, the mutation applied at each (those
  /// taken): one query for a push's batch.
  func appliedMutations(deviceID: String, seqs: [Int64]) throws -> [Int64: String]

  /// Which server this is and which of its histories.
  func serverIdentity() throws -> ServerIdentity

  /// Starts a new history of this server (a backup copy, a restore): a new epoch, whose
  /// first cursor is the next one given out. Returns it.
  @discardableResult
  func beginEpoch() throws -> ServerIdentity

  /// Of these engagement ids (as stored), those deleted and purged, with the delete's stamp.
  func purgedDeletions(among ids: [String]) throws -> [String: FieldStamp]

  /// Forgets a purged deletion: the engagement is back.
  func forgetPurgedDeletion(id: UUID) throws

  /// The newest change-log cursor removed with a purged tombstone (0 if none): a device whose
  /// cursor is behind it may have missed a delete and must pull everything again.
  func purgedThrough() throws -> Int64

  /// Removes engagements deleted before `cutoff`: the tombstone row, its field stamps and its
  /// change-log rows. Each id stays in `deleted_engagement` with the delete's stamp, purged
  /// at `time`. Returns the ids removed.
  func purgeTombstones(deletedBefore cutoff: Date, at time: Date) throws -> [UUID]
}

/// The calls that leave trailing settings at their usual values.
extension ChangeLogStore {
  public func appendChange(
    _ type: EntityType, id: String, operation: Model.Operation, payload: Change.Payload?, at time: Date,
    deviceID: String?
  ) throws -> Int64 {
    try appendChange(
      type, id: id, operation: operation, payload: payload, at: time, mutationID: nil, deviceID: deviceID)
  }

  public func appendChange(
    _ type: EntityType, id: String, operation: Model.Operation, payload: Change.Payload?, at time: Date,
    mutationID: UUID?
  ) throws -> Int64 {
    try appendChange(
      type, id: id, operation: operation, payload: payload, at: time, mutationID: mutationID, deviceID: nil)
  }

  public func appendChange(
    _ type: EntityType, id: String, operation: Model.Operation, payload: Change.Payload?, at time: Date
  ) throws -> Int64 {
    try appendChange(type, id: id, operation: operation, payload: payload, at: time, mutationID: nil, deviceID: nil)
  }

  public func appendEngagementChange(
    _ engagement: Engagement, at time: Date, mutationID: UUID?, deviceID: String?, written: LoggedEngagement?
  ) throws -> (cursor: Int64, digest: String) {
    try appendEngagementChange(
      engagement, at: time, mutationID: mutationID, deviceID: deviceID, asSent: false, written: written)
  }

  public func appendEngagementChange(
    _ engagement: Engagement, at time: Date, mutationID: UUID?, deviceID: String?, asSent: Bool
  ) throws -> (cursor: Int64, digest: String) {
    try appendEngagementChange(
      engagement, at: time, mutationID: mutationID, deviceID: deviceID, asSent: asSent, written: nil)
  }

  public func appendEngagementChange(_ engagement: Engagement, at time: Date, mutationID: UUID?, deviceID: String?)
    throws -> (cursor: Int64, digest: String)
  {
    try appendEngagementChange(
      engagement, at: time, mutationID: mutationID, deviceID: deviceID, asSent: false, written: nil)
  }

  public func changes(after cursor: Int64, limit: Int) throws -> [Change] {
    try changes(after: cursor, limit: limit, omittingAsSentOf: nil)
  }

  public func recordApplied(mutationID: UUID, deviceID: String, cursor: Int64, at time: Date) throws {
    try recordApplied(mutationID: mutationID, deviceID: deviceID, deviceSeq: 0, cursor: cursor, at: time)
  }
}

/// A change's payload as the change log stores it: the entity itself as JSON, the
/// `entity_type` column saying what it is. Written and read the same way by every engine.
package enum ChangePayloadJSON {
  package static func encode(_ payload: Change.Payload) throws -> String {
    switch payload {
    case .engagement(let value): EngagementJSON.encode(value)
    case .objective(let value): try JSONText.encode(value)
    case .element(let value): try JSONText.encode(value)
    case .area(let value): try JSONText.encode(value)
    case .conflict(let value): try JSONText.encode(value)
    }
  }

  package static func decode(_ type: EntityType, _ text: String) throws -> Change.Payload {
    switch type {
    case .engagement: .engagement(try EngagementJSON.decode(text) ?? JSONText.decode(text))
    case .objective: .objective(try JSONText.decode(text))
    case .element: .element(try JSONText.decode(text))
    case .area: .area(try JSONText.decode(text))
    case .conflict: .conflict(try JSONText.decode(text))
    }
  }
}
