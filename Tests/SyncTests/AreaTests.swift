import Application
import Foundation
import Model
import SQLiteStore
import Stores
import Sync
import TestSupport
import Testing

/// A force's areas are data: seeded once, changed only explicitly, retired and never deleted.
@Suite struct AreaTests {
  static let fiveAreas = [
    Area(code: "north", name: "North"), Area(code: "south", name: "South"), Area(code: "east", name: "East"),
    Area(code: "west", name: "West"), Area(code: "central", name: "Central"),
  ]
  static let admin = Caller.server("console:admin", rpc: "assure-server area")

  func engagement(in area: String, organisation: String = "Village hall") -> Engagement {
    var e = sampleEngagement(organisation: organisation)
    e.area = area
    return e
  }

  @Test("areas are seeded once: a later start with other areas, or none, keeps the stored ones")
  func seedOnce() async throws {
    let world = try await SyncWorld(areas: [])
    #expect(try await world.server.seedAreas(Self.fiveAreas, by: Self.admin))
    #expect(!(try await world.server.seedAreas(Area.westMercia, by: Self.admin)))
    #expect(!(try await world.server.seedAreas([], by: Self.admin)))
    #expect(try await world.server.areas() == Self.fiveAreas)
  }

  @Test("a retired area refuses new engagements, keeps the old ones valid and editable, and reaches devices")
  func retire() async throws {
    let world = try await SyncWorld(areas: [])
    try await world.server.seedAreas(Self.fiveAreas, by: Self.admin)
    let device = try world.device("a")
    _ = try await device.client.sync()
    let old = try await device.repository.record(engagement(in: "central", organisation: "Before"))
    _ = try await device.client.sync()

    let (retired, count) = try await world.server.retireArea(code: "central", by: Self.admin)
    #expect(retired.retired && count == 1)
    _ = try await device.client.sync()
    #expect(try await device.database.read { try $0.area(code: "central") }?.retired == true, "the device learns it")

    // Refused here, before it is stored.
    await #expect(throws: ValidationError.self) {
      try await device.repository.record(self.engagement(in: "central", organisation: "After"))
    }
    // The old one stays, and an edit that keeps its area goes through, here and on the server.
    try await device.repository.edit(id: old.id) { $0.notes = "Still in central" }
    let report = try await device.client.sync()
    #expect(report.rejected.isEmpty, "\(report.rejected)")
    #expect(try await world.serverEngagements().first { $0.id == old.id }?.notes == "Still in central")
    // Moving an engagement into the retired area is refused.
    let other = try await device.repository.record(engagement(in: "north", organisation: "Elsewhere"))
    await #expect(throws: ValidationError.self) {
      try await device.repository.edit(id: other.id) { $0.area = "central" }
    }
    // The server refuses a new one in it too (a device that had not heard yet).
    var late = engagement(in: "central", organisation: "Late")
    late.createdBy = "a"
    late.updatedBy = "a"
    let reply = try await world.server.push(
      PushRequest(deviceID: "b", mutations: [Mutation.upsert(late, by: "a", at: Date().truncatedToMilliseconds)]),
      by: .testDevice)
    guard case .rejected(let error) = reply.results.first?.outcome else {
      Issue.record("a new engagement in a retired area was applied")
      return
    }
    #expect(error.description.contains("central is retired"), "\(error)")
    // Still listed, still named: nothing is deleted.
    #expect(try await world.server.areas().map(\.code) == Self.fiveAreas.map(\.code))
  }

  @Test("add, rename and bring back; every change is audited and logged for devices; bad input changes nothing")
  func addRename() async throws {
    let world = try await SyncWorld(areas: [])
    try await world.server.seedAreas(Self.fiveAreas, by: Self.admin)
    try await world.server.renameArea(code: "north", to: "North and Coast", by: Self.admin)
    try await world.server.addArea(Area(code: "islands", name: "The Islands"), by: Self.admin)
    _ = try await world.server.retireArea(code: "west", by: Self.admin)
    try await world.server.addArea(Area(code: "west", name: "West"), by: Self.admin)
    await #expect(throws: StorageError.self) {
      try await world.server.addArea(Area(code: "east", name: "E"), by: Self.admin)
    }
    await #expect(throws: StorageError.self) {
      try await world.server.renameArea(code: "nowhere", to: "X", by: Self.admin)
    }
    await #expect(throws: ValidationError.self) {
      try await world.server.addArea(Area(code: "Bad Code", name: "X"), by: Self.admin)
    }
    await #expect(throws: ValidationError.self) {
      try await world.server.renameArea(code: "east", to: "", by: Self.admin)
    }

    let areas = try await world.server.areas()
    #expect(areas.map(\.code) == ["north", "south", "east", "west", "central", "islands"])
    #expect(areas.first?.name == "North and Coast")
    #expect(areas.allSatisfy { !$0.retired })
    let audited = try await world.server.database.read { try $0.auditEvents(AuditQuery(entityType: "area")) }
    #expect(audited.count == 5 + 4, "five seeded, rename, add, retire, bring back")
    let device = try world.device("a")
    _ = try await device.client.sync()
    #expect(try await device.database.read { try $0.areas() } == areas)
  }

  @Test("a device that holds no areas accepts any well-formed code, and the server decides at sync")
  func noAreasOnDevice() async throws {
    let world = try await SyncWorld(areas: [])
    try await world.server.seedAreas(Self.fiveAreas, by: Self.admin)
    let device = try world.device("a")
    let mine = try await device.repository.record(engagement(in: "south"))
    let wrong = try await device.repository.record(engagement(in: "shropshire", organisation: "Wrong force"))
    await #expect(throws: ValidationError.self) {
      try await device.repository.record(self.engagement(in: "Not A Code!"))
    }
    let report = try await device.client.sync()
    #expect(report.rejected.map(\.entityID) == [wrong.id.storageKey])
    #expect(try await world.serverEngagements().map(\.id) == [mine.id])
    // Now it holds the force's areas and checks them itself.
    await #expect(throws: ValidationError.self) {
      try await device.repository.record(self.engagement(in: "herefordshire"))
    }
  }
}
