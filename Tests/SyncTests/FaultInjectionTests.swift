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

/// The fault-injection harness: several devices with clocks up to three days wrong add, edit,
/// delete and resolve conflicts at random while the network loses batches before and after
/// the server commits, delivers them twice or late, and devices crash between the server's
/// answer and their own commit. Then every device syncs with no faults, and the sync
/// invariants are checked.
///
/// Each seed replays exactly. A failure names its seed; replay one with
/// `ASSURE_FAULT_SEED=N swift test --filter FaultInjectionTests` (`ASSURE_FAULT_TRACE=1`
/// prints every step). `ASSURE_FAULT_SCENARIOS` sets how many seeds run (default 200) and
/// `ASSURE_FAULT_FIRST` the first (default 1).
///
/// Scenarios run one at a time: each holds five or so SQLite files open, and hundreds at once
/// would exhaust the process's file descriptors.
@Suite(.serialized) struct FaultInjectionTests {
  static var seeds: [UInt64] {
    let environment = ProcessInfo.processInfo.environment
    if let seed = environment["ASSURE_FAULT_SEED"].flatMap(UInt64.init) { return [seed] }
    let count = environment["ASSURE_FAULT_SCENARIOS"].flatMap(UInt64.init) ?? 200
    let first = environment["ASSURE_FAULT_FIRST"].flatMap(UInt64.init) ?? 1
    return Array(first..<(first + max(count, 1)))
  }

  @Test(
    "faults, skewed clocks and crashes: nothing lost, nothing duplicated, replicas equal, every overwritten value traced",
    arguments: seeds)
  func scenario(seed: UInt64) async throws {
    var harness = try await Harness(seed: seed)
    try await harness.run(steps: 45)
    try await harness.settle()
    try await harness.check()
  }
}

/// What can go wrong with one call.
enum Fault: CaseIterable {
  /// The request never reaches the server.
  case lostBeforeCommit
  /// The server commits; the answer never reaches the device.
  case answerLost
  /// The request arrives twice.
  case duplicated
  /// The request is held up in the network and arrives later, after newer ones; the device
  /// gives up waiting.
  case delayed
  /// The server commits and answers; the device dies before its own transaction commits.
  case crashBeforeLocalCommit
}

/// The device process died; the harness reopens its file as a restarted device would.
struct DeviceCrashed: Error {}

/// The network between every device and one real `ServerRepository`.
final class FaultyNetwork: Sendable {
  let server: ServerRepository
  private let held = Mutex<[PushRequest]>([])
  private let nextFault = Mutex<[String: Fault]>([:])
  private let pushTurns = Mutex<[String: Task<Void, Never>]>([:])

  init(server: ServerRepository) { self.server = server }

  func inject(_ fault: Fault, forDevice name: String) { nextFault.withLock { $0[name] = fault } }
  func clearFaults() { nextFault.withLock { $0.removeAll() } }
  private func take(_ name: String) -> Fault? { nextFault.withLock { $0.removeValue(forKey: name) } }

  /// Delivers one request held up in the network (the oldest, or one picked by `index`).
  func deliverHeld(index: Int = 0) async throws {
    let request: PushRequest? = held.withLock { $0.isEmpty ? nil : $0.remove(at: index % $0.count) }
    if let request { _ = try await server.push(request, by: .testDevice) }
  }

  var heldCount: Int { held.withLock { $0.count } }

  /// A device keeps up to two push batches in flight. Each call takes its fault as it is made
  /// (the device starts its calls in outbox order) and reaches the server once the device's
  /// earlier calls are done, so a seed replays exactly. Batches applied out of order are
  /// tried in SyncTests.
  func push(_ request: PushRequest, from name: String) async throws -> PushReply {
    let fault = take(name)
    let call = pushTurns.withLock { turns -> Task<PushReply, any Error> in
      let previous = turns[name]
      let call = Task { [self] in
        await previous?.value
        return try await deliver(request, fault: fault)
      }
      turns[name] = Task { _ = await call.result }
      return call
    }
    return try await call.value
  }

  private func deliver(_ request: PushRequest, fault: Fault?) async throws -> PushReply {
    switch fault {
    case nil:
      return try await server.push(request, by: .testDevice)
    case .lostBeforeCommit?:
      throw SyncError(.offline, "lost before the server committed")
    case .answerLost?:
      _ = try await server.push(request, by: .testDevice)
      throw SyncError(.offline, "answer lost")
    case .duplicated?:
      _ = try await server.push(request, by: .testDevice)
      return try await server.push(request, by: .testDevice)
    case .delayed?:
      held.withLock { $0.append(request) }
      throw SyncError(.offline, "timed out; the request is still in the network")
    case .crashBeforeLocalCommit?:
      _ = try await server.push(request, by: .testDevice)
      throw DeviceCrashed()
    }
  }

  func pull(_ request: PullRequest, from name: String) async throws -> PullPage {
    switch take(name) {
    case nil, .duplicated?, .delayed?:
      return try await server.pull(request)
    case .lostBeforeCommit?:
      throw SyncError(.offline, "lost")
    case .answerLost?:
      _ = try await server.pull(request)
      throw SyncError(.offline, "answer lost")
    case .crashBeforeLocalCommit?:
      _ = try await server.pull(request)
      throw DeviceCrashed()
    }
  }
}

/// One device's end of the network.
struct DeviceLink: SyncTransport {
  let network: FaultyNetwork
  let name: String
  func push(_ request: PushRequest) async throws -> PushReply { try await network.push(request, from: name) }
  func pull(_ request: PullRequest) async throws -> PullPage { try await network.pull(request, from: name) }
}

/// A value written to a field, to be accounted for at the end.
struct Written: Hashable {
  let engagement: UUID
  let field: Engagement.Field
  let value: String
}

func deleted_count(_ rows: [(UUID, Bool)]) -> Int { rows.filter(\.1).count }

struct Harness {
  let seed: UInt64
  var random: SeededGenerator
  let folder: TemporaryFolder
  let clock: TestClock
  let server: ServerRepository
  let network: FaultyNetwork
  let names: [String]
  let skews: [TimeInterval]
  var devices: [Device] = []
  /// Every engagement a device acknowledged recording.
  var created: Set<UUID> = []
  /// Engagements some device asked to delete.
  var deleteRequested: Set<UUID> = []
  /// Every value written to a traced field.
  var written: Set<Written> = []
  /// Values a device overwrote or deleted while showing them: overwritten knowingly.
  var seen: Set<Written> = []
  var counter = 0
  var crashes = 0
  /// Engagements whose tombstones the server purged (past its window).
  var purged: Set<UUID> = []

  static let traced: [Engagement.Field] = [.notes, .place, .organisation]

  init(seed: UInt64) async throws {
    self.seed = seed
    random = SeededGenerator(seed: seed)
    folder = try TemporaryFolder()
    clock = TestClock(Date(timeIntervalSince1970: 1_700_000_000))
    let clock = self.clock
    server = ServerRepository(database: try await TestEngine.current.makeServerStore(in: folder), now: { clock.now })
    try await server.configureAreas(Area.westMercia)
    network = FaultyNetwork(server: server)
    let count = 2 + Int(random.next() % 3)
    names = (0..<count).map { "device-\($0)" }
    var skews: [TimeInterval] = []
    for _ in 0..<count {
      // Up to three days fast or slow, to the second.
      skews.append(TimeInterval(Int(random.next() % 518_401) - 259_200))
    }
    self.skews = skews
    for index in 0..<count { devices.append(try open(index)) }
  }

  /// Opens (or, after a crash, reopens) a device's file.
  func open(_ index: Int) throws -> Device {
    let database = try ClientDatabase(path: folder.path("\(names[index]).sqlite"))
    let clock = self.clock
    let skew = skews[index]
    let now: @Sendable () -> Date = { clock.now.addingTimeInterval(skew) }
    return Device(
      repository: FieldRepository(
        database: database, user: "user-\(index)", now: now, timeZone: TimeZone(identifier: "UTC")!,
        boot: { clock.boot }),
      client: SyncClient(
        database: database, transport: DeviceLink(network: network, name: names[index]), batchSize: 3, pageSize: 4,
        now: now, boot: { clock.boot }))
  }

  /// With `ASSURE_FAULT_TRACE` set, prints what each step does (for replaying a seed).
  func trace(_ text: @autoclosure () -> String) {
    if ProcessInfo.processInfo.environment["ASSURE_FAULT_TRACE"] != nil { print("seed \(seed): \(text())") }
  }

  mutating func pick(_ bound: Int) -> Int { Int(random.next() % UInt64(max(bound, 1))) }

  mutating func unique(_ label: String) -> String {
    counter += 1
    return "\(label) s\(seed)#\(counter)"
  }

  mutating func uuid() -> UUID {
    let a = random.next()
    let b = random.next()
    return UUID(
      uuid: withUnsafeBytes(of: (a, b)) { bytes in
        (
          bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
          bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        )
      })
  }

  mutating func run(steps: Int) async throws {
    for _ in 0..<steps {
      clock.advance(TimeInterval(1 + pick(300_000)) / 1000)
      let index = pick(devices.count)
      let device = devices[index]
      let live = try await device.engagements().sorted { $0.id.uuidString < $1.id.uuidString }
      switch pick(100) {
      case 0..<22:
        var draft = Engagement(
          id: uuid(), date: LocalDate("2022-10-0\(1 + pick(9))")!, who: .pcc, kind: .communityGroup,
          organisation: unique("org"), place: unique("place"), area: Area.westMercia[pick(4)].code,
          attendees: pick(200), notes: unique("notes"), createdBy: "x")
        draft.topics = ["road-safety"]
        let recorded = try await device.repository.record(draft)
        trace("\(names[index]) adds \(recorded.id.storageKey.prefix(8)) place \(recorded.place)")
        created.insert(recorded.id)
        for field in Self.traced {
          written.insert(Written(engagement: recorded.id, field: field, value: recorded.value(of: field)))
        }
      case 22..<50 where !live.isEmpty:
        let target = live[pick(live.count)]
        let fields = [Self.traced[pick(3)], [Engagement.Field.attendees, .notes, .place][pick(3)]]
        var values: [Engagement.Field: String] = [:]
        for field in fields where Self.traced.contains(field) { values[field] = unique(field.rawValue) }
        let attendees = pick(500)
        for field in Set(fields) where Self.traced.contains(field) {
          seen.insert(Written(engagement: target.id, field: field, value: target.value(of: field)))
          written.insert(Written(engagement: target.id, field: field, value: values[field]!))
        }
        let edits = values
        trace("\(names[index]) edits \(target.id.storageKey.prefix(8)) \(values) (was place \(target.place))")
        try await device.repository.edit(id: target.id) { engagement in
          for (field, value) in edits { _ = engagement.set(field, text: value) }
          if fields.contains(.attendees) { engagement.attendees = attendees }
        }
      case 50..<57 where !live.isEmpty:
        let target = live[pick(live.count)]
        for field in Self.traced {
          seen.insert(Written(engagement: target.id, field: field, value: target.value(of: field)))
        }
        trace("\(names[index]) deletes \(target.id.storageKey.prefix(8))")
        try await device.repository.delete(id: target.id)
        deleteRequested.insert(target.id)
      case 57..<62:
        let open = try await device.conflicts().sorted {
          ($0.lost.value, $0.kept.value) < ($1.lost.value, $1.kept.value)
        }
        guard !open.isEmpty else { break }
        let conflict = open[pick(open.count)]
        let takeOther = pick(2) == 0
        if takeOther, case .field(let field) = conflict.subject,
          let current = try await device.engagement(conflict.engagementID)
        {
          seen.insert(Written(engagement: current.id, field: field, value: current.value(of: field)))
        }
        if takeOther, conflict.subject == .deletion, let current = try await device.engagement(conflict.engagementID) {
          for field in Self.traced {
            seen.insert(Written(engagement: current.id, field: field, value: current.value(of: field)))
          }
          deleteRequested.insert(current.id)
        }
        trace(
          "\(names[index]) resolves \(conflict.subject.name) of \(conflict.engagementID.storageKey.prefix(8)) taking other: \(takeOther) (\(conflict.lost.value))"
        )
        do {
          try await device.repository.resolve(conflict: conflict.id, takeOther ? .tookOther : .keptCurrent)
        } catch is StorageError {
          // Taking back a field of an engagement deleted here: nothing to change.
        }
      case 62..<65:
        trace("network delivers a held push")
        try await network.deliverHeld(index: pick(8))
      case 65..<68:
        // The device is switched off and on again.
        trace("\(names[index]) restarts")
        devices[index] = try open(index)
      case 68..<70:
        // Half a year passes: the server forgets old tombstones, and devices behind them must
        // pull everything again.
        clock.advance(181 * 86_400)
        purged.formUnion(try await server.purgeTombstones(olderThanDays: 180))
        trace("half a year passes; purged \(purged.count) so far")
      default:
        if pick(3) > 0 {
          let fault = Fault.allCases[pick(Fault.allCases.count)]
          trace("\(names[index]) syncs with fault \(fault)")
          network.inject(fault, forDevice: names[index])
        } else {
          trace("\(names[index]) syncs")
        }
        try await sync(index)
      }
    }
  }

  /// One sync of a device; a network fault leaves it offline, a crash restarts it.
  mutating func sync(_ index: Int) async throws {
    do {
      let report = try await devices[index].client.sync()
      if !report.rejected.isEmpty {
        Issue.record("seed \(seed): the server refused \(report.rejected.map(\.error)) from \(names[index])")
      }
    } catch let error as SyncError where error.code == .offline {
      // Offline: everything stays queued.
    } catch is DeviceCrashed {
      crashes += 1
      devices[index] = try open(index)
    }
  }

  /// The network delivers what it held, then every device syncs twice with no faults.
  mutating func settle() async throws {
    network.clearFaults()
    while network.heldCount > 0 { try await network.deliverHeld() }
    for _ in 0..<2 {
      for index in devices.indices { try await sync(index) }
    }
  }

  /// What differs between a device's engagements and the server's, briefly.
  static func difference(_ device: [Engagement], _ server: [Engagement]) -> String {
    let mine = Dictionary(uniqueKeysWithValues: device.map { ($0.id, $0) })
    let theirs = Dictionary(uniqueKeysWithValues: server.map { ($0.id, $0) })
    var lines: [String] = []
    for id in mine.keys where theirs[id] == nil { lines.append("only on the device: \(id.storageKey.prefix(8))") }
    for id in theirs.keys where mine[id] == nil { lines.append("only on the server: \(id.storageKey.prefix(8))") }
    for (id, e) in mine {
      guard let other = theirs[id], other != e else { continue }
      let fields = e.changedFields(from: other).map { "\($0.rawValue) \(e.value(of: $0)) vs \(other.value(of: $0))" }
      lines.append("\(id.storageKey.prefix(8)): \(fields.isEmpty ? "audit fields" : fields.joined(separator: ", "))")
    }
    return lines.sorted().joined(separator: "; ")
  }

  func check() async throws {
    let rows = try await queryText(server.database, "SELECT id, CAST(deleted_at_ms AS TEXT) FROM engagement").map {
      (UUID(uuidString: $0[0]!)!, $0[1] != nil)
    }
    let (live, conflicts) = try await server.database.read { db in
      (try db.engagements(matching: EngagementQuery()), try db.conflicts(includeResolved: true))
    }
    let perMutation =
      try await queryText(
        server.database,
        """
        SELECT CAST(COALESCE(MAX(n), 0) AS TEXT) FROM (SELECT COUNT(*) AS n FROM change_log
        WHERE mutation_id IS NOT NULL AND entity_type = 'engagement' GROUP BY mutation_id) AS counts
        """
      ).first?.first?.flatMap { Int($0) } ?? -1
    if ProcessInfo.processInfo.environment["ASSURE_FAULT_STATS"] != nil {
      print(
        "seed \(seed): \(created.count) created, \(live.count) live, \(deleted_count(rows)) deleted, \(conflicts.count) conflicts, \(written.count) values written, \(crashes) crashes, \(purged.count) purged"
      )
    }
    let context = "seed \(seed) (\(names.count) devices, skews \(skews.map { Int($0) }) s, \(crashes) crashes)"

    // Nothing lost, nothing duplicated.
    let ids = rows.map(\.0)
    #expect(Set(ids).count == ids.count, "\(context): duplicate rows")
    #expect(
      created.isSubset(of: Set(ids).union(purged)), "\(context): lost \(created.subtracting(ids).subtracting(purged))")
    #expect(purged.isSubset(of: deleteRequested), "\(context): purged what nobody deleted")
    let deleted = Set(rows.filter(\.1).map(\.0))
    #expect(
      deleted.isSubset(of: deleteRequested),
      "\(context): deleted without anyone deleting: \(deleted.subtracting(deleteRequested))")
    #expect(perMutation <= 1, "\(context): a mutation changed an engagement \(perMutation) times")

    // Every replica equals the server.
    for (index, device) in devices.enumerated() {
      let (pending, refused) = try await device.database.read { (try $0.pendingCount(), try $0.rejectedCount()) }
      #expect(pending == 0 && refused == 0, "\(context): \(names[index]) has \(pending) pending, \(refused) refused")
      let theirEngagements = try await device.engagements()
      #expect(
        theirEngagements == live,
        "\(context): \(names[index]) differs from the server: \(Self.difference(theirEngagements, live))")
      let theirs = try await device.conflicts(includeResolved: true)
      #expect(Set(theirs) == Set(conflicts), "\(context): \(names[index]) has other conflict records")
    }

    // Every value written is the current one, was overwritten by someone who saw it, or is
    // kept in a conflict record.
    let current = Dictionary(uniqueKeysWithValues: live.map { ($0.id, $0) })
    for value in written {
      if current[value.engagement]?.value(of: value.field) == value.value { continue }
      if seen.contains(value) { continue }
      let traced = conflicts.contains { c in
        c.engagementID == value.engagement && c.subject == .field(value.field)
          && (c.lost.value == value.value || c.kept.value == value.value)
      }
      #expect(
        traced,
        "\(context): \(value.field.rawValue) = \"\(value.value)\" of \(value.engagement) vanished without a conflict record"
      )
    }
  }
}
