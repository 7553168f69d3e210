import Foundation
import GRDB
import Model
import Stores
import TestSupport
import Testing

@testable import SQLiteStore

@Suite struct StorageTests {
  @Test("a fresh server file gets every migration, in WAL mode")
  func serverMigrations() throws {
    let folder = try TemporaryFolder()
    let database = try ServerDatabase(path: folder.path("nested/server.sqlite"))
    #expect(
      try database.appliedMigrations() == [
        "v1-plan-engagements-change-log", "v2-plan-governance-audit", "v3-field-merge-conflicts", "v4-accounts-devices",
        "v5-oversight-records", "v6-change-stored-as-sent", "v7-access-token-replaced", "v7-force-area-retired",
        "v7-force-indicator-baseline-rank-inspection-response", "v7-force-profile",
        "v8-server-identity-device-seq-deleted-ids", "v9-personal-data", "v10-redaction",
      ])
    let mode = try database.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
    #expect(mode == "wal")
    // Re-opening runs nothing again and keeps the data.
    try database.pool.write { try $0.saveEngagement(sampleEngagement()) }
    let reopened = try ServerDatabase(path: folder.path("nested/server.sqlite"))
    #expect(try reopened.pool.read { try $0.engagementCount(matching: EngagementQuery()) } == 1)
  }

  @Test("a store copy moves every table the server keeps (only search indexes are made again)")
  func copyCoversEveryTable() throws {
    let folder = try TemporaryFolder()
    let database = try ServerDatabase(path: folder.path("server.sqlite"))
    let tables = try database.pool.read { db in
      try String.fetchAll(
        db,
        sql: """
          SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
          AND name NOT LIKE 'grdb_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
          AND name NOT IN (SELECT m.name FROM sqlite_master m, sqlite_master v
                           WHERE v.sql LIKE 'CREATE VIRTUAL TABLE%' AND m.name LIKE v.name || '_%')
          """)
    }
    #expect(
      Set(tables) == Set(ServerTables.all.map(\.name)),
      "\(Set(tables).symmetricDifference(ServerTables.all.map(\.name)))")
  }

  @Test("a server file made by the first release upgrades with its plan, engagements and change log intact")
  func serverUpgrade() async throws {
    // Given a file migrated only as far as the first release, holding a plan and an engagement.
    let folder = try TemporaryFolder()
    let path = folder.path("server.sqlite")
    let old = try DatabaseQueue(path: path)
    try ServerSchema.migrator.migrate(old, upTo: "v1-plan-engagements-change-log")
    let element = PlanElement(id: "2.3", objectiveID: "2", title: "Road safety", status: .atRisk, position: 3)
    try await old.write { db in
      try db.execute(
        sql: """
          INSERT INTO plan_element (id, objective_id, title, description, opcc_lead, force_lead, status, position)
          VALUES ('2.3', '2', 'Road safety', '', '', '', 'at-risk', 3)
          """)
      try db.saveEngagement(sampleEngagement())
      // (In the first release's columns: today's code writes columns added since.)
      try db.execute(
        sql: """
          INSERT INTO change_log (entity_type, entity_id, operation, payload, changed_at_ms)
          VALUES ('engagement', 'x', 'delete', NULL, 1700000000000)
          """)
    }
    try old.close()

    // When the current server opens it, everything is still there and the new tables exist.
    let database = try ServerDatabase(path: path)
    #expect(try database.appliedMigrations() == ServerSchema.migrationNames)
    #expect(try database.appliedMigrations().contains("v7-force-area-retired"))
    let (stored, count, head, history, changes) = try await database.read { db in
      (
        try db.element(id: "2.3"), try db.engagementCount(matching: EngagementQuery()), try db.headCursor(),
        try db.statusHistory(elementID: "2.3"), try db.changes(after: 0, limit: 10, omittingAsSentOf: "any")
      )
    }
    #expect(stored == element)
    #expect(count == 1)
    #expect(head == 1)
    #expect(changes.map(\.entityID) == ["x"])
    #expect(changes.first?.payloadOmitted == false, "a change logged before the column travels whole")
    #expect(history.isEmpty)
  }

  @Test("a fresh client file gets every migration and a device id on first use")
  func clientMigrations() throws {
    let folder = try TemporaryFolder()
    let database = try ClientDatabase(path: folder.path("client.sqlite"))
    #expect(
      try database.appliedMigrations() == [
        "v1-engagements-outbox-sync-state-plan-cache", "v2-plan-rag-override", "v3-field-merge-conflicts",
        "v7-force-area-retired", "v7-force-profile", "v8-journal-server-identity-boot-clock", "v10-journal-by-entity",
      ])
    let first = try database.pool.write { try $0.syncState() }
    let second = try database.pool.write { try $0.syncState() }
    #expect(first.deviceID == second.deviceID)
    #expect(UUID(uuidString: first.deviceID) != nil)
    #expect(first.cursor == 0)
  }

  @Test("an engagement survives a round trip unchanged")
  func engagementRoundTrip() throws {
    let folder = try TemporaryFolder()
    let database = try ClientDatabase(path: folder.path("client.sqlite"))
    var engagement = sampleEngagement()
    engagement.followUpActions = ["Write to Highways about the A449"]
    engagement.objectiveID = "2"
    engagement.elementID = "2.3"
    engagement.notes = "Multi-line\nnotes with ünïcödé"
    try database.pool.write { try $0.saveEngagement(engagement) }
    #expect(try database.pool.read { try $0.engagement(id: engagement.id) } == engagement)
  }

  @Test("the engagement and its outbox row commit together or not at all")
  func writeAndOutboxAreAtomic() throws {
    let folder = try TemporaryFolder()
    let database = try ClientDatabase(path: folder.path("client.sqlite"))
    let engagement = sampleEngagement()
    let mutation = Mutation.upsert(engagement, by: "pcc", at: Date().truncatedToMilliseconds)
    try database.pool.write { db in
      try db.saveEngagement(engagement)
      try db.enqueue(mutation)
    }
    // Given a second write whose outbox insert fails (same mutation id)...
    var other = sampleEngagement(organisation: "Bromyard Town Council")
    other.id = UUID()
    #expect(throws: DatabaseError.self) {
      try database.pool.write { db in
        try db.saveEngagement(other)
        try db.enqueue(mutation)
      }
    }
    // ...then its engagement row was rolled back too.
    #expect(try database.pool.read { try $0.engagement(id: other.id) } == nil)
    #expect(try database.pool.read { try $0.pendingCount() } == 1)
  }

  @Test("deletes leave tombstones that lists skip")
  func tombstones() throws {
    let folder = try TemporaryFolder()
    let database = try ServerDatabase(path: folder.path("server.sqlite"))
    let engagement = sampleEngagement()
    try database.pool.write { try $0.saveEngagement(engagement) }
    #expect(try database.pool.write { try $0.tombstoneEngagement(id: engagement.id, at: Date()) })
    #expect(try database.pool.write { try $0.tombstoneEngagement(id: engagement.id, at: Date()) } == false)
    #expect(try database.pool.read { try $0.engagement(id: engagement.id) } == nil)
    #expect(try database.pool.read { try $0.engagementExists(id: engagement.id, includingDeleted: true) })
    #expect(try database.pool.read { try $0.engagementCount(matching: EngagementQuery()) } == 0)
  }

  @Test("lists are newest first, filtered, and page by keyset without gaps or repeats")
  func listingAndPaging() throws {
    let folder = try TemporaryFolder()
    let database = try ServerDatabase(path: folder.path("server.sqlite"))
    let all = (1...25).map { day in sampleEngagement(date: String(format: "2022-08-%02d", day)) }
    try database.pool.write { db in for e in all { try db.saveEngagement(e) } }
    var seen: [Engagement] = []
    var position: EngagementPosition?
    while true {
      let page = try database.pool.read { try $0.engagements(matching: EngagementQuery(), after: position, limit: 7) }
      guard let last = page.last else { break }
      seen += page
      position = EngagementPosition(after: last)
    }
    #expect(seen.count == 25)
    #expect(Set(seen.map(\.id)).count == 25)
    #expect(seen.map(\.date) == seen.map(\.date).sorted(by: >))
    let august10to12 = EngagementQuery(from: LocalDate("2022-08-10"), to: LocalDate("2022-08-12"))
    #expect(try database.pool.read { try $0.engagementCount(matching: august10to12) } == 3)
    let summary = try database.pool.read { try $0.engagementSummary(matching: august10to12) }
    #expect(summary.total == 3)
    #expect(summary.byMonth == ["2022-08": 3])
    #expect(summary.byArea == ["herefordshire": 3])
  }

  @Test("the change log hands out increasing cursors and reads back in order")
  func changeLog() throws {
    let folder = try TemporaryFolder()
    let database = try ServerDatabase(path: folder.path("server.sqlite"))
    let engagement = sampleEngagement()
    let cursors = try database.pool.write { db in
      [
        try db.appendChange(
          .engagement, id: engagement.id.storageKey, operation: .upsert, payload: .engagement(engagement), at: Date()),
        try db.appendChange(.engagement, id: engagement.id.storageKey, operation: .delete, payload: nil, at: Date()),
      ]
    }
    #expect(cursors[0] < cursors[1])
    let changes = try database.pool.read { try $0.changes(after: 0, limit: 10) }
    #expect(changes.map(\.cursor) == cursors)
    #expect(changes[0].payload == .engagement(engagement))
    #expect(try database.pool.read { try $0.changes(after: cursors[0], limit: 10) }.count == 1)
    // The stored payload is the engagement alone, instants in whole milliseconds.
    let stored = try database.pool.read {
      try String.fetchOne($0, sql: "SELECT payload FROM change_log WHERE cursor = ?", arguments: [cursors[0]])
    }
    #expect(stored?.hasPrefix("{\"area\":\"herefordshire\"") == true, "\(stored ?? "nil")")
    #expect(stored?.contains("\"createdAt\":\(engagement.createdAt.millisecondsSince1970)") == true)
  }
}

@Suite struct BackupTests {
  @Test(
    "a backup taken while the database is open is complete and checked; a restore keeps the replaced file and fences the change cursor"
  )
  func backupAndRestore() throws {
    let folder = try TemporaryFolder()
    let path = folder.path("server/assure-server.sqlite")
    let database = try ServerDatabase(path: path)
    try database.pool.write { db in
      try db.saveArea(Area(code: "shropshire", name: "Shropshire"), position: 0)
      _ = try db.appendChange(
        .area, id: "shropshire", operation: .upsert, payload: .area(Area(code: "shropshire", name: "Shropshire")),
        at: Date())
      try db.saveEngagement(sampleEngagement())
      for _ in 0..<5 {
        _ = try db.appendChange(.engagement, id: "x", operation: .delete, payload: nil, at: Date())
      }
    }
    let summary = try database.backup(to: folder.path("backup.sqlite"))
    #expect(summary.engagements == 1 && summary.changeHead == 6)
    #expect(summary.migrations == (try database.appliedMigrations()))
    let mode =
      (try FileManager.default.attributesOfItem(atPath: folder.path("backup.sqlite"))[.posixPermissions] as? NSNumber)?
      .intValue
    #expect(mode.map { $0 & 0o777 } == 0o600)
    // Written after the backup: not in it.
    try database.pool.write { db in
      for _ in 0..<4 { _ = try db.appendChange(.engagement, id: "y", operation: .delete, payload: nil, at: Date()) }
    }
    try database.pool.close()

    let time = Date(timeIntervalSince1970: 1_800_000_000)
    let restored = try ServerDatabase.restore(from: folder.path("backup.sqlite"), to: path, by: "tester", at: time)
    #expect(restored.previousKeptAt.map { FileManager.default.fileExists(atPath: $0) } == true)
    #expect(restored.fence == 11, "past the replaced file's newest change (10)")
    let reopened = try ServerDatabase(path: path)
    let (head, purged, actors) = try reopened.pool.read { db in
      (
        try Int64.fetchOne(db, sql: "SELECT MAX(cursor) FROM change_log"), try db.purgedThrough(),
        try db.auditEvents(AuditQuery(entityType: "database")).map(\.actor)
      )
    }
    #expect(head == 11)
    #expect(purged == 11, "devices behind the fence pull everything again")
    #expect(actors == ["tester"])
    // Garbage is refused before anything is touched.
    try Data("not a database".utf8).write(to: URL(fileURLWithPath: folder.path("junk.sqlite")))
    #expect(throws: StorageError.self) {
      _ = try ServerDatabase.restore(from: folder.path("junk.sqlite"), to: path, by: "tester", at: time)
    }
    #expect(try reopened.pool.read { try Int64.fetchOne($0, sql: "SELECT MAX(cursor) FROM change_log") } == 11)
  }
}

@Suite struct OversightMigrationTests {
  @Test("a file at v3 gains the oversight tables without losing its governance records")
  func upgradeFromV3() async throws {
    // Given a file migrated as far as v3, with a governance meeting.
    let folder = try TemporaryFolder()
    let path = folder.path("server.sqlite")
    let old = try DatabaseQueue(path: path)
    try ServerSchema.migrator.migrate(old, upTo: "v3-field-merge-conflicts")
    try await old.write { db in
      try db.saveMeeting(Meeting(id: "2022-09-28", date: LocalDate("2022-09-28")!), recordedAt: Date())
    }
    try old.close()

    // When the current server opens it, the meeting is there and the oversight tables are empty and usable.
    let database = try ServerDatabase(path: path)
    #expect(try database.appliedMigrations().contains("v5-oversight-records"))
    let (meetings, funds) = try await database.read { db in (try db.meetings().count, try db.funds().count) }
    #expect(meetings == 1)
    #expect(funds == 0)
    try await database.write { db in
      try db.saveFund(
        Fund(
          id: "prevention", name: "Prevention Fund", totalPence: 100_000_000, startDate: LocalDate("2022-04-01")!,
          endDate: LocalDate("2023-03-31")!))
    }
    #expect(try await database.read { try $0.fund(id: "prevention")?.totalPence } == 100_000_000)
  }
}
