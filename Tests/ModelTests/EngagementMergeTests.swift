import Foundation
import Model
import PropertyBased
import Testing

/// The server's merge as a pure function, checked without a database: concurrent edits
/// commute, any delivery order converges, a written value is never dropped without a
/// conflict record, and an edit applied again changes nothing.
@Suite struct EngagementMergeTests {
  /// One engagement on the server, as the merge's caller keeps it.
  struct Server {
    var stored: Engagement
    var stamps: [String: FieldStamp] = [:]
    var cursor: Int64 = 1
    var conflicts: [Conflict] = []

    @discardableResult
    mutating func apply(_ edit: EngagementMerge.Edit) -> EngagementMerge.Outcome {
      let outcome = EngagementMerge.merge(edit, into: stored, deletedAt: nil, stamps: stamps)
      cursor += 1
      if outcome.stores {
        stored = outcome.merged
        for field in outcome.taken { stamps[field.rawValue] = edit.stamp(at: cursor) }
      }
      conflicts += outcome.conflicts
      return outcome
    }

    /// The engagement's field values (who last wrote it and when depends on the order).
    var values: [String] { Engagement.Field.allCases.map(stored.value(of:)) }
  }

  static let fields: [Engagement.Field] = [.organisation, .place, .notes, .attendees]

  static let base = Engagement(
    date: LocalDate("2022-07-14")!, who: .pcc, kind: .parishCouncil, organisation: "Ledbury Town Council",
    place: "Ledbury", area: "herefordshire", attendees: 20, notes: "", createdBy: "pcc",
    createdAt: Date(timeIntervalSince1970: 1_650_000_000))

  /// A small reproducible generator, from the seed the property check draws (and reports).
  struct Random: RandomNumberGenerator {
    var state: UInt64
    init(_ seed: Int) { state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return state
    }
  }

  /// Two to four edits made on the same base by different devices (so every pair is
  /// concurrent), each changing one to four fields to values of its own, with clock readings
  /// that often tie on the wall clock.
  static func concurrentEdits(seed: Int) -> [EngagementMerge.Edit] {
    var random = Random(seed)
    let count = Int.random(in: 2...4, using: &random)
    return (0..<count).map { index in
      let device = "device-\(index)"
      var changed = fields.filter { _ in Bool.random(using: &random) }
      if changed.isEmpty { changed = [fields.randomElement(using: &random)!] }
      var incoming = base
      for field in changed {
        switch field {
        case .attendees: incoming.attendees = 21 + Int.random(in: 0...3, using: &random)
        case .organisation: incoming.organisation = "Organisation \(Int.random(in: 0...3, using: &random))"
        case .place: incoming.place = "Place \(Int.random(in: 0...3, using: &random))"
        default: incoming.notes = "Notes \(Int.random(in: 0...3, using: &random))"
        }
      }
      incoming.updatedBy = device
      let hlc = HLC(
        wallMillis: 1_700_000_000_000 + Int64.random(in: 0...2, using: &random),
        counter: UInt32.random(in: 0...1, using: &random), node: device)
      return EngagementMerge.Edit(
        incoming: incoming, changedFields: changed, baseCursor: 1, deviceID: device, user: "user-\(index)", hlc: hlc,
        time: Date(timeIntervalSince1970: 1_700_000_000))
    }
  }

  /// Every order of `items`.
  static func permutations<T>(_ items: [T]) -> [[T]] {
    guard items.count > 1 else { return [items] }
    return items.indices.flatMap { index in
      var rest = items
      let first = rest.remove(at: index)
      return permutations(rest).map { [first] + $0 }
    }
  }

  static func run(_ edits: [EngagementMerge.Edit]) -> Server {
    var server = Server(stored: base)
    for edit in edits { server.apply(edit) }
    return server
  }

  /// For each field, the values that lost (as conflict records hold them).
  static func lost(_ server: Server) -> [String: Set<String>] {
    Dictionary(grouping: server.conflicts, by: \.subject.name).mapValues { Set($0.map(\.lost.value)) }
  }

  @Test("two concurrent edits commute: either order gives the same values and the same conflict record")
  func commutes() async {
    await propertyCheck(count: 500, input: Gen.int(in: 0...Int(Int32.max))) { seed in
      let edits = Array(Self.concurrentEdits(seed: seed).prefix(2))
      let ab = Self.run(edits)
      let ba = Self.run(edits.reversed())
      #expect(ab.values == ba.values, "seed \(seed)")
      let record = { (server: Server) in
        Set(
          server.conflicts.map {
            "\($0.subject.name): kept \($0.kept.value) (\($0.kept.deviceID)), lost \($0.lost.value) (\($0.lost.deviceID))"
          })
      }
      #expect(record(ab) == record(ba), "seed \(seed)")
    }
  }

  @Test(
    "any delivery order of concurrent edits converges on the same values, with every other value written kept as lost")
  func anyOrderConverges() async {
    await propertyCheck(count: 300, input: Gen.int(in: 0...Int(Int32.max))) { seed in
      let edits = Self.concurrentEdits(seed: seed)
      let orders = Self.permutations(edits).map(Self.run)
      for server in orders {
        #expect(server.values == orders[0].values, "seed \(seed)")
        // Every value written that is not the field's final one is a lost value of a conflict
        // record, whatever the order (a value equal to the final one may be recorded or not).
        let lost = Self.lost(server)
        for field in Self.fields {
          let final = server.stored.value(of: field)
          let written = Set(
            edits.filter { $0.changedFields.contains(field) }.map { $0.incoming.value(of: field) }.filter {
              $0 != final
            })
          #expect((lost[field.rawValue] ?? []).subtracting([final]) == written, "seed \(seed): \(field)")
        }
      }
    }
  }

  @Test(
    "no written value is dropped without a trace: each is the field's final value or a conflict record's lost value")
  func nothingDroppedSilently() async {
    await propertyCheck(count: 500, input: Gen.int(in: 0...Int(Int32.max))) { seed in
      let edits = Self.concurrentEdits(seed: seed)
      let server = Self.run(edits)
      let lost = Self.lost(server)
      for edit in edits {
        for field in edit.changedFields {
          let written = edit.incoming.value(of: field)
          let kept = server.stored.value(of: field) == written
          #expect(
            kept || lost[field.rawValue]?.contains(written) == true, "seed \(seed): \(field) = \(written) vanished")
        }
      }
      // And the value kept is the one with the latest clock reading among those written.
      for field in Self.fields {
        let writers = edits.filter {
          $0.changedFields.contains(field) && $0.incoming.value(of: field) != Self.base.value(of: field)
        }
        if let latest = writers.max(by: { $0.hlc < $1.hlc }) {
          #expect(server.stored.value(of: field) == latest.incoming.value(of: field), "seed \(seed): \(field)")
        }
      }
    }
  }

  @Test("an edit applied again changes nothing (a re-sent mutation is also caught by its id before the merge)")
  func idempotent() async {
    await propertyCheck(count: 500, input: Gen.int(in: 0...Int(Int32.max))) { seed in
      let edits = Self.concurrentEdits(seed: seed)
      var server = Self.run(edits)
      let before = server.values
      let stamps = server.stamps
      // An edit whose values all stand (one that lost a field would lose it again, and leave
      // a second record: the server never merges a mutation twice, it answers DUPLICATE).
      let standing = edits.filter { edit in
        edit.changedFields.allSatisfy { server.stored.value(of: $0) == edit.incoming.value(of: $0) }
      }
      for edit in standing {
        let again = server.apply(edit)
        #expect(again.taken.isEmpty && again.conflicts.isEmpty, "seed \(seed)")
      }
      #expect(server.values == before, "seed \(seed)")
      #expect(server.stamps == stamps, "seed \(seed)")
    }
  }

  @Test(
    "two devices write the same value and a third writes another between their readings: the latest reading's value stands in every order"
  )
  func sameValueTwice() {
    func edit(_ device: String, _ place: String, wall: Int64) -> EngagementMerge.Edit {
      var incoming = Self.base
      incoming.place = place
      return EngagementMerge.Edit(
        incoming: incoming, changedFields: [.place], baseCursor: 1, deviceID: device, user: device,
        hlc: HLC(wallMillis: wall, node: device), time: Date())
    }
    let early = edit("c", "Ross-on-Wye", wall: 1)
    let middle = edit("b", "Bromyard", wall: 2)
    let late = edit("a", "Ross-on-Wye", wall: 3)
    // Before: in this order the late edit matched the value already there and left the early
    // edit's reading on the field, so the middle one then beat it.
    let server = Self.run([early, late, middle])
    #expect(server.stored.place == "Ross-on-Wye")
    #expect(server.conflicts.map(\.lost.value) == ["Bromyard"])
    for order in Self.permutations([early, middle, late]) {
      #expect(Self.run(order).stored.place == "Ross-on-Wye")
    }
  }

  @Test("an edit made on top of another device's change is not concurrent with it: it simply wins, whatever the clocks")
  func editOnTop() {
    var server = Server(stored: Self.base)
    var first = Self.concurrentEdits(seed: 7)[0]
    first.changedFields = [.notes]
    first.incoming.notes = "first"
    first.hlc = HLC(wallMillis: 2_000_000_000_000, node: "device-0")
    server.apply(first)
    var next = first
    next.deviceID = "device-9"
    next.incoming.notes = "made after seeing the first"
    next.baseCursor = server.cursor
    next.hlc = HLC(wallMillis: 1_000, node: "device-9")
    let outcome = server.apply(next)
    #expect(outcome.taken == [.notes] && outcome.conflicts.isEmpty)
    #expect(server.stored.notes == "made after seeing the first")
  }
}
