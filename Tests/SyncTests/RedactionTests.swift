import Application
import Foundation
import GRDB
import Model
import SQLiteStore
import Stores
import Sync
import TestSupport
import Testing

/// Every table and column of a SQLite file whose text holds `needle` (case ignored): what a
/// person could read of it with the sqlite3 shell.
func columnsHolding(_ needle: String, in pool: DatabasePool) throws -> [String] {
  try pool.read { db in
    var found: [String] = []
    for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
      let columns = (try? Row.fetchAll(db, sql: "PRAGMA table_info(\"\(table)\")").map { $0["name"] as String }) ?? []
      for column in columns {
        let hit = try? Int.fetchOne(
          db,
          sql: "SELECT 1 FROM \"\(table)\" WHERE instr(lower(CAST(\"\(column)\" AS TEXT)), ?) > 0 LIMIT 1",
          arguments: [needle.lowercased()])
        if hit != nil { found.append("\(table).\(column)") }
      }
    }
    return found
  }
}

/// Erasure, rectification and retention reach the server's history and every device's copies,
/// devices offline past the tombstone window included; a late edit never brings removed text
/// back; the engagement and its counts stay.
@Suite struct RedactionTests {
  let person = "Eirlys Quarrendon"
  let office = Caller.server("dpo", rpc: "test")

  func named(_ device: Device) async throws -> Engagement {
    try await device.repository.record(
      Engagement(
        date: LocalDate("2022-07-14")!, who: .apcc, kind: .communityGroup, organisation: "Quarrendon household",
        place: "12 Mill Lane, Telford", area: "telford-and-wrekin", attendees: 3, topics: ["road-safety"],
        followUpActions: ["Write to Eirlys Quarrendon", "Ask roads policing about Mill Lane"],
        notes: "Eirlys Quarrendon raised speeding outside her house.", createdBy: "x"))
  }

  func serverColumnsHolding(_ needle: String, _ world: SyncWorld) throws -> [String] {
    guard let file = world.server.database as? ServerDatabase else { return [] }
    return try columnsHolding(needle, in: file.pool)
  }

  @Test(
    "an erasure removes the text from the server, its history and conflict records and every device; the record stays")
  func erasureEverywhere() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b")
    let c = try world.device("c")
    let recorded = try await named(a)
    for device in [a, b, c] { _ = try await device.client.sync() }
    // b and c edit the notes without seeing each other: a conflict record holds both values.
    try await b.repository.edit(id: recorded.id) { $0.notes = "Eirlys Quarrendon called again." }
    world.clock.advance(60)
    try await c.repository.edit(id: recorded.id) { $0.notes = "Letter from Eirlys Quarrendon." }
    for device in [b, c, a, b] { _ = try await device.client.sync() }
    #expect(try await a.conflicts().count == 1)
    // a edits the notes once more and has not sent it when the office erases.
    try await a.repository.edit(id: recorded.id) { $0.notes = "Eirlys Quarrendon: reply sent." }

    let redactions = RedactionRepository(database: world.server.database, now: { world.clock.now })
    let preview = try await redactions.preview(
      recorded.id.storageKey, fields: Redaction.personalFields, kind: .erasure, reason: "SAR 2026-014", by: office)
    #expect(preview.cursor == 0 && preview.current && preview.versions >= 3 && preview.conflicts == 1, "\(preview)")
    let privacy = PrivacyRepository(database: world.server.database)
    #expect(try await privacy.search(person, by: office).hits.count == 1, "a preview changes nothing")

    let outcome = try await redactions.redact(
      recorded.id.storageKey, fields: Redaction.personalFields, kind: .erasure, reason: "SAR 2026-014", by: office)
    #expect(outcome.cursor > 0 && outcome.versions == preview.versions && outcome.conflicts == 1)

    // a's edit was made on the text before the erasure: refused, kept aside on a, not applied.
    let late = try await a.client.sync()
    #expect(
      late.rejected.count == 1 && late.rejected.first?.error.contains("notes: its text was removed") == true, "\(late)")
    #expect(late.redacted == 1)
    #expect(try await world.serverEngagements().first?.notes == "[erased]", "a late push brings nothing back")
    // Its user drops it (the work was the erased person's details).
    let refused = try await a.database.read { try $0.rejectedMutations() }
    for entry in refused { _ = try await a.repository.drop(quarantined: entry.mutation.id) }
    for device in [a, b, c, a, b, c] { _ = try await device.client.sync() }

    let server = try #require(try await world.serverEngagements().first)
    #expect(server.notes == "[erased]" && server.organisation == "[erased]" && server.place == "[erased]")
    #expect(server.followUpActions == ["[erased]", "[erased]"], "the number of follow-up actions stays")
    #expect(server.attendees == 3 && server.area == "telford-and-wrekin" && server.topics == ["road-safety"])
    #expect(server.date == recorded.date && server.who == .apcc && server.kind == .communityGroup)
    #expect(try await privacy.search(person, by: office).hits.isEmpty)
    #expect(try await privacy.search("Quarrendon", by: office).hits.isEmpty)
    #expect(try serverColumnsHolding("quarrendon", world) == [])
    for device in [a, b, c] {
      #expect(try await device.engagements() == [server])
      let conflicts = try await device.conflicts(includeResolved: true)
      #expect(
        conflicts.count == 1 && conflicts.allSatisfy { $0.kept.value == "[erased]" && $0.lost.value == "[erased]" })
      #expect(try columnsHolding("quarrendon", in: device.database.pool) == [], "on \(device.repository.user)")
    }
    let register = try await redactions.register(engagementID: recorded.id.storageKey)
    #expect(register.map(\.reason) == ["SAR 2026-014"] && register.first?.actor == "dpo")
    let audit = try await world.server.database.read { try $0.auditEvents(AuditQuery()) }
    #expect(audit.contains { $0.entityType == "redaction" })
    #expect(!audit.contains { "\($0)".lowercased().contains("quarrendon") })
  }

  @Test("an erasure is refused while a device reports an unsent change to the field, and names it")
  func refusedWhileHeld() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let recorded = try await named(a)
    _ = try await a.client.sync()
    let id = recorded.id.storageKey
    _ = try await world.server.pull(
      PullRequest(
        afterCursor: 0, pageSize: 10, deviceID: "laptop-7", held: [HeldChange(engagementID: id, fields: [.notes])]))
    let redactions = RedactionRepository(database: world.server.database, now: { world.clock.now })
    let head = try await world.server.database.read { try $0.headCursor() }
    do {
      _ = try await redactions.redact(id, fields: [.notes], kind: .erasure, reason: "request", by: office)
      Issue.record("the erasure went ahead")
    } catch let error as ValidationError {
      #expect(error.violations.map(\.field) == ["notes"])
      #expect(error.description.contains("laptop-7") && error.description.contains("assure sync --drop"))
    }
    #expect(try await world.server.database.read { try $0.headCursor() } == head, "nothing changed")
    // The device is signed in as a user, who is named; once the office revokes it (a lost
    // laptop will never send its change), its report no longer holds the erasure back.
    let now = world.clock.now
    let account = Account(name: "pcc-field", displayName: "PCC", role: .commissioner, createdAt: now, createdBy: "t")
    let token = DeviceToken(
      accountName: "pcc-field", deviceID: "laptop-7", label: "laptop", createdAt: now,
      expiresAt: now.addingTimeInterval(86_400))
    try await world.server.database.write { db in
      try db.saveAccount(account)
      try db.saveDeviceToken(token, hash: "hash-of-laptop-7", accountID: account.id)
    }
    do {
      _ = try await redactions.redact(id, fields: [.notes], kind: .erasure, reason: "request", by: office)
      Issue.record("the erasure went ahead")
    } catch let error as ValidationError {
      #expect(error.description.contains("signed in as pcc-field"), "\(error)")
    }
    try await world.server.database.write { try $0.revokeDeviceToken(id: token.id, at: now) }
    #expect(
      try await redactions.redact(id, fields: [.notes], kind: .erasure, reason: "lost laptop", by: office).current)
    try await world.server.database.write { db in
      try db.saveDeviceToken(
        DeviceToken(
          accountName: "pcc-field", deviceID: "laptop-7", label: "laptop again", createdAt: now,
          expiresAt: now.addingTimeInterval(86_400)), hash: "hash-2", accountID: account.id)
    }
    await #expect(throws: ValidationError.self, "signed in again, its report counts again") {
      _ = try await redactions.redact(id, fields: [.notes], kind: .erasure, reason: "request", by: office)
    }
    // Another field is free; once the device reports nothing held, the notes are too.
    _ = try await redactions.redact(id, fields: [.place], kind: .erasure, reason: "request", by: office)
    _ = try await world.server.pull(PullRequest(afterCursor: 0, pageSize: 10, deviceID: "laptop-7", held: []))
    let outcome = try await redactions.redact(id, fields: [.notes], kind: .erasure, reason: "request", by: office)
    #expect(
      !outcome.current && outcome.cursor > 0, "erased already: nothing more to remove, the change is logged again")
    // Bad requests name the field and the rule.
    for (fields, reason, field) in [([Engagement.Field.notes], " ", "reason"), ([.area], "r", "field")] {
      do {
        _ = try await redactions.redact(id, fields: fields, kind: .erasure, reason: reason, by: office)
        Issue.record("accepted \(fields) \(reason)")
      } catch let error as ValidationError {
        #expect(error.violations.first?.field == field, "\(error)")
      }
    }
    await #expect(throws: StorageError.self) {
      _ = try await redactions.redact(UUID().uuidString, fields: [.notes], kind: .erasure, reason: "r", by: office)
    }
  }

  @Test("a device's pull reports the engagements whose personal fields it holds unsent changes to")
  func heldIsReported() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let recorded = try await named(a)
    _ = try await a.client.sync()
    world.transport.failNextPush(.beforeCommit)
    try await a.repository.edit(id: recorded.id) {
      $0.notes = "Changed"
      $0.attendees = 4
    }
    // The push fails; the pull of the next sync reports what is still held.
    await #expect(throws: SyncError.self) { try await a.client.sync() }
    let deviceID = try await a.database.read { try $0.syncState().deviceID }
    _ = try await a.client.pullOnly()
    #expect(
      try await world.server.database.read { try $0.heldChanges(deviceID: deviceID) }
        == [HeldChange(engagementID: recorded.id.storageKey, fields: [.notes])])
    _ = try await a.client.sync()
    #expect(try await world.server.database.read { try $0.heldChanges(deviceID: deviceID) } == [])
  }

  @Test("a rectification corrects the text now and removes the wrong text from the history and devices")
  func rectification() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b")
    let recorded = try await named(a)
    for device in [a, b] { _ = try await device.client.sync() }
    let redactions = RedactionRepository(database: world.server.database, now: { world.clock.now })
    _ = try await redactions.redact(
      recorded.id.storageKey, fields: [.notes], kind: .rectification,
      values: [.notes: "A resident raised speeding on Mill Lane."], reason: "wrong person named", by: office)
    for device in [a, b] { _ = try await device.client.sync() }
    let server = try #require(try await world.serverEngagements().first)
    #expect(server.notes == "A resident raised speeding on Mill Lane.")
    #expect(server.organisation == "Quarrendon household", "fields not named stay")
    let versions = try await world.server.database.read { try $0.engagementVersions(id: recorded.id.storageKey) }
    #expect(
      versions.dropLast().allSatisfy { change in
        if case .engagement(let e)? = change.payload { e.notes == "[rectified]" } else { true }
      })
    for device in [a, b] {
      #expect(try await device.engagements() == [server])
      #expect(try columnsHolding("speeding outside her house", in: device.database.pool) == [])
    }
    // A correction breaking the engagement's rules is refused.
    await #expect(throws: ValidationError.self) {
      _ = try await redactions.redact(
        recorded.id.storageKey, fields: [.organisation], kind: .rectification, values: [.organisation: ""],
        reason: "r", by: office)
    }
  }

  @Test("retention removes expired text on the server and on a device offline past the tombstone window; counts stay")
  func retentionReachesAnOfflineDevice() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b", pageSize: 2)
    let old = try await named(a)
    let recent = try await a.repository.record(
      Engagement(
        date: LocalDate(world.clock.now, in: TimeZone(identifier: "UTC")!), who: .pcc, kind: .communityGroup,
        organisation: "Telford Rotary", place: "Telford", area: "telford-and-wrekin",
        notes: "Eirlys Quarrendon spoke at the end.", createdBy: "x"))
    let gone = try await a.add("Deleted while b was away")
    for device in [a, b] { _ = try await device.client.sync() }
    let summary = { try await world.server.database.read { try $0.engagementSummary(matching: EngagementQuery()) } }

    // b is away for half a year; a deletion is purged meanwhile, so b must pull everything again.
    try await a.repository.delete(id: gone.id)
    _ = try await a.client.sync()
    let before = try await summary()
    world.clock.advance(200 * 86_400)
    #expect(try await world.server.purgeTombstones(olderThanDays: 180) == [gone.id])

    let redactions = RedactionRepository(database: world.server.database, now: { world.clock.now })
    let schedule = RetentionSchedule(notesDays: 365)
    let dry = try await redactions.runRetention(schedule, dryRun: true, by: office)
    #expect(dry.total == 1 && dry.redacted[[.followUpActions, .notes]] == 1, "\(dry)")
    #expect(
      try await world.serverEngagements().first { $0.id == old.id }?.notes == old.notes, "a dry run changes nothing")
    let report = try await redactions.runRetention(schedule, dryRun: false, by: office)
    #expect(report.total == 1 && report.versions >= 1, "\(report)")
    #expect(try await redactions.runRetention(schedule, dryRun: false, by: office).total == 0, "done once")

    let synced = try await b.client.sync()
    #expect(synced.rebaselined && synced.redacted == 1, "\(synced)")
    let server = try await world.serverEngagements()
    #expect(server.first { $0.id == old.id }?.notes == "[expired]")
    #expect(server.first { $0.id == old.id }?.followUpActions == ["[expired]", "[expired]"])
    #expect(server.first { $0.id == old.id }?.organisation == "Quarrendon household", "contacts have no period set")
    #expect(server.first { $0.id == recent.id }?.notes == recent.notes, "text within its period stays")
    #expect(try await b.engagements() == server)
    #expect(try columnsHolding("raised speeding", in: b.database.pool) == [])
    #expect(try await summary() == before, "every count stays")
  }
}

@Suite struct DeletedTextTests {
  @Test("a device keeps no text of an engagement the server deleted, unless a change of its own waits on it")
  func deletedTextIsForgotten() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let b = try world.device("b")
    let c = try world.device("c")
    let first = try await a.repository.record(
      Engagement(
        date: LocalDate("2022-07-14")!, who: .apcc, kind: .communityGroup, organisation: "Tamsin Polglase",
        place: "Telford", area: "telford-and-wrekin", notes: "Tamsin Polglase raised parking.", createdBy: "x"))
    let second = try await a.add("Kept by c's edit")
    for device in [a, b, c] { _ = try await device.client.sync() }
    try await a.repository.delete(id: first.id)
    try await a.repository.delete(id: second.id)
    // c edits the second before it hears of the delete: its edit waits, and wins.
    try await c.repository.edit(id: second.id) { $0.notes = "c's notes" }
    _ = try await a.client.sync()
    for device in [b, c, a, b] { _ = try await device.client.sync() }
    for device in [a, b, c] {
      // The device that recorded it keeps its own acknowledged change in its journal (90 days,
      // to send again should the server be restored from a backup); nothing else holds it.
      let holding = try columnsHolding("polglase", in: device.database.pool)
      #expect(holding == (device.repository.user == "a" ? ["journal.payload"] : []), "on \(device.repository.user)")
      let shown = try await device.engagements()
      #expect(shown.map(\.id) == [second.id], "\(shown)")
    }
    #expect(try await world.serverEngagements().map(\.notes) == ["c's notes"])
    let stored = try await world.server.database.read { try $0.engagementIncludingDeleted(id: first.id) }
    #expect(stored?.engagement.notes == first.notes, "the server keeps its tombstone's text for the window")
  }
}

@Suite struct RevivedRedactionTests {
  @Test("an engagement erased, deleted and purged, brought back by a device that was away, keeps its text erased")
  func revivedStaysErased() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let away = try world.device("away")
    let recorded = try await a.repository.record(
      Engagement(
        date: LocalDate("2022-07-14")!, who: .apcc, kind: .communityGroup, organisation: "Hedd Wynne-Price",
        place: "Telford", area: "telford-and-wrekin", notes: "Hedd Wynne-Price asked for a meeting.", createdBy: "x"))
    for device in [a, away] { _ = try await device.client.sync() }
    try await away.repository.edit(id: recorded.id) { $0.attendees = 12 }
    let redactions = RedactionRepository(database: world.server.database, now: { world.clock.now })
    _ = try await redactions.redact(
      recorded.id.storageKey, fields: Redaction.personalFields, kind: .erasure, reason: "ER-9",
      by: .server("dpo", rpc: "t"))
    _ = try await a.client.sync()
    try await a.repository.delete(id: recorded.id)
    _ = try await a.client.sync()
    world.clock.advance(200 * 86_400)
    #expect(try await world.server.purgeTombstones(olderThanDays: 180) == [recorded.id])

    _ = try await away.client.sync()
    _ = try await a.client.sync()
    let server = try #require(try await world.serverEngagements().first)
    #expect(server.attendees == 12, "the edit brings it back")
    #expect(server.notes == "[erased]" && server.organisation == "[erased]", "\(server)")
    #expect(try columnsHolding("wynne-price", in: away.database.pool) == [])
    #expect(try await away.engagements() == [server])
  }
}

@Suite struct HeldReportTests {
  @Test("a device's report is kept once per engagement, personal fields only; the same report again writes nothing")
  func normalised() async throws {
    let world = try await SyncWorld()
    let id = UUID()
    let upper = id.uuidString.uppercased()
    let report: [HeldChange] = [
      HeldChange(engagementID: upper, fields: [.notes, .area]),
      HeldChange(engagementID: id.storageKey, fields: [.place, .notes]),
      HeldChange(engagementID: UUID().uuidString, fields: [.attendees]),
    ]
    _ = try await world.server.pull(PullRequest(afterCursor: 0, pageSize: 1, deviceID: "tablet-3", held: report))
    #expect(
      try await world.server.database.read { try $0.heldChanges(deviceID: "tablet-3") }
        == [HeldChange(engagementID: id.storageKey, fields: [.place, .notes])])
    // Anything not a UUID is refused whole, naming the field.
    await #expect(throws: SyncError.self) {
      _ = try await world.server.pull(
        PullRequest(
          afterCursor: 0, pageSize: 1, deviceID: "tablet-3", held: [HeldChange(engagementID: "x", fields: [.notes])]))
    }
    await #expect(throws: SyncError.self) {
      _ = try await world.server.pull(
        PullRequest(
          afterCursor: 0, pageSize: 1, deviceID: "tablet-3",
          held: Array(repeating: HeldChange(engagementID: upper, fields: [.notes]), count: HeldChange.maxReported + 1)))
    }
    #expect(try await world.server.database.read { try $0.heldChanges(deviceID: "tablet-3") }.count == 1)
  }
}

@Suite struct RedactedSearchTests {
  @Test("versions indexed before an erasure of one field are indexed again: the other fields are still found")
  func reindexed() async throws {
    let world = try await SyncWorld()
    let a = try world.device("a")
    let recorded = try await a.repository.record(
      Engagement(
        date: LocalDate("2022-07-14")!, who: .apcc, kind: .communityGroup, organisation: "Bryher Penrose Trust",
        place: "Telford", area: "telford-and-wrekin", notes: "Lowenna Tremayne asked about buses.", createdBy: "x"))
    _ = try await a.client.sync()
    try await a.repository.edit(id: recorded.id) { $0.notes = "Lowenna Tremayne asked again." }
    _ = try await a.client.sync()
    let office = Caller.server("dpo", rpc: "t")
    let privacy = PrivacyRepository(database: world.server.database)
    #expect(try await privacy.search("Lowenna Tremayne", by: office).hits.first?.versions.count == 2)
    _ = try await RedactionRepository(database: world.server.database).redact(
      recorded.id.storageKey, fields: [.notes], kind: .erasure, reason: "ER-2", by: office)
    #expect(try await privacy.search("Lowenna Tremayne", by: office).hits.isEmpty)
    let trust = try #require(try await privacy.search("Bryher Penrose", by: office).hits.first)
    #expect(trust.current && trust.versions.count == 3, "both old versions and the erasure's change: \(trust)")
  }
}
