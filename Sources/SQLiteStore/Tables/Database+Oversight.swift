import Foundation
public import GRDB
public import Model
public import Stores

/// The server's oversight records: funds, awards, bids, holding-to-account meetings,
/// indicators and their measurements, inspections, correspondence and reach figures.
///
/// Writes here store rows only; validation, the over-commitment rule and the audit entry
/// are the repository's, in the same transaction.
extension Database {
  // MARK: - Writes

  public func saveFund(_ f: Fund) throws {
    try execute(
      sql: """
        INSERT INTO fund (id, name, total_pence, start_date, end_date, source, announced_on, element_id, purpose)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET name = excluded.name, total_pence = excluded.total_pence,
          start_date = excluded.start_date, end_date = excluded.end_date, source = excluded.source,
          announced_on = excluded.announced_on, element_id = excluded.element_id, purpose = excluded.purpose
        """,
      arguments: [
        f.id, f.name, f.totalPence, f.startDate.description, f.endDate.description, f.source,
        f.announcedOn?.description, f.elementID, f.purpose,
      ])
  }

  public func saveAward(_ a: Award) throws {
    try execute(
      sql: """
        INSERT INTO award (id, fund_id, recipient, amount_pence, date, purpose, element_id, status, override_reason)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET fund_id = excluded.fund_id, recipient = excluded.recipient,
          amount_pence = excluded.amount_pence, date = excluded.date, purpose = excluded.purpose,
          element_id = excluded.element_id, status = excluded.status, override_reason = excluded.override_reason
        """,
      arguments: [
        a.id, a.fundID, a.recipient, a.amountPence, a.date.description, a.purpose, a.elementID, a.status.rawValue,
        a.overrideReason,
      ])
  }

  public func saveBid(_ b: Bid) throws {
    try execute(
      sql: """
        INSERT INTO bid (id, funder, amount_pence, period_start, period_end, submitted_on, status, decided_on, purpose, element_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET funder = excluded.funder, amount_pence = excluded.amount_pence,
          period_start = excluded.period_start, period_end = excluded.period_end, submitted_on = excluded.submitted_on,
          status = excluded.status, decided_on = excluded.decided_on, purpose = excluded.purpose,
          element_id = excluded.element_id
        """,
      arguments: [
        b.id, b.funder, b.amountPence, b.periodStart?.description, b.periodEnd?.description, b.submittedOn?.description,
        b.status.rawValue, b.decidedOn?.description, b.purpose, b.elementID,
      ])
  }

  public func saveScrutinyMeeting(_ m: ScrutinyMeeting) throws {
    try execute(
      sql: """
        INSERT INTO scrutiny_meeting (id, kind, topic, date, findings, actions, notes) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, topic = excluded.topic, date = excluded.date,
          findings = excluded.findings, actions = excluded.actions, notes = excluded.notes
        """,
      arguments: [
        m.id, m.kind.rawValue, m.topic, m.date.description, try JSONText.encode(m.findings),
        try JSONText.encode(m.actions), m.notes,
      ])
  }

  public func saveIndicator(_ i: Indicator) throws {
    try execute(
      sql: """
        INSERT INTO indicator (id, name, unit, better, target, comparator, comparator_label, frequency, source, survey, element_id,
          baseline_period_end)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET name = excluded.name, unit = excluded.unit, better = excluded.better,
          target = excluded.target, comparator = excluded.comparator, comparator_label = excluded.comparator_label,
          frequency = excluded.frequency, source = excluded.source, survey = excluded.survey, element_id = excluded.element_id,
          baseline_period_end = excluded.baseline_period_end
        """,
      arguments: [
        i.id, i.name, i.unit.rawValue, i.better.rawValue, i.target, i.comparator, i.comparatorLabel,
        i.frequency.rawValue,
        i.source, i.survey, i.elementID, i.baselinePeriodEnd?.description,
      ])
  }

  public func saveMeasurement(_ m: IndicatorMeasurement) throws {
    try execute(
      sql: """
        INSERT INTO measurement (indicator_id, period_end, period_start, value, sample_size, rank, rank_of)
          VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(indicator_id, period_end) DO UPDATE SET period_start = excluded.period_start,
          value = excluded.value, sample_size = excluded.sample_size, rank = excluded.rank, rank_of = excluded.rank_of
        """,
      arguments: [
        m.indicatorID, m.periodEnd.description, m.periodStart.description, m.value, m.sampleSize, m.rank, m.rankOf,
      ])
  }

  public func saveInspection(_ i: Inspection) throws {
    try execute(
      sql: """
        INSERT INTO inspection (id, title, published_on, scope, summary, response_sent_on, response_sent_to)
          VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET title = excluded.title, published_on = excluded.published_on,
          scope = excluded.scope, summary = excluded.summary, response_sent_on = excluded.response_sent_on,
          response_sent_to = excluded.response_sent_to
        """,
      arguments: [
        i.id, i.title, i.publishedOn.description, i.scope.rawValue, i.summary, i.responseSentOn?.description,
        i.responseSentTo,
      ])
  }

  public func saveInspectionItem(_ i: InspectionItem) throws {
    try execute(
      sql: """
        INSERT INTO inspection_item (inspection_id, kind, number, text, status, response) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(inspection_id, kind, number) DO UPDATE SET text = excluded.text, status = excluded.status,
          response = excluded.response
        """,
      arguments: [i.inspectionID, i.kind.rawValue, i.number, i.text, i.status.rawValue, i.response])
  }

  public func saveCorrespondence(_ c: Correspondence) throws {
    try execute(
      sql: """
        INSERT INTO correspondence (id, received_on, subject, area, channel, status) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET received_on = excluded.received_on, subject = excluded.subject,
          area = excluded.area, channel = excluded.channel, status = excluded.status
        """,
      arguments: [c.id, c.receivedOn.description, c.subject.rawValue, c.area, c.channel.rawValue, c.status.rawValue])
  }

  public func saveReach(_ r: ReachMeasurement) throws {
    try execute(
      sql: """
        INSERT INTO reach_measurement (metric, as_of, period_start, value) VALUES (?, ?, ?, ?)
        ON CONFLICT(metric, as_of) DO UPDATE SET period_start = excluded.period_start, value = excluded.value
        """,
      arguments: [r.metric.rawValue, r.asOf.description, r.periodStart?.description, r.value])
  }

  /// The next free assigned id of a table: `prefix` and one more than the largest number
  /// already used after it (`AW3` after `AW1` and `AW2`).
  public func nextOversightID(table: OversightIDTable) throws -> String {
    let prefix = table.prefix
    let highest =
      try Int.fetchOne(
        self,
        sql: "SELECT MAX(CAST(SUBSTR(id, ?) AS INTEGER)) FROM \(table.rawValue) WHERE id GLOB ?",
        arguments: [prefix.count + 1, prefix + "[0-9]*"]) ?? 0
    return "\(prefix)\(highest + 1)"
  }

  // MARK: - Reads

  public func fund(id: String) throws -> Fund? {
    try Row.fetchOne(self, sql: "SELECT * FROM fund WHERE id = ?", arguments: [id]).map(Fund.init(row:))
  }

  public func funds() throws -> [Fund] {
    try Row.fetchAll(self, sql: "SELECT * FROM fund ORDER BY start_date, id").map(Fund.init(row:))
  }

  public func award(id: String) throws -> Award? {
    try Row.fetchOne(self, sql: "SELECT * FROM award WHERE id = ?", arguments: [id]).map(Award.init(row:))
  }

  /// Awards, oldest first, optionally of one fund.
  public func awards(fundID: String? = nil) throws -> [Award] {
    if let fundID {
      return try Row.fetchAll(self, sql: "SELECT * FROM award WHERE fund_id = ? ORDER BY date, id", arguments: [fundID])
        .map(Award.init(row:))
    }
    return try Row.fetchAll(self, sql: "SELECT * FROM award ORDER BY date, id").map(Award.init(row:))
  }

  /// What is committed from a fund by its awards.
  public func committedPence(fundID: String) throws -> Int64 {
    try Int64.fetchOne(
      self, sql: "SELECT COALESCE(SUM(amount_pence), 0) FROM award WHERE fund_id = ?", arguments: [fundID])
      ?? 0
  }

  public func bid(id: String) throws -> Bid? {
    try Row.fetchOne(self, sql: "SELECT * FROM bid WHERE id = ?", arguments: [id]).map(Bid.init(row:))
  }

  public func bids() throws -> [Bid] {
    try Row.fetchAll(self, sql: "SELECT * FROM bid ORDER BY COALESCE(submitted_on, '9999'), id").map(Bid.init(row:))
  }

  public func scrutinyMeeting(id: String) throws -> ScrutinyMeeting? {
    try Row.fetchOne(self, sql: "SELECT * FROM scrutiny_meeting WHERE id = ?", arguments: [id]).map(
      ScrutinyMeeting.init(row:))
  }

  /// Holding-to-account meetings, oldest first, optionally from and to a day.
  public func scrutinyMeetings(from: LocalDate? = nil, to: LocalDate? = nil) throws -> [ScrutinyMeeting] {
    try Row.fetchAll(
      self, sql: "SELECT * FROM scrutiny_meeting WHERE date BETWEEN ? AND ? ORDER BY date, id",
      arguments: [from?.description ?? "0000", to?.description ?? "9999"]
    ).map(ScrutinyMeeting.init(row:))
  }

  public func indicator(id: String) throws -> Indicator? {
    try Row.fetchOne(self, sql: "SELECT * FROM indicator WHERE id = ?", arguments: [id]).map(Indicator.init(row:))
  }

  /// Indicators in the order they were first defined (the order the report lists them in).
  public func indicators() throws -> [Indicator] {
    try Row.fetchAll(self, sql: "SELECT * FROM indicator ORDER BY rowid").map(Indicator.init(row:))
  }

  public func measurement(indicatorID: String, periodEnd: LocalDate) throws -> IndicatorMeasurement? {
    try Row.fetchOne(
      self, sql: "SELECT * FROM measurement WHERE indicator_id = ? AND period_end = ?",
      arguments: [indicatorID, periodEnd.description]
    ).map(IndicatorMeasurement.init(row:))
  }

  /// Measurements, oldest first, optionally of one indicator.
  public func measurements(indicatorID: String? = nil) throws -> [IndicatorMeasurement] {
    if let indicatorID {
      return try Row.fetchAll(
        self, sql: "SELECT * FROM measurement WHERE indicator_id = ? ORDER BY period_end", arguments: [indicatorID]
      ).map(IndicatorMeasurement.init(row:))
    }
    return try Row.fetchAll(self, sql: "SELECT * FROM measurement ORDER BY indicator_id, period_end").map(
      IndicatorMeasurement.init(row:))
  }

  /// Every indicator assessed on its measurements up to `asOf`.
  public func assessments(asOf: LocalDate?, trendPeriods: Int = 3) throws -> [IndicatorAssessment] {
    let byIndicator = Dictionary(grouping: try measurements(), by: \.indicatorID)
    return try indicators().map {
      IndicatorAssessment(indicator: $0, measurements: byIndicator[$0.id] ?? [], asOf: asOf, trendPeriods: trendPeriods)
    }
  }

  public func inspection(id: String) throws -> Inspection? {
    try Row.fetchOne(self, sql: "SELECT * FROM inspection WHERE id = ?", arguments: [id]).map(Inspection.init(row:))
  }

  public func inspectionItem(inspectionID: String, kind: InspectionItemKind, number: Int) throws -> InspectionItem? {
    try Row.fetchOne(
      self, sql: "SELECT * FROM inspection_item WHERE inspection_id = ? AND kind = ? AND number = ?",
      arguments: [inspectionID, kind.rawValue, number]
    ).map(InspectionItem.init(row:))
  }

  /// Inspections with their items, newest first, optionally published from and to a day.
  public func inspections(from: LocalDate? = nil, to: LocalDate? = nil) throws -> [InspectionRecord] {
    let inspections = try Row.fetchAll(
      self, sql: "SELECT * FROM inspection WHERE published_on BETWEEN ? AND ? ORDER BY published_on DESC, id",
      arguments: [from?.description ?? "0000", to?.description ?? "9999"]
    ).map(Inspection.init(row:))
    return try inspections.map { inspection in
      InspectionRecord(
        inspection: inspection,
        items: try Row.fetchAll(
          self, sql: "SELECT * FROM inspection_item WHERE inspection_id = ? ORDER BY kind, number",
          arguments: [inspection.id]
        ).map(InspectionItem.init(row:)))
    }
  }

  public func correspondence(id: String) throws -> Correspondence? {
    try Row.fetchOne(self, sql: "SELECT * FROM correspondence WHERE id = ?", arguments: [id]).map(
      Correspondence.init(row:))
  }

  /// Correspondence received from and to a day, counted by subject and by area.
  public func correspondenceTotals(from: LocalDate, to: LocalDate) throws -> CorrespondenceTotals {
    let arguments: StatementArguments = [from.description, to.description]
    func counts(_ column: String) throws -> [CorrespondenceTotals.Count] {
      try Row.fetchAll(
        self,
        sql: """
          SELECT \(column) AS code, COUNT(*) AS n FROM correspondence WHERE received_on BETWEEN ? AND ?
          GROUP BY \(column) ORDER BY n DESC, code
          """, arguments: arguments
      ).map { CorrespondenceTotals.Count(code: $0["code"], count: $0["n"]) }
    }
    let total =
      try Int.fetchOne(
        self, sql: "SELECT COUNT(*) FROM correspondence WHERE received_on BETWEEN ? AND ?", arguments: arguments)
      ?? 0
    return CorrespondenceTotals(
      from: from, to: to, total: total, bySubject: try counts("subject"), byArea: try counts("area"))
  }

  public func reachMeasurement(metric: ReachMetric, asOf: LocalDate) throws -> ReachMeasurement? {
    try Row.fetchOne(
      self, sql: "SELECT * FROM reach_measurement WHERE metric = ? AND as_of = ?",
      arguments: [metric.rawValue, asOf.description]
    ).map(ReachMeasurement.init(row:))
  }

  /// Reach figures, oldest first, up to a day.
  public func reachMeasurements(to: LocalDate? = nil) throws -> [ReachMeasurement] {
    try Row.fetchAll(
      self, sql: "SELECT * FROM reach_measurement WHERE as_of <= ? ORDER BY as_of, metric",
      arguments: [to?.description ?? "9999"]
    ).map(ReachMeasurement.init(row:))
  }

  // MARK: - The Panel report

  /// Everything the Panel report for `window` is built from, read in one transaction.
  public func panelInputs(_ window: PanelWindow, trendPeriods: Int = 3) throws -> PanelInputs {
    let from = window.from.description
    let to = window.to.description
    let updates = try Row.fetchAll(
      self,
      sql: "SELECT * FROM progress_update WHERE for_panel = 1 AND date BETWEEN ? AND ? ORDER BY date, recorded_at_ms",
      arguments: [from, to]
    ).map(ProgressUpdate.init(row:))
    let links = updates.flatMap(\.links)
    func linked(_ type: String) -> Set<String> {
      Set(links.filter { $0.hasPrefix(type + ":") }.map { String($0.dropFirst(type.count + 1)) })
    }
    let linkedAwards = linked("award")
    let linkedBids = linked("bid")
    let awards = try self.awards().filter {
      (window.from...window.to).contains($0.date) || linkedAwards.contains($0.id)
    }
    let bids = try self.bids().filter { bid in
      let days = [bid.submittedOn, bid.decidedOn].compactMap { $0 }
      return days.contains { (window.from...window.to).contains($0) } || linkedBids.contains(bid.id)
    }
    let funds = try self.funds().map { FundPosition(fund: $0, committedPence: try committedPence(fundID: $0.id)) }
    let meetingDates = try String.fetchAll(
      self, sql: "SELECT date FROM meeting WHERE date BETWEEN ? AND ? ORDER BY date", arguments: [from, to]
    ).compactMap(LocalDate.init)
    let engagements = try engagementSummary(
      matching: EngagementQuery(from: window.quarterStart, to: window.quarterEnd))
    var inputs = PanelInputs(
      window: window, objectives: try objectives(), elements: try elements(), updates: updates, funds: funds,
      awards: awards, bids: bids, governanceMeetingDates: meetingDates, engagements: engagements,
      correspondence: try correspondenceTotals(from: window.from, to: window.to),
      reach: try reachMeasurements(to: window.to),
      scrutiny: try scrutinyMeetings(from: window.lookBack, to: window.upcomingUntil),
      assessments: try assessments(asOf: window.to, trendPeriods: trendPeriods),
      inspections: try inspections(from: window.lookBack, to: window.inspectionsUntil),
      areaNames: Dictionary(try areas().map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first }),
      responses: try Row.fetchAll(
        self,
        sql:
          "SELECT * FROM inspection WHERE response_sent_on BETWEEN ? AND ? ORDER BY response_sent_on, published_on, id",
        arguments: [window.lookBack.description, window.inspectionsUntil.description]
      ).map(Inspection.init(row:)))
    inputs.profile = try forceProfile()
    return inputs
  }
}

// MARK: - Rows

private func day(_ row: Row, _ column: String) -> LocalDate? {
  (row[column] as String?).flatMap(LocalDate.init)
}

extension Fund {
  init(row: Row) throws {
    self.init(
      id: row["id"], name: row["name"], totalPence: row["total_pence"],
      startDate: try row.day("start_date", table: "fund"),
      endDate: try row.day("end_date", table: "fund"), source: row["source"], announcedOn: day(row, "announced_on"),
      elementID: row["element_id"], purpose: row["purpose"])
  }
}

extension Award {
  init(row: Row) throws {
    self.init(
      id: row["id"], fundID: row["fund_id"], recipient: row["recipient"], amountPence: row["amount_pence"],
      date: try row.day("date", table: "award"), elementID: row["element_id"],
      status: AwardStatus(rawValue: row["status"]), overrideReason: row["override_reason"], purpose: row["purpose"])
  }
}

extension Bid {
  init(row: Row) {
    self.init(
      id: row["id"], funder: row["funder"], amountPence: row["amount_pence"], periodStart: day(row, "period_start"),
      periodEnd: day(row, "period_end"), submittedOn: day(row, "submitted_on"),
      status: BidStatus(rawValue: row["status"]),
      decidedOn: day(row, "decided_on"), purpose: row["purpose"], elementID: row["element_id"])
  }
}

extension ScrutinyMeeting {
  init(row: Row) throws {
    self.init(
      id: row["id"], kind: ScrutinyKind(rawValue: row["kind"]), topic: row["topic"],
      date: try row.day("date", table: "scrutiny_meeting"),
      findings: JSONText.list(row["findings"]), actions: JSONText.list(row["actions"]), notes: row["notes"])
  }
}

extension Indicator {
  init(row: Row) {
    self.init(
      id: row["id"], name: row["name"], unit: IndicatorUnit(rawValue: row["unit"]),
      better: IndicatorPolarity(rawValue: row["better"]), target: row["target"], comparator: row["comparator"],
      comparatorLabel: row["comparator_label"], frequency: IndicatorFrequency(rawValue: row["frequency"]),
      source: row["source"], survey: row["survey"], elementID: row["element_id"],
      baselinePeriodEnd: (row["baseline_period_end"] as String?).flatMap(LocalDate.init))
  }
}

extension IndicatorMeasurement {
  init(row: Row) throws {
    self.init(
      indicatorID: row["indicator_id"], periodStart: try row.day("period_start", table: "measurement"),
      periodEnd: try row.day("period_end", table: "measurement"), value: row["value"], sampleSize: row["sample_size"],
      rank: row["rank"],
      rankOf: row["rank_of"])
  }
}

extension Inspection {
  init(row: Row) throws {
    self.init(
      id: row["id"], title: row["title"], publishedOn: try row.day("published_on", table: "inspection"),
      scope: InspectionScope(rawValue: row["scope"]), summary: row["summary"],
      responseSentOn: (row["response_sent_on"] as String?).flatMap(LocalDate.init),
      responseSentTo: row["response_sent_to"])
  }
}

extension InspectionItem {
  init(row: Row) {
    self.init(
      inspectionID: row["inspection_id"], kind: InspectionItemKind(rawValue: row["kind"]), number: row["number"],
      text: row["text"], status: InspectionItemStatus(rawValue: row["status"]), response: row["response"])
  }
}

extension Correspondence {
  init(row: Row) throws {
    self.init(
      id: row["id"], receivedOn: try row.day("received_on", table: "correspondence"),
      subject: CorrespondenceSubject(rawValue: row["subject"]),
      area: row["area"], channel: CorrespondenceChannel(rawValue: row["channel"]),
      status: CorrespondenceStatus(rawValue: row["status"]))
  }
}

extension ReachMeasurement {
  init(row: Row) throws {
    self.init(
      metric: ReachMetric(rawValue: row["metric"]), periodStart: day(row, "period_start"),
      asOf: try row.day("as_of", table: "reach_measurement"),
      value: row["value"])
  }
}
