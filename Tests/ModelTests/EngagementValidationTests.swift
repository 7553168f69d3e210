import Foundation
import Model
import Testing

typealias Breakage = @Sendable (inout Engagement) -> Void

/// One broken rule per case: the field that must be named, and how the engagement is broken.
let brokenRules: [(String, Breakage)] = [
  ("attendees", { @Sendable (e: inout Engagement) in e.attendees = -3 }),
  ("attendees", { @Sendable (e: inout Engagement) in e.attendees = 100_001 }),
  ("date", { @Sendable (e: inout Engagement) in e.date = LocalDate("2022-10-02")! }),
  ("date", { @Sendable (e: inout Engagement) in e.date = LocalDate("1999-12-31")! }),
  ("area", { @Sendable (e: inout Engagement) in e.area = "gloucestershire" }),
  ("area", { @Sendable (e: inout Engagement) in e.area = "" }),
  ("who", { @Sendable (e: inout Engagement) in e.who = Officeholder(rawValue: "mayor") }),
  ("kind", { @Sendable (e: inout Engagement) in e.kind = EngagementKind(rawValue: "party") }),
  ("organisation", { @Sendable (e: inout Engagement) in e.organisation = "   " }),
  ("organisation", { @Sendable (e: inout Engagement) in e.organisation = String(repeating: "x", count: 201) }),
  ("place", { @Sendable (e: inout Engagement) in e.place = "" }),
  ("place", { @Sendable (e: inout Engagement) in e.place = "Line\nbreak" }),
  ("notes", { @Sendable (e: inout Engagement) in e.notes = String(repeating: "n", count: 10_001) }),
  ("topics", { @Sendable (e: inout Engagement) in e.topics = ["asb", "ASB"] }),
  ("topics", { @Sendable (e: inout Engagement) in e.topics = (0..<21).map { "t\($0)" } }),
  ("topics", { @Sendable (e: inout Engagement) in e.topics = [""] }),
  (
    "follow_up_actions", { @Sendable (e: inout Engagement) in e.followUpActions = [String(repeating: "a", count: 501)] }
  ),
  (
    "objective",
    { @Sendable (e: inout Engagement) in
      e.objectiveID = "9"
      e.elementID = nil
    }
  ),
  ("element", { @Sendable (e: inout Engagement) in e.elementID = "9.9" }),
  ("element", { @Sendable (e: inout Engagement) in e.elementID = "1.1" }),  // belongs to objective 1, not 2
  ("created_by", { @Sendable (e: inout Engagement) in e.createdBy = "" }),
]

@Suite struct EngagementValidationTests {
  static let context = ValidationContext(
    latestDate: LocalDate("2022-10-01"), areas: Set(Area.westMercia.map(\.code)), objectives: ["1", "2"],
    elements: ["1.1": "1", "2.3": "2"])

  static func valid() -> Engagement {
    Engagement(
      date: LocalDate("2022-07-14")!, who: .pcc, kind: .parishCouncil, organisation: "Much Wenlock Town Council",
      place: "Much Wenlock", area: "shropshire", attendees: 12, topics: ["road-safety"], objectiveID: "2",
      elementID: "2.3", notes: "Speeding on the A458.", createdBy: "pcc")
  }

  @Test("a complete engagement passes")
  func validPasses() throws {
    try Self.valid().validate(in: Self.context)
  }

  @Test(
    "each broken rule is reported with its field",
    arguments: brokenRules)
  func brokenRule(field: String, breakIt: @Sendable (inout Engagement) -> Void) {
    var engagement = Self.valid()
    breakIt(&engagement)
    #expect(throws: ValidationError.self) { try engagement.validate(in: Self.context) }
    do {
      try engagement.validate(in: Self.context)
    } catch {
      #expect(error.violations.map(\.field) == [field], "\(error)")
    }
  }

  @Test("every violation is reported at once, each naming its field and rule")
  func allViolationsTogether() {
    var engagement = Self.valid()
    engagement.attendees = -1
    engagement.area = "mars"
    do {
      try engagement.validate(in: Self.context)
      Issue.record("expected a validation error")
    } catch {
      #expect(error.violations.map(\.field) == ["area", "attendees"])
      #expect(error.description.contains("attendees: must be between 0 and 100000 (got -1)"))
    }
  }

  @Test("checks that need configuration are skipped without it")
  func standaloneSkipsConfiguration() throws {
    var engagement = Self.valid()
    engagement.area = "somewhere-else"
    engagement.elementID = "7.7"
    engagement.date = LocalDate("2099-01-01")!
    try engagement.validate(in: .standalone)
  }

  @Test("boundaries of attendees are inclusive", arguments: [0, 100_000])
  func attendeeBoundaries(count: Int) throws {
    var engagement = Self.valid()
    engagement.attendees = count
    try engagement.validate(in: Self.context)
  }
}

@Suite struct LocalDateTests {
  @Test(
    "parses real days only",
    arguments: [
      ("2022-07-14", true), ("2024-02-29", true), ("2023-02-29", false), ("2022-13-01", false),
      ("2022-7-14", false), ("14/07/2022", false), ("", false), ("2022-07-14T10:00", false), ("２０２２-07-14", false),
    ])
  func parsing(text: String, valid: Bool) {
    #expect((LocalDate(text) != nil) == valid)
  }

  @Test("round-trips through text and orders chronologically")
  func roundTripAndOrder() throws {
    let a = try #require(LocalDate("2022-07-31"))
    #expect(a.description == "2022-07-31")
    #expect(a.adding(days: 1).description == "2022-08-01")
    #expect(a < a.adding(days: 1))
    #expect(a.monthKey == "2022-07")
  }

  @Test("list filters name the field of a malformed date or inverted range")
  func queryParsing() throws {
    #expect(
      throws: ValidationError(field: "from_date", rule: "must be a real day written YYYY-MM-DD (got \"2022-02-30\")")
    ) {
      try EngagementQuery(fromDate: "2022-02-30", toDate: "")
    }
    #expect(throws: ValidationError.self) { try EngagementQuery(fromDate: "2022-09-01", toDate: "2022-08-01") }
    let query = try EngagementQuery(fromDate: "2022-07-01", toDate: "2022-09-30", who: "dpcc")
    #expect(query.who == .dpcc)
  }
}
