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

/// Oversight records against a real SQLite file, with the server's clock fixed.
@Suite struct OversightRepositoryTests {
  let folder: TemporaryFolder
  let oversight: OversightRepository
  let caller = Caller(user: "analyst", deviceID: "laptop-2", rpc: "test", role: .analyst)

  init() async throws {
    folder = try TemporaryFolder()
    let database = try await TestEngine.current.makeServerStore(in: folder)
    // 5 December 2022, noon UTC.
    let now: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_670_241_600) }
    let governance = GovernanceRepository(database: database, now: now)
    _ = try await governance.createObjective(Objective(id: "1", title: "Victims first", position: 0), by: caller)
    _ = try await governance.createElement(
      PlanElement(
        id: "1.1", objectiveID: "1", title: "Prevention Fund", status: .onTrack, startDate: LocalDate("2022-04-01"),
        dueDate: LocalDate("2023-03-31"), position: 0),
      effectiveOn: LocalDate("2022-04-01"), by: caller)
    try await ServerRepository(database: database, now: now).configureAreas(Area.westMercia)
    oversight = OversightRepository(database: database, now: now)
    _ = try await oversight.store(
      .fund(
        Fund(
          id: "prevention", name: "Prevention Fund", totalPence: 100_000_000, startDate: LocalDate("2022-04-01")!,
          endDate: LocalDate("2023-03-31")!, elementID: "1.1")), by: caller)
  }

  func award(id: String = "", _ pence: Int64, reason: String? = nil) -> OversightRecord {
    .award(
      Award(
        id: id, fundID: "prevention", recipient: "Barnardo's", amountPence: pence, date: LocalDate("2022-10-06")!,
        elementID: "1.1", overrideReason: reason))
  }

  @Test("an award is stored in pence with an assigned id and audited with the caller and digests")
  func auditedAward() async throws {
    let stored = try await oversight.store(award(6_000_000), by: caller)
    guard case .award(let saved) = stored else {
      Issue.record("not an award")
      return
    }
    #expect(saved.id == "AW1")

    // When its amount changes, the audit trail has both writes with matching digests.
    var changed = saved
    changed.amountPence = 6_500_000
    _ = try await oversight.store(.award(changed), by: caller)
    let (trail, committed) = try await oversight.database.read { db in
      (try db.auditTrail(entityType: "award", entityID: "AW1"), try db.committedPence(fundID: "prevention"))
    }
    #expect(committed == 6_500_000)
    #expect(trail.count == 2)
    #expect(trail.allSatisfy { $0.actor == "analyst" && $0.deviceID == "laptop-2" && $0.rpc == "test" })
    #expect(trail[0].beforeDigest == nil)
    #expect(trail[1].beforeDigest == trail[0].afterDigest)
    let digest = try AuditEntry.digest(of: Optional(changed))
    #expect(trail[1].afterDigest == digest)

    // Saving it unchanged writes nothing more.
    _ = try await oversight.store(.award(changed), by: caller)
    #expect(try await oversight.database.read { try $0.auditTrail(entityType: "award", entityID: "AW1") }.count == 2)
  }

  @Test("over-committing a fund is refused and changes nothing; with a reason it is stored")
  func overCommitment() async throws {
    _ = try await oversight.store(award(id: "AW1", 90_000_000), by: caller)
    await #expect(throws: ValidationError.self) { try await oversight.store(award(20_000_000), by: caller) }
    let afterRefusal = try await oversight.database.read { db in
      (
        try db.awards().count, try db.committedPence(fundID: "prevention"),
        try db.auditTrail(entityType: "award", entityID: "AW2")
      )
    }
    #expect(afterRefusal.0 == 1)
    #expect(afterRefusal.1 == 90_000_000)
    #expect(afterRefusal.2.isEmpty)

    _ = try await oversight.store(award(20_000_000, reason: "Agreed at the October governance meeting"), by: caller)
    #expect(try await oversight.database.read { try $0.committedPence(fundID: "prevention") } == 110_000_000)

    // The fund's total cannot now fall below what is committed.
    let error = await #expect(throws: ValidationError.self) {
      try await oversight.store(
        .fund(
          Fund(
            id: "prevention", name: "Prevention Fund", totalPence: 100_000_000, startDate: LocalDate("2022-04-01")!,
            endDate: LocalDate("2023-03-31")!)), by: self.caller)
    }
    #expect(error?.violations.first?.field == "total")
  }

  @Test("a CSV file with one bad row imports nothing and names every bad line; a dry run stores nothing")
  func importAllOrNothing() async throws {
    let good = """
      id,received_on,subject,area,channel
      ,2022-09-02,road-safety,worcestershire,email
      ,2022-09-03,asb,shropshire,letter
      ,2022-10-04,crime-concern,outside,phone
      """
    let bad = good + "\n,2022-09-05,asb,gloucestershire,fax\n,2030-01-01,asb,shropshire,email"
    let error = await #expect(throws: ValidationError.self) {
      try await oversight.importCSV(bad, kind: .correspondence, dryRun: false, by: self.caller)
    }
    let lines = error?.violations.map(\.description) ?? []
    #expect(
      lines.contains {
        $0.hasPrefix(
          "line 5, area: must be one of herefordshire, shropshire, telford-and-wrekin, worcestershire, outside (got \"gloucestershire\")"
        )
      })
    #expect(lines.contains { $0.hasPrefix("line 5, channel: must be one of email") })
    #expect(lines.contains { $0.hasPrefix("line 6, received_on: must not be in the future") })
    let count = {
      try await self.oversight.database.read {
        try $0.correspondenceTotals(from: LocalDate("2022-01-01")!, to: LocalDate("2022-12-31")!).total
      }
    }
    #expect(try await count() == 0)

    let dry = try await oversight.importCSV(good, kind: .correspondence, dryRun: true, by: caller)
    #expect(dry.created == 3)
    #expect(try await count() == 0)

    let done = try await oversight.importCSV(good, kind: .correspondence, dryRun: false, by: caller)
    #expect(done.created == 3)
    let totals = try await oversight.database.read {
      try $0.correspondenceTotals(from: LocalDate("2022-09-01")!, to: LocalDate("2022-09-30")!)
    }
    #expect(totals.total == 2)
    #expect(Set(totals.byArea.map(\.code)) == ["worcestershire", "shropshire"])
  }

  @Test("a measurement needs its indicator, a sample size when it is a survey, and a past period")
  func measurements() async throws {
    _ = try await oversight.store(
      .indicator(
        Indicator(
          id: "seen", name: "Seen weekly", unit: .percent, better: .higherIsBetter, target: 30, frequency: .quarterly,
          survey: true, elementID: "1.1")), by: caller)
    let error = await #expect(throws: ValidationError.self) {
      try await oversight.store(
        [
          (
            2,
            .measurement(
              IndicatorMeasurement(
                indicatorID: "seen", periodStart: LocalDate("2022-04-01")!, periodEnd: LocalDate("2022-06-30")!,
                value: 21))
          ),
          (
            3,
            .measurement(
              IndicatorMeasurement(
                indicatorID: "nope", periodStart: LocalDate("2022-04-01")!, periodEnd: LocalDate("2022-06-30")!,
                value: 21))
          ),
          (
            4,
            .measurement(
              IndicatorMeasurement(
                indicatorID: "seen", periodStart: LocalDate("2022-04-01")!, periodEnd: LocalDate("2022-06-30")!,
                value: 121, sampleSize: 10))
          ),
        ], dryRun: false, by: self.caller)
    }
    #expect(
      error?.violations.map(\.field) == ["line 2, sample_size", "line 3, indicator", "line 4, value"])
    _ = try await oversight.store(
      .measurement(
        IndicatorMeasurement(
          indicatorID: "seen", periodStart: LocalDate("2022-04-01")!, periodEnd: LocalDate("2022-06-30")!, value: 21,
          sampleSize: 1_600)),
      by: caller)
    let assessment = try #require(try await oversight.assessments(asOf: nil, trendPeriods: 3).first)
    #expect(assessment.belowTarget)
  }

  @Test("a meeting still to be held takes no findings; one held does")
  func scrutiny() async throws {
    let error = await #expect(throws: ValidationError.self) {
      try await oversight.store(
        .scrutiny(
          ScrutinyMeeting(kind: .thematic, topic: "VAWG", date: LocalDate("2022-12-13")!, findings: ["Too early"])),
        by: self.caller)
    }
    #expect(error?.violations.first?.field == "findings")
    let stored = try await oversight.store(
      .scrutiny(
        ScrutinyMeeting(
          kind: .thematic, topic: "Serious Violence", date: LocalDate("2022-08-23")!, findings: ["A plan"])),
      by: caller)
    guard case .scrutiny(let meeting) = stored else {
      Issue.record("not a meeting")
      return
    }
    #expect(meeting.id == "H1")
  }
}
