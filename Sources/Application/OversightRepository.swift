public import Foundation
public import Model
public import Stores
import Sync

/// The office's oversight records (funding, holding to account, indicators, inspections,
/// correspondence, reach) and the Panel report's inputs.
///
/// Every write goes through ``store(_:dryRun:by:)``: one transaction that checks each record
/// (its own rules, then those that need other records: the plan element, the fund and its
/// total, the indicator, the inspection, the configured areas), stores it, and appends an
/// audit entry with digests of the record before and after, exactly as the governance writes
/// do. A batch with any bad record stores nothing and names every one.
public struct OversightRepository: Sendable {
  public let database: any ServerStore
  /// The server's clock.
  public let now: @Sendable () -> Date
  /// The office's time zone: "today" for the future-date rule.
  public let timeZone: TimeZone

  public init(
    database: any ServerStore, now: @escaping @Sendable () -> Date = Date.init,
    timeZone: TimeZone = TimeZone(identifier: "Europe/London") ?? .current
  ) {
    self.database = database
    self.now = now
    self.timeZone = timeZone
  }

  public var today: LocalDate { LocalDate(now(), in: timeZone) }

  /// What a batch did (or, for a dry run, would do).
  public struct StoreSummary: Sendable, Hashable {
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    /// The records as stored (with assigned ids), in the batch's order.
    public var records: [OversightRecord] = []
  }

  // MARK: - Writes

  /// Stores one record and returns it as stored (with its assigned id, if it had none).
  public func store(_ record: OversightRecord, by caller: Caller) async throws -> OversightRecord {
    try caller.requireIdentified()
    let summary = try await store([(nil, record)], dryRun: false, by: caller)
    return summary.records.first ?? record
  }

  /// Stores a CSV file of one kind, all or nothing; errors name `line N, field`.
  public func importCSV(_ text: String, kind: OversightKind, dryRun: Bool, by caller: Caller) async throws
    -> StoreSummary
  {
    try caller.requireIdentified()
    let (rows, unreadable) = try OversightCSV.read(text, kind: kind)
    return try await store(rows.map { ($0.line, $0.record) }, dryRun: dryRun, by: caller, alsoRefusing: unreadable)
  }

  /// Creates or updates records in one transaction. `line`, when given, prefixes each
  /// violation's field (`line 4, amount`). With `dryRun`, nothing is kept.
  public func store(
    _ batch: [(line: Int?, record: OversightRecord)], dryRun: Bool, by caller: Caller,
    alsoRefusing earlier: [ValidationError.Violation] = []
  ) async throws -> StoreSummary {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    let today = self.today
    return try await database.write { db in
      var summary = StoreSummary()
      try db.inSavepoint {
        let elements = Set(try db.elements().map(\.id))
        // No areas stored yet: any well-formed code, as for engagements.
        let stored = try db.areas().map(\.code)
        let areas: Set<String>? = stored.isEmpty ? nil : Set(stored)
        let subjects = try db.forceProfile().correspondenceSubjects.map(\.code)
        var violations: [ValidationError.Violation] = []
        for (line, record) in batch {
          do {
            let (stored, outcome) = try storeOne(
              record, elements: elements, areas: areas, subjects: subjects, today: today, time: time, caller: caller,
              db)
            summary.records.append(stored)
            switch outcome {
            case .created: summary.created += 1
            case .updated: summary.updated += 1
            case .unchanged: summary.unchanged += 1
            }
          } catch let error as ValidationError {
            let prefix = line.map { "line \($0), " } ?? ""
            violations += error.violations.map { .init(field: prefix + $0.field, rule: $0.rule) }
          }
        }
        violations += earlier
        if !violations.isEmpty {
          // By line, then as found: each line's problems read together.
          func line(_ v: ValidationError.Violation) -> Int {
            v.field.hasPrefix("line ") ? Int(v.field.dropFirst(5).prefix { $0.isNumber }) ?? 0 : 0
          }
          let ordered = violations.enumerated().sorted { (line($0.element), $0.offset) < (line($1.element), $1.offset) }
          throw ValidationError(violations: ordered.map(\.element))
        }
        return dryRun ? .rollback : .commit
      }
      return summary
    }
  }

  private enum Outcome { case created, updated, unchanged }

  private func storeOne(
    _ record: OversightRecord, elements: Set<String>, areas: Set<String>?, subjects: [String], today: LocalDate,
    time: Date, caller: Caller,
    _ db: any ServerTransaction
  ) throws -> (OversightRecord, Outcome) {
    var v = ViolationCollector()
    func checkElement(_ id: String?) {
      if let id, !elements.contains(id) { v.fail("element", "no plan element \"\(id)\"") }
    }
    func notFuture(_ day: LocalDate?, _ field: String) {
      if let day, day > today { v.fail(field, "must not be in the future (got \(day), today is \(today))") }
    }
    switch record {
    case .fund(let fund):
      v.absorb { () throws(ValidationError) in try fund.validate() }
      checkElement(fund.elementID)
      let before = try db.fund(id: fund.id)
      let committed = try db.committedPence(fundID: fund.id)
      if fund.totalPence < committed {
        v.fail(
          "total",
          "must be at least the \(Money.format(pence: committed)) already committed from fund \(fund.id) (got \(Money.format(pence: fund.totalPence)))"
        )
      }
      try v.throwIfAny()
      return (.fund(fund), try write("fund", fund.id, before, fund, time, caller, db) { try db.saveFund(fund) })

    case .award(var award):
      if award.id.isEmpty { award.id = try db.nextOversightID(table: .award) }
      v.absorb { () throws(ValidationError) in try award.validate() }
      checkElement(award.elementID)
      if let fundID = award.fundID {
        if let fund = try db.fund(id: fundID) {
          let others = try db.awards(fundID: fundID)
          do throws(ValidationError) {
            try award.checkCommitment(fund: fund, others: others)
          } catch {
            for violation in error.violations { v.fail(violation.field, violation.rule) }
          }
        } else {
          v.fail("fund", "no fund \"\(fundID)\"")
        }
      }
      try v.throwIfAny()
      let before = try db.award(id: award.id)
      return (.award(award), try write("award", award.id, before, award, time, caller, db) { try db.saveAward(award) })

    case .bid(var bid):
      if bid.id.isEmpty { bid.id = try db.nextOversightID(table: .bid) }
      v.absorb { () throws(ValidationError) in try bid.validate() }
      checkElement(bid.elementID)
      notFuture(bid.submittedOn, "submitted_on")
      notFuture(bid.decidedOn, "decided_on")
      try v.throwIfAny()
      let before = try db.bid(id: bid.id)
      return (.bid(bid), try write("bid", bid.id, before, bid, time, caller, db) { try db.saveBid(bid) })

    case .scrutiny(var meeting):
      if meeting.id.isEmpty { meeting.id = try db.nextOversightID(table: .scrutinyMeeting) }
      v.absorb { () throws(ValidationError) in try meeting.validate() }
      if meeting.date > today && !meeting.findings.isEmpty {
        v.fail("findings", "a meeting still to be held (\(meeting.date)) has no findings yet")
      }
      try v.throwIfAny()
      let before = try db.scrutinyMeeting(id: meeting.id)
      return (
        .scrutiny(meeting),
        try write("scrutiny_meeting", meeting.id, before, meeting, time, caller, db) {
          try db.saveScrutinyMeeting(meeting)
        }
      )

    case .indicator(let indicator):
      v.absorb { () throws(ValidationError) in try indicator.validate() }
      checkElement(indicator.elementID)
      let before = try db.indicator(id: indicator.id)
      if let before, before.survey != indicator.survey || before.unit != indicator.unit,
        !(try db.measurements(indicatorID: indicator.id).isEmpty)
      {
        v.fail("unit", "the unit and survey of an indicator with measurements cannot change (\(indicator.id))")
      }
      try v.throwIfAny()
      return (
        .indicator(indicator),
        try write("indicator", indicator.id, before, indicator, time, caller, db) { try db.saveIndicator(indicator) }
      )

    case .measurement(let measurement):
      let indicator = try db.indicator(id: measurement.indicatorID)
      v.absorb { () throws(ValidationError) in try measurement.validate(for: indicator) }
      notFuture(measurement.periodEnd, "period_end")
      try v.throwIfAny()
      let before = try db.measurement(indicatorID: measurement.indicatorID, periodEnd: measurement.periodEnd)
      return (
        .measurement(measurement),
        try write("measurement", measurement.id, before, measurement, time, caller, db) {
          try db.saveMeasurement(measurement)
        }
      )

    case .inspection(let inspection):
      v.absorb { () throws(ValidationError) in try inspection.validate() }
      notFuture(inspection.publishedOn, "published_on")
      notFuture(inspection.responseSentOn, "response_sent_on")
      try v.throwIfAny()
      let before = try db.inspection(id: inspection.id)
      return (
        .inspection(inspection),
        try write("inspection", inspection.id, before, inspection, time, caller, db) {
          try db.saveInspection(inspection)
        }
      )

    case .inspectionItem(let item):
      v.absorb { () throws(ValidationError) in try item.validate() }
      if try db.inspection(id: item.inspectionID) == nil {
        v.fail("inspection", "no inspection \"\(item.inspectionID)\"")
      }
      try v.throwIfAny()
      let before = try db.inspectionItem(inspectionID: item.inspectionID, kind: item.kind, number: item.number)
      return (
        .inspectionItem(item),
        try write("inspection_item", item.id, before, item, time, caller, db) { try db.saveInspectionItem(item) }
      )

    case .correspondence(var item):
      if item.id.isEmpty { item.id = try db.nextOversightID(table: .correspondence) }
      v.absorb { () throws(ValidationError) in try item.validate(areas: areas, subjects: subjects) }
      notFuture(item.receivedOn, "received_on")
      try v.throwIfAny()
      let before = try db.correspondence(id: item.id)
      return (
        .correspondence(item),
        try write("correspondence", item.id, before, item, time, caller, db) { try db.saveCorrespondence(item) }
      )

    case .reach(let figure):
      v.absorb { () throws(ValidationError) in try figure.validate() }
      notFuture(figure.asOf, "as_of")
      try v.throwIfAny()
      let before = try db.reachMeasurement(metric: figure.metric, asOf: figure.asOf)
      return (
        .reach(figure), try write("reach", figure.id, before, figure, time, caller, db) { try db.saveReach(figure) }
      )
    }
  }

  /// Saves a record that differs from what is stored, with its audit entry.
  private func write<T: Encodable & Equatable>(
    _ type: String, _ id: String, _ before: T?, _ after: T, _ time: Date, _ caller: Caller, _ db: any ServerTransaction,
    save: () throws -> Void
  ) throws -> Outcome {
    if before == after { return .unchanged }
    try save()
    try db.appendAudit(
      AuditEntry(
        at: time, actor: caller.user, deviceID: caller.deviceID, rpc: caller.rpc, entityType: type, entityID: id,
        beforeDigest: try AuditEntry.digest(of: before), afterDigest: try AuditEntry.digest(of: after)))
    return before == nil ? .created : .updated
  }

  // MARK: - Reads

  /// Funds with what is committed from each, awards and bids.
  public func funding() async throws -> (funds: [FundPosition], awards: [Award], bids: [Bid]) {
    try await database.read { db in
      let funds = try db.funds().map { FundPosition(fund: $0, committedPence: try db.committedPence(fundID: $0.id)) }
      return (funds, try db.awards(), try db.bids())
    }
  }

  /// Every indicator assessed on its measurements up to `asOf` (today when `nil`).
  public func assessments(asOf: LocalDate?, trendPeriods: Int) async throws -> [IndicatorAssessment] {
    let day = asOf ?? today
    return try await database.read { db in try db.assessments(asOf: day, trendPeriods: trendPeriods) }
  }

  /// What the Panel report for `from` to `to` is built from.
  public func panelInputs(from: LocalDate, to: LocalDate, trendPeriods: Int = 3) async throws -> PanelInputs {
    let window = try PanelWindow(from: from, to: to)
    return try await database.read { db in try db.panelInputs(window, trendPeriods: trendPeriods) }
  }
}
