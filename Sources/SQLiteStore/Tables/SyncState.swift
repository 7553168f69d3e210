public import Foundation
public import GRDB
public import Model
public import Stores

extension Database {
  /// This device's sync state, made with a new device id on first use.
  public func syncState() throws -> SyncState {
    if let row = try Row.fetchOne(self, sql: "SELECT * FROM sync_state WHERE id = 1") {
      return SyncState(
        deviceID: row["device_id"], cursor: row["cursor"],
        lastSyncAt: (row["last_sync_at_ms"] as Int64?).map(Date.init(millisecondsSince1970:)),
        lastAttemptAt: (row["last_attempt_at_ms"] as Int64?).map(Date.init(millisecondsSince1970:)),
        lastError: row["last_error"], server: row["server"],
        hlc: (row["hlc"] as String?).flatMap(HLC.init(text:)), clockOffsetMillis: row["clock_offset_ms"],
        identity: (row["server_id"] as String?).flatMap { id in
          (row["epoch"] as String?).map {
            ServerIdentity(serverID: id, epoch: $0, epochStart: row["epoch_start"] as Int64? ?? 0)
          }
        })
    }
    let state = SyncState(deviceID: UUID().storageKey, cursor: 0)
    try executeCached(
      sql: "INSERT INTO sync_state (id, device_id, cursor) VALUES (1, ?, 0)", arguments: [state.deviceID])
    return state
  }

  /// The next clock reading for a change made at `time` (device clock): in server time by the
  /// last measured offset, after every earlier reading. Stored before it is returned.
  ///
  /// An earlier reading further ahead than `HLC.maxLead` is not followed: it was made while
  /// the clock ran fast, and following it would date every later change in that future too.
  public func nextHLC(at time: Date) throws -> HLC {
    let state = try syncState()
    let now = SupportedTime.clamp(time.millisecondsSince1970) &+ state.clockOffsetMillis
    let last = state.hlc.flatMap { $0.wallMillis > now &+ HLC.maxLead ? nil : $0 }
    let reading = HLC.tick(after: last, now: SupportedTime.clamp(now), node: state.deviceID)
    try executeCached(sql: "UPDATE sync_state SET hlc = ? WHERE id = 1", arguments: [reading.description])
    return reading
  }

  /// Records server time minus device time, as measured at a sync.
  public func setClockOffset(_ milliseconds: Int64) throws {
    _ = try syncState()
    try executeCached(sql: "UPDATE sync_state SET clock_offset_ms = ? WHERE id = 1", arguments: [milliseconds])
  }

  /// Records the server and epoch this device syncs with.
  public func setServerIdentity(_ identity: ServerIdentity) throws {
    _ = try syncState()
    try executeCached(
      sql: "UPDATE sync_state SET server_id = ?, epoch = ?, epoch_start = ? WHERE id = 1",
      arguments: [identity.serverID, identity.epoch, identity.epochStart])
  }

  /// Gives this device a new id (its data folder turned out to be a copy of another
  /// device's): the copy's changes are then its own, and it signs in again as itself.
  public func renewDeviceID() throws -> String {
    _ = try syncState()
    let id = UUID().storageKey
    try executeCached(sql: "UPDATE sync_state SET device_id = ?, hlc = NULL WHERE id = 1", arguments: [id])
    return id
  }

  public func setCursor(_ cursor: Int64) throws {
    _ = try syncState()
    try executeCached(sql: "UPDATE sync_state SET cursor = ? WHERE id = 1", arguments: [cursor])
  }

  /// Records the outcome of a sync attempt: success clears the error and sets `lastSyncAt`.
  public func recordSyncAttempt(server: String, at time: Date, error: String?) throws {
    _ = try syncState()
    if let error {
      try executeCached(
        sql: "UPDATE sync_state SET server = ?, last_attempt_at_ms = ?, last_error = ? WHERE id = 1",
        arguments: [server, time.millisecondsSince1970, error])
    } else {
      try executeCached(
        sql: """
          UPDATE sync_state SET server = ?, last_attempt_at_ms = ?, last_sync_at_ms = ?, last_error = NULL
          WHERE id = 1
          """,
        arguments: [server, time.millisecondsSince1970, time.millisecondsSince1970])
    }
  }
}
