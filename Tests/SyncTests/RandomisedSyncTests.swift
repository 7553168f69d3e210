import Foundation
import GRDB
import Model
import Storage
import Sync
import Testing
import TestSupport

/// Several devices add, edit and delete at random while pushes and pulls fail at random,
/// before or after the server commits. Each seed replays exactly; a failure names its seed.
@Suite struct RandomisedSyncTests {
  @Test("random work and random faults: nothing lost, nothing applied twice, replicas converge", arguments: 1...25)
  func scenario(seed: UInt64) async throws {
    var random = SeededGenerator(seed: seed)
    let world = try await SyncWorld()
    let devices = try (0..<3).map { try world.device("device-\($0)", pageSize: 7, batchSize: 4) }
    var created = Set<UUID>()
    var deleted = Set<UUID>()

    for step in 0..<60 {
      let device = devices[Int(random.next() % UInt64(devices.count))]
      let live = try await device.engagements()
      switch random.next() % 10 {
      case 0...3:
        let engagement = try await device.add("Group \(seed)-\(step)")
        created.insert(engagement.id)
      case 4...5 where !live.isEmpty:
        let target = live[Int(random.next() % UInt64(live.count))]
        let attendees = Int(random.next() % 500)
        try await device.repository.edit(id: target.id) { $0.attendees = attendees }
      case 6 where !live.isEmpty:
        let target = live[Int(random.next() % UInt64(live.count))]
        try await device.repository.delete(id: target.id)
        deleted.insert(target.id)
      default:
        switch random.next() % 5 {
        case 0: world.transport.failNextPush(.beforeCommit)
        case 1: world.transport.failNextPush(.afterCommit)
        case 2: world.transport.failNextPull(.afterCommit)
        default: break
        }
        do {
          _ = try await device.client.sync()
        } catch let error as SyncError where error.code == .offline {
          // An injected fault: the device carries on offline.
        }
      }
    }

    // Every device syncs twice with no faults and no new writes.
    world.transport.clearFaults()
    for _ in 0..<2 {
      for device in devices { _ = try await device.client.sync() }
    }

    let server = try await world.serverEngagements()
    let serverIDs = Set(server.map(\.id))
    #expect(serverIDs.count == server.count, "seed \(seed): duplicate rows on the server")
    #expect(created.subtracting(deleted).isSubset(of: serverIDs), "seed \(seed): an engagement never deleted was lost")
    for (index, device) in devices.enumerated() {
      #expect(try await device.pending() == 0, "seed \(seed): device \(index) still has changes queued")
      #expect(try await device.engagements() == server, "seed \(seed): device \(index) differs from the server")
    }
    let (applied, distinct) = try await world.server.database.read { db in
      (
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log WHERE mutation_id IS NOT NULL AND entity_type = 'engagement'") ?? -1,
        try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT mutation_id) FROM change_log WHERE mutation_id IS NOT NULL AND entity_type = 'engagement'") ?? -2
      )
    }
    #expect(applied == distinct, "seed \(seed): a mutation was applied more than once")
  }
}
