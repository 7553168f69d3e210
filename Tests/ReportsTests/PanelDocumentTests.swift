import Foundation
import Model
import Reports
import Testing

/// The Panel report from hand-made inputs: what each section says comes from the inputs alone.
@Suite struct PanelDocumentTests {
  static func day(_ text: String) -> LocalDate { LocalDate(text)! }

  static func inputs(awardPence: Int64 = 6_000_000, recipient: String = "Barnardo's", calls: [Double] = [52, 48, 55])
    throws -> PanelInputs
  {
    let window = try PanelWindow(from: day("2022-09-01"), to: day("2022-10-31"))
    let fund = Fund(
      id: "prevention", name: "Prevention Fund", totalPence: 100_000_000, startDate: day("2022-04-01"),
      endDate: day("2023-03-31"), elementID: "1.1")
    let award = Award(
      id: "AW1", fundID: "prevention", recipient: recipient, amountPence: awardPence, date: day("2022-10-06"),
      elementID: "1.1", purpose: "Trauma-informed training.")
    let calls101 = Indicator(
      id: "calls-101", name: "101 calls answered within the target time", unit: .percent, better: .higherIsBetter,
      target: 80, frequency: .monthly)
    let measurements = calls.enumerated().map { index, value in
      let month = YearMonth(year: 2022, month: 7 + index)!
      return IndicatorMeasurement(
        indicatorID: "calls-101", periodStart: month.firstDay, periodEnd: month.lastDay, value: value)
    }
    return PanelInputs(
      window: window,
      objectives: [Objective(id: "1", title: "Putting victims and survivors first", position: 1)],
      elements: [PlanElement(id: "1.1", objectiveID: "1", title: "£1m Prevention Fund", status: .onTrack, position: 1)],
      updates: [], funds: [FundPosition(fund: fund, committedPence: awardPence)], awards: [award], bids: [],
      governanceMeetingDates: [day("2022-09-28")], engagements: EngagementSummary(total: 50, byWho: ["pcc": 50]),
      correspondence: CorrespondenceTotals(
        from: window.from, to: window.to, total: 232,
        bySubject: [.init(code: "road-safety", count: 100), .init(code: "asb", count: 132)],
        byArea: [.init(code: "worcestershire", count: 120), .init(code: "shropshire", count: 112)]),
      reach: [], scrutiny: [],
      assessments: [IndicatorAssessment(indicator: calls101, measurements: measurements, asOf: window.to)],
      inspections: [], areaNames: ["worcestershire": "Worcestershire", "shropshire": "Shropshire"])
  }

  @Test("figures come from the inputs: another amount gives another sentence")
  func figuresFromData() throws {
    let first = PanelDocument.markdown(try Self.inputs())
    #expect(first.contains("£60,000 has been awarded to Barnardo's from the £1m Prevention Fund by the PCC."))
    let second = PanelDocument.markdown(try Self.inputs(awardPence: 6_512_345))
    #expect(second.contains("£65,123.45 has been awarded to Barnardo's"))
    #expect(!second.contains("£60,000"))
  }

  @Test("an update that links an award is told by the award; one whose link resolves to nothing keeps its narrative")
  func linkedUpdates() throws {
    var inputs = try Self.inputs()
    func update(_ text: String, _ links: [String]) -> ProgressUpdate {
      ProgressUpdate(
        elementID: "1.1", date: Self.day("2022-10-07"), narrative: text, author: "lead", status: .onTrack,
        forPanel: true,
        links: links, recordedAt: Date(timeIntervalSince1970: 0))
    }
    inputs.updates = [update("Narrative saying £59,999.", ["award:AW1"])]
    let told = PanelDocument.markdown(inputs)
    #expect(!told.contains("£59,999"))
    #expect(told.components(separatedBy: "£60,000 has been awarded").count == 2, "the award is told once")
    inputs.updates = [update("Narrative kept.", ["award:AW404"])]
    #expect(PanelDocument.markdown(inputs).contains("Narrative kept."))
  }

  @Test("paragraph numbers run through the document in both forms")
  func numbering() throws {
    let inputs = try Self.inputs()
    let markdown = PanelDocument.markdown(inputs)
    let numbers = markdown.split(separator: "\n").compactMap { line in
      line.range(of: "\\. ").flatMap { Int(line[..<$0.lowerBound]) }
    }
    #expect(numbers == Array(1...PanelDocument.paragraphCount(inputs)))
    let html = PanelDocument.html(inputs)
    #expect(html.contains("<div class=\"para\" id=\"p\(numbers.count)\">"))
    #expect(!html.contains("id=\"p\(numbers.count + 1)\""))
  }

  @Test("a concern appears with its chart only while the data says so")
  func concernsFollowData() throws {
    let below = PanelDocument.html(try Self.inputs())
    #expect(below.contains("101 calls answered within the target time: 55% in September 2022, below the target of 80%"))
    #expect(below.contains("<svg class=\"chart\""))
    let met = PanelDocument.html(try Self.inputs(calls: [52, 48, 85]))
    #expect(!met.contains("101 calls answered within the target time: 85%"))
    #expect(!met.contains("<svg"))
    #expect(met.contains("no indicator is below its target"))
  }

  @Test("text from the data is escaped in HTML and Markdown")
  func escaping() throws {
    let inputs = try Self.inputs(recipient: "<script>alert(1)</script> & *Co*")
    let html = PanelDocument.html(inputs)
    #expect(!html.contains("<script>"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; *Co*"))
    let markdown = PanelDocument.markdown(inputs)
    #expect(markdown.contains("\\*Co\\*"))
  }

  @Test("engagements, correspondence and the majority areas are worded from the counts")
  func engagementWording() throws {
    let markdown = PanelDocument.markdown(try Self.inputs())
    #expect(markdown.contains("A total of 50 engagements took place between July and September 2022."))
    #expect(
      markdown.contains(
        "Over the duration of September and October 2022, the PCC's office was in receipt of 232 pieces of correspondence."
      ))
    #expect(markdown.contains("The majority of the correspondence was from Worcestershire residents."))
  }
}
