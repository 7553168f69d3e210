import Application
import Foundation
import GRDB
import Model
import SQLiteStore
import StoreTestSupport
import Stores
import Sync
import Synchronization
import TestSupport
import Testing

/// A transport straight into a real `ServerRepository`, which fails on purpose: before the
/// server commits (the batch is lost on the way) or after (the answer is lost on the way back).
final class FaultyTransport: SyncTransport {
  enum Fault {
    /// Let this call through untouched.
    case none
    case beforeCommit, afterCommit
  }

  let server: ServerRepository
  /// The number of mutations in each push that reached the server.
  let pushedBatches = Mutex<[Int]>([])
  private let pushFaults = Mutex<[Fault]>([])
  private let pullFaults = Mutex<[Fault]>([])

  init(server: ServerRepository) { self.server = server }

  func failNextPush(_ fault: Fault) { pushFaults.withLock { $0.append(fault) } }
  func failNextPull(_ fault: Fault) { pullFaults.withLock { $0.append(fault) } }

  /// Drops faults queued for calls that never came (a sync with nothing to push, say).
  func clearFaults() {
    pushFaults.withLock { $0.removeAll() }
    pullFaults.withLock { $0.removeAll() }
  }

  private func take(_ queue: borrowing Mutex<[Fault]>) -> Fault? {
    queue.withLock { $0.isEmpty ? nil : $0.removeFirst() }
  }

  func push(_ request: PushRequest) async throws -> PushReply {
    let fault = take(pushFaults)
    if fault == .beforeCommit { throw SyncError(.offline, "connection lost before the server committed") }
    pushedBatches.withLock { $0.append(request.mutations.count) }
    let results = try await server.push(request, by: .testDevice)
    if fault == .afterCommit { throw SyncError(.offline, "connection lost after the server committed") }
    return results
  }

  func pull(_ request: PullRequest) async throws -> PullPage {
    let fault = take(pullFaults)
    if fault == .beforeCommit { throw SyncError(.offline, "connection lost") }
    let page = try await server.pull(request)
    if fault == .afterCommit { throw SyncError(.offline, "answer lost") }
    return page
  }
}

/// Holds chosen pushes until a later one has been applied (for at most 3 s: it may never
/// come), so batches in flight together reach the server in the opposite order; notes any
/// engagement held by two batches in flight at once.
final class ReorderingTransport: SyncTransport {
  struct State {
    var calls = 0
    var applied: Set<Int> = []
    var inFlight: [Int: Set<String>] = [:]
    var overlaps: [String] = []
    var most = 0
    var reordered = 0
  }

  let server: ServerRepository
  /// Call number (from 0) -> the call it waits for.
  let holds: [Int: Int]
  let state = Mutex(State())

  init(server: ServerRepository, holds: [Int: Int]) {
    self.server = server
    self.holds = holds
  }

  func push(_ request: PushRequest) async throws -> PushReply {
    let ids = Set(request.mutations.map(\.entityID))
    let call = state.withLock { state in
      let call = state.calls
      state.calls += 1
      for held in state.inFlight.values { state.overlaps += held.intersection(ids) }
      state.inFlight[call] = ids
      state.most = max(state.most, state.inFlight.count)
      return call
    }
    defer { _ = state.withLock { $0.inFlight.removeValue(forKey: call) } }
    if let other = holds[call] {
      for _ in 0..<300 {
        if state.withLock({ $0.applied.contains(other) }) {
          state.withLock { $0.reordered += 1 }
          break
        }
        try await Task.sleep(for: .milliseconds(10))
      }
    }
    let reply = try await server.push(request, by: .testDevice)
    state.withLock { _ = $0.applied.insert(call) }
    return reply
  }

  func pull(_ request: PullRequest) async throws -> PullPage { try await server.pull(request) }
}

/// Passes calls to a real server and rewrites its push answers; remembers every pull request.
final class AnswerRewritingTransport: SyncTransport {
  let server: ServerRepository
  let rewrite: @Sendable (PushReply) -> PushReply
  let pulls = Mutex<[PullRequest]>([])

  init(server: ServerRepository, rewrite: @escaping @Sendable (PushReply) -> PushReply) {
    self.server = server
    self.rewrite = rewrite
  }

  func push(_ request: PushRequest) async throws -> PushReply {
    rewrite(try await server.push(request, by: .testDevice))
  }

  func pull(_ request: PullRequest) async throws -> PullPage {
    pulls.withLock { $0.append(request) }
    return try await server.pull(request)
  }
}

/// Passes calls to whichever server it holds now (a server restarted on a restored file).
final class SwitchingTransport: SyncTransport {
  let server: Mutex<ServerRepository>
  init(_ server: ServerRepository) { self.server = Mutex(server) }
  func push(_ request: PushRequest) async throws -> PushReply {
    try await server.withLock { $0 }.push(request, by: .testDevice)
  }
  func pull(_ request: PullRequest) async throws -> PullPage { try await server.withLock { $0 }.pull(request) }
}

/// A clock tests move by hand; it starts at the real time and only goes forward when told.
final class TestClock: Sendable {
  private let time: Mutex<Date>
  init(_ start: Date = Date().truncatedToMilliseconds) { time = Mutex(start) }
  var now: Date { time.withLock { $0 } }
  func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
  /// The machines' monotonic clock: true time, whatever a device's wall clock says.
  var boot: BootReading { BootReading(bootID: "test-boot", millis: now.millisecondsSince1970) }
}

/// One server and any number of devices, each on its own real SQLite file.
struct SyncWorld {
  let folder: TemporaryFolder
  let server: ServerRepository
  let transport: FaultyTransport

  /// The server's clock; devices' clocks are this plus their own skew.
  let clock: TestClock

  init(clock: TestClock = TestClock(), areas: [Area] = Area.westMercia) async throws {
    self.clock = clock
    folder = try TemporaryFolder()
    server = ServerRepository(
      database: try await TestEngine.current.makeServerStore(in: folder), now: { clock.now })
    if !areas.isEmpty { try await server.configureAreas(areas) }
    try await server.savePlan(
      objectives: [Objective(id: "2", title: "Building a more secure West Mercia", position: 2)],
      elements: [PlanElement(id: "2.3", objectiveID: "2", title: "Road safety", position: 3)])
    transport = FaultyTransport(server: server)
  }

  /// A device whose clock is the world's plus `skew` seconds.
  func device(_ name: String, pageSize: Int = 500, batchSize: Int = 200, skew: TimeInterval = 0) throws -> Device {
    let database = try ClientDatabase(path: folder.path("\(name).sqlite"))
    let clock = self.clock
    let now: @Sendable () -> Date = { clock.now.addingTimeInterval(skew) }
    return Device(
      repository: FieldRepository(
        database: database, user: name, now: now, timeZone: TimeZone(identifier: "UTC")!, boot: { clock.boot }),
      client: SyncClient(
        database: database, transport: transport, batchSize: batchSize, pageSize: pageSize, now: now,
        boot: { clock.boot }))
  }

  func serverEngagements() async throws -> [Engagement] {
    try await server.database.read { try $0.engagements(matching: EngagementQuery()) }
  }

  func serverChangeCount() async throws -> Int {
    try await server.database.read { try $0.headCursor() }.asInt
  }
}

struct Device {
  let repository: FieldRepository
  let client: SyncClient
  var database: ClientDatabase { repository.database as! ClientDatabase }

  func add(_ organisation: String, date: String = "2022-07-14") async throws -> Engagement {
    try await repository.record(
      Engagement(
        date: LocalDate(date)!, who: .apcc, kind: .communityGroup, organisation: organisation, place: "Telford",
        area: "telford-and-wrekin", attendees: 9, createdBy: "x"))
  }

  func engagements() async throws -> [Engagement] {
    try await database.read { try $0.engagements(matching: EngagementQuery()) }
  }

  func pending() async throws -> Int { try await database.read { try $0.pendingCount() } }
}

extension Int64 { var asInt: Int { Int(self) } }

@Suite struct SyncTests {
  @Test("a batch lost before the server commits stays queued and arrives once on the next sync")
  func lostBeforeCommit() async throws {
    let world = try await SyncWorld()
    let device = try world.device("a")
    let recorded = try await device.add("Wellington Street Pastors")

    world.transport.failNextPush(.beforeCommit)
    await #expect(throws: SyncError.self) { try await device.client.sync() }
    #expect(try await device.pending() == 1)
    #expect(try await world.serverEngagements().isEmpty)

    let report = try await device.client.sync()
    #expect(report.pushed == 1)
    #expect(try await device.pending() == 0)
    #expect(try await world.serverEngagements() == [recorded])
  }

  @Test("a batch of long engagements is cut by size as well as count, so a push stays well under the message limit")
  func batchesBySize() async throws {
    let world = try await SyncWorld()
    let device = try world.device("a", batchSize: 500)
    let notes = String(repeating: "Residents raised speeding near the school. ", count: 220)  // about 9.5 KB
    for index in 0..<150 {
      var engagement = sampleEngagement(organisation: "Group \(index)")
      engagement.notes = notes
      _ = try await device.repository.record(engagement)
    }
    let report = try await device.client.sync()
    #expect(report.pushed == 150)
    let batches = world.transport.pushedBatches.withLock { $0 }
    #expect(batches.count >= 2, "\(batches)")
    #expect(batches.allSatisfy { $0 * (notes.utf8.count + 512) <= SyncClient.maxBatchBytes + notes.utf8.count + 1024 })
    #expect(try await world.serverEngagements().count == 150)
  }

  @Test("an answer lost after the server commits is acknowledged as a duplicate, never applied twice")
  func lostAfterCommit() async throws {
    let world = try await SyncWorld()
    let device = try world.device("a")
    for name in ["One", "Two", "Three"] { _ = try await device.add(name) }

    world.transport.failNextPush(.afterCommit)
    await #expect(throws: SyncError.self) { try await device.client.sync() }
    #expect(try await device.pending() == 3, "the device never saw the answer, so nothing left its outbox")
    let changesAfterFirstPush = try await world.serverChangeCount()

    let report = try await device.client.sync()
    #expect(report.pushed == 0)
    #expect(report.duplicates == 3)
    #expect(try await device.pending() == 0)
    #expect(try await world.serverEngagements().count == 3)
    #expect(try await world.serverChangeCount() == changesAfterFirstPush, "the retry must not add changes")
  }

  @Test("batches answered before a lost answer leave the outbox; the rest arrive once on the next sync")
  func lostAnswerMidPush() async throws {
    let world = try await SyncWorld()
    let device = try world.device("a", batchSize: 2)
    for index in 0..<7 { _ = try await device.add("Group \(index)") }

    // Batches [0, 1] and [2, 3] are answered; the answer to [4, 5] is lost after the server
    // committed it. The device keeps two batches in flight, so [6] was sent behind it and
    // reached the server too, but its answer is not settled once the sync has failed.
    world.transport.failNextPush(.none)
    world.transport.failNextPush(.none)
    world.transport.failNextPush(.afterCommit)
    var report = SyncReport()
    await #expect(throws: SyncError.self) { try await device.client.sync(into: &report) }
    #expect(report.pushed == 4)
    #expect(report.pending == 3)
    #expect(try await device.pending() == 3)
    #expect(try await world.serverEngagements().count == 7)

    let again = try await device.client.sync()
    #expect(again.duplicates == 3)
    #expect(again.pushed == 0)
    #expect(try await device.pending() == 0)
    #expect(try await world.serverEngagements().count == 7)
    #expect(try await device.engagements() == world.serverEngagements())
  }

  @Test("two batches in flight never hold the same engagement, and the server may apply them in either order")
  func batchesInFlight() async throws {
    let world = try await SyncWorld()
    // Pushes 0 and 1 reach the server in the opposite order. Push 2 waits for push 3, which
    // must not be sent before push 2 is answered: it holds an edit of an engagement push 2
    // creates.
    let transport = ReorderingTransport(server: world.server, holds: [0: 1, 2: 3])
    let database = try ClientDatabase(path: world.folder.path("a.sqlite"))
    let clock = world.clock
    let repository = FieldRepository(
      database: database, user: "a", now: { clock.now }, timeZone: TimeZone(identifier: "UTC")!)
    let client = SyncClient(database: database, transport: transport, batchSize: 2, now: { clock.now })
    var recorded: [Engagement] = []
    for index in 0..<4 {
      recorded.append(try await repository.record(sampleEngagement(organisation: "Group \(index)")))
    }
    var report = try await client.sync()
    #expect(report.pushed == 4)
    #expect(transport.state.withLock { $0.reordered } == 1, "push 0 was not applied after push 1")

    // Batches [4, 5] and [edit 5, edit 0].
    for index in 4..<6 {
      recorded.append(try await repository.record(sampleEngagement(organisation: "Group \(index)")))
    }
    _ = try await repository.edit(id: recorded[5].id) { $0.notes = "Second visit arranged" }
    _ = try await repository.edit(id: recorded[0].id) { $0.attendees = 31 }
    report = try await client.sync()
    #expect(report.pushed == 4)
    let seen = transport.state.withLock { $0 }
    #expect(seen.overlaps.isEmpty, "engagements in two batches in flight at once: \(seen.overlaps)")
    #expect(seen.most == 2, "at most \(seen.most) batches were in flight at once")
    let server = try await world.serverEngagements()
    #expect(server.count == 6)
    #expect(server.first { $0.id == recorded[5].id }?.notes == "Second visit arranged")
    #expect(server.first { $0.id == recorded[0].id }?.attendees == 31)
    #expect(try await database.read { try $0.engagements(matching: EngagementQuery()) } == server)
  }

  @Test("a device's own changes stored as sent come back without their payload; merged ones come whole")
  func ownChangesOmitted() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b")
    let first = try await a.add("Newport Town Council")
    let second = try await a.add("Telford Mosque")
    _ = try await a.client.sync()
    _ = try await b.client.sync()
    let deviceA = try await a.database.read { try $0.syncState().deviceID }
    let deviceB = try await b.database.read { try $0.syncState().deviceID }

    // A edits both (no one else did: stored as sent); B then edits the first's notes, and A,
    // not having seen that, its attendees (merged: not as A sent it).
    try await a.repository.edit(id: second.id) { $0.notes = "Second visit arranged" }
    _ = try await a.client.sync()
    try await b.repository.edit(id: first.id) { $0.notes = "Raised parking (b)" }
    _ = try await b.client.sync()
    try await a.repository.edit(id: first.id) { $0.attendees = 44 }
    let report = try await a.client.sync()
    #expect(report.pushed == 1)

    let log = try await world.server.pull(
      PullRequest(afterCursor: 0, pageSize: 1000, deviceID: deviceA, omitOwnAsSent: true))
    let engagementChanges = log.changes.filter { $0.entityType == .engagement }
    // A's two creations and its edit of the second were stored as sent; B's edit and A's
    // merged edit were not.
    #expect(engagementChanges.map(\.payloadOmitted) == [true, true, true, false, false])
    #expect(engagementChanges.filter(\.payloadOmitted).allSatisfy { $0.payload == nil })
    // Only to the device that sent them (B's edit was stored as B sent it), only when it
    // asks, never in a full pull.
    let toB = try await world.server.pull(
      PullRequest(afterCursor: 0, pageSize: 1000, deviceID: deviceB, omitOwnAsSent: true))
    #expect(
      toB.changes.filter { $0.entityType == .engagement }.map(\.payloadOmitted) == [false, false, false, true, false])
    let whole = try await world.server.pull(PullRequest(afterCursor: 0, pageSize: 1000, deviceID: deviceA))
    #expect(whole.changes.allSatisfy { !$0.payloadOmitted })
    let full = try await world.server.pull(
      PullRequest(afterCursor: 0, pageSize: 1000, deviceID: deviceA, fullPull: true, omitOwnAsSent: true))
    #expect(full.changes.allSatisfy { !$0.payloadOmitted })

    _ = try await b.client.sync()
    let server = try await world.serverEngagements()
    #expect(server.first { $0.id == first.id }.map { ($0.notes, $0.attendees) }! == ("Raised parking (b)", 44))
    #expect(try await a.engagements() == server)
    #expect(try await b.engagements() == server)
    // A new device pulling everything gets the same.
    let c = try world.device("c")
    _ = try await c.client.sync()
    #expect(try await c.engagements() == server)
  }

  @Test("a change that comes without its payload, which the device does not hold, is pulled again whole")
  func omittedPayloadNotHeld() async throws {
    let world = try await SyncWorld()
    // A transport that loses the server's "stored as sent" from every push answer: the
    // device keeps nothing at push time, then its pull meets its own changes without payload.
    let transport = AnswerRewritingTransport(server: world.server) { reply in
      var reply = reply
      for index in reply.results.indices { reply.results[index].storedAsSent = false }
      return reply
    }
    let database = try ClientDatabase(path: world.folder.path("a.sqlite"))
    let clock = world.clock
    let repository = FieldRepository(
      database: database, user: "a", now: { clock.now }, timeZone: TimeZone(identifier: "UTC")!)
    let client = SyncClient(database: database, transport: transport, pageSize: 4, now: { clock.now })
    for index in 0..<10 { _ = try await repository.record(sampleEngagement(organisation: "Group \(index)")) }
    let report = try await client.sync()
    #expect(report.pushed == 10)
    let pulls = transport.pulls.withLock { $0 }
    #expect(pulls.contains { $0.omitOwnAsSent } && pulls.contains { !$0.omitOwnAsSent }, "\(pulls)")
    #expect(
      !(pulls.drop { $0.omitOwnAsSent }.contains { $0.omitOwnAsSent }), "once a page came back whole, the rest did too")
    let server = try await world.serverEngagements()
    #expect(try await database.read { try $0.engagements(matching: EngagementQuery()) } == server)
    let head = try await world.serverChangeCount()
    #expect(try await database.read { try $0.syncState().cursor } == Int64(head))
    let held = try await database.read { try $0.baseCursors(ids: server.map(\.id.storageKey)) }
    #expect(held.count == 10)
    #expect(try await client.sync().pulled == 0)
  }

  @Test("a pull interrupted between pages resumes from the last applied page")
  func interruptedPull() async throws {
    let world = try await SyncWorld()
    let writer = try world.device("writer")
    for index in 0..<12 { _ = try await writer.add("Group \(index)") }
    _ = try await writer.client.sync()

    let reader = try world.device("reader", pageSize: 5)
    // The third page is lost: the first two (10 changes: 6 of plan and areas, 4 engagements)
    // are applied and kept with their cursor.
    world.transport.failNextPull(.none)
    world.transport.failNextPull(.none)
    world.transport.failNextPull(.beforeCommit)
    await #expect(throws: SyncError.self) { try await reader.client.sync() }
    #expect(try await reader.engagements().count == 4)
    let cursorAfterFailure = try await reader.database.read { try $0.syncState().cursor }
    #expect(cursorAfterFailure == 10)

    _ = try await reader.client.sync()
    #expect(try await reader.engagements() == world.serverEngagements())
    let again = try await reader.client.sync()
    #expect(again.pulled == 0)
  }

  @Test("two devices editing and deleting converge on the server's rows after syncing twice")
  func convergence() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b")
    let first = try await a.add("Newport Town Council")
    let second = try await a.add("Telford Mosque")
    _ = try await a.client.sync()
    _ = try await b.client.sync()

    // B edits one of A's engagements and deletes the other; A adds a third.
    try await b.repository.edit(id: first.id) { $0.attendees = 40 }
    try await b.repository.delete(id: second.id)
    _ = try await a.add("Oakengates Youth Club")

    for _ in 0..<2 {
      _ = try await a.client.sync()
      _ = try await b.client.sync()
    }
    let server = try await world.serverEngagements()
    #expect(server.count == 2)
    #expect(server.first { $0.id == first.id }?.attendees == 40)
    #expect(try await a.engagements() == server)
    #expect(try await b.engagements() == server)
  }

  @Test("a mutation the server refuses is quarantined with its error and the rest still go")
  func quarantine() async throws {
    let world = try await SyncWorld()
    let device = try world.device("a")
    _ = try await device.add("Before")
    // A change that slipped past local checks (e.g. made by an older client version).
    var bad = sampleEngagement()
    bad.attendees = -5
    let badEngagement = bad
    let badMutation = Mutation.upsert(bad, by: "a", at: Date().truncatedToMilliseconds)
    try await device.database.write { db in
      try db.saveEngagement(badEngagement)
      try db.enqueue(badMutation)
    }
    _ = try await device.add("After")

    let report = try await device.client.sync()
    #expect(report.pushed == 2)
    #expect(report.rejected.map(\.mutationID) == [badMutation.id])
    #expect(report.rejected.first?.error.contains("attendees") == true)
    let rejected = try await device.database.read { try $0.rejectedMutations() }
    #expect(rejected.map(\.mutation.id) == [badMutation.id])
    #expect(try await device.pending() == 0)
    #expect(try await world.serverEngagements().count == 2)
  }

  @Test("the same mutation twice in one batch is applied once")
  func duplicateWithinBatch() async throws {
    let world = try await SyncWorld()
    let mutation = Mutation.upsert(sampleEngagement(), by: "a", at: Date().truncatedToMilliseconds)
    let before = try await world.serverChangeCount()
    let results = try await world.server.push(
      PushRequest(deviceID: "d", mutations: [mutation, mutation]), by: .testDevice
    ).results
    #expect(results.map(\.outcome) == [.applied, .duplicate])
    #expect(try await world.serverChangeCount() == before + 1)
  }

  @Test(
    "a mutation that fails unexpectedly is refused on its own with its reason; the rest of its batch applies",
    .enabled(if: TestEngine.isSQLite, "reads the SQLite file itself"))
  func unexpectedFailureQuarantinesOne() async throws {
    // Given a database that fails any write of one engagement (as a constraint would)
    let world = try await SyncWorld()
    try await world.server.database.sqlite.pool.write { db in
      try db.execute(
        sql: """
          CREATE TRIGGER refuse_boom BEFORE INSERT ON engagement WHEN NEW.organisation = 'Boom parish'
          BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END
          """)
    }
    let first = Mutation.upsert(
      sampleEngagement(organisation: "First parish"), by: "a", at: Date().truncatedToMilliseconds)
    let boom = Mutation.upsert(
      sampleEngagement(organisation: "Boom parish"), by: "a", at: Date().truncatedToMilliseconds)
    let last = Mutation.upsert(
      sampleEngagement(organisation: "Last parish"), by: "a", at: Date().truncatedToMilliseconds)
    let before = try await world.serverChangeCount()
    // When a batch holds it between two good ones
    let results = try await world.server.push(
      PushRequest(deviceID: "d", mutations: [first, boom, last]), by: .testDevice
    ).results
    // Then the two apply, and it alone is refused naming the mutation and the cause
    #expect(results[0].outcome == .applied)
    #expect(results[2].outcome == .applied)
    guard case .rejected(let error) = results[1].outcome else {
      Issue.record("expected the failing mutation to be refused, got \(results[1].outcome)")
      return
    }
    #expect(error.violations.first?.field == "mutation")
    #expect(error.description.contains("refused by the test trigger"))
    #expect(try await world.serverChangeCount() == before + 2)
    let organisations = try await world.serverEngagements().map(\.organisation)
    #expect(organisations.contains("First parish") && organisations.contains("Last parish"))
    #expect(!organisations.contains("Boom parish"))
    // And the refused one was not remembered as applied: sent again once fixed, it applies.
    try await world.server.database.sqlite.pool.write { try $0.execute(sql: "DROP TRIGGER refuse_boom") }
    let again = try await world.server.push(PushRequest(deviceID: "d", mutations: [boom]), by: .testDevice).results
    #expect(again.first?.outcome == .applied)
  }

  @Test(
    "a cursor past the server's head is never continued from: a pull re-baselines, an edit's base is refused by name")
  func cursorsPastTheHead() async throws {
    let world = try await SyncWorld()
    let head = try await world.server.database.read { try $0.headCursor() }
    // A device whose cursor is from a longer history (the server was restored from a backup)
    let page = try await world.server.pull(PullRequest(afterCursor: head + 50, pageSize: 10, deviceID: "d"))
    #expect(page.rebaselineRequired)
    #expect(page.changes.isEmpty)
    let atHead = try await world.server.pull(PullRequest(afterCursor: head, pageSize: 10, deviceID: "d"))
    #expect(!atHead.rebaselineRequired)
    // An edit made over a change this server never had is refused, naming base_cursor
    let edit = Mutation.upsert(
      sampleEngagement(), changed: [.notes], base: head + 50, by: "a", at: Date().truncatedToMilliseconds)
    let result = try await world.server.push(PushRequest(deviceID: "d", mutations: [edit]), by: .testDevice).results
    guard case .rejected(let error) = result.first?.outcome else {
      Issue.record("expected base_cursor past the head to be refused, got \(String(describing: result.first))")
      return
    }
    #expect(error.violations.first?.field == "base_cursor")
  }

  @Test("a refused mutation sent twice in one batch is refused twice, not called a duplicate")
  func refusedRepeat() async throws {
    let world = try await SyncWorld()
    var bad = sampleEngagement()
    bad.attendees = -1
    let mutation = Mutation.upsert(bad, by: "a", at: Date().truncatedToMilliseconds)
    let results = try await world.server.push(
      PushRequest(deviceID: "d", mutations: [mutation, mutation]), by: .testDevice
    ).results
    #expect(results.map(\.cursor) == [0, 0])
    #expect(results.allSatisfy { if case .rejected = $0.outcome { true } else { false } })
  }

  @Test("a caller nobody authenticated may push and record nothing")
  func anonymousRefused() async throws {
    let world = try await SyncWorld()
    let mutation = Mutation.upsert(sampleEngagement(), by: "a", at: Date().truncatedToMilliseconds)
    let anonymous = Caller.anonymous(rpc: "SyncService.Push")
    await #expect(throws: AccessError.self) {
      try await world.server.push(PushRequest(deviceID: "d", mutations: [mutation]), by: anonymous)
    }
    await #expect(throws: AccessError.self) { try await world.server.record(sampleEngagement(), by: anonymous) }
    #expect(try await world.serverEngagements().isEmpty)
  }

  @Test("a push without a device id is refused whole")
  func deviceIDRequired() async throws {
    let world = try await SyncWorld()
    let mutation = Mutation.upsert(sampleEngagement(), by: "a", at: Date().truncatedToMilliseconds)
    let error = await #expect(throws: ValidationError.self) {
      try await world.server.push(PushRequest(deviceID: "", mutations: [mutation]), by: .testDevice)
    }
    #expect(error?.violations.map(\.field) == ["device_id"])
    #expect(try await world.serverEngagements().isEmpty)
  }

  @Test("an unknown protocol version is refused with an upgrade message")
  func protocolVersion() async throws {
    let world = try await SyncWorld()
    await #expect(throws: SyncError.self) {
      try await world.server.pull(
        PullRequest(afterCursor: 0, pageSize: 10, deviceID: "d", protocolVersion: SyncProtocol.version + 1))
    }
    do {
      _ = try await world.server.push(PushRequest(deviceID: "d", protocolVersion: 1, mutations: []), by: .testDevice)
      Issue.record("a version-1 push was accepted")
    } catch let error as SyncError {
      #expect(error.code == .unsupportedProtocol)
      #expect(error.message.contains("upgrade"))
    }
  }

  @Test("devices receive the plan and areas, and validate links against them offline")
  func planReachesDevices() async throws {
    let world = try await SyncWorld()
    let device = try world.device("a")
    _ = try await device.client.sync()
    let elements = try await device.database.read { try $0.elements() }
    #expect(elements.map(\.id) == ["2.3"])
    var linked = sampleEngagement()
    linked.elementID = "9.9"
    await #expect(throws: ValidationError.self) { try await device.repository.record(linked) }
    #expect(try await device.engagements().isEmpty)
  }
}

extension Caller {
  /// The server itself passing on what a test's device sent: every right, and each change
  /// recorded as made by the user who made it on the device.
  static let testDevice = Caller.server("test", rpc: "SyncService.Push")
}

extension ServerStore {
  /// The SQLite file behind the store, for tests that look at it directly.
  var sqlite: ServerDatabase { self as! ServerDatabase }
}
