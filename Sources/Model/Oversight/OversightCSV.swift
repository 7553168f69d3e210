import Foundation

/// A kind of oversight record, as named on the command line and in CSV imports.
public enum OversightKind: String, CaseIterable, Sendable, Hashable, Codable {
  case funds, awards, bids, scrutiny, indicators, measurements, inspections
  case inspectionItems = "inspection-items"
  case correspondence, reach

  /// The columns a file of this kind may have, in the order `--help` lists them.
  public var columns: [String] {
    switch self {
    case .funds: ["id", "name", "total", "start_date", "end_date", "source", "announced_on", "element", "purpose"]
    case .awards: ["id", "fund", "recipient", "amount", "date", "purpose", "element", "status", "override_reason"]
    case .bids:
      [
        "id", "funder", "amount", "period_start", "period_end", "submitted_on", "status", "decided_on", "purpose",
        "element",
      ]
    case .scrutiny: ["id", "kind", "topic", "date", "findings", "actions", "notes"]
    case .indicators:
      [
        "id", "name", "unit", "better", "target", "comparator", "comparator_label", "frequency", "source", "survey",
        "element", "baseline_period_end",
      ]
    case .measurements: ["indicator", "period_start", "period_end", "value", "sample_size", "rank", "rank_of"]
    case .inspections: ["id", "title", "published_on", "scope", "summary", "response_sent_on", "response_sent_to"]
    case .inspectionItems: ["inspection", "kind", "number", "text", "status", "response"]
    case .correspondence: ["id", "received_on", "subject", "area", "channel", "status"]
    case .reach: ["metric", "period_start", "as_of", "value"]
    }
  }

  /// Columns every file of this kind must have.
  public var requiredColumns: [String] {
    switch self {
    case .funds: ["id", "name", "total", "start_date", "end_date"]
    case .awards: ["recipient", "amount", "date"]
    case .bids: ["funder", "amount", "status"]
    case .scrutiny: ["kind", "topic", "date"]
    case .indicators: ["id", "name", "unit", "better", "frequency"]
    case .measurements: ["indicator", "period_start", "period_end", "value"]
    case .inspections: ["id", "title", "published_on", "scope"]
    case .inspectionItems: ["inspection", "kind", "number", "text"]
    case .correspondence: ["received_on", "subject", "area", "channel"]
    case .reach: ["metric", "as_of", "value"]
    }
  }
}

/// One oversight record of any kind.
public enum OversightRecord: Sendable, Hashable {
  case fund(Fund)
  case award(Award)
  case bid(Bid)
  case scrutiny(ScrutinyMeeting)
  case indicator(Indicator)
  case measurement(IndicatorMeasurement)
  case inspection(Inspection)
  case inspectionItem(InspectionItem)
  case correspondence(Correspondence)
  case reach(ReachMeasurement)

  /// Checks the record's own rules (not those that need other records).
  public func validate() throws(ValidationError) {
    switch self {
    case .fund(let r): try r.validate()
    case .award(let r): try r.validate()
    case .bid(let r): try r.validate()
    case .scrutiny(let r): try r.validate()
    case .indicator(let r): try r.validate()
    case .measurement: break  // checked against its indicator when stored
    case .inspection(let r): try r.validate()
    case .inspectionItem(let r): try r.validate()
    case .correspondence(let r): try r.validate(areas: nil)
    case .reach(let r): try r.validate()
    }
  }
}

/// Oversight records as CSV files: one row per record, columns named by a header row
/// (any order, names case-insensitive), read all or nothing.
///
/// Money is in pounds (`60000`, `£60,000`, `1346.50`) and stored as pence; days are
/// `YYYY-MM-DD`; lists (a meeting's findings and actions) are separated by ` | `; `survey` is
/// `yes` or `no`. A blank cell is an empty value. Every bad cell is reported as
/// `line N, field: rule`.
public enum OversightCSV {
  public static let maxRows = 20_000

  /// Reads a file of `kind` into records, each with its line, checking each record's own rules;
  /// throws every violation at once.
  public static func parse(_ text: String, kind: OversightKind) throws(ValidationError) -> [(
    line: Int, record: OversightRecord
  )] {
    let (rows, cellViolations) = try read(text, kind: kind)
    var v = ViolationCollector()
    for violation in cellViolations { v.fail(violation.field, violation.rule) }
    var out: [(line: Int, record: OversightRecord)] = []
    for row in rows {
      do throws(ValidationError) {
        try row.record.validate()
        out.append(row)
      } catch {
        for violation in error.violations { v.fail("line \(row.line), \(violation.field)", violation.rule) }
      }
    }
    try v.throwIfAny()
    return out.sorted { $0.line < $1.line }
  }

  /// Reads a file of `kind`: the rows whose cells could all be read (their records not yet
  /// checked), and a violation for each cell that could not. Throws only for a file that
  /// cannot be read at all (its quoting, its header, a row with the wrong number of cells).
  public static func read(_ text: String, kind: OversightKind) throws(ValidationError) -> (
    rows: [(line: Int, record: OversightRecord)], violations: [ValidationError.Violation]
  ) {
    let records = try PlanCSV.records(text)
    guard let header = records.first else {
      throw ValidationError(field: "file", rule: "is empty; the first row must name the columns")
    }
    var v = ViolationCollector()
    let names = header.fields.map {
      $0.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "_")
    }
    for (position, name) in names.enumerated() where !kind.columns.contains(name) {
      v.fail(
        "line \(header.line), column \(position + 1)",
        "unknown column \"\(name)\"; known: \(kind.columns.joined(separator: ", "))")
    }
    for name in Set(names) where names.filter({ $0 == name }).count > 1 {
      v.fail("line \(header.line)", "column \"\(name)\" appears more than once")
    }
    for name in kind.requiredColumns where !names.contains(name) {
      v.fail("line \(header.line)", "the header must have a \"\(name)\" column")
    }
    try v.throwIfAny()
    let data = records.dropFirst()
    guard data.count <= maxRows else {
      throw ValidationError(field: "file", rule: "at most \(maxRows) rows (got \(data.count))")
    }
    var out: [(line: Int, record: OversightRecord)] = []
    var cellViolations: [ValidationError.Violation] = []
    for row in data {
      if row.fields.count != names.count {
        v.fail("line \(row.line)", "has \(row.fields.count) cells; the header has \(names.count)")
        continue
      }
      var cells: [String: String] = [:]
      for (name, value) in zip(names, row.fields) {
        var trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("'"), let next = trimmed.dropFirst().first, "=+-@".contains(next) { trimmed.removeFirst() }
        cells[name] = trimmed
      }
      if cells.values.allSatisfy(\.isEmpty) { continue }
      var reader = CellReader(line: row.line, cells: cells)
      let record = reader.record(kind)
      if reader.violations.isEmpty {
        out.append((row.line, record))
      } else {
        cellViolations += reader.violations
      }
    }
    try v.throwIfAny()
    return (out, cellViolations)
  }
}

/// Reads typed values from one row's cells, collecting a violation per bad cell.
struct CellReader {
  let line: Int
  let cells: [String: String]
  var violations: [ValidationError.Violation] = []

  mutating func fail(_ column: String, _ rule: String) {
    violations.append(.init(field: "line \(line), \(column)", rule: rule))
  }

  func text(_ column: String) -> String { cells[column] ?? "" }
  func optional(_ column: String) -> String? { cells[column].flatMap { $0.isEmpty ? nil : $0 } }

  mutating func day(_ column: String) -> LocalDate? {
    guard let text = optional(column) else { return nil }
    guard let day = LocalDate(text) else {
      fail(column, "must be a date YYYY-MM-DD (got \"\(text)\")")
      return nil
    }
    return day
  }

  mutating func requiredDay(_ column: String) -> LocalDate {
    if optional(column) == nil { fail(column, "is required") }
    return day(column) ?? OversightLimits.earliestDate
  }

  mutating func money(_ column: String) -> Int64 {
    guard let text = optional(column) else {
      fail(column, "is required")
      return 0
    }
    guard let pence = Money.parse(text) else {
      fail(column, "must be an amount in pounds such as 60000, £60,000 or 1346.50 (got \"\(text)\")")
      return 0
    }
    return pence
  }

  mutating func number(_ column: String) -> Double? {
    guard let text = optional(column) else { return nil }
    guard let value = Double(text.replacingOccurrences(of: ",", with: "")), value.isFinite else {
      fail(column, "must be a number (got \"\(text)\")")
      return nil
    }
    return value
  }

  mutating func integer(_ column: String) -> Int? {
    guard let text = optional(column) else { return nil }
    guard let value = Int(text.replacingOccurrences(of: ",", with: "")) else {
      fail(column, "must be a whole number (got \"\(text)\")")
      return nil
    }
    return value
  }

  mutating func flag(_ column: String) -> Bool {
    switch text(column).lowercased() {
    case "", "no", "false", "n": return false
    case "yes", "true", "y": return true
    default:
      fail(column, "must be yes or no (got \"\(text(column))\")")
      return false
    }
  }

  func list(_ column: String) -> [String] {
    text(column).components(separatedBy: " | ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  mutating func record(_ kind: OversightKind) -> OversightRecord {
    switch kind {
    case .funds:
      return .fund(
        Fund(
          id: text("id"), name: text("name"), totalPence: money("total"), startDate: requiredDay("start_date"),
          endDate: requiredDay("end_date"), source: text("source"), announcedOn: day("announced_on"),
          elementID: optional("element"), purpose: text("purpose")))
    case .awards:
      return .award(
        Award(
          id: text("id"), fundID: optional("fund"), recipient: text("recipient"), amountPence: money("amount"),
          date: requiredDay("date"), elementID: optional("element"),
          status: optional("status").map(AwardStatus.init(rawValue:)) ?? .awarded,
          overrideReason: optional("override_reason"),
          purpose: text("purpose")))
    case .bids:
      return .bid(
        Bid(
          id: text("id"), funder: text("funder"), amountPence: money("amount"), periodStart: day("period_start"),
          periodEnd: day("period_end"), submittedOn: day("submitted_on"), status: BidStatus(rawValue: text("status")),
          decidedOn: day("decided_on"), purpose: text("purpose"), elementID: optional("element")))
    case .scrutiny:
      return .scrutiny(
        ScrutinyMeeting(
          id: text("id"), kind: ScrutinyKind(rawValue: text("kind")), topic: text("topic"), date: requiredDay("date"),
          findings: list("findings"), actions: list("actions"), notes: text("notes")))
    case .indicators:
      return .indicator(
        Indicator(
          id: text("id"), name: text("name"), unit: IndicatorUnit(rawValue: text("unit")),
          better: IndicatorPolarity(rawValue: text("better")), target: number("target"),
          comparator: number("comparator"),
          comparatorLabel: text("comparator_label"), frequency: IndicatorFrequency(rawValue: text("frequency")),
          source: text("source"), survey: flag("survey"), elementID: optional("element"),
          baselinePeriodEnd: day("baseline_period_end")))
    case .measurements:
      let value = number("value")
      if value == nil && optional("value") == nil { fail("value", "is required") }
      return .measurement(
        IndicatorMeasurement(
          indicatorID: text("indicator"), periodStart: requiredDay("period_start"),
          periodEnd: requiredDay("period_end"),
          value: value ?? 0, sampleSize: integer("sample_size"), rank: integer("rank"), rankOf: integer("rank_of")))
    case .inspections:
      return .inspection(
        Inspection(
          id: text("id"), title: text("title"), publishedOn: requiredDay("published_on"),
          scope: InspectionScope(rawValue: text("scope")), summary: text("summary"),
          responseSentOn: day("response_sent_on"), responseSentTo: text("response_sent_to")))
    case .inspectionItems:
      let number = integer("number")
      if number == nil && optional("number") == nil { fail("number", "is required") }
      return .inspectionItem(
        InspectionItem(
          inspectionID: text("inspection"), kind: InspectionItemKind(rawValue: text("kind")), number: number ?? 0,
          text: text("text"), status: optional("status").map(InspectionItemStatus.init(rawValue:)) ?? .underReview,
          response: text("response")))
    case .correspondence:
      return .correspondence(
        Correspondence(
          id: text("id"), receivedOn: requiredDay("received_on"),
          subject: CorrespondenceSubject(rawValue: text("subject")),
          area: text("area"), channel: CorrespondenceChannel(rawValue: text("channel")),
          status: optional("status").map(CorrespondenceStatus.init(rawValue:)) ?? .open))
    case .reach:
      let value = integer("value")
      if value == nil && optional("value") == nil { fail("value", "is required") }
      return .reach(
        ReachMeasurement(
          metric: ReachMetric(rawValue: text("metric")), periodStart: day("period_start"), asOf: requiredDay("as_of"),
          value: Int64(value ?? 0)))
    }
  }
}
