import Foundation
import Model
import PostgresNIO
import StoreTestSupport
import Stores
import Testing

@testable import PostgresStore

/// Accounts, the audit trail and the governance records on PostgreSQL, with the SQLite store's
/// rules: each test writes through the store protocols and checks what it reads back.
@Suite(.enabled(if: TestEngine.postgresAdmin != nil, "ASSURE_TEST_POSTGRES names no server"))
struct OfficeStoreTests {
  /// An instant in whole milliseconds, `seconds` after a fixed start.
  static func at(_ seconds: Int64) -> Date { Date(millisecondsSince1970: 1_700_000_000_000 + seconds * 1000) }

  static func day(_ text: String) -> LocalDate { LocalDate(text)! }

  /// Runs `test` on a new database.
  static func withStore(_ test: (PostgresServerDatabase) async throws -> Void) async throws {
    let store = try await PostgresServerDatabase.open(try await TestEngine.newDatabase(), connections: 2)
    do {
      try await test(store)
    } catch {
      await store.close()
      throw error
    }
    await store.close()
  }

  /// Runs `body` in one transaction of the store's.
  static func transaction<T: Sendable>(
    _ store: PostgresServerDatabase, write: Bool, _ body: @escaping @Sendable (Session) throws -> T
  ) async throws -> T {
    try await store.transaction(write: write, body)
  }

  // MARK: - Accounts

  @Test func savesReadsAndUpdatesAccounts() async throws {
    try await Self.withStore { store in
      let bob = Account(name: "bob", displayName: "Bob", role: .analyst, createdAt: Self.at(0), createdBy: "setup")
      let alice = Account(
        name: "alice", displayName: "Alice", role: .admin, createdAt: Self.at(1), createdBy: "bob",
        disabledAt: Self.at(2))
      let (all, count, byName, byID, missing) = try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        try tx.saveAccount(bob)
        try tx.saveAccount(alice)
        return (
          try tx.accounts(), try tx.accountCount(), try tx.account(named: "bob"), try tx.account(id: alice.id),
          try tx.account(named: "carol")
        )
      }
      #expect(all == [alice, bob])
      #expect(count == 2)
      #expect(byName == bob)
      #expect(byID == alice)
      #expect(missing == nil)

      // A second save changes the display name, role and disabling, never the name or creation.
      var changed = bob
      changed.name = "robert"
      changed.displayName = "Robert"
      changed.role = .governance
      changed.createdAt = Self.at(50)
      changed.createdBy = "someone"
      changed.disabledAt = Self.at(60)
      let update = changed
      let stored = try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        try tx.saveAccount(update)
        return (try tx.account(id: bob.id), try tx.accountCount())
      }
      var expected = bob
      expected.displayName = "Robert"
      expected.role = .governance
      expected.disabledAt = Self.at(60)
      #expect(stored.0 == expected)
      #expect(stored.1 == 2)
    }
  }

  @Test func anEnrolmentCodeIsConsumedOnceBeforeItExpires() async throws {
    try await Self.withStore { store in
      let alice = Account(name: "alice", displayName: "Alice", role: .admin, createdAt: Self.at(0), createdBy: "x")
      let results = try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        try tx.saveAccount(alice)
        try tx.saveEnrolmentCode(hash: "h1", accountID: alice.id, createdAt: Self.at(0), expiresAt: Self.at(3600))
        let first = try tx.consumeEnrolmentCode(hash: "h1", at: Self.at(60), deviceID: "laptop-1")
        let second = try tx.consumeEnrolmentCode(hash: "h1", at: Self.at(61), deviceID: "laptop-2")
        let unknown = try tx.consumeEnrolmentCode(hash: "nope", at: Self.at(61), deviceID: "laptop-2")
        let used = try session.row("SELECT used_at_ms, used_by_device FROM enrolment_code WHERE code_hash = 'h1'")!
        return (first, second, unknown, try used[0] as Int64, try used[1] as String)
      }
      #expect(results.0 == alice.id)
      #expect(results.1 == nil)
      #expect(results.2 == nil)
      #expect(results.3 == Self.at(60).millisecondsSince1970)
      #expect(results.4 == "laptop-1")

      // A new code ends the account's unused ones; a code is refused from its expiry on.
      let later = try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        try tx.saveEnrolmentCode(hash: "h2", accountID: alice.id, createdAt: Self.at(100), expiresAt: Self.at(5000))
        try tx.saveEnrolmentCode(hash: "h3", accountID: alice.id, createdAt: Self.at(200), expiresAt: Self.at(300))
        let h1Expiry = try session.value(
          "SELECT expires_at_ms FROM enrolment_code WHERE code_hash = 'h1'", as: Int64.self)
        let h2Expiry = try session.value(
          "SELECT expires_at_ms FROM enrolment_code WHERE code_hash = 'h2'", as: Int64.self)
        let replaced = try tx.consumeEnrolmentCode(hash: "h2", at: Self.at(201), deviceID: "d")
        let expired = try tx.consumeEnrolmentCode(hash: "h3", at: Self.at(300), deviceID: "d")
        let inTime = try tx.consumeEnrolmentCode(hash: "h3", at: Self.at(299), deviceID: "d")
        return (h1Expiry, h2Expiry, replaced, expired, inTime)
      }
      #expect(later.0 == Self.at(3600).millisecondsSince1970)
      #expect(later.1 == Self.at(200).millisecondsSince1970)
      #expect(later.2 == nil)
      #expect(later.3 == nil)
      #expect(later.4 == alice.id)
    }
  }

  @Test func deviceTokensAreListedRevokedExpiredReplacedAndTouched() async throws {
    try await Self.withStore { store in
      let alice = Account(name: "alice", displayName: "Alice", role: .admin, createdAt: Self.at(0), createdBy: "x")
      let bob = Account(name: "bob", displayName: "Bob", role: .analyst, createdAt: Self.at(0), createdBy: "x")
      let one = DeviceToken(
        accountName: "alice", deviceID: "d1", label: "laptop", createdAt: Self.at(10), expiresAt: Self.at(1000))
      let two = DeviceToken(
        accountName: "bob", deviceID: "d2", label: "tablet", createdAt: Self.at(20), expiresAt: Self.at(1000),
        lastUsedAt: Self.at(25))
      let three = DeviceToken(
        accountName: "alice", deviceID: "d2", label: "old", createdAt: Self.at(30), expiresAt: Self.at(1000),
        revokedAt: Self.at(40))
      let four = DeviceToken(
        accountName: "bob", deviceID: "d1", label: "short", createdAt: Self.at(40), expiresAt: Self.at(100))
      let read = try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        try tx.saveAccount(alice)
        try tx.saveAccount(bob)
        try tx.saveDeviceToken(one, hash: "t1", accountID: alice.id)
        try tx.saveDeviceToken(two, hash: "t2", accountID: bob.id)
        try tx.saveDeviceToken(three, hash: "t3", accountID: alice.id)
        try tx.saveDeviceToken(four, hash: "t4", accountID: bob.id)
        return (
          try tx.deviceToken(hash: "t2"), try tx.deviceToken(hash: "nope"), try tx.deviceToken(id: three.id),
          try tx.deviceToken(id: UUID())
        )
      }
      #expect(read.0?.0 == two)
      #expect(read.0?.1 == bob)
      #expect(read.1 == nil)
      #expect(read.2 == three)
      #expect(read.3 == nil)

      let lists = try await Self.transaction(store, write: false) { session in
        let tx = PostgresServerTransaction(session: session)
        let now = Self.at(100)
        return [
          try tx.deviceTokens(includeInactive: true, at: now),
          try tx.deviceTokens(includeInactive: false, at: now),
          try tx.deviceTokens(includeInactive: false, at: Self.at(99)),
          try tx.deviceTokens(accountName: "alice", includeInactive: true, at: now),
          try tx.deviceTokens(deviceID: "d2", includeInactive: true, at: now),
          try tx.deviceTokens(accountName: "alice", deviceID: "d2", includeInactive: false, at: now),
          try tx.deviceTokens(accountName: "alice", deviceID: "d1", includeInactive: false, at: now),
          try tx.deviceTokens(accountName: "carol", includeInactive: true, at: now),
        ].map { $0.map(\.label) }
      }
      #expect(
        lists == [
          ["short", "old", "tablet", "laptop"], ["tablet", "laptop"], ["short", "tablet", "laptop"], ["old", "laptop"],
          ["old", "tablet"], [], ["laptop"], [],
        ])

      let changed = try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        try tx.revokeDeviceToken(id: one.id, at: Self.at(200))
        try tx.revokeDeviceToken(id: one.id, at: Self.at(300))
        try tx.expireDeviceToken(id: two.id, by: Self.at(500))
        try tx.expireDeviceToken(id: two.id, by: Self.at(900))
        let firstReplace = try tx.markDeviceTokenReplaced(id: two.id, at: Self.at(210))
        let secondReplace = try tx.markDeviceTokenReplaced(id: two.id, at: Self.at(220))
        let unknownReplace = try tx.markDeviceTokenReplaced(id: UUID(), at: Self.at(220))
        try tx.touchDeviceToken(id: two.id, at: Self.at(230))
        let replacedAt = try session.value(
          "SELECT replaced_at_ms FROM device_token WHERE token_hash = 't2'", as: Int64.self)
        return (
          try tx.deviceToken(id: one.id), try tx.deviceToken(id: two.id), firstReplace, secondReplace,
          unknownReplace, replacedAt
        )
      }
      var revoked = one
      revoked.revokedAt = Self.at(200)
      var refreshed = two
      refreshed.expiresAt = Self.at(500)
      refreshed.lastUsedAt = Self.at(230)
      #expect(changed.0 == revoked)
      #expect(changed.1 == refreshed)
      #expect(changed.2 == true)
      #expect(changed.3 == false)
      #expect(changed.4 == false)
      #expect(changed.5 == Self.at(210).millisecondsSince1970)
    }
  }

  @Test func aTokenWithACorruptIDIsReportedAsTheSQLiteStoreReportsIt() async throws {
    try await Self.withStore { store in
      let outcome = try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        let alice = Account(name: "alice", displayName: "Alice", role: .admin, createdAt: Self.at(0), createdBy: "x")
        try tx.saveAccount(alice)
        try session.execute(
          """
          INSERT INTO device_token (id, token_hash, account_id, device_id, label, created_at_ms, expires_at_ms)
          VALUES ('not-a-uuid', 'tx', \(alice.id.storageKey), 'd', 'l', 0, 1)
          """)
        do {
          _ = try tx.deviceTokens(includeInactive: true, at: Self.at(0))
          return "no error"
        } catch let error as StorageError {
          return "\(error.code): \(error.message)"
        }
      }
      #expect(outcome == "corrupt: table device_token, column id: \"not-a-uuid\" is not a UUID")
    }
  }

  // MARK: - Audit

  @Test func appendsAndQueriesTheAuditTrail() async throws {
    try await Self.withStore { store in
      let entries = [
        AuditEntry(
          at: Self.at(10), actor: "alice", deviceID: "d1", rpc: "Plan.SaveElement", entityType: "element",
          entityID: "E1", beforeDigest: nil, afterDigest: "a1"),
        AuditEntry(
          at: Self.at(20), actor: "bob", rpc: "Plan.SaveElement", entityType: "element", entityID: "E2",
          beforeDigest: nil, afterDigest: "b1"),
        AuditEntry(
          at: Self.at(30), actor: "alice", rpc: "Plan.SaveElement", entityType: "element", entityID: "E1",
          beforeDigest: "a1", afterDigest: "a2"),
        AuditEntry(
          at: Self.at(40), actor: "bob", deviceID: "d2", rpc: "Plan.DeleteObjective", entityType: "objective",
          entityID: "E1", beforeDigest: "o1", afterDigest: nil),
        AuditEntry(
          at: Self.at(50), actor: "alice", rpc: "Plan.SaveElement", entityType: "element", entityID: "E1",
          beforeDigest: "a2", afterDigest: "a3"),
      ]
      try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        for entry in entries { try tx.appendAudit(entry) }
      }
      let read = try await Self.transaction(store, write: false) { session in
        let tx = PostgresServerTransaction(session: session)
        return (
          try tx.auditTrail(entityType: "element", entityID: "E1"),
          try tx.auditTrail(entityType: "element", entityID: "E9"),
          [
            try tx.auditEvents(AuditQuery()),
            try tx.auditEvents(AuditQuery(entityType: "element")),
            try tx.auditEvents(AuditQuery(entityID: "E1")),
            try tx.auditEvents(AuditQuery(actor: "bob")),
            try tx.auditEvents(AuditQuery(from: Self.at(30))),
            try tx.auditEvents(AuditQuery(before: Self.at(30))),
            try tx.auditEvents(AuditQuery(from: Self.at(20), before: Self.at(50))),
            try tx.auditEvents(AuditQuery(limit: 2)),
            try tx.auditEvents(AuditQuery(entityType: "element", entityID: "E1", actor: "alice", limit: 2)),
            try tx.auditEvents(AuditQuery(actor: "carol")),
            try tx.auditEvents(AuditQuery(limit: 0)),
            try tx.auditEvents(AuditQuery(limit: -1)),
          ]
        )
      }
      #expect(read.0 == [entries[0], entries[2], entries[4]])
      #expect(read.1 == [])
      let picked = read.2.map { $0.map { entries.firstIndex(of: $0)! } }
      #expect(
        picked == [
          [0, 1, 2, 3, 4], [0, 1, 2, 4], [0, 2, 3, 4], [1, 3], [2, 3, 4], [0, 1], [1, 2, 3], [3, 4], [2, 4], [], [],
          [0, 1, 2, 3, 4],
        ])
    }
  }

  @Test func theAuditTrailRefusesChanges() async throws {
    try await Self.withStore { store in
      try await Self.transaction(store, write: true) { session in
        try PostgresServerTransaction(session: session).appendAudit(
          AuditEntry(
            at: Self.at(0), actor: "a", rpc: "r", entityType: "t", entityID: "i", beforeDigest: nil, afterDigest: nil))
      }
      await #expect(throws: PSQLError.self) {
        try await Self.transaction(store, write: true) { session in
          try session.execute("UPDATE audit_event SET actor = 'b'")
        }
      }
    }
  }

  // MARK: - Governance

  @Test func statusHistoryIsOrderedByDayThenAsRecorded() async throws {
    try await Self.withStore { store in
      let changes = [
        StatusChange(
          elementID: "E1", effectiveOn: Self.day("2024-01-10"), status: .onTrack, note: "started", author: "alice",
          recordedAt: Self.at(1)),
        StatusChange(
          elementID: "E1", effectiveOn: Self.day("2024-01-05"), status: .notStarted, author: "alice",
          recordedAt: Self.at(2)),
        StatusChange(
          elementID: "E1", effectiveOn: Self.day("2024-01-10"), status: .atRisk,
          ragOverride: RAGOverride(rag: .red, reason: "funding"), author: "bob", recordedAt: Self.at(3)),
        StatusChange(
          elementID: "E2", effectiveOn: Self.day("2024-01-01"), status: .complete, author: "bob",
          recordedAt: Self.at(4)),
      ]
      let read = try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        for change in changes { try tx.appendStatusChange(change) }
        return (
          try tx.statusHistory(elementID: "E1"), try tx.statusHistory(elementID: "E9"),
          [
            try tx.historicStatus(elementID: "E1", on: Self.day("2024-01-04")),
            try tx.historicStatus(elementID: "E1", on: Self.day("2024-01-05")),
            try tx.historicStatus(elementID: "E1", on: Self.day("2024-01-09")),
            try tx.historicStatus(elementID: "E1", on: Self.day("2024-01-10")),
            try tx.historicStatus(elementID: "E1", on: Self.day("2030-01-01")),
            try tx.historicStatus(elementID: "E9", on: Self.day("2030-01-01")),
          ],
          try tx.currentStatusChange(elementID: "E1"), try tx.currentStatusChange(elementID: "E9")
        )
      }
      #expect(read.0 == [changes[1], changes[0], changes[2]])
      #expect(read.1 == [])
      #expect(read.2 == [nil, .notStarted, .notStarted, .atRisk, .atRisk, nil])
      #expect(read.3 == changes[2])
      #expect(read.4 == nil)
      await #expect(throws: PSQLError.self) {
        try await Self.transaction(store, write: true) { session in
          try session.execute("DELETE FROM element_status_change")
        }
      }
    }
  }

  @Test func milestonesAreNumberedPerElementAndListedByDueDate() async throws {
    try await Self.withStore { store in
      let read = try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        var numbers: [Int] = []
        func add(_ element: String, _ title: String, due: String) throws -> Milestone {
          let number = try tx.nextMilestoneNumber(elementID: element)
          numbers.append(number)
          let m = Milestone(
            id: "\(element)-M\(number)", elementID: element, title: title, dueDate: Self.day(due), links: ["fund:F1"])
          try tx.saveMilestone(m, number: number)
          return m
        }
        let a = try add("E1", "first", due: "2024-03-01")
        let b = try add("E1", "second", due: "2024-02-01")
        let c = try add("E2", "other", due: "2024-02-01")
        let d = try add("E1", "third", due: "2024-02-01")
        // A second save changes the milestone, not its number.
        var done = a
        done.title = "first, done"
        done.completedOn = Self.day("2024-02-20")
        done.links = []
        try tx.saveMilestone(done, number: 99)
        return (
          numbers, try tx.nextMilestoneNumber(elementID: "E1"), try tx.milestone(id: "E1-M1"),
          try tx.milestone(id: "E9-M1"), try tx.milestones(elementID: "E1"), try tx.milestones(), [a, b, c, d, done],
          try session.value("SELECT number FROM milestone WHERE id = 'E1-M1'", as: Int64.self)
        )
      }
      let (numbers, next, one, missing, ofE1, all, saved, storedNumber) = read
      let (b, c, d, done) = (saved[1], saved[2], saved[3], saved[4])
      #expect(numbers == [1, 2, 1, 3])
      #expect(next == 4)
      #expect(one == done)
      #expect(missing == nil)
      #expect(ofE1 == [b, d, done])
      #expect(all == [b, d, c, done])
      #expect(storedNumber == 1)
    }
  }

  @Test func progressUpdatesAreFilteredNewestFirst() async throws {
    try await Self.withStore { store in
      func update(_ element: String, _ date: String, _ recorded: Int64, panel: Bool = false) -> ProgressUpdate {
        ProgressUpdate(
          elementID: element, date: Self.day(date), narrative: "\(element) \(date)", author: "alice",
          status: .onTrack, forPanel: panel, links: panel ? ["meeting:2024-01-15"] : [], recordedAt: Self.at(recorded))
      }
      let updates = [
        update("E1", "2024-01-31", 1), update("E1", "2024-02-10", 2, panel: true), update("E2", "2024-02-10", 3),
        update("E1", "2024-02-29", 4), update("E2", "2024-03-01", 5),
      ]
      let read = try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        for u in updates { try tx.saveProgressUpdate(u) }
        let february = YearMonth(year: 2024, month: 2)!
        return [
          try tx.progressUpdates(),
          try tx.progressUpdates(elementID: "E1"),
          try tx.progressUpdates(month: february),
          try tx.progressUpdates(elementID: "E1", month: february),
          try tx.progressUpdates(limit: 2),
          try tx.progressUpdates(elementID: "E2", month: february, limit: 1),
          try tx.progressUpdates(elementID: "E9"),
          try tx.progressUpdates(limit: 0),
        ]
      }
      let picked = read.map { $0.map { updates.firstIndex(of: $0)! } }
      #expect(picked == [[4, 3, 2, 1, 0], [3, 1, 0], [3, 2, 1], [3, 1], [4, 3], [2], [], []])
    }
  }

  @Test func meetingsTakeAnIDPerDayAndActionsAreNumbered() async throws {
    try await Self.withStore { store in
      let day = Self.day("2024-01-15")
      let read = try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        var ids: [String] = []
        var meetings: [Meeting] = []
        for title in ["first", "second", "third"] {
          let id = try tx.nextMeetingID(on: day)
          ids.append(id)
          let m = Meeting(
            id: id, date: day, title: title, attendees: ["alice", "bob"], decisions: ["go"], notes: "n",
            recordedBy: "alice")
          try tx.saveMeeting(m, recordedAt: Self.at(1))
          meetings.append(m)
        }
        let earlier = Meeting(id: "2024-01-02", date: Self.day("2024-01-02"), recordedBy: "bob")
        try tx.saveMeeting(earlier, recordedAt: Self.at(2))
        return (ids, try tx.meeting(id: "2024-01-15-2"), try tx.meeting(id: "2024-01-16"), try tx.meetings(), meetings)
      }
      #expect(read.0 == ["2024-01-15", "2024-01-15-2", "2024-01-15-3"])
      #expect(read.1 == read.4[1])
      #expect(read.2 == nil)
      #expect(read.3.map(\.id) == ["2024-01-15-3", "2024-01-15-2", "2024-01-15", "2024-01-02"])
      #expect(read.3.first == read.4[2])

      let actions = try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        let one = try tx.insertAction(
          MeetingAction(meetingID: "2024-01-15", text: "write plan", owner: "Alice", dueDate: Self.day("2024-02-01")))
        let two = try tx.insertAction(
          MeetingAction(id: "ignored", meetingID: "2024-01-15", text: "call", owner: "bob", elementID: "E1"))
        let three = try tx.insertAction(MeetingAction(meetingID: "2024-01-02", text: "report", owner: "alice"))
        var closed = two
        closed.status = .done
        closed.closedOn = Self.day("2024-01-20")
        closed.note = "called"
        closed.owner = "ALICE"
        try tx.updateAction(closed)
        return (
          [one, two, three].map(\.id), try tx.action(id: "a2"), try tx.action(id: "A4"), try tx.actions(),
          try tx.actions(status: .open), try tx.actions(owner: "alice"), try tx.actions(status: .done, owner: "Alice"),
          try tx.actions(status: .dropped), closed, one, three
        )
      }
      let (ids, a2, a4, all, open, alices, doneAlice, dropped, closed, one, three) = actions
      #expect(ids == ["A1", "A2", "A3"])
      #expect(a2 == closed)
      #expect(a4 == nil)
      #expect(all == [one, closed, three])
      #expect(open == [one, three])
      #expect(alices == [one, closed, three])
      #expect(doneAlice == [closed])
      #expect(dropped == [])
    }
  }

  @Test func reviewInputsGatherTheMonth() async throws {
    try await Self.withStore { store in
      let inputs = try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        try tx.saveObjective(Objective(id: "O1", title: "Safer streets", position: 1))
        try tx.saveObjective(Objective(id: "O2", title: "Victims", position: 2))
        try tx.saveElement(PlanElement(id: "E1", objectiveID: "O1", title: "Patrols", position: 1))
        try tx.saveElement(PlanElement(id: "E2", objectiveID: "O1", title: "Lighting", position: 2))
        try tx.saveElement(PlanElement(id: "E3", objectiveID: "O2", title: "Support", position: 1))
        try tx.saveArea(Area(code: "north", name: "North"), position: 0)
        try tx.saveArea(Area(code: "south", name: "South"), position: 1)

        func change(_ element: String, _ day: String, _ status: ElementStatus, _ recorded: Int64) throws {
          try tx.appendStatusChange(
            StatusChange(
              elementID: element, effectiveOn: Self.day(day), status: status, author: "a", recordedAt: Self.at(recorded)
            ))
        }
        try change("E1", "2024-01-05", .onTrack, 1)
        try change("E1", "2024-01-20", .atRisk, 2)
        try change("E1", "2024-02-10", .offTrack, 3)
        try change("E1", "2024-02-25", .complete, 4)
        try change("E2", "2024-02-01", .onTrack, 5)
        try change("E9", "2024-01-01", .onTrack, 6)  // no such element: history, but no "before"

        for (date, recorded) in [("2024-01-31", 1), ("2024-02-20", 3), ("2024-02-01", 2), ("2024-02-21", 4)] {
          try tx.saveProgressUpdate(
            ProgressUpdate(
              elementID: "E1", date: Self.day(date), narrative: date, author: "a", status: .onTrack,
              recordedAt: Self.at(Int64(recorded))))
        }

        func milestone(_ id: String, due: String, completed: String? = nil) throws {
          try tx.saveMilestone(
            Milestone(
              id: id, elementID: "E1", title: id, dueDate: Self.day(due), completedOn: completed.map(Self.day)),
            number: 1)
        }
        try milestone("M-completed-in-month", due: "2024-03-01", completed: "2024-02-05")
        try milestone("M-completed-after-review", due: "2024-02-10", completed: "2024-02-21")
        try milestone("M-due-next-month", due: "2024-03-15")
        try milestone("M-due-later", due: "2024-04-01")
        try milestone("M-completed-before", due: "2024-01-10", completed: "2024-01-15")
        try milestone("M-overdue", due: "2024-01-01")

        for (id, date) in [
          ("2024-01-10", "2024-01-10"), ("2024-01-12", "2024-01-12"), ("2024-01-20", "2024-01-20"),
          ("2024-02-05", "2024-02-05"), ("2024-02-25", "2024-02-25"), ("2023-12-01", "2023-12-01"),
        ] {
          try tx.saveMeeting(Meeting(id: id, date: Self.day(date), recordedBy: "a"), recordedAt: Self.at(0))
        }
        _ = try tx.insertAction(MeetingAction(meetingID: "2024-01-10", text: "open", owner: "a"))
        _ = try tx.insertAction(
          MeetingAction(
            meetingID: "2024-01-12", text: "closed early", owner: "a", status: .done, closedOn: Self.day("2024-01-30")))
        _ = try tx.insertAction(
          MeetingAction(
            meetingID: "2024-01-20", text: "closed after review", owner: "a", status: .done,
            closedOn: Self.day("2024-02-25")))
        _ = try tx.insertAction(MeetingAction(meetingID: "2024-02-25", text: "after review", owner: "a"))
        _ = try tx.insertAction(
          MeetingAction(
            meetingID: "2023-12-01", text: "closed on review day", owner: "a", status: .dropped,
            closedOn: Self.day("2024-02-20")))

        for (n, date, who, area, objective, element, deleted) in [
          (1, "2024-02-03", "pcc", "north", "O1", nil, false), (2, "2024-02-04", "pcc", "south", nil, "E3", false),
          (3, "2024-02-20", "dpcc", "north", nil, nil, false), (4, "2024-02-05", "pcc", "north", "O2", nil, true),
          (5, "2024-02-21", "pcc", "south", "O1", nil, false), (6, "2024-01-31", "pcc", "north", "O1", nil, false),
        ] as [(Int, String, String, String, String?, String?, Bool)] {
          try session.execute(
            """
            INSERT INTO engagement (id, date, who, kind, organisation, place, area, topics, objective_id, element_id,
              follow_up_actions, notes, created_by, created_at_ms, updated_by, updated_at_ms, deleted_at_ms)
            VALUES (\("00000000-0000-0000-0000-00000000000\(n)"), \(date), \(who), 'meeting', 'org', 'place', \(area),
              '[]', \(objective), \(element), '[]', '', 'a', 0, 'a', 0, \(deleted ? Int64(1) : nil))
            """)
        }
        return (
          try tx.reviewInputs(month: YearMonth(year: 2024, month: 2)!, asOf: Self.day("2024-02-20")),
          try tx.objectives(), try tx.elements(objectiveID: nil), try tx.areas()
        )
      }
      let (review, objectives, elements, areas) = inputs
      #expect(review.objectives == objectives && objectives.map(\.id) == ["O1", "O2"])
      #expect(review.elements == elements && elements.map(\.id) == ["E1", "E2", "E3"])
      #expect(review.areas == areas && areas.map(\.code) == ["north", "south"])
      #expect(review.profile == .standard)
      #expect(
        review.history.map { "\($0.elementID) \($0.effectiveOn) \($0.status.rawValue)" } == [
          "E1 2024-01-20 at-risk", "E2 2024-02-01 on-track", "E1 2024-02-10 off-track",
        ])
      #expect(review.elementsWithHistory == ["E1", "E2", "E9"])
      #expect(review.updates.map(\.narrative) == ["2024-02-01", "2024-02-20"])
      #expect(
        review.milestones.map(\.id) == [
          "M-completed-after-review", "M-completed-in-month", "M-due-next-month", "M-overdue",
        ])
      #expect(review.actions.map(\.text) == ["open", "closed after review"])
      #expect(review.meetings.map(\.id) == ["2024-01-10", "2024-01-20", "2024-02-05", "2024-02-25"])
      #expect(review.engagementsByWho == ["pcc": 2, "dpcc": 1])
      #expect(review.engagementsByArea == ["north": 2, "south": 1])
      #expect(review.engagementsByObjective == ["O1": 1, "O2": 1])
    }
  }

  @Test func aDayThatIsNotADayIsReportedAsTheSQLiteStoreReportsIt() async throws {
    try await Self.withStore { store in
      let outcome = try await Self.transaction(store, write: true) { session in
        let tx = PostgresServerTransaction(session: session)
        try session.execute(
          "INSERT INTO meeting VALUES ('m1', '15/01/2024', 't', '[]', '[]', '', 'a', 0)")
        do {
          _ = try tx.meetings()
          return "no error"
        } catch let error as StorageError {
          return "\(error.code): \(error.message)"
        }
      }
      #expect(outcome == "corrupt: table meeting, column date (row m1): \"15/01/2024\" is not a day (YYYY-MM-DD)")
    }
  }
}
