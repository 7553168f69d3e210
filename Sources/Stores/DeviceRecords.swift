public import Foundation
public import Model

/// A mutation waiting in a device's outbox.
public struct OutboxEntry: Sendable, Hashable {
  /// Position in the outbox: mutations are pushed in this order.
  public var seq: Int64
  public var mutation: Mutation
  /// Whether the server refused it (`error` says why); refused entries are not pushed again.
  public var isRejected: Bool
  public var error: String?
  /// The device's monotonic clock when the change was made: its age at the push.
  public var madeAt: BootReading?

  public init(seq: Int64, mutation: Mutation, isRejected: Bool, error: String?, madeAt: BootReading?) {
    self.seq = seq
    self.mutation = mutation
    self.isRejected = isRejected
    self.error = error
    self.madeAt = madeAt
  }
}

/// How long a device keeps the mutations the server acknowledged.
public enum SyncJournal {
  /// Longer than an office keeps a server backup it might restore: should the server go back
  /// to one, what the device had sent since is sent again.
  public static let keepDays = 90
}

/// Where a field device stands with the server.
public struct SyncState: Sendable, Hashable {
  /// Stable id of this device, made on first use.
  public var deviceID: String
  /// Cursor of the last change pulled and applied here.
  public var cursor: Int64
  /// When a sync last completed (push and pull), by this device's clock.
  public var lastSyncAt: Date?
  /// When a sync was last tried.
  public var lastAttemptAt: Date?
  /// Why the last try failed, when it did.
  public var lastError: String?
  /// Server of the last sync attempt, `HOST:PORT`.
  public var server: String?
  /// The last clock reading this device made.
  public var hlc: HLC?
  /// Server time minus this device's time, measured at the last sync, in milliseconds: added
  /// to the device's clock to read the time in server terms.
  public var clockOffsetMillis: Int64 = 0
  /// The server this device syncs with and the epoch of it last seen; `nil` before the
  /// first answer of a protocol-3 server.
  public var identity: ServerIdentity?

  public init(
    deviceID: String, cursor: Int64, lastSyncAt: Date? = nil, lastAttemptAt: Date? = nil, lastError: String? = nil,
    server: String? = nil, hlc: HLC? = nil, clockOffsetMillis: Int64 = 0, identity: ServerIdentity? = nil
  ) {
    self.deviceID = deviceID
    self.cursor = cursor
    self.lastSyncAt = lastSyncAt
    self.lastAttemptAt = lastAttemptAt
    self.lastError = lastError
    self.server = server
    self.hlc = hlc
    self.clockOffsetMillis = clockOffsetMillis
    self.identity = identity
  }
}
