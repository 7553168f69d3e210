import Foundation
import Model
import PostgresNIO
import Stores

/// The server's oversight records: funds, awards, bids, holding-to-account meetings,
/// indicators and their measurements, inspections, correspondence and reach figures.
///
/// Writes here store rows only; validation, the over-commitment rule and the audit entry
/// are the repository's, in the same transaction.
extension PostgresServerTransaction: OversightStore {
  // MARK: - Writes

  func saveFund(_ f: Fund) throws {
    try session.execute(
      """
      INSERT INTO fund (id, name, total_pence, start_date, end_date, source, announced_on, element_id, purpose)
      VALUES (\(f.id), \(f.name), \(f.totalPence), \(f.startDate.description), \(f.endDate.description), \(f.source),
        \(f.announcedOn?.description), \(f.elementID), \(f.purpose))
      ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, total_pence = EXCLUDED.total_pence,
        start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date, source = EXCLUDED.source,
        announced_on = EXCLUDED.announced_on, element_id = EXCLUDED.element_id, purpose = EXCLUDED.purpose
      """)
  }

  func saveAward(_ a: Award) throws {
    try session.execute(
      """
      INSERT INTO award (id, fund_id, recipient, amount_pence, date, purpose, element_id, status, override_reason)
      VALUES (\(a.id), \(a.fundID), \(a.recipient), \(a.amountPence), \(a.date.description), \(a.purpose),
        \(a.elementID), \(a.status.rawValue), \(a.overrideReason))
      ON CONFLICT (id) DO UPDATE SET fund_id = EXCLUDED.fund_id, recipient = EXCLUDED.recipient,
        amount_pence = EXCLUDED.amount_pence, date = EXCLUDED.date, purpose = EXCLUDED.purpose,
        element_id = EXCLUDED.element_id, status = EXCLUDED.status, override_reason = EXCLUDED.override_reason
      """)
  }

  func saveBid(_ b: Bid) throws {
    try session.execute(
      """
      INSERT INTO bid (id, funder, amount_pence, period_start, period_end, submitted_on, status, decided_on, purpose,
        element_id)
      VALUES (\(b.id), \(b.funder), \(b.amountPence), \(b.periodStart?.description), \(b.periodEnd?.description),
        \(b.submittedOn?.description), \(b.status.rawValue), \(b.decidedOn?.description), \(b.purpose), \(b.elementID))
      ON CONFLICT (id) DO UPDATE SET funder = EXCLUDED.funder, amount_pence = EXCLUDED.amount_pence,
        period_start = EXCLUDED.period_start, period_end = EXCLUDED.period_end, submitted_on = EXCLUDED.submitted_on,
        status = EXCLUDED.status, decided_on = EXCLUDED.decided_on, purpose = EXCLUDED.purpose,
        element_id = EXCLUDED.element_id
      """)
  }

  func saveScrutinyMeeting(_ m: ScrutinyMeeting) throws {
    try session.execute(
      """
      INSERT INTO scrutiny_meeting (id, kind, topic, date, findings, actions, notes)
      VALUES (\(m.id), \(m.kind.rawValue), \(m.topic), \(m.date.description), \(try JSONText.encode(m.findings)),
        \(try JSONText.encode(m.actions)), \(m.notes))
      ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, topic = EXCLUDED.topic, date = EXCLUDED.date,
        findings = EXCLUDED.findings, actions = EXCLUDED.actions, notes = EXCLUDED.notes
      """)
  }

  /// An indicator keeps its place in the list (`seq`) when it is saved again.
  func saveIndicator(_ i: Indicator) throws {
    try session.execute(
      """
      INSERT INTO indicator (id, name, unit, better, target, comparator, comparator_label, frequency, source, survey,
        element_id, baseline_period_end)
      VALUES (\(i.id), \(i.name), \(i.unit.rawValue), \(i.better.rawValue), \(i.target), \(i.comparator),
        \(i.comparatorLabel), \(i.frequency.rawValue), \(i.source), \(i.survey), \(i.elementID),
        \(i.baselinePeriodEnd?.description))
      ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, unit = EXCLUDED.unit, better = EXCLUDED.better,
        target = EXCLUDED.target, comparator = EXCLUDED.comparator, comparator_label = EXCLUDED.comparator_label,
        frequency = EXCLUDED.frequency, source = EXCLUDED.source, survey = EXCLUDED.survey,
        element_id = EXCLUDED.element_id, baseline_period_end = EXCLUDED.baseline_period_end
      """)
  }

  func saveMeasurement(_ m: IndicatorMeasurement) throws {
    try session.execute(
      """
      INSERT INTO measurement (indicator_id, period_end, period_start, value, sample_size, rank, rank_of)
      VALUES (\(m.indicatorID), \(m.periodEnd.description), \(m.periodStart.description), \(m.value),
        \(m.sampleSize), \(m.rank), \(m.rankOf))
      ON CONFLICT (indicator_id, period_end) DO UPDATE SET period_start = EXCLUDED.period_start,
        value = EXCLUDED.value, sample_size = EXCLUDED.sample_size, rank = EXCLUDED.rank, rank_of = EXCLUDED.rank_of
      """)
  }

  func saveInspection(_ i: Inspection) throws {
    try session.execute(
      """
      INSERT INTO inspection (id, title, published_on, scope, summary, response_sent_on, response_sent_to)
      VALUES (\(i.id), \(i.title), \(i.publishedOn.description), \(i.scope.rawValue), \(i.summary),
        \(i.responseSentOn?.description), \(i.responseSentTo))
      ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, published_on = EXCLUDED.published_on,
        scope = EXCLUDED.scope, summary = EXCLUDED.summary, response_sent_on = EXCLUDED.response_sent_on,
        response_sent_to = EXCLUDED.response_sent_to
      """)
  }

  func saveInspectionItem(_ i: InspectionItem) throws {
    try session.execute(
      """
      INSERT INTO inspection_item (inspection_id, kind, number, text, status, response)
      VALUES (\(i.inspectionID), \(i.kind.rawValue), \(i.number), \(i.text), \(i.status.rawValue), \(i.response))
      ON CONFLICT (inspection_id, kind, number) DO UPDATE SET text = EXCLUDED.text, status = EXCLUDED.status,
        response = EXCLUDED.response
      """)
  }

  func saveCorrespondence(_ c: Correspondence) throws {
    try session.execute(
      """
      INSERT INTO correspondence (id, received_on, subject, area, channel, status)
      VALUES (\(c.id), \(c.receivedOn.description), \(c.subject.rawValue), \(c.area), \(c.channel.rawValue),
        \(c.status.rawValue))
      ON CONFLICT (id) DO UPDATE SET received_on = EXCLUDED.received_on, subject = EXCLUDED.subject,
        area = EXCLUDED.area, channel = EXCLUDED.channel, status = EXCLUDED.status
      """)
  }

  func saveReach(_ r: ReachMeasurement) throws {
    try session.execute(
      """
      INSERT INTO reach_measurement (metric, as_of, period_start, value)
      VALUES (\(r.metric.rawValue), \(r.asOf.description), \(r.periodStart?.description), \(r.value))
      ON CONFLICT (metric, as_of) DO UPDATE SET period_start = EXCLUDED.period_start, value = EXCLUDED.value
      """)
  }

  /// The next free assigned id of a table: `prefix` and one more than the largest number
  /// already used after it (`AW3` after `AW1` and `AW2`).
  ///
  /// As on SQLite, only the digits right after the prefix count (`AW7b` counts as 7), and a
  /// number too large for an integer counts as the largest one.
  func nextOversightID(table: OversightIDTable) throws -> String {
    let prefix = table.prefix
    let highest =
      try session.value(
        """
        SELECT LEAST(COALESCE(MAX(n), 0), 9223372036854775807)::bigint
        FROM (SELECT substring(id FROM \("^" + prefix + "([0-9]+)"))::numeric AS n FROM \(unescaped: table.rawValue))
          AS numbered
        """, as: Int64.self) ?? 0
    return "\(prefix)\(highest + 1)"
  }

  // MARK: - Reads

  func fund(id: String) throws -> Fund? {
    try session.row("SELECT * FROM fund WHERE id = \(id)").map(Fund.init(row:))
  }

  func funds() throws -> [Fund] {
    try session.rows("SELECT * FROM fund ORDER BY start_date, id").map(Fund.init(row:))
  }

  func award(id: String) throws -> Award? {
    try session.row("SELECT * FROM award WHERE id = \(id)").map(Award.init(row:))
  }

  /// Awards, oldest first, optionally of one fund.
  func awards(fundID: String?) throws -> [Award] {
    if let fundID {
      return try session.rows("SELECT * FROM award WHERE fund_id = \(fundID) ORDER BY date, id").map(Award.init(row:))
    }
    return try session.rows("SELECT * FROM award ORDER BY date, id").map(Award.init(row:))
  }

  /// What is committed from a fund by its awards.
  func committedPence(fundID: String) throws -> Int64 {
    try session.value(
      "SELECT COALESCE(SUM(amount_pence), 0)::bigint FROM award WHERE fund_id = \(fundID)", as: Int64.self) ?? 0
  }

  func bid(id: String) throws -> Bid? {
    try session.row("SELECT * FROM bid WHERE id = \(id)").map(Bid.init(row:))
  }

  /// Bids, by the day they were submitted (those not yet submitted last), then id.
  func bids() throws -> [Bid] {
    try session.rows("SELECT * FROM bid ORDER BY COALESCE(submitted_on, '9999'), id").map(Bid.init(row:))
  }

  func scrutinyMeeting(id: String) throws -> ScrutinyMeeting? {
    try session.row("SELECT * FROM scrutiny_meeting WHERE id = \(id)").map(ScrutinyMeeting.init(row:))
  }

  /// Holding-to-account meetings, oldest first, optionally from and to a day.
  func scrutinyMeetings(from: LocalDate?, to: LocalDate?) throws -> [ScrutinyMeeting] {
    try session.rows(
      """
      SELECT * FROM scrutiny_meeting WHERE date BETWEEN \(from?.description ?? "0000") AND \(to?.description ?? "9999")
      ORDER BY date, id
      """
    ).map(ScrutinyMeeting.init(row:))
  }

  func indicator(id: String) throws -> Indicator? {
    try session.row("SELECT * FROM indicator WHERE id = \(id)").map(Indicator.init(row:))
  }

  /// Indicators in the order they were first defined (the order the report lists them in):
  /// `seq` is given once, when the row is first inserted, as SQLite's rowid is.
  func indicators() throws -> [Indicator] {
    try session.rows("SELECT * FROM indicator ORDER BY seq").map(Indicator.init(row:))
  }

  func measurement(indicatorID: String, periodEnd: LocalDate) throws -> IndicatorMeasurement? {
    try session.row(
      "SELECT * FROM measurement WHERE indicator_id = \(indicatorID) AND period_end = \(periodEnd.description)"
    ).map(IndicatorMeasurement.init(row:))
  }

  /// Measurements, oldest first, optionally of one indicator.
  func measurements(indicatorID: String?) throws -> [IndicatorMeasurement] {
    if let indicatorID {
      return try session.rows(
        "SELECT * FROM measurement WHERE indicator_id = \(indicatorID) ORDER BY period_end"
      ).map(IndicatorMeasurement.init(row:))
    }
    return try session.rows("SELECT * FROM measurement ORDER BY indicator_id, period_end").map(
      IndicatorMeasurement.init(row:))
  }

  /// Every indicator assessed on its measurements up to `asOf`.
  func assessments(asOf: LocalDate?, trendPeriods: Int) throws -> [IndicatorAssessment] {
    let byIndicator = Dictionary(grouping: try measurements(indicatorID: nil), by: \.indicatorID)
    return try indicators().map {
      IndicatorAssessment(indicator: $0, measurements: byIndicator[$0.id] ?? [], asOf: asOf, trendPeriods: trendPeriods)
    }
  }

  func inspection(id: String) throws -> Inspection? {
    try session.row("SELECT * FROM inspection WHERE id = \(id)").map(Inspection.init(row:))
  }

  func inspectionItem(inspectionID: String, kind: InspectionItemKind, number: Int) throws -> InspectionItem? {
    try session.row(
      """
      SELECT * FROM inspection_item WHERE inspection_id = \(inspectionID) AND kind = \(kind.rawValue)
        AND number = \(number)
      """
    ).map(InspectionItem.init(row:))
  }

  /// Inspections with their items, newest first, optionally published from and to a day; the
  /// items of them all are read in one statement.
  func inspections(from: LocalDate?, to: LocalDate?) throws -> [InspectionRecord] {
    let inspections = try session.rows(
      """
      SELECT * FROM inspection
      WHERE published_on BETWEEN \(from?.description ?? "0000") AND \(to?.description ?? "9999")
      ORDER BY published_on DESC, id
      """
    ).map(Inspection.init(row:))
    guard !inspections.isEmpty else { return [] }
    let items = Dictionary(
      grouping: try session.rows(
        """
        SELECT * FROM inspection_item WHERE inspection_id = ANY(\(inspections.map(\.id)))
        ORDER BY inspection_id, kind, number
        """
      ).map(InspectionItem.init(row:)), by: \.inspectionID)
    return inspections.map { InspectionRecord(inspection: $0, items: items[$0.id] ?? []) }
  }

  func correspondence(id: String) throws -> Correspondence? {
    try session.row("SELECT * FROM correspondence WHERE id = \(id)").map(Correspondence.init(row:))
  }

  /// Correspondence received from and to a day, counted by subject and by area.
  func correspondenceTotals(from: LocalDate, to: LocalDate) throws -> CorrespondenceTotals {
    let first = from.description
    let last = to.description
    func counts(_ column: String) throws -> [CorrespondenceTotals.Count] {
      try session.rows(
        """
        SELECT \(unescaped: column) AS code, COUNT(*) AS n FROM correspondence
        WHERE received_on BETWEEN \(first) AND \(last)
        GROUP BY \(unescaped: column) ORDER BY n DESC, code
        """
      ).map { CorrespondenceTotals.Count(code: try $0["code"], count: Int(try $0["n"] as Int64)) }
    }
    let total =
      try session.value(
        "SELECT COUNT(*) FROM correspondence WHERE received_on BETWEEN \(first) AND \(last)", as: Int64.self) ?? 0
    return CorrespondenceTotals(
      from: from, to: to, total: Int(total), bySubject: try counts("subject"), byArea: try counts("area"))
  }

  func reachMeasurement(metric: ReachMetric, asOf: LocalDate) throws -> ReachMeasurement? {
    try session.row(
      "SELECT * FROM reach_measurement WHERE metric = \(metric.rawValue) AND as_of = \(asOf.description)"
    ).map(ReachMeasurement.init(row:))
  }

  /// Reach figures, oldest first, up to a day.
  func reachMeasurements(to: LocalDate?) throws -> [ReachMeasurement] {
    try session.rows(
      "SELECT * FROM reach_measurement WHERE as_of <= \(to?.description ?? "9999") ORDER BY as_of, metric"
    ).map(ReachMeasurement.init(row:))
  }

  // MARK: - The Panel report

  /// Everything the Panel report for `window` is built from, read in one transaction.
  func panelInputs(_ window: PanelWindow, trendPeriods: Int) throws -> PanelInputs {
    let from = window.from.description
    let to = window.to.description
    let updates = try session.rows(
      """
      SELECT * FROM progress_update WHERE for_panel AND date BETWEEN \(from) AND \(to)
      ORDER BY date, recorded_at_ms
      """
    ).map(panelUpdate)
    let links = updates.flatMap(\.links)
    func linked(_ type: String) -> Set<String> {
      Set(links.filter { $0.hasPrefix(type + ":") }.map { String($0.dropFirst(type.count + 1)) })
    }
    let linkedAwards = linked("award")
    let linkedBids = linked("bid")
    let awards = try self.awards(fundID: nil).filter {
      (window.from...window.to).contains($0.date) || linkedAwards.contains($0.id)
    }
    let bids = try self.bids().filter { bid in
      let days = [bid.submittedOn, bid.decidedOn].compactMap { $0 }
      return days.contains { (window.from...window.to).contains($0) } || linkedBids.contains(bid.id)
    }
    let funds = try self.funds().map { FundPosition(fund: $0, committedPence: try committedPence(fundID: $0.id)) }
    let meetingDates = try session.rows(
      "SELECT date FROM meeting WHERE date BETWEEN \(from) AND \(to) ORDER BY date"
    ).compactMap { LocalDate(try $0[0] as String) }
    let engagements = try engagementSummary(
      matching: EngagementQuery(from: window.quarterStart, to: window.quarterEnd))
    var inputs = PanelInputs(
      window: window, objectives: try objectives(), elements: try elements(objectiveID: nil), updates: updates,
      funds: funds, awards: awards, bids: bids, governanceMeetingDates: meetingDates, engagements: engagements,
      correspondence: try correspondenceTotals(from: window.from, to: window.to),
      reach: try reachMeasurements(to: window.to),
      scrutiny: try scrutinyMeetings(from: window.lookBack, to: window.upcomingUntil),
      assessments: try assessments(asOf: window.to, trendPeriods: trendPeriods),
      inspections: try inspections(from: window.lookBack, to: window.inspectionsUntil),
      areaNames: Dictionary(try areas().map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first }),
      responses: try session.rows(
        """
        SELECT * FROM inspection
        WHERE response_sent_on BETWEEN \(window.lookBack.description) AND \(window.inspectionsUntil.description)
        ORDER BY response_sent_on, published_on, id
        """
      ).map(Inspection.init(row:)))
    inputs.profile = try forceProfile()
    return inputs
  }
}

// MARK: - Rows

/// An optional day: NULL, or text that is not a day, reads as none (as on SQLite).
private func optionalDay(_ row: Row, _ column: String) throws -> LocalDate? {
  (try row[column] as String?).flatMap(LocalDate.init)
}

/// A progress update of the Panel report, read as the SQLite store reads it: an id that is
/// not a UUID or a date that is not a day is a corrupt row.
private func panelUpdate(_ row: Row) throws -> ProgressUpdate {
  let idText: String? = try row["id"]
  guard let idText, let id = UUID(text: idText) else {
    let shown = idText.map { "\"\(DisplayText.escaped($0))\"" } ?? "NULL"
    throw StorageError(.corrupt, "table progress_update, column id: \(shown) is not a UUID")
  }
  return ProgressUpdate(
    id: id, elementID: try row["element_id"], date: try row.day("date", table: "progress_update"),
    narrative: try row["narrative"], author: try row["author"], status: ElementStatus(rawValue: try row["status"]),
    forPanel: try row["for_panel"], links: JSONText.list(try row["links"]),
    recordedAt: Date(millisecondsSince1970: try row["recorded_at_ms"]))
}

extension Fund {
  init(row: Row) throws {
    self.init(
      id: try row["id"], name: try row["name"], totalPence: try row["total_pence"],
      startDate: try row.day("start_date", table: "fund"),
      endDate: try row.day("end_date", table: "fund"), source: try row["source"],
      announcedOn: try optionalDay(row, "announced_on"), elementID: try row["element_id"],
      purpose: try row["purpose"])
  }
}

extension Award {
  init(row: Row) throws {
    self.init(
      id: try row["id"], fundID: try row["fund_id"], recipient: try row["recipient"],
      amountPence: try row["amount_pence"], date: try row.day("date", table: "award"),
      elementID: try row["element_id"], status: AwardStatus(rawValue: try row["status"]),
      overrideReason: try row["override_reason"], purpose: try row["purpose"])
  }
}

extension Bid {
  init(row: Row) throws {
    self.init(
      id: try row["id"], funder: try row["funder"], amountPence: try row["amount_pence"],
      periodStart: try optionalDay(row, "period_start"), periodEnd: try optionalDay(row, "period_end"),
      submittedOn: try optionalDay(row, "submitted_on"), status: BidStatus(rawValue: try row["status"]),
      decidedOn: try optionalDay(row, "decided_on"), purpose: try row["purpose"], elementID: try row["element_id"])
  }
}

extension ScrutinyMeeting {
  init(row: Row) throws {
    self.init(
      id: try row["id"], kind: ScrutinyKind(rawValue: try row["kind"]), topic: try row["topic"],
      date: try row.day("date", table: "scrutiny_meeting"), findings: JSONText.list(try row["findings"]),
      actions: JSONText.list(try row["actions"]), notes: try row["notes"])
  }
}

extension Indicator {
  init(row: Row) throws {
    self.init(
      id: try row["id"], name: try row["name"], unit: IndicatorUnit(rawValue: try row["unit"]),
      better: IndicatorPolarity(rawValue: try row["better"]), target: try row["target"],
      comparator: try row["comparator"], comparatorLabel: try row["comparator_label"],
      frequency: IndicatorFrequency(rawValue: try row["frequency"]), source: try row["source"],
      survey: try row["survey"], elementID: try row["element_id"],
      baselinePeriodEnd: try optionalDay(row, "baseline_period_end"))
  }
}

extension IndicatorMeasurement {
  init(row: Row) throws {
    self.init(
      indicatorID: try row["indicator_id"], periodStart: try row.day("period_start", table: "measurement"),
      periodEnd: try row.day("period_end", table: "measurement"), value: try row["value"],
      sampleSize: (try row["sample_size"] as Int64?).map(Int.init), rank: (try row["rank"] as Int64?).map(Int.init),
      rankOf: (try row["rank_of"] as Int64?).map(Int.init))
  }
}

extension Inspection {
  init(row: Row) throws {
    self.init(
      id: try row["id"], title: try row["title"],
      publishedOn: try row.day("published_on", table: "inspection"),
      scope: InspectionScope(rawValue: try row["scope"]), summary: try row["summary"],
      responseSentOn: try optionalDay(row, "response_sent_on"), responseSentTo: try row["response_sent_to"])
  }
}

extension InspectionItem {
  init(row: Row) throws {
    self.init(
      inspectionID: try row["inspection_id"], kind: InspectionItemKind(rawValue: try row["kind"]),
      number: Int(try row["number"] as Int64), text: try row["text"],
      status: InspectionItemStatus(rawValue: try row["status"]), response: try row["response"])
  }
}

extension Correspondence {
  init(row: Row) throws {
    self.init(
      id: try row["id"], receivedOn: try row.day("received_on", table: "correspondence"),
      subject: CorrespondenceSubject(rawValue: try row["subject"]), area: try row["area"],
      channel: CorrespondenceChannel(rawValue: try row["channel"]),
      status: CorrespondenceStatus(rawValue: try row["status"]))
  }
}

extension ReachMeasurement {
  init(row: Row) throws {
    self.init(
      metric: ReachMetric(rawValue: try row["metric"]), periodStart: try optionalDay(row, "period_start"),
      asOf: try row.day("as_of", table: "reach_measurement"), value: try row["value"])
  }
}
