import Foundation
import Model
import PostgresNIO
import StoreTestSupport
import Stores
import Testing

@testable import PostgresStore

/// The oversight records on PostgreSQL read back as the SQLite store reads them: the same
/// values, the same order, the same ids given out and the same errors for corrupt rows.
@Suite(.enabled(if: TestEngine.postgresAdmin != nil, "ASSURE_TEST_POSTGRES names no server"))
struct OversightStoreTests {
  private func day(_ text: String) -> LocalDate { LocalDate(text)! }

  /// Runs `body` in one write transaction on a fresh database.
  private func withStore(_ body: @escaping @Sendable (PostgresServerTransaction) throws -> Void) async throws {
    let location = try await TestEngine.newDatabase()
    let store = try await PostgresServerDatabase.open(location, connections: 2)
    do {
      try await store.transaction(write: true) { session in
        try body(PostgresServerTransaction(session: session))
      }
    } catch {
      await store.close()
      throw error
    }
    await store.close()
  }

  @Test func fundsAndAwardsRoundTripInOrder() async throws {
    try await withStore { tx in
      let full = Fund(
        id: "F2", name: "Safer Streets", totalPence: 5_000_000, startDate: day("2024-04-01"),
        endDate: day("2025-03-31"), source: "Home Office", announcedOn: day("2024-02-01"), elementID: "E1",
        purpose: "Lighting")
      let bare = Fund(
        id: "F1", name: "Small grants", totalPence: 100, startDate: day("2024-04-01"),
        endDate: day("2025-03-31"))
      let early = Fund(id: "F9", name: "Early", totalPence: 1, startDate: day("2023-01-01"), endDate: day("2023-12-31"))
      for f in [full, bare, early] { try tx.saveFund(f) }
      #expect(try tx.fund(id: "F2") == full)
      #expect(try tx.fund(id: "F1") == bare)
      #expect(try tx.fund(id: "nope") == nil)
      #expect(try tx.funds().map(\.id) == ["F9", "F1", "F2"])

      var renamed = full
      renamed.name = "Safer Streets 5"
      renamed.announcedOn = nil
      try tx.saveFund(renamed)
      #expect(try tx.fund(id: "F2") == renamed)
      #expect(try tx.funds().count == 3)

      let a1 = Award(
        id: "AW1", fundID: "F2", recipient: "Parish", amountPence: 1_000, date: day("2024-05-02"), elementID: "E1",
        status: .proposed, overrideReason: "over by a little", purpose: "Lamps")
      let a2 = Award(id: "AW2", fundID: "F2", recipient: "Club", amountPence: 250, date: day("2024-05-01"))
      let a3 = Award(id: "AW3", recipient: "Unfunded", amountPence: 7, date: day("2024-05-01"))
      let a0 = Award(id: "AW0", fundID: "F1", recipient: "Same day", amountPence: 3, date: day("2024-05-01"))
      for a in [a1, a2, a3, a0] { try tx.saveAward(a) }
      #expect(try tx.award(id: "AW1") == a1)
      #expect(try tx.award(id: "AW3") == a3)
      #expect(try tx.award(id: "AW9") == nil)
      #expect(try tx.awards().map(\.id) == ["AW0", "AW2", "AW3", "AW1"])
      #expect(try tx.awards(fundID: "F2").map(\.id) == ["AW2", "AW1"])
      #expect(try tx.awards(fundID: "F9").isEmpty)
      #expect(try tx.committedPence(fundID: "F2") == 1_250)
      #expect(try tx.committedPence(fundID: "F9") == 0)

      var moved = a1
      moved.fundID = "F1"
      moved.overrideReason = nil
      moved.status = .awarded
      try tx.saveAward(moved)
      #expect(try tx.award(id: "AW1") == moved)
      #expect(try tx.committedPence(fundID: "F1") == 1_003)
    }
  }

  @Test func bidsRoundTripWithTheUnsubmittedLast() async throws {
    try await withStore { tx in
      let decided = Bid(
        id: "B2", funder: "Home Office", amountPence: 90_000, periodStart: day("2024-04-01"),
        periodEnd: day("2025-03-31"), submittedOn: day("2024-01-10"), status: .successful,
        decidedOn: day("2024-03-01"), purpose: "Streets", elementID: "E2")
      let drafting = Bid(id: "B1", funder: "Trust", amountPence: 10, status: .drafting)
      let earlier = Bid(id: "B3", funder: "Fund", amountPence: 20, submittedOn: day("2023-12-01"), status: .submitted)
      let sameDay = Bid(id: "B0", funder: "Other", amountPence: 30, submittedOn: day("2024-01-10"), status: .awaiting)
      for b in [decided, drafting, earlier, sameDay] { try tx.saveBid(b) }
      #expect(try tx.bid(id: "B2") == decided)
      #expect(try tx.bid(id: "B1") == drafting)
      #expect(try tx.bid(id: "B7") == nil)
      #expect(try tx.bids().map(\.id) == ["B3", "B0", "B2", "B1"])

      var submitted = drafting
      submitted.submittedOn = day("2023-01-01")
      submitted.status = .submitted
      try tx.saveBid(submitted)
      #expect(try tx.bid(id: "B1") == submitted)
      #expect(try tx.bids().map(\.id) == ["B1", "B3", "B0", "B2"])
    }
  }

  @Test func nextIDsCountOnlyTheDigitsAfterThePrefix() async throws {
    try await withStore { tx in
      #expect(try tx.nextOversightID(table: .award) == "AW1")
      #expect(try tx.nextOversightID(table: .bid) == "B1")
      #expect(try tx.nextOversightID(table: .scrutinyMeeting) == "H1")
      #expect(try tx.nextOversightID(table: .correspondence) == "C1")

      for id in ["AW1", "AW2", "AW10", "AW7b", "aw99", "AWx50", "XAW70", "AW"] {
        try tx.saveAward(Award(id: id, recipient: "R", amountPence: 1, date: day("2024-01-01")))
      }
      #expect(try tx.nextOversightID(table: .award) == "AW11")
      try tx.saveAward(Award(id: "AW0042x", recipient: "R", amountPence: 1, date: day("2024-01-01")))
      #expect(try tx.nextOversightID(table: .award) == "AW43")

      try tx.saveBid(Bid(id: "B9", funder: "F", amountPence: 1, status: .drafting))
      try tx.saveBid(Bid(id: "BID100", funder: "F", amountPence: 1, status: .drafting))
      #expect(try tx.nextOversightID(table: .bid) == "B10")

      try tx.saveScrutinyMeeting(ScrutinyMeeting(id: "H4", kind: .thematic, topic: "T", date: day("2024-01-01")))
      #expect(try tx.nextOversightID(table: .scrutinyMeeting) == "H5")

      try tx.saveCorrespondence(
        Correspondence(id: "C12", receivedOn: day("2024-01-01"), subject: .asb, area: "north", channel: .email))
      #expect(try tx.nextOversightID(table: .correspondence) == "C13")
    }
  }

  @Test func scrutinyMeetingsRoundTripAndFilterByDay() async throws {
    try await withStore { tx in
      let full = ScrutinyMeeting(
        id: "H2", kind: .quarterlyPerformance, topic: "Q1", date: day("2024-06-10"),
        findings: ["Response times up", "Quote \"this\""], actions: ["Report back"], notes: "Line one\nline two")
      let bare = ScrutinyMeeting(id: "H1", kind: .virtual, topic: "Email", date: day("2024-06-10"))
      let later = ScrutinyMeeting(id: "H3", kind: .thematic, topic: "Serious violence", date: day("2024-09-01"))
      let earlier = ScrutinyMeeting(
        id: "H4", kind: ScrutinyKind(rawValue: "local"), topic: "Old", date: day("2024-01-02"))
      for m in [full, bare, later, earlier] { try tx.saveScrutinyMeeting(m) }
      #expect(try tx.scrutinyMeeting(id: "H2") == full)
      #expect(try tx.scrutinyMeeting(id: "H1") == bare)
      #expect(try tx.scrutinyMeeting(id: "H9") == nil)
      #expect(try tx.scrutinyMeetings().map(\.id) == ["H4", "H1", "H2", "H3"])
      #expect(try tx.scrutinyMeetings(from: day("2024-06-10")).map(\.id) == ["H1", "H2", "H3"])
      #expect(try tx.scrutinyMeetings(to: day("2024-06-10")).map(\.id) == ["H4", "H1", "H2"])
      #expect(
        try tx.scrutinyMeetings(from: day("2024-01-03"), to: day("2024-08-31")).map(\.id) == ["H1", "H2"])

      var changed = full
      changed.findings = []
      changed.date = day("2024-01-01")
      try tx.saveScrutinyMeeting(changed)
      #expect(try tx.scrutinyMeeting(id: "H2") == changed)
      #expect(try tx.scrutinyMeetings().map(\.id) == ["H2", "H4", "H1", "H3"])
    }
  }

  @Test func indicatorsKeepTheOrderTheyWereFirstDefinedIn() async throws {
    try await withStore { tx in
      let survey = Indicator(
        id: "satisfaction", name: "Satisfied with police", unit: .percent, better: .higherIsBetter, target: 75.5,
        comparator: 70.25, comparatorLabel: "England", frequency: .quarterly, source: "CSEW", survey: true,
        elementID: "E3", baselinePeriodEnd: day("2023-03-31"))
      let count = Indicator(
        id: "burglary", name: "Burglaries", unit: .count, better: .lowerIsBetter, frequency: .monthly)
      let another = Indicator(id: "asb", name: "ASB", unit: .number, better: .lowerIsBetter, frequency: .annual)
      for i in [survey, count, another] { try tx.saveIndicator(i) }
      #expect(try tx.indicator(id: "satisfaction") == survey)
      #expect(try tx.indicator(id: "burglary") == count)
      #expect(try tx.indicator(id: "none") == nil)
      #expect(try tx.indicators().map(\.id) == ["satisfaction", "burglary", "asb"])

      var renamed = survey
      renamed.name = "Confidence"
      renamed.target = nil
      renamed.survey = false
      renamed.baselinePeriodEnd = nil
      try tx.saveIndicator(renamed)
      #expect(try tx.indicator(id: "satisfaction") == renamed)
      #expect(try tx.indicators().map(\.id) == ["satisfaction", "burglary", "asb"])

      let m1 = IndicatorMeasurement(
        indicatorID: "satisfaction", periodStart: day("2024-01-01"), periodEnd: day("2024-03-31"), value: 71.5,
        sampleSize: 800, rank: 12, rankOf: 43)
      let m0 = IndicatorMeasurement(
        indicatorID: "satisfaction", periodStart: day("2023-10-01"), periodEnd: day("2023-12-31"), value: 69)
      let b1 = IndicatorMeasurement(
        indicatorID: "burglary", periodStart: day("2024-01-01"), periodEnd: day("2024-01-31"), value: 120)
      for m in [m1, m0, b1] { try tx.saveMeasurement(m) }
      #expect(try tx.measurement(indicatorID: "satisfaction", periodEnd: day("2024-03-31")) == m1)
      #expect(try tx.measurement(indicatorID: "satisfaction", periodEnd: day("2023-12-31")) == m0)
      #expect(try tx.measurement(indicatorID: "satisfaction", periodEnd: day("2024-01-31")) == nil)
      #expect(try tx.measurements() == [b1, m0, m1])
      #expect(try tx.measurements(indicatorID: "satisfaction") == [m0, m1])
      #expect(try tx.measurements(indicatorID: "asb").isEmpty)

      var revised = m1
      revised.value = 72
      revised.sampleSize = nil
      revised.rank = nil
      revised.rankOf = nil
      try tx.saveMeasurement(revised)
      #expect(try tx.measurement(indicatorID: "satisfaction", periodEnd: day("2024-03-31")) == revised)

      let assessments = try tx.assessments(asOf: day("2024-02-29"))
      #expect(assessments.map(\.indicator.id) == ["satisfaction", "burglary", "asb"])
      #expect(
        assessments
          == [
            IndicatorAssessment(indicator: renamed, measurements: [m0, revised], asOf: day("2024-02-29")),
            IndicatorAssessment(indicator: count, measurements: [b1], asOf: day("2024-02-29")),
            IndicatorAssessment(indicator: another, measurements: [], asOf: day("2024-02-29")),
          ])
      #expect(
        try tx.assessments(asOf: nil, trendPeriods: 2).first
          == IndicatorAssessment(indicator: renamed, measurements: [m0, revised], asOf: nil, trendPeriods: 2))
    }
  }

  @Test func inspectionsComeNewestFirstWithTheirItems() async throws {
    try await withStore { tx in
      let peel = Inspection(
        id: "PEEL-2024", title: "PEEL", publishedOn: day("2024-05-01"), scope: .force, summary: "Adequate",
        responseSentOn: day("2024-06-15"), responseSentTo: "Home Secretary")
      let national = Inspection(id: "N1", title: "Vetting", publishedOn: day("2024-03-01"), scope: .national)
      let sameDay = Inspection(id: "A1", title: "Custody", publishedOn: day("2024-05-01"), scope: .force)
      for i in [peel, national, sameDay] { try tx.saveInspection(i) }
      let r10 = InspectionItem(inspectionID: "PEEL-2024", kind: .recommendation, number: 10, text: "Ten")
      let r2 = InspectionItem(
        inspectionID: "PEEL-2024", kind: .recommendation, number: 2, text: "Two", status: .inProgress,
        response: "Under way")
      let afi = InspectionItem(inspectionID: "PEEL-2024", kind: .areaForImprovement, number: 3, text: "AFI")
      let n1 = InspectionItem(inspectionID: "N1", kind: .recommendation, number: 1, text: "National")
      for item in [r10, r2, afi, n1] { try tx.saveInspectionItem(item) }

      #expect(try tx.inspection(id: "PEEL-2024") == peel)
      #expect(try tx.inspection(id: "N1") == national)
      #expect(try tx.inspection(id: "X") == nil)
      #expect(try tx.inspectionItem(inspectionID: "PEEL-2024", kind: .recommendation, number: 2) == r2)
      #expect(try tx.inspectionItem(inspectionID: "PEEL-2024", kind: .areaForImprovement, number: 2) == nil)

      let all = try tx.inspections()
      #expect(all.map(\.inspection.id) == ["A1", "PEEL-2024", "N1"])
      #expect(all[0].items.isEmpty)
      #expect(all[1].items == [afi, r2, r10])
      #expect(all[2].items == [n1])
      #expect(try tx.inspections(from: day("2024-04-01")).map(\.inspection.id) == ["A1", "PEEL-2024"])
      #expect(try tx.inspections(to: day("2024-04-30")).map(\.inspection.id) == ["N1"])
      #expect(try tx.inspections(from: day("2024-06-01"), to: day("2024-12-31")).isEmpty)

      var answered = r2
      answered.status = .complete
      answered.text = "Two, revised"
      try tx.saveInspectionItem(answered)
      #expect(try tx.inspectionItem(inspectionID: "PEEL-2024", kind: .recommendation, number: 2) == answered)
      var unsent = peel
      unsent.responseSentOn = nil
      unsent.responseSentTo = ""
      try tx.saveInspection(unsent)
      #expect(try tx.inspection(id: "PEEL-2024") == unsent)
    }
  }

  @Test func correspondenceIsCountedBySubjectAndAreaBusiestFirst() async throws {
    try await withStore { tx in
      let letters: [(String, String, CorrespondenceSubject, String)] = [
        ("C1", "2024-04-01", .asb, "north"), ("C2", "2024-04-02", .asb, "south"),
        ("C3", "2024-04-03", .roadSafety, "north"), ("C4", "2024-04-30", .complaint, "South"),
        ("C5", "2024-04-15", .roadSafety, "north"), ("C6", "2024-05-01", .asb, "north"),
        ("C7", "2024-03-31", .other, "east"),
      ]
      for (id, received, subject, area) in letters {
        try tx.saveCorrespondence(
          Correspondence(id: id, receivedOn: day(received), subject: subject, area: area, channel: .letter))
      }
      let c = Correspondence(
        id: "C9", receivedOn: day("2024-04-20"), subject: .policingService, area: "west", channel: .web,
        status: .responded)
      try tx.saveCorrespondence(c)
      #expect(try tx.correspondence(id: "C9") == c)
      #expect(try tx.correspondence(id: "C0") == nil)

      let totals = try tx.correspondenceTotals(from: day("2024-04-01"), to: day("2024-04-30"))
      #expect(totals.from == day("2024-04-01") && totals.to == day("2024-04-30"))
      #expect(totals.total == 6)
      #expect(
        totals.bySubject
          == [
            .init(code: "asb", count: 2), .init(code: "road-safety", count: 2), .init(code: "complaint", count: 1),
            .init(code: "policing-service", count: 1),
          ])
      // Ties in bytes: upper case before lower case, as on SQLite.
      #expect(
        totals.byArea
          == [
            .init(code: "north", count: 3), .init(code: "South", count: 1), .init(code: "south", count: 1),
            .init(code: "west", count: 1),
          ])
      let none = try tx.correspondenceTotals(from: day("2025-01-01"), to: day("2025-12-31"))
      #expect(none.total == 0 && none.bySubject.isEmpty && none.byArea.isEmpty)

      var closed = c
      closed.status = .closed
      closed.area = "east"
      try tx.saveCorrespondence(closed)
      #expect(try tx.correspondence(id: "C9") == closed)
    }
  }

  @Test func reachFiguresComeOldestFirstUpToADay() async throws {
    try await withStore { tx in
      let subscribers = ReachMeasurement(metric: .newsletterSubscribers, asOf: day("2024-03-31"), value: 1_200)
      let press = ReachMeasurement(
        metric: .pressReleases, periodStart: day("2024-01-01"), asOf: day("2024-03-31"), value: 14)
      let later = ReachMeasurement(metric: .socialFollowers, asOf: day("2024-06-30"), value: 5_000_000_000)
      for r in [later, subscribers, press] { try tx.saveReach(r) }
      #expect(try tx.reachMeasurement(metric: .pressReleases, asOf: day("2024-03-31")) == press)
      #expect(try tx.reachMeasurement(metric: .socialFollowers, asOf: day("2024-06-30")) == later)
      #expect(try tx.reachMeasurement(metric: .pressReleases, asOf: day("2024-06-30")) == nil)
      #expect(try tx.reachMeasurements() == [subscribers, press, later])
      #expect(try tx.reachMeasurements(to: day("2024-06-29")) == [subscribers, press])

      var revised = press
      revised.value = 15
      revised.periodStart = nil
      try tx.saveReach(revised)
      #expect(try tx.reachMeasurement(metric: .pressReleases, asOf: day("2024-03-31")) == revised)
      #expect(try tx.reachMeasurements().count == 3)
    }
  }

  @Test func aDayThatIsNotADayIsACorruptRow() async throws {
    try await withStore { tx in
      let s = tx.session
      try s.execute(
        """
        INSERT INTO fund (id, name, total_pence, start_date, end_date, source, purpose)
        VALUES ('F1', 'Fund', 1, 'soon', '2025-01-01', '', '')
        """)
      #expect(
        throws: StorageError(.corrupt, "table fund, column start_date (row F1): \"soon\" is not a day (YYYY-MM-DD)")
      ) {
        try tx.fund(id: "F1")
      }
      try tx.saveIndicator(Indicator(id: "i", name: "I", unit: .count, better: .lowerIsBetter, frequency: .monthly))
      try s.execute(
        "INSERT INTO measurement (indicator_id, period_end, period_start, value) VALUES ('i', '2024-13-40', '2024-01-01', 1)"
      )
      #expect(
        throws: StorageError(.corrupt, "table measurement, column period_end: \"2024-13-40\" is not a day (YYYY-MM-DD)")
      ) {
        try tx.measurements()
      }
      // An optional day that is not a day reads as none.
      try s.execute(
        """
        INSERT INTO bid (id, funder, amount_pence, submitted_on, decided_on, status, purpose)
        VALUES ('B1', 'F', 5, 'last week', NULL, 'drafting', '')
        """)
      #expect(try tx.bid(id: "B1")?.submittedOn == nil)
    }
  }

  @Test func panelInputsGatherTheWindow() async throws {
    try await withStore { tx in
      let s = tx.session
      let window = try PanelWindow(from: day("2024-04-01"), to: day("2024-06-30"))
      let inside = UUID()
      let notForPanel = UUID()
      let outside = UUID()
      for (id, date, forPanel, links, at) in [
        (inside, "2024-05-01", true, #"["award:AW9","bid:B9"]"#, Int64(2)),
        (notForPanel, "2024-05-01", false, "[]", Int64(1)),
        (outside, "2024-07-01", true, "[]", Int64(3)),
      ] {
        try s.execute(
          """
          INSERT INTO progress_update (id, element_id, date, narrative, author, status, for_panel, links, recorded_at_ms)
          VALUES (\(id.storageKey), 'E1', \(date), 'Done', 'pcc', 'on-track', \(forPanel), \(links), \(at))
          """)
      }
      try s.execute(
        """
        INSERT INTO meeting (id, date, title, attendees, decisions, notes, recorded_by, recorded_at_ms)
        VALUES ('M2', '2024-06-01', 'Board', '[]', '[]', '', 'pcc', 0), ('M1', '2024-04-02', 'Board', '[]', '[]', '', 'pcc', 0),
          ('M3', '2024-07-02', 'Board', '[]', '[]', '', 'pcc', 0)
        """)
      try tx.saveFund(
        Fund(id: "F1", name: "Fund", totalPence: 1_000, startDate: day("2024-04-01"), endDate: day("2025-03-31")))
      try tx.saveAward(Award(id: "AW1", fundID: "F1", recipient: "In", amountPence: 10, date: day("2024-04-05")))
      try tx.saveAward(Award(id: "AW2", fundID: "F1", recipient: "Out", amountPence: 20, date: day("2024-03-05")))
      try tx.saveAward(Award(id: "AW9", fundID: "F1", recipient: "Linked", amountPence: 30, date: day("2023-03-05")))
      try tx.saveBid(
        Bid(
          id: "B1", funder: "F", amountPence: 1, submittedOn: day("2024-01-01"), status: .successful,
          decidedOn: day("2024-06-01")))
      try tx.saveBid(Bid(id: "B2", funder: "F", amountPence: 1, submittedOn: day("2024-01-01"), status: .submitted))
      try tx.saveBid(Bid(id: "B9", funder: "F", amountPence: 1, status: .drafting))
      try tx.saveCorrespondence(
        Correspondence(id: "C1", receivedOn: day("2024-05-05"), subject: .asb, area: "north", channel: .email))
      try tx.saveReach(ReachMeasurement(metric: .socialFollowers, asOf: day("2024-06-30"), value: 10))
      try tx.saveReach(ReachMeasurement(metric: .socialFollowers, asOf: day("2024-07-31"), value: 11))
      try tx.saveScrutinyMeeting(ScrutinyMeeting(id: "H1", kind: .thematic, topic: "T", date: day("2024-09-30")))
      try tx.saveScrutinyMeeting(ScrutinyMeeting(id: "H2", kind: .thematic, topic: "T", date: day("2024-10-01")))
      try tx.saveIndicator(Indicator(id: "i", name: "I", unit: .count, better: .lowerIsBetter, frequency: .monthly))
      try tx.saveInspection(
        Inspection(
          id: "I1", title: "T", publishedOn: day("2024-07-31"), scope: .force, responseSentOn: day("2024-05-01")))
      try tx.saveInspection(
        Inspection(
          id: "I2", title: "T", publishedOn: day("2024-08-01"), scope: .force, responseSentOn: day("2024-04-01")))

      let inputs = try tx.panelInputs(window)
      #expect(inputs.window == window)
      #expect(inputs.updates.map(\.id) == [inside])
      #expect(inputs.updates.first?.links == ["award:AW9", "bid:B9"])
      #expect(inputs.updates.first?.recordedAt == Date(millisecondsSince1970: 2))
      #expect(inputs.awards.map(\.id) == ["AW9", "AW1"])
      #expect(inputs.bids.map(\.id) == ["B1", "B9"])
      #expect(inputs.funds.map(\.committedPence) == [60])
      #expect(inputs.governanceMeetingDates == [day("2024-04-02"), day("2024-06-01")])
      #expect(inputs.correspondence.total == 1)
      #expect(inputs.reach.map(\.value) == [10])
      #expect(inputs.scrutiny.map(\.id) == ["H1"])
      #expect(inputs.assessments.map(\.indicator.id) == ["i"])
      #expect(inputs.inspections.map(\.inspection.id) == ["I1"])
      #expect(inputs.responses.map(\.id) == ["I2", "I1"])
      #expect(inputs.engagements.total == 0)
      #expect(inputs.objectives.isEmpty && inputs.elements.isEmpty && inputs.areaNames.isEmpty)
    }
  }
}
