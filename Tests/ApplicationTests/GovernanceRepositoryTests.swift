import Application
import Foundation
import GRDB
import Model
import SQLiteStore
import StoreTestSupport
import Stores
import Sync
import TestSupport
import Testing

/// Plan management and the review against a real SQLite file, with the server's clock fixed.
@Suite struct GovernanceRepositoryTests {
  let folder: TemporaryFolder
  let governance: GovernanceRepository
  let caller = Caller(user: "governance-officer", deviceID: "laptop-1", rpc: "test", role: .governance)

  init() async throws {
    folder = try TemporaryFolder()
    let database = try await TestEngine.current.makeServerStore(in: folder)
    // 5 December 2022, noon UTC.
    governance = GovernanceRepository(
      database: database, now: { Date(timeIntervalSince1970: 1_670_241_600) },
      timeZone: TimeZone(identifier: "Europe/London")!)
    _ = try await governance.createObjective(Objective(id: "1", title: "Victims first", position: 0), by: caller)
    _ = try await governance.createElement(
      PlanElement(
        id: "1.1", objectiveID: "1", title: "Prevention Fund", status: .onTrack,
        startDate: LocalDate("2022-04-01"), dueDate: LocalDate("2023-03-31"), position: 0),
      effectiveOn: LocalDate("2022-04-01"), by: caller)
  }

  @Test("a status change effective 2022-10-12 is October's change, kept in the history, not November's")
  func statusHistory() async throws {
    // When the status changes on 12 October and again, backdated, on 1 October.
    let element = try await governance.setStatus(
      elementID: "1.1", status: .atRisk, effectiveOn: LocalDate("2022-10-12"), note: "Bids below target",
      ragOverride: nil, by: caller)
    #expect(element.status == .atRisk)
    let backdated = try await governance.setStatus(
      elementID: "1.1", status: .onTrack, effectiveOn: LocalDate("2022-10-01"), note: "Fund launched",
      ragOverride: nil, by: caller)

    // Then the later change still holds, and the history has all three entries in order.
    #expect(backdated.status == .atRisk)
    let history = try await governance.database.read { try $0.statusHistory(elementID: "1.1") }
    #expect(history.map(\.effectiveOn.description) == ["2022-04-01", "2022-10-01", "2022-10-12"])

    let october = try await governance.monthlyReview(YearMonth("2022-10")!)
    let change = try #require(october.objectives.first?.changes.first)
    #expect(change.from?.status == .onTrack)
    #expect(change.to.status == .atRisk)
    #expect(change.changedOn == LocalDate("2022-10-12"))
    #expect(change.notes == ["Fund launched", "Bids below target"])
    let november = try await governance.monthlyReview(YearMonth("2022-11")!)
    #expect(november.objectives.first?.changes.isEmpty == true)
  }

  @Test(
    "history and the audit trail refuse updates and deletes",
    .enabled(if: TestEngine.isSQLite, "reads the SQLite file itself"))
  func appendOnly() async throws {
    try await governance.database.sqlite.pool.write { db in
      #expect(throws: DatabaseError.self) {
        try db.execute(sql: "UPDATE element_status_change SET status = 'complete'")
      }
      #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM element_status_change") }
      #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE audit_event SET actor = 'someone else'") }
      #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM audit_event") }
    }
  }

  @Test("every write leaves an audit entry with who, device, call and digests before and after")
  func audit() async throws {
    _ = try await governance.updateElement(id: "1.1", .init(title: "£1m Prevention Fund"), by: caller)
    let trail = try await governance.database.read { try $0.auditTrail(entityType: "element", entityID: "1.1") }
    #expect(trail.count == 2)
    #expect(trail[0].beforeDigest == nil)
    #expect(trail[1].beforeDigest == trail[0].afterDigest)
    #expect(trail[1].afterDigest != trail[1].beforeDigest)
    #expect(trail[1].actor == "governance-officer")
    #expect(trail[1].deviceID == "laptop-1")
    #expect(trail[1].afterDigest?.count == 64)
  }

  @Test("a change of the plan reaches field devices through the change log")
  func changeLog() async throws {
    let before = try await governance.database.read { try $0.headCursor() }
    _ = try await governance.setStatus(
      elementID: "1.1", status: .offTrack, effectiveOn: nil, note: "", ragOverride: nil, by: caller)
    let changes = try await governance.database.read { try $0.changes(after: before, limit: 10) }
    #expect(changes.count == 1)
    guard case .element(let element)? = changes.first?.payload else {
      Issue.record("expected an element change")
      return
    }
    #expect(element.status == .offTrack)
  }

  @Test(
    "dates in the future, unknown elements and overrides without reasons are refused and store nothing",
    .enabled(if: TestEngine.isSQLite, "reads the SQLite file itself"))
  func refusals() async throws {
    await #expect(throws: ValidationError.self) {
      try await governance.setStatus(
        elementID: "1.1", status: .atRisk, effectiveOn: LocalDate("2022-12-06"), note: "", ragOverride: nil, by: caller)
    }
    await #expect(throws: ValidationError.self) {
      try await governance.setStatus(
        elementID: "1.1", status: .atRisk, effectiveOn: nil, note: "",
        ragOverride: RAGOverride(rag: .red, reason: " "), by: caller)
    }
    await #expect(throws: StorageError.self) {
      try await governance.addMilestone(
        elementID: "9.9", title: "x", dueDate: LocalDate("2022-10-01")!, links: [], by: caller)
    }
    await #expect(throws: ValidationError.self) {
      try await governance.addUpdate(
        elementID: "1.1", date: nil, narrative: "x", forPanel: false, links: ["engagement:not-a-uuid"], author: nil,
        by: caller)
    }
    let count = try await governance.database.sqlite.pool.read { db in
      try Int.fetchOne(
        db,
        sql:
          "SELECT (SELECT COUNT(*) FROM element_status_change) + (SELECT COUNT(*) FROM progress_update) + (SELECT COUNT(*) FROM milestone)"
      )
    }
    #expect(count == 1)
  }

  @Test("an import with one bad row changes nothing and names the line and the rule")
  func importIsAllOrNothing() async throws {
    let before = try await governance.database.read { (try $0.elements(), try $0.headCursor()) }
    let csv = """
      objective,element,title,status,due_date
      1,1.1,Prevention Fund,complete,2023-03-31
      1,1.2,Victim needs assessment,on-track,2023-02-28
      1,1.3,Safer Streets,on-track,31/03/2023
      """
    do {
      _ = try await governance.importPlan(csv: csv, dryRun: false, by: caller)
      Issue.record("expected the import to fail")
    } catch let error as ValidationError {
      #expect(error.violations.map(\.field) == ["line 4, due_date"])
      #expect(error.violations.first?.rule.contains("YYYY-MM-DD") == true)
    }
    let after = try await governance.database.read { (try $0.elements(), try $0.headCursor()) }
    #expect(after.0 == before.0)
    #expect(after.1 == before.1)

    // Once fixed, it imports: one new element, one status change recorded in the history.
    let summary = try await governance.importPlan(
      csv: csv.replacingOccurrences(of: "31/03/2023", with: "2023-03-31"), dryRun: false, by: caller)
    #expect(summary.elementsCreated == 2)
    #expect(summary.elementsUpdated == 1)
    #expect(summary.statusChanges == 3)
    let history = try await governance.database.read { try $0.statusHistory(elementID: "1.1") }
    #expect(history.last?.status == .complete)
    #expect(history.last?.effectiveOn == LocalDate("2022-12-05"))
  }

  @Test("meetings get ids from their date and actions A1, A2…; closing an action records the day")
  func meetingsAndActions() async throws {
    let (meeting, actions) = try await governance.recordMeeting(
      Meeting(date: LocalDate("2022-09-21")!, decisions: ["Approve the fund criteria"]),
      actions: [
        MeetingAction(
          text: "Publish criteria", owner: "Commissioning", dueDate: LocalDate("2022-10-14"), elementID: "1.1"),
        MeetingAction(text: "Brief the Panel", owner: "Chief Executive"),
      ], by: caller)
    #expect(meeting.id == "2022-09-21")
    #expect(actions.map(\.id) == ["A1", "A2"])
    let (second, _) = try await governance.recordMeeting(
      Meeting(date: LocalDate("2022-09-21")!), actions: [], by: caller)
    #expect(second.id == "2022-09-21-2")

    let done = try await governance.updateAction(id: "a1", .init(status: .done), by: caller)
    #expect(done.closedOn == LocalDate("2022-12-05"))
    let open = try await governance.actionItems(status: .open, owner: nil)
    #expect(open.map(\.action.id) == ["A2"])
    await #expect(throws: ValidationError.self) {
      try await governance.recordMeeting(
        Meeting(date: LocalDate("2022-09-21")!), actions: [MeetingAction(text: "x", owner: "y", elementID: "7.7")],
        by: caller)
    }
  }
}

extension ServerStore {
  /// The SQLite file behind the store, for tests that look at it directly.
  var sqlite: ServerDatabase { self as! ServerDatabase }
}
