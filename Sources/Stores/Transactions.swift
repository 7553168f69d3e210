public import Model

/// How a savepoint ends: its writes kept, or undone while the transaction goes on.
public enum SavepointEnd: Sendable {
  case commit, rollback
}

/// What every store transaction offers besides its records.
public protocol StoreTransaction {
  /// Runs `body` in a savepoint: should it throw or answer `.rollback`, its writes are undone
  /// and the rest of the transaction stands.
  func inSavepoint(_ body: () throws -> SavepointEnd) throws
}

/// One transaction on the server's store: every bounded context's records, read and written
/// together, committed together or not at all.
public protocol ServerTransaction:
  StoreTransaction, EngagementStore, ConflictStore, ChangeLogStore, PlanStore, GovernanceStore, OversightStore,
  AccountStore, AuditStore, PrivacyStore, RedactionStore
{}

/// One transaction on a field device's store: its engagements, conflicts and cached plan, its
/// sync state and its outbox. None of the server-only records (change log, accounts, audit,
/// governance, oversight) are here.
public protocol DeviceTransaction:
  StoreTransaction, EngagementStore, ConflictStore, PlanStore, DeviceSyncStore, OutboxStore
{}

/// The server's store: where the application reads and writes, whatever the engine.
///
/// A write transaction is serialised with every other write; reads run beside it on a
/// snapshot. The body runs synchronously on the store's own thread and must not wait on
/// anything else (Docs/Decisions.md); it is escaping because that thread may be one the
/// engine's client library hands work to, but it runs once and is not kept.
public protocol ServerStore: Sendable {
  /// Which server this is and which of its histories: fixed while the store is open.
  var identity: ServerIdentity { get }
  /// Runs `body` in one write transaction: everything in it is committed together or not at all.
  func write<T: Sendable>(_ body: @escaping @Sendable (any ServerTransaction) throws -> T) async throws -> T
  /// Runs `body` on a consistent snapshot; it must not write.
  func read<T: Sendable>(_ body: @escaping @Sendable (any ServerTransaction) throws -> T) async throws -> T
  /// Whether `error` is the engine's own (disk full, read-only, locked, damaged, out of
  /// memory, interrupted), not the fault of what was being written.
  func isEngineFailure(_ error: any Error) -> Bool
  /// An error in words for a device: the engine's without its statement (the server's schema
  /// is not the device's business), any other as it describes itself.
  func describe(_ error: any Error) -> String
  /// After personal text was removed (an erasure, a retention run): brings the engine's search
  /// indexes up to date and lets go of the bytes the removed text still occupies where the
  /// engine allows (SQLite: merged full-text indexes, zeroed free pages, an emptied
  /// write-ahead log). Outside any transaction.
  func reclaimErasedSpace() async throws
}

/// A field device's store (the field store and its outbox).
public protocol DeviceStore: Sendable {
  /// Where the store lives, for messages and for files kept beside it.
  var path: String { get }
  /// Runs `body` in one write transaction: an engagement and its outbox row are committed
  /// together or not at all.
  func write<T: Sendable>(_ body: @Sendable (any DeviceTransaction) throws -> T) async throws -> T
  /// Runs `body` on a consistent snapshot; it must not write.
  func read<T: Sendable>(_ body: @Sendable (any DeviceTransaction) throws -> T) async throws -> T
  /// After a pulled redaction removed personal text: lets go of the bytes it still occupies
  /// (the write-ahead log emptied; free pages are zeroed as they are freed). Outside any
  /// transaction.
  func reclaimErasedSpace() async throws
}

/// What another server process changed, or saw, that this one may hold in memory.
public enum StoreNotice: Sendable, Hashable {
  /// Objectives, elements, areas or the force's profile: a copy of the plan is stale.
  case plan
  /// Accounts or device tokens (revoked, expired, replaced, disabled): a cache of sign-ins is
  /// stale.
  case accounts
  /// Another server refused a sign-in from this address: it counts towards the limit here too.
  case failedSignIn(peer: String)

  /// The notices that drop what a server holds (sent again after notices may have been lost).
  public static let invalidations: [StoreNotice] = [.plan, .accounts]
}

/// A store shared by several server processes tells each of them what the others changed.
public protocol SharedStore: Sendable {
  /// Every notice of a change committed by any process on the store, this one included,
  /// until the store closes. After a lost connection to the database every kind is sent
  /// once, since notices may have been missed meanwhile.
  func notices() -> AsyncStream<StoreNotice>

  /// Tells the other servers on the store that this one refused a sign-in from `peer`
  /// (best effort: a failure to tell them is not the caller's).
  func announceFailedSignIn(peer: String) async
}
