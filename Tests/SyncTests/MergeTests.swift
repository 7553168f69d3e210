import Application
import Foundation
import GRDB
import Model
import SQLiteStore
import Stores
import Sync
import TestSupport
import Testing

extension Device {
  func conflicts(includeResolved: Bool = false) async throws -> [Conflict] {
    try await database.read { try $0.conflicts(includeResolved: includeResolved) }
  }

  func engagement(_ id: UUID) async throws -> Engagement? {
    try await database.read { try $0.engagement(id: id) }
  }
}

/// Concurrent edits merge field by field; where two hit one field, the later (by the
/// server-corrected clock) wins and the other value is kept as a conflict record.
@Suite struct MergeTests {
  /// One engagement recorded on `a`, synced to both.
  private func shared(_ world: SyncWorld, _ a: Device, _ b: Device) async throws -> Engagement {
    let engagement = try await a.add("Ledbury Town Council")
    _ = try await a.client.sync()
    _ = try await b.client.sync()
    return engagement
  }

  @Test("two devices edit the same notes offline: both end with the same notes, and each lists the other value")
  func sameFieldConflict() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b")
    let engagement = try await shared(world, a, b)

    try await a.repository.edit(id: engagement.id) { $0.notes = "Speeding on the A449 raised (a)" }
    world.clock.advance(60)
    try await b.repository.edit(id: engagement.id) { $0.notes = "Parking near the school raised (b)" }
    _ = try await a.client.sync()
    _ = try await b.client.sync()
    _ = try await a.client.sync()

    let onA = try #require(try await a.engagement(engagement.id))
    let onB = try #require(try await b.engagement(engagement.id))
    #expect(onA.notes == "Parking near the school raised (b)", "the later edit wins")
    #expect(onA == onB)
    #expect(try await world.serverEngagements() == [onA])
    for device in [a, b] {
      let conflicts = try await device.conflicts()
      #expect(conflicts.count == 1)
      #expect(conflicts.first?.subject == .field(.notes))
      #expect(conflicts.first?.lost.value == "Speeding on the A449 raised (a)")
      #expect(conflicts.first?.lost.user == "a")
      #expect(conflicts.first?.kept.value == "Parking near the school raised (b)")
    }
  }

  @Test("edits of different fields both stay, with no conflict")
  func differentFields() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b")
    let engagement = try await shared(world, a, b)
    try await a.repository.edit(id: engagement.id) { $0.notes = "Notes from a" }
    try await b.repository.edit(id: engagement.id) { $0.attendees = 42 }
    for device in [a, b, a] { _ = try await device.client.sync() }
    let merged = try #require(try await world.serverEngagements().first)
    #expect(merged.notes == "Notes from a")
    #expect(merged.attendees == 42)
    #expect(try await a.engagement(engagement.id) == merged)
    #expect(try await b.engagement(engagement.id) == merged)
    #expect(try await a.conflicts().isEmpty)
  }

  @Test("an edit made after seeing another is not a conflict")
  func sequentialEdits() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b")
    let engagement = try await shared(world, a, b)
    try await a.repository.edit(id: engagement.id) { $0.notes = "First" }
    _ = try await a.client.sync()
    _ = try await b.client.sync()
    try await b.repository.edit(id: engagement.id) { $0.notes = "Second, having read the first" }
    _ = try await b.client.sync()
    _ = try await a.client.sync()
    #expect(try await a.engagement(engagement.id)?.notes == "Second, having read the first")
    #expect(try await a.conflicts().isEmpty)
  }

  @Test(
    "a device whose clock is three days fast cannot overwrite a later edit from another",
    arguments: [false, true])
  func fastClock(syncedBeforeEditing: Bool) async throws {
    let world = try await SyncWorld()
    let fast = try world.device("fast", skew: 3 * 86_400)
    let honest = try world.device("honest")
    let engagement = try await shared(world, honest, fast)
    if syncedBeforeEditing { _ = try await fast.client.sync() }

    try await fast.repository.edit(id: engagement.id) { $0.notes = "Earlier edit, clock three days fast" }
    world.clock.advance(3_600)
    try await honest.repository.edit(id: engagement.id) { $0.notes = "Later edit, clock right" }
    _ = try await honest.client.sync()
    world.clock.advance(3_600)
    _ = try await fast.client.sync()
    _ = try await honest.client.sync()

    #expect(try await world.serverEngagements().first?.notes == "Later edit, clock right")
    #expect(try await fast.engagement(engagement.id)?.notes == "Later edit, clock right")
    let conflict = try #require(try await honest.conflicts().first)
    #expect(conflict.lost.value == "Earlier edit, clock three days fast")
    #expect(conflict.lost.hlc.wallMillis <= world.clock.now.millisecondsSince1970, "no reading from the future")
  }

  @Test("a device whose clock is three days slow still wins with the later edit")
  func slowClock() async throws {
    let world = try await SyncWorld()
    let slow = try world.device("slow", skew: -3 * 86_400)
    let honest = try world.device("honest")
    let engagement = try await shared(world, honest, slow)
    try await honest.repository.edit(id: engagement.id) { $0.notes = "Earlier edit, clock right" }
    _ = try await honest.client.sync()
    world.clock.advance(3_600)
    try await slow.repository.edit(id: engagement.id) { $0.notes = "Later edit, clock three days slow" }
    _ = try await slow.client.sync()
    _ = try await honest.client.sync()
    #expect(try await world.serverEngagements().first?.notes == "Later edit, clock three days slow")
    #expect(try await honest.conflicts().first?.lost.value == "Earlier edit, clock right")
  }

  @Test("a delete and an edit that did not see it: the edit wins, the delete is kept as a conflict record")
  func deleteAgainstEdit() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b")
    let engagement = try await shared(world, a, b)
    try await a.repository.delete(id: engagement.id)
    try await b.repository.edit(id: engagement.id) { $0.notes = "Follow-up agreed with the clerk" }

    // Delete first, then the edit.
    _ = try await a.client.sync()
    _ = try await b.client.sync()
    _ = try await a.client.sync()
    let onServer = try #require(try await world.serverEngagements().first)
    #expect(onServer.notes == "Follow-up agreed with the clerk")
    #expect(try await a.engagement(engagement.id) == onServer, "the engagement comes back on the deleting device")
    let conflict = try #require(try await a.conflicts().first)
    #expect(conflict.subject == .deletion)
    #expect(conflict.lost.value == "deleted")
    #expect(conflict.lost.user == "a")

    // Edit first, then the delete: the same rule.
    let world2 = try await SyncWorld()
    let c = try world2.device("c")
    let d = try world2.device("d")
    let other = try await shared(world2, c, d)
    try await c.repository.delete(id: other.id)
    try await d.repository.edit(id: other.id) { $0.attendees = 31 }
    _ = try await d.client.sync()
    _ = try await c.client.sync()
    _ = try await d.client.sync()
    #expect(try await world2.serverEngagements().first?.attendees == 31)
    #expect(try await c.engagement(other.id)?.attendees == 31)
    #expect(try await d.conflicts().first?.subject == .deletion)
  }

  @Test("a delete made after seeing every edit applies, with no conflict")
  func informedDelete() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b")
    let engagement = try await shared(world, a, b)
    try await b.repository.edit(id: engagement.id) { $0.notes = "Edited" }
    _ = try await b.client.sync()
    _ = try await a.client.sync()
    try await a.repository.delete(id: engagement.id)
    _ = try await a.client.sync()
    _ = try await b.client.sync()
    #expect(try await world.serverEngagements().isEmpty)
    #expect(try await b.engagement(engagement.id) == nil)
    #expect(try await a.conflicts().isEmpty)
  }

  @Test("resolving by taking the other value brings it back everywhere and marks the record resolved")
  func resolveTakingOther() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b")
    let engagement = try await shared(world, a, b)
    try await a.repository.edit(id: engagement.id) { $0.place = "Ledbury Market House" }
    world.clock.advance(5)
    try await b.repository.edit(id: engagement.id) { $0.place = "Ledbury Community Hall" }
    for device in [a, b, a] { _ = try await device.client.sync() }
    let conflict = try #require(try await a.conflicts().first)
    #expect(conflict.lost.value == "Ledbury Market House")

    try await a.repository.resolve(conflict: conflict.id, .tookOther)
    #expect(try await a.engagement(engagement.id)?.place == "Ledbury Market House", "at once, offline")
    #expect(try await a.conflicts().isEmpty)
    for device in [a, b] { _ = try await device.client.sync() }
    #expect(try await b.engagement(engagement.id)?.place == "Ledbury Market House")
    #expect(try await b.conflicts().isEmpty)
    let resolved = try #require(try await b.conflicts(includeResolved: true).first)
    #expect(resolved.resolution == .tookOther)
    #expect(resolved.resolvedBy == "a")
    let onServer = try await world.server.conflicts(engagementID: engagement.id, includeResolved: true)
    #expect(onServer.map(\.resolution) == [.tookOther])
    await #expect(throws: ValidationError.self) { try await a.repository.resolve(conflict: conflict.id, .keptCurrent) }
  }

  @Test("an edit changes only the fields it names: a value the device did not touch survives")
  func untouchedFieldsSurvive() async throws {
    let world = try await SyncWorld()
    var engagement = sampleEngagement()
    engagement.notes = "Set on the server"
    _ = try await world.server.record(engagement, by: .testDevice)
    let head = try await world.server.database.read { try $0.headCursor() }
    // An older client that does not know the notes field sends a default for it.
    var edit = engagement
    edit.attendees = 55
    edit.notes = ""
    let mutation = Mutation.upsert(edit, changed: [.attendees], base: head, by: "old", at: Date())
    _ = try await world.server.push(PushRequest(deviceID: "old-device", mutations: [mutation]), by: .testDevice)
    let stored = try #require(try await world.serverEngagements().first)
    #expect(stored.attendees == 55)
    #expect(stored.notes == "Set on the server")
  }

  @Test("a refused edit is quarantined; dropping it shows the server's state again, retrying queues it again")
  func quarantineDropAndRetry() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b")
    let engagement = try await shared(world, a, b)
    // The server stops knowing the area that a's edit uses.
    try await a.repository.edit(id: engagement.id) { $0.area = "shropshire" }
    try await world.server.configureAreas(Area.westMercia.filter { $0.code != "shropshire" })
    try await b.repository.edit(id: engagement.id) { $0.notes = "Meanwhile on b" }
    _ = try await b.client.sync()
    let report = try await a.client.sync()
    #expect(report.rejected.count == 1)
    let refused = try #require(try await a.database.read { try $0.rejectedMutations() }.first)
    #expect(try await a.engagement(engagement.id)?.area == "shropshire", "the refused edit is still shown, not lost")
    #expect(try await a.engagement(engagement.id)?.notes == "Meanwhile on b", "and the rest flows")

    try await a.repository.retry(quarantined: refused.mutation.id)
    #expect(try await a.pending() == 1)
    _ = try await a.client.sync()
    #expect(try await a.database.read { try $0.rejectedMutations() }.count == 1, "refused again")

    _ = try await a.repository.drop(quarantined: refused.mutation.id)
    let shown = try #require(try await a.engagement(engagement.id))
    #expect(shown.area == engagement.area)
    #expect(shown == (try await world.serverEngagements().first))
    #expect(try await a.database.read { try $0.rejectedMutations() }.isEmpty)
  }
}

/// Tombstones are kept for a window; a device offline longer pulls everything again.
@Suite struct TombstoneWindowTests {
  @Test("a device offline past the tombstone window is re-baselined without losing its outbox, even if interrupted")
  func rebaseline() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b", pageSize: 1)
    let gone = try await a.add("Deleted while b was away")
    let kept = try await a.add("Edited on both")
    let revived = try await a.add("Deleted by a, edited by b")
    _ = try await a.client.sync()
    _ = try await b.client.sync()

    // b goes away for half a year with work of its own.
    try await b.repository.edit(id: kept.id) { $0.notes = "b's notes" }
    try await b.repository.edit(id: revived.id) { $0.place = "Hereford" }
    let new = try await b.add("Recorded by b while away")
    try await a.repository.delete(id: gone.id)
    try await a.repository.delete(id: revived.id)
    try await a.repository.edit(id: kept.id) { $0.attendees = 77 }
    _ = try await a.client.sync()
    world.clock.advance(181 * 86_400)
    #expect(Set(try await world.server.purgeTombstones(olderThanDays: 180)) == [gone.id, revived.id])

    // The full pull is interrupted once, then completes.
    world.transport.failNextPull(.none)
    world.transport.failNextPull(.afterCommit)
    await #expect(throws: SyncError.self) { try await b.client.sync() }
    let report = try await b.client.sync()
    _ = try await a.client.sync()

    let server = try await world.serverEngagements()
    #expect(Set(server.map(\.id)) == [kept.id, revived.id, new.id])
    #expect(server.first { $0.id == kept.id }?.notes == "b's notes")
    #expect(server.first { $0.id == kept.id }?.attendees == 77)
    #expect(server.first { $0.id == revived.id }?.place == "Hereford", "an edit of a purged engagement brings it back")
    #expect(try await b.engagements() == server, "b no longer shows the purged delete: \(report)")
    #expect(try await a.engagements() == server)
    #expect(try await b.pending() == 0)
  }

  @Test("an engagement made here, deleted elsewhere and purged before this device pulled it, goes after the full pull")
  func purgedBeforeItCameBack() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b")
    _ = try await a.add("Earlier")
    _ = try await a.client.sync()
    let made = try await a.add("Made on a, answer lost")
    world.transport.failNextPush(.afterCommit)
    await #expect(throws: SyncError.self) { try await a.client.sync() }
    _ = try await b.client.sync()
    try await b.repository.delete(id: made.id)
    _ = try await b.client.sync()
    world.clock.advance(181 * 86_400)
    #expect(try await world.server.purgeTombstones(olderThanDays: 180) == [made.id])
    let report = try await a.client.sync()
    #expect(report.duplicates == 1)
    #expect(report.rebaselined)
    #expect(try await a.engagement(made.id) == nil)
    #expect(try await a.engagements() == (try await world.serverEngagements()))
  }
}
