import Foundation
import Model
import Testing

@Suite struct MoneyTests {
  @Test(
    "amounts are written as the office writes them",
    arguments: [
      (Int64(6_000_000), "£60,000"), (134_650, "£1,346.50"), (80_400_300, "£804,003"), (5, "£0.05"), (-500, "-£5"),
      (100_000_000, "£1,000,000"),
    ])
  func format(pence: Int64, text: String) {
    #expect(Money.format(pence: pence) == text)
  }

  @Test(
    "a fund's size in running text",
    arguments: [
      (Int64(100_000_000), "£1m"), (250_000_000, "£2.5m"), (75_000_000, "£750k"), (80_400_300, "£804,003"),
    ])
  func short(pence: Int64, text: String) {
    #expect(Money.short(pence: pence) == text)
  }

  @Test(
    "pounds are read into pence; anything doubtful is refused",
    arguments: [
      ("60000", Int64?(6_000_000)), ("£60,000", 6_000_000), ("1346.5", 134_650), ("1346.50", 134_650), ("0.01", 1),
      ("60,00", nil), ("1,0000", nil), ("12.345", nil), ("-5", nil), ("ten", nil), ("", nil), ("£", nil),
      ("99999999999999", nil),
    ])
  func parse(text: String, pence: Int64?) {
    #expect(Money.parse(text) == pence)
  }
}

@Suite struct TwoProportionTestTests {
  @Test("24% to 21% of 1,600 each is a significant fall: pooled 22.5%, z about -2.03")
  func significantFall() {
    let test = TwoProportionTest(p1: 0.24, n1: 1_600, p2: 0.21, n2: 1_600)
    #expect(abs(test.pooled - 0.225) < 1e-12)
    // z = -0.03 / sqrt(0.225 * 0.775 * (2 / 1600)) = -2.0313...
    #expect(abs(test.z - (-0.03 / (0.225 * 0.775 * 2.0 / 1_600).squareRoot())) < 1e-12)
    #expect(test.z < -1.96)
    #expect(test.isSignificant)
  }

  @Test("the same fall in samples of 1,400 is not significant (|z| under 1.96)")
  func smallSamples() {
    let test = TwoProportionTest(p1: 0.24, n1: 1_400, p2: 0.21, n2: 1_400)
    #expect(abs(test.z) < 1.96)
    #expect(!test.isSignificant)
  }

  @Test("identical all-or-nothing samples have no standard error and z = 0")
  func degenerate() {
    let test = TwoProportionTest(p1: 1, n1: 50, p2: 1, n2: 80)
    #expect(test.z == 0)
    #expect(!test.isSignificant)
  }
}

@Suite struct IndicatorAssessmentTests {
  let day = { (text: String) in LocalDate(text)! }

  func monthly(_ id: String, _ values: [Double]) -> [IndicatorMeasurement] {
    values.enumerated().map { index, value in
      let month = YearMonth(year: 2022, month: 7 + index)!
      return IndicatorMeasurement(indicatorID: id, periodStart: month.firstDay, periodEnd: month.lastDay, value: value)
    }
  }

  @Test("below target follows which way is better")
  func belowTarget() {
    let calls = Indicator(
      id: "calls-101", name: "101", unit: .percent, better: .higherIsBetter, target: 80, frequency: .monthly)
    #expect(IndicatorAssessment(indicator: calls, measurements: monthly("calls-101", [52, 48, 55])).belowTarget)
    #expect(!IndicatorAssessment(indicator: calls, measurements: monthly("calls-101", [52, 48, 81])).belowTarget)
    let ksi = Indicator(id: "ksi", name: "KSI", unit: .count, better: .lowerIsBetter, target: 60, frequency: .monthly)
    #expect(IndicatorAssessment(indicator: ksi, measurements: monthly("ksi", [58, 63, 71])).belowTarget)
    #expect(!IndicatorAssessment(indicator: ksi, measurements: monthly("ksi", [71, 63, 58])).belowTarget)
  }

  @Test("a trend needs every step of the last N periods to go the same way")
  func trend() {
    let ksi = Indicator(id: "ksi", name: "KSI", unit: .count, better: .lowerIsBetter, frequency: .monthly)
    let rising = IndicatorAssessment(indicator: ksi, measurements: monthly("ksi", [58, 63, 71]))
    #expect(rising.trend == .worse)
    #expect(rising.isConcern)
    #expect(IndicatorAssessment(indicator: ksi, measurements: monthly("ksi", [71, 63, 58])).trend == .better)
    #expect(IndicatorAssessment(indicator: ksi, measurements: monthly("ksi", [58, 63, 60])).trend == nil)
    // Over four periods, three rising steps are needed.
    #expect(
      IndicatorAssessment(indicator: ksi, measurements: monthly("ksi", [70, 58, 63, 71]), trendPeriods: 4).trend == nil)
    #expect(
      IndicatorAssessment(indicator: ksi, measurements: monthly("ksi", [50, 58, 63, 71]), trendPeriods: 4).trend
        == .worse)
  }

  @Test("only measurements up to the day assessed count")
  func asOf() {
    let calls = Indicator(
      id: "calls-101", name: "101", unit: .percent, better: .higherIsBetter, target: 80, frequency: .monthly)
    let list = monthly("calls-101", [52, 48, 85])
    #expect(!IndicatorAssessment(indicator: calls, measurements: list).belowTarget)
    let august = IndicatorAssessment(indicator: calls, measurements: list, asOf: day("2022-08-31"))
    #expect(august.latest?.value == 48)
    #expect(august.belowTarget)
    #expect(august.change == .worse)
  }

  @Test("a survey measure is tested for a significant change; other measures never are")
  func survey() {
    let seen = Indicator(
      id: "seen", name: "Seen weekly", unit: .percent, better: .higherIsBetter, frequency: .quarterly, survey: true)
    let a = IndicatorAssessment(
      indicator: seen,
      measurements: [
        IndicatorMeasurement(
          indicatorID: "seen", periodStart: day("2022-01-01"), periodEnd: day("2022-03-31"), value: 24,
          sampleSize: 1_600),
        IndicatorMeasurement(
          indicatorID: "seen", periodStart: day("2022-04-01"), periodEnd: day("2022-06-30"), value: 21,
          sampleSize: 1_600),
      ])
    #expect(a.significantChange)
    #expect(a.change == .worse)
    #expect(a.isConcern)
    let calls = Indicator(id: "c", name: "101", unit: .percent, better: .higherIsBetter, frequency: .monthly)
    let b = IndicatorAssessment(indicator: calls, measurements: monthly("c", [80, 40]))
    #expect(b.test == nil)
    #expect(!b.significantChange)
    #expect(!b.isConcern)
  }
}

@Suite struct FundingRuleTests {
  let fund = Fund(
    id: "prevention", name: "Prevention Fund", totalPence: 100_000_000, startDate: LocalDate("2022-04-01")!,
    endDate: LocalDate("2023-03-31")!)

  func award(_ id: String, _ pence: Int64, reason: String? = nil) -> Award {
    Award(
      id: id, fundID: "prevention", recipient: "Barnardo's", amountPence: pence, date: LocalDate("2022-10-06")!,
      overrideReason: reason)
  }

  @Test("a fund cannot be over-committed without an override reason")
  func overCommitment() throws {
    let others = [award("AW1", 90_000_000)]
    #expect(throws: Never.self) { try award("AW2", 10_000_000).checkCommitment(fund: fund, others: others) }
    let error = #expect(throws: ValidationError.self) {
      try award("AW2", 10_000_001).checkCommitment(fund: fund, others: others)
    }
    #expect(error?.violations.first?.field == "amount")
    #expect(
      error?.violations.first?.rule.contains(
        "would commit £1,000,000.01 of the £1,000,000 in fund prevention (£100,000 left)") == true)
    #expect(throws: Never.self) {
      try award("AW2", 20_000_000, reason: "Agreed by the PCC on 6 October").checkCommitment(fund: fund, others: others)
    }
    // Replacing an award counts its new amount, not old and new together.
    #expect(throws: Never.self) { try award("AW1", 100_000_000).checkCommitment(fund: fund, others: others) }
  }

  @Test("every broken rule of a bid is named at once")
  func bidRules() {
    let bid = Bid(funder: "", amountPence: 0, status: .successful)
    let error = #expect(throws: ValidationError.self) { try bid.validate() }
    #expect(error?.violations.map(\.field) == ["funder", "amount", "submitted_on", "decided_on"])
  }
}

@Suite struct OversightCSVTests {
  @Test("a file with bad rows names every line, field and rule")
  func badRows() {
    let text = """
      id,fund,recipient,amount,date,status
      AW1,prevention,Barnardo's,"£60,000",2022-10-06,awarded
      AW2,prevention,,60k,2022-13-01,awarded
      AW3,prevention,Steer Clear,100000,2022-10-27,maybe
      """
    let error = #expect(throws: ValidationError.self) { try OversightCSV.parse(text, kind: .awards) }
    let lines = error?.violations.map(\.description) ?? []
    #expect(
      lines.contains("line 3, amount: must be an amount in pounds such as 60000, £60,000 or 1346.50 (got \"60k\")"))
    #expect(lines.contains("line 3, date: must be a date YYYY-MM-DD (got \"2022-13-01\")"))
    #expect(lines.contains { $0.hasPrefix("line 4, status: must be one of awarded, proposed") })
    #expect(!lines.contains { $0.hasPrefix("line 2") })
  }

  @Test("a good file reads every kind's columns, money into pence and lists split on ' | '")
  func goodFiles() throws {
    let awards = try OversightCSV.parse(
      "recipient,amount,date,fund\nBarnardo's,\"£60,000\",2022-10-06,prevention\n", kind: .awards)
    #expect(awards.first?.line == 2)
    guard case .award(let award) = awards.first?.record else { return #expect(Bool(false)) }
    #expect(award.amountPence == 6_000_000)
    #expect(award.fundID == "prevention")
    let meetings = try OversightCSV.parse(
      "kind,topic,date,findings\nthematic,Serious Violence,2022-08-23,First finding | Second finding\n", kind: .scrutiny
    )
    guard case .scrutiny(let meeting) = meetings.first?.record else { return #expect(Bool(false)) }
    #expect(meeting.findings == ["First finding", "Second finding"])
  }

  @Test("the header must name known columns and the kind's required ones")
  func header() {
    let error = #expect(throws: ValidationError.self) {
      try OversightCSV.parse("received_on,subject,colour\n2022-09-01,asb,red\n", kind: .correspondence)
    }
    let lines = error?.violations.map(\.description) ?? []
    #expect(lines.contains { $0.hasPrefix("line 1, column 3: unknown column \"colour\"") })
    #expect(lines.contains("line 1: the header must have a \"area\" column"))
    #expect(lines.contains("line 1: the header must have a \"channel\" column"))
  }
}

@Suite struct PanelWindowTests {
  @Test(
    "engagements are counted for the latest complete quarter ending by the period's end",
    arguments: [
      ("2022-09-01", "2022-10-31", "2022-07-01", "2022-09-30", "2022-07-01"),
      ("2022-07-01", "2022-09-30", "2022-07-01", "2022-09-30", "2022-07-01"),
      ("2022-09-15", "2022-09-29", "2022-04-01", "2022-06-30", "2022-04-01"),
      ("2023-01-01", "2023-02-28", "2022-10-01", "2022-12-31", "2022-10-01"),
    ])
  func quarter(from: String, to: String, start: String, end: String, lookBack: String) throws {
    let window = try PanelWindow(from: LocalDate(from)!, to: LocalDate(to)!)
    #expect(window.quarterStart.description == start)
    #expect(window.quarterEnd.description == end)
    #expect(window.lookBack.description == lookBack)
  }

  @Test("a period that ends before it starts is refused, naming 'to'")
  func inverted() {
    let error = #expect(throws: ValidationError.self) {
      try PanelWindow(from: LocalDate("2022-10-31")!, to: LocalDate("2022-09-01")!)
    }
    #expect(error?.violations.first?.field == "to")
  }
}
