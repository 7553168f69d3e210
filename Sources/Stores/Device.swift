public import Foundation
public import Model

/// A device's sync state: its id, cursor, hybrid clock, the server it knows, and each
/// engagement's base (the server's version the device last saw). Device only.
///
/// Every member runs inside the caller's transaction (``ServerStore`` or ``DeviceStore``).
public protocol DeviceSyncStore {
  /// The server's last state of an engagement as this device pulled it (`nil` engagement:
  /// deleted there), with the cursor of that change; `nil` when the server never sent it.
  func engagementBase(id: UUID) throws -> (engagement: Engagement?, cursor: Int64)?

  /// Stores the server's state of an engagement (`nil`: deleted there) as of `cursor`.
  func saveEngagementBase(id: UUID, _ e: Engagement?, cursor: Int64) throws

  /// Stores the server's state of an engagement as of `cursor` and, when `show`, makes it
  /// what the device shows too (as `saveEngagementIfChanged`): the pull of an engagement
  /// with nothing waiting in the outbox, with its column values made once for both.
  func savePulledEngagement(_ e: Engagement, cursor: Int64, show: Bool) throws

  /// Keeps an engagement this device pushed, which the server acknowledged as stored exactly
  /// as sent at `cursor`, as the device's copy of the server's state, unless the copy held is
  /// already from that change or a later one. The row shown is not touched (it is what was
  /// sent, or later edits still waiting).
  func saveAcknowledgedEngagement(_ e: Engagement, cursor: Int64) throws

  /// The cursor of the device's copy of each of these engagements' server state (by id as
  /// stored), for those it holds a live copy of.
  func baseCursors(ids: [String]) throws -> [String: Int64]

  /// Starts a full pull: the cursor goes back to 0 and every server copy is marked stale
  /// until the pull sends it again.
  func beginRebaseline() throws

  func isRebaselining() throws -> Bool

  /// Ends a full pull: returns the engagements the server did not send again (it no longer
  /// has them: their tombstones were purged), whose copies are now marked deleted.
  /// That includes engagements made here whose creation the server acknowledged but whose
  /// change this device never pulled before they were deleted and purged.
  func finishRebaseline() throws -> [UUID]

  /// Removes an engagement row outright (a device dropping a refused new engagement that
  /// the server never had).
  func removeEngagement(id: UUID) throws

  /// This device's sync state, made with a new device id on first use.
  func syncState() throws -> SyncState

  /// The next clock reading for a change made at `time` (device clock): in server time by the
  /// last measured offset, after every earlier reading. Stored before it is returned.
  ///
  /// An earlier reading further ahead than `HLC.maxLead` is not followed: it was made while
  /// the clock ran fast, and following it would date every later change in that future too.
  func nextHLC(at time: Date) throws -> HLC

  /// Records server time minus device time, as measured at a sync.
  func setClockOffset(_ milliseconds: Int64) throws

  /// Records the server and epoch this device syncs with.
  func setServerIdentity(_ identity: ServerIdentity) throws

  /// Gives this device a new id (its data folder turned out to be a copy of another
  /// device's): the copy's changes are then its own, and it signs in again as itself.
  func renewDeviceID() throws -> String

  func setCursor(_ cursor: Int64) throws

  /// Records the outcome of a sync attempt: success clears the error and sets `lastSyncAt`.
  func recordSyncAttempt(server: String, at time: Date, error: String?) throws

  /// Removes the text of `redaction`'s fields from the copies of an engagement this device
  /// keeps besides the row it shows: its copy of the server's state, the outbox's payloads (a
  /// change still waiting keeps the fields it changes itself, its user's unsent work), the
  /// journal's payloads, its conflict records, and the fields of a tombstone.
  func applyRedaction(_ redaction: Redaction, engagementID: UUID) throws

  /// Removes the personal text of engagement `id`'s tombstone here, if it is one: the server
  /// deleted it and nothing here waits on it, so the device needs none of its text.
  func forgetDeletedText(id: UUID) throws

  /// The engagements whose personal fields this device holds unsent edits of (waiting or
  /// refused), and those fields: at most `limit` engagements.
  func heldChanges(limit: Int) throws -> [HeldChange]
}

/// A device's outbox (changes not yet acknowledged) and journal (acknowledged changes kept in
/// case the server is restored from a backup). Device only.
///
/// Every member runs inside the caller's transaction (``ServerStore`` or ``DeviceStore``).
public protocol OutboxStore {
  /// `madeAt`: the device's monotonic clock as the change was made.
  func enqueue(_ m: Mutation, madeAt: BootReading?) throws

  /// The oldest pending (not rejected) mutations, at most `limit`.
  func pendingMutations(limit: Int) throws -> [OutboxEntry]

  /// The oldest pending mutations queued after `seq`, at most `limit`: the next batch while
  /// the answer to the one before is still being settled.
  func pendingMutations(after seq: Int64, limit: Int) throws -> [OutboxEntry]

  /// Mutations the server refused, oldest first.
  func rejectedMutations() throws -> [OutboxEntry]

  func pendingCount() throws -> Int

  func rejectedCount() throws -> Int

  /// Every change to one entity still in the outbox, waiting or refused, in the order made:
  /// what the device shows is the server's state with these on top.
  func outboxMutations(entityID: String) throws -> [OutboxEntry]

  /// Ids of the entities with any change in the outbox, waiting or refused: a pulled change
  /// of any other engagement is shown as it comes, with no rebuild.
  func outboxEntityIDs() throws -> Set<String>

  /// One outbox entry by its mutation id.
  func outboxEntry(mutationID: UUID) throws -> OutboxEntry?

  /// Puts a refused mutation back in the queue to be sent again.
  func requeue(mutationID: UUID) throws

  /// Removes an acknowledged mutation.
  func removeFromOutbox(mutationID: UUID) throws

  /// Removes acknowledged mutations: one statement for a whole push batch.
  func removeFromOutbox(mutationIDs: [UUID]) throws

  /// Moves acknowledged mutations from the outbox to the journal, where they stay for
  /// `SyncJournal.keepDays` (see `pruneJournal`).
  func acknowledge(mutationIDs: [UUID], at time: Date) throws

  /// Removes journal entries acknowledged more than `SyncJournal.keepDays` before `time`:
  /// once a sync, not once a batch (it reads the whole journal).
  func pruneJournal(at time: Date) throws

  /// How many acknowledged mutations the journal holds.
  func journalCount() throws -> Int

  /// Puts every journal entry back in the outbox, in its old place, to be sent again: the
  /// server went back to an earlier history and may have lost them (it recognises the ones it
  /// has). Bases at or past `epochStart` are of a history the server no longer has: they
  /// become the last cursor it shares with it. Returns how many were put back.
  func resendJournal(epochStart: Int64) throws -> Int

  /// Keeps a refused mutation aside with the server's reason, so the rest can flow.
  func markRejected(mutationID: UUID, error: String) throws

  /// For each entity with a change in the outbox: `pending` if any change still waits,
  /// else `rejected`.
  func outboxStateByEntity() throws -> [String: String]
}

/// The calls that leave trailing settings at their usual values.
extension OutboxStore {
  public func enqueue(_ m: Mutation) throws {
    try enqueue(m, madeAt: nil)
  }
}
