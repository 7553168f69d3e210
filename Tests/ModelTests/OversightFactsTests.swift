import Foundation
import Model
import Testing

/// The facts the Panel report needed beyond the first oversight records: a rank in the most
/// similar group, a survey baseline, the PCC's response to an inspection.
@Suite struct OversightFactsTests {
  let day = { (text: String) in LocalDate(text)! }

  func measurement(rank: Int?, of size: Int?) -> IndicatorMeasurement {
    IndicatorMeasurement(
      indicatorID: "outcomes", periodStart: day("2022-09-01"), periodEnd: day("2022-09-30"), value: 48.2, rank: rank,
      rankOf: size)
  }

  @Test(
    "a rank comes with its group's size, and fits in it",
    arguments: [
      (Int?(7), Int?(8), [String]()), (1, 2, []), (nil, nil, []), (9, 8, ["rank"]), (0, 8, ["rank"]),
      (3, 1, ["rank_of"]),
      (nil, 8, ["rank"]), (3, nil, ["rank_of"]),
    ])
  func rank(rank: Int?, size: Int?, fields: [String]) {
    let indicator = Indicator(
      id: "outcomes", name: "outcomes", unit: .percent, better: .lowerIsBetter, frequency: .monthly)
    do {
      try measurement(rank: rank, of: size).validate(for: indicator)
      #expect(fields.isEmpty)
    } catch {
      #expect(Set(error.violations.map(\.field)).isSuperset(of: fields) && !fields.isEmpty, "\(error)")
    }
  }

  @Test("the latest survey value is tested against the baseline period as well as the one before")
  func baseline() {
    let indicator = Indicator(
      id: "confidence", name: "confidence", unit: .percent, better: .higherIsBetter, frequency: .quarterly,
      survey: true,
      baselinePeriodEnd: day("2021-03-31"))
    let values: [(String, String, Double)] = [
      ("2021-01-01", "2021-03-31", 86), ("2022-01-01", "2022-03-31", 82), ("2022-04-01", "2022-06-30", 81),
    ]
    let measurements = values.map {
      IndicatorMeasurement(
        indicatorID: "confidence", periodStart: day($0.0), periodEnd: day($0.1), value: $0.2, sampleSize: 1_600)
    }
    let assessment = IndicatorAssessment(indicator: indicator, measurements: measurements)
    #expect(assessment.significantChange == false, "81 against 82 is not significant")
    #expect(assessment.baseline?.value == 86)
    #expect(abs((assessment.baselineTest?.z ?? 0) - -3.81) < 0.01)
    #expect(assessment.significantlyWorseThanBaseline)
    #expect(assessment.isConcern)
    // Not a survey measure: no baseline.
    var plain = indicator
    plain.survey = false
    #expect(throws: ValidationError.self) { try plain.validate() }
  }

  @Test("an inspection's response names its day and recipient together, not before publication")
  func response() throws {
    let sent = Inspection(
      id: "mappa-2022", title: "MAPPA", publishedOn: day("2022-06-14"), scope: .national,
      responseSentOn: day("2022-10-18"), responseSentTo: "the Home Secretary")
    try sent.validate()
    var early = sent
    early.responseSentOn = day("2022-06-01")
    #expect(throws: ValidationError.self) { try early.validate() }
    var nobody = sent
    nobody.responseSentTo = ""
    #expect(throws: ValidationError.self) { try nobody.validate() }
    var undated = sent
    undated.responseSentOn = nil
    #expect(throws: ValidationError.self) { try undated.validate() }
    // A record written before responses were kept reads as not sent.
    let old = #"{"id":"v","title":"V","publishedOn":"2022-11-02","scope":"national","summary":""}"#
    let decoded = try JSONDecoder().decode(Inspection.self, from: Data(old.utf8))
    #expect(decoded.responseSentOn == nil && decoded.responseSentTo.isEmpty)
  }
}
