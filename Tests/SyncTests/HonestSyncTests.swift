import Application
import Foundation
import GRDB
import Model
import SQLiteStore
import Stores
import Sync
import Synchronization
import TestSupport
import Testing

/// Restores, clocks that lie, cloned data folders, purged deletes, older devices: the
/// sync stays honest.
@Suite struct HonestSyncTests {
  /// A server file at `path` that tests can close, restore and open again.
  struct RestorableServer {
    let folder: TemporaryFolder
    let path: String
    let clock: TestClock
    let transport: SwitchingTransport

    init() async throws {
      folder = try TemporaryFolder()
      path = folder.path("server/assure-server.sqlite")
      clock = TestClock()
      let first = ServerRepository(database: try ServerDatabase(path: path), now: { [clock] in clock.now })
      try await first.configureAreas(Area.westMercia)
      transport = SwitchingTransport(first)
    }

    var current: ServerRepository { transport.server.withLock { $0 } }

    func device(_ name: String) throws -> Device {
      let database = try ClientDatabase(path: folder.path("\(name).sqlite"))
      let clock = self.clock
      return Device(
        repository: FieldRepository(
          database: database, user: name, now: { clock.now }, timeZone: TimeZone(identifier: "UTC")!,
          boot: { clock.boot }),
        client: SyncClient(database: database, transport: transport, now: { clock.now }, boot: { clock.boot }))
    }

    /// Stops the server, restores `backup` to `target` (the same file, or a new one on a new
    /// disk) and serves that.
    func restore(_ backup: String, to target: String? = nil) async throws {
      try current.database.sqlite.pool.close()
      let target = target ?? path
      _ = try ServerDatabase.restore(from: backup, to: target, by: "tester", at: clock.now)
      let restored = ServerRepository(database: try ServerDatabase(path: target), now: { [clock] in clock.now })
      transport.server.withLock { $0 = restored }
    }

    func engagements() async throws -> [Engagement] {
      try await current.database.read { try $0.engagements(matching: EngagementQuery()) }
    }
  }

  @Test(
    "restored in place: what a device had acknowledged since the backup is sent again, and nothing of its own is reverted"
  )
  func restoreInPlace() async throws {
    let server = try await RestorableServer()
    let device = try server.device("a")
    let kept = try await device.repository.record(sampleEngagement(organisation: "In the backup"))
    _ = try await device.client.sync()
    let backup = server.folder.path("backup.sqlite")
    _ = try server.current.database.sqlite.backup(to: backup)
    // Acknowledged after the backup: a new engagement and an edit.
    let later = try await device.repository.record(sampleEngagement(organisation: "After the backup"))
    _ = try await device.repository.edit(id: kept.id) { $0.notes = "Edited after the backup" }
    #expect(try await device.client.sync().pushed == 2)

    try await server.restore(backup)
    let report = try await device.client.sync()
    #expect(report.serverRestored)
    #expect(report.resent == 3, "the three acknowledged changes go again: \(report)")
    #expect(report.pushed == 2 && report.duplicates == 1, "the server recognises the one it kept: \(report)")

    let onServer = try await server.engagements()
    #expect(onServer.contains { $0.id == later.id })
    #expect(onServer.first { $0.id == kept.id }?.notes == "Edited after the backup")
    #expect(try await device.engagements() == onServer)
    #expect(try await device.pending() == 0)
    let again = try await device.client.sync()
    #expect(!again.serverRestored && again.pushed == 0 && again.pulled == 0)
  }

  @Test(
    "restored to a new disk: cursors given out again mean nothing to a device from the lost history; replicas converge with nothing lost"
  )
  func restoreToNewDisk() async throws {
    let server = try await RestorableServer()
    let a = try server.device("a")
    let b = try server.device("b")
    let shared = try await a.repository.record(sampleEngagement(organisation: "Shared"))
    _ = try await a.client.sync()
    _ = try await b.client.sync()
    let backup = server.folder.path("backup.sqlite")
    _ = try server.current.database.sqlite.backup(to: backup)
    // After the backup, a works on: its cursor moves well past the backup's head.
    var made: [Engagement] = []
    for index in 0..<5 { made.append(try await a.repository.record(sampleEngagement(organisation: "Lost \(index)"))) }
    _ = try await a.repository.edit(id: shared.id) { $0.place = "a's place" }
    _ = try await a.client.sync()

    // The disk is lost; the backup goes onto a new one. b syncs first and edits, so that
    // the new history gives out the cursors a's old ones had.
    try await server.restore(backup, to: server.folder.path("new-disk/assure-server.sqlite"))
    _ = try await b.client.sync()
    server.clock.advance(60)
    _ = try await b.repository.edit(id: shared.id) { $0.notes = "b's notes after the restore" }
    for index in 0..<6 { _ = try await b.repository.record(sampleEngagement(organisation: "New \(index)")) }
    _ = try await b.client.sync()

    let report = try await a.client.sync()
    #expect(report.serverRestored)
    _ = try await b.client.sync()
    let onServer = try await server.engagements()
    for engagement in made {
      #expect(onServer.contains { $0.id == engagement.id }, "\(engagement.organisation) came back")
    }
    let merged = onServer.first { $0.id == shared.id }
    #expect(merged?.place == "a's place")
    #expect(merged?.notes == "b's notes after the restore")
    #expect(onServer.count == 12)
    #expect(try await a.engagements() == onServer)
    #expect(try await b.engagements() == onServer)
  }

  @Test(
    "a backup copy is a history of its own: started as it is, it answers with another epoch than the server it was taken from"
  )
  func backupHasItsOwnEpoch() async throws {
    let server = try await RestorableServer()
    let live = server.current.database.identity
    let backup = server.folder.path("backup.sqlite")
    _ = try server.current.database.sqlite.backup(to: backup)
    let copy = try ServerDatabase(path: backup)
    #expect(copy.identity.serverID == live.serverID)
    #expect(copy.identity.epoch != live.epoch)
    try copy.pool.close()
    try await server.restore(backup)
    let restored = server.current.database.identity
    #expect(restored.serverID == live.serverID)
    #expect(restored.epoch != live.epoch && restored.epoch != copy.identity.epoch)
  }

  @Test("a device that edited three days fast and synced after its clock was put right does not beat a later edit")
  func fastClockCorrectedBeforeSync() async throws {
    let world = try await SyncWorld()
    let fast = try world.device("fast", skew: 3 * 86_400)
    let honest = try world.device("honest")
    let shared = try await honest.add("Shared")
    _ = try await honest.client.sync()
    _ = try await fast.client.sync()

    // Offline, with its clock three days fast, it edits; an hour later the honest device
    // edits the same field and syncs.
    _ = try await fast.repository.edit(id: shared.id) { $0.notes = "earlier, from the fast clock" }
    world.clock.advance(3_600)
    _ = try await honest.repository.edit(id: shared.id) { $0.notes = "later" }
    _ = try await honest.client.sync()
    world.clock.advance(3_600)

    // Its clock is put right before it syncs: a device whose clock is right now.
    let corrected = Device(
      repository: FieldRepository(
        database: fast.database, user: "fast", now: { world.clock.now }, timeZone: TimeZone(identifier: "UTC")!,
        boot: { world.clock.boot }),
      client: SyncClient(
        database: fast.database, transport: world.transport, now: { world.clock.now }, boot: { world.clock.boot }))
    _ = try await corrected.client.sync()
    _ = try await honest.client.sync()
    let onServer = try await world.serverEngagements()
    #expect(onServer.first { $0.id == shared.id }?.notes == "later")
    let conflicts = try await world.server.conflicts(engagementID: shared.id, includeResolved: true)
    #expect(conflicts.count == 1)
    #expect(conflicts.first?.lost.value == "earlier, from the fast clock")

    // Its next edit is dated now, not three days ahead: it wins over the honest one's.
    world.clock.advance(60)
    _ = try await corrected.repository.edit(id: shared.id) { $0.place = "fast, now right" }
    world.clock.advance(60)
    _ = try await honest.repository.edit(id: shared.id) { $0.place = "honest, a minute later" }
    _ = try await honest.client.sync()
    _ = try await corrected.client.sync()
    #expect(try await world.serverEngagements().first { $0.id == shared.id }?.place == "honest, a minute later")
  }

  @Test("a device's clock readings do not follow one made while its clock ran fast")
  func readingsDoNotFollowAFastOne() async throws {
    let folder = try TemporaryFolder()
    let database = try ClientDatabase(path: folder.path("a.sqlite"))
    let now = Date().truncatedToMilliseconds
    let ahead = try await database.write { try $0.nextHLC(at: now.addingTimeInterval(3 * 86_400)) }
    let next = try await database.write { try $0.nextHLC(at: now) }
    #expect(next.wallMillis == now.millisecondsSince1970)
    #expect(next < ahead)
    // Within the lead allowed (a clock that stepped back a little), readings still increase.
    let close = try await database.write { try $0.nextHLC(at: now.addingTimeInterval(-10)) }
    #expect(close > next)
  }

  @Test(
    "a copy of a device's data folder on a second machine is caught at its first push, takes a new device id, and its edits then conflict rather than overwrite"
  )
  func clonedDataFolder() async throws {
    let world = try await SyncWorld()
    let original = try world.device("original")
    let shared = try await original.add("Shared")
    _ = try await original.client.sync()
    // The laptop's image is restored on a second machine.
    for suffix in ["", "-wal"]
    where FileManager.default.fileExists(atPath: world.folder.path("original.sqlite" + suffix)) {
      try FileManager.default.copyItem(
        atPath: world.folder.path("original.sqlite" + suffix), toPath: world.folder.path("clone.sqlite" + suffix))
    }
    let clone = try world.device("clone")
    let idBefore = try await clone.database.read { try $0.syncState().deviceID }

    _ = try await original.repository.edit(id: shared.id) { $0.notes = "the original's" }
    _ = try await original.client.sync()
    _ = try await clone.repository.edit(id: shared.id) { $0.notes = "the clone's" }
    let error = await #expect(throws: SyncError.self) { try await clone.client.sync() }
    #expect(error?.code == .deviceCloned)
    #expect(try await world.serverEngagements().first { $0.id == shared.id }?.notes == "the original's")
    let idAfter = try await clone.database.read { try $0.syncState().deviceID }
    #expect(idAfter != idBefore)
    #expect(try await clone.pending() == 1, "the clone's edit is kept, to be sent once it has signed in again")

    // Signed in again as itself, its edit meets the original's as a concurrent one.
    let report = try await clone.client.sync()
    #expect(report.pushed == 1)
    #expect(report.newConflicts == 1)
    let conflicts = try await world.server.conflicts(engagementID: shared.id, includeResolved: false)
    #expect(Set(conflicts.flatMap { [$0.kept.value, $0.lost.value] }) == ["the original's", "the clone's"])
    // The original goes on as before.
    _ = try await original.repository.edit(id: shared.id) { $0.place = "Ross-on-Wye" }
    #expect(try await original.client.sync().pushed == 1)
  }

  @Test("an edit of an engagement whose tombstone was purged brings it back with a conflict record naming the delete")
  func editAfterPurgedDelete() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b")
    let engagement = try await a.add("Deleted long ago")
    _ = try await a.client.sync()
    _ = try await b.client.sync()
    try await b.repository.delete(id: engagement.id)
    _ = try await b.client.sync()
    world.clock.advance(181 * 86_400)
    #expect(try await world.server.purgeTombstones(olderThanDays: 180) == [engagement.id])

    _ = try await a.repository.edit(id: engagement.id) { $0.notes = "a never saw the delete" }
    _ = try await a.client.sync()
    let back = try await world.serverEngagements().first { $0.id == engagement.id }
    #expect(back?.notes == "a never saw the delete")
    let conflicts = try await world.server.conflicts(engagementID: engagement.id, includeResolved: false)
    #expect(conflicts.count == 1)
    #expect(conflicts.first?.subject == .deletion)
    #expect(conflicts.first?.lost.user == "b")
    _ = try await b.client.sync()
    #expect(try await b.engagements().contains { $0.id == engagement.id })
  }

  @Test("a device of the previous protocol version still pushes and pulls")
  func previousProtocolAccepted() async throws {
    let world = try await SyncWorld()
    let mutation = Mutation.upsert(sampleEngagement(), by: "a", at: Date().truncatedToMilliseconds)
    let reply = try await world.server.push(
      PushRequest(deviceID: "old", protocolVersion: 2, mutations: [mutation]), by: .testDevice)
    #expect(reply.results.map(\.outcome) == [.applied])
    let page = try await world.server.pull(
      PullRequest(afterCursor: 0, pageSize: 100, deviceID: "old", protocolVersion: 2))
    #expect(page.changes.contains { $0.entityID == mutation.entityID })
    await #expect(throws: SyncError.self) {
      try await world.server.push(
        PushRequest(deviceID: "old", protocolVersion: 1, mutations: [mutation]), by: .testDevice)
    }
  }

  @Test(
    "a device that synced with one server sends nothing to another (a different office's, or one set up again from nothing)"
  )
  func anotherServer() async throws {
    let server = try await RestorableServer()
    let device = try server.device("a")
    _ = try await device.repository.record(sampleEngagement(organisation: "Ours"))
    _ = try await device.client.sync()
    _ = try await device.repository.record(sampleEngagement(organisation: "Still ours"))
    let other = ServerRepository(
      database: try ServerDatabase(path: server.folder.path("other/assure-server.sqlite")), now: { Date() })
    server.transport.server.withLock { $0 = other }
    let error = await #expect(throws: SyncError.self) { try await device.client.sync() }
    #expect(error?.code == .otherServer)
    #expect(try await other.database.read { try $0.engagements(matching: EngagementQuery()) }.isEmpty)
    #expect(try await device.pending() == 1)
    #expect(try await device.database.read { try $0.journalCount() } == 1, "the journal is not sent either")
  }

  /// A server of the release before protocol 3: it refuses versions it does not know, and
  /// knows nothing of epochs, ages or sequence places.
  struct ProtocolTwoServer: SyncTransport {
    let server: ServerRepository
    func push(_ request: PushRequest) async throws -> PushReply {
      guard request.protocolVersion == 2 else {
        throw SyncError(
          .unsupportedProtocol, "this device speaks sync protocol \(request.protocolVersion), newer than the server's 2"
        )
      }
      var old = request
      old.epoch = nil
      old.mutations = request.mutations.map {
        var mutation = $0
        mutation.ageMillis = nil
        mutation.deviceSeq = 0
        return mutation
      }
      var reply = try await server.push(old, by: .testDevice)
      reply.server = nil
      return reply
    }
    func pull(_ request: PullRequest) async throws -> PullPage {
      guard request.protocolVersion == 2 else {
        throw SyncError(
          .unsupportedProtocol, "this device speaks sync protocol \(request.protocolVersion), newer than the server's 2"
        )
      }
      var old = request
      old.epoch = nil
      var page = try await server.pull(old)
      page.server = nil
      return page
    }
  }

  @Test("a device upgraded before its server (or a server put back to the release before) syncs in the protocol before")
  func olderServer() async throws {
    let world = try await SyncWorld()
    let database = try ClientDatabase(path: world.folder.path("a.sqlite"))
    let repository = FieldRepository(database: database, user: "a", timeZone: TimeZone(identifier: "UTC")!)
    let client = SyncClient(database: database, transport: ProtocolTwoServer(server: world.server))
    let recorded = try await repository.record(sampleEngagement())
    let report = try await client.sync()
    #expect(report.pushed == 1 && report.pending == 0)
    #expect(try await world.serverEngagements() == [recorded])
    #expect(try await client.pullOnly().pending == 0)
  }

  @Test(
    "an age from the monotonic clock dates an edit by the server's clock; ages past a century are refused at the edge")
  func agesAtTheExtremes() {
    let correction = ClockCorrection(sentAt: 1_000_000, serverNow: 5_000_000)
    let reading = HLC(wallMillis: 999_999_999_999, node: "d")
    #expect(correction.correct(reading, ageMillis: 1_000).wallMillis == 4_999_000)
    #expect(correction.correct(reading, ageMillis: Int64.max).wallMillis >= SupportedTime.millis.lowerBound)
    #expect(correction.correct(reading, ageMillis: -5).wallMillis == 5_000_000)
    #expect(correction.correct(reading, ageMillis: nil) == correction.correct(reading))
  }
}
