import Foundation
public import Model
import SwiftProtobuf

/// Reads days from a message, collecting a violation for each malformed one, so that a
/// request with several bad fields names them all.
public struct DayReader {
  public var violations = ViolationCollector()
  public let prefix: String

  public init(prefix: String = "") { self.prefix = prefix }

  public mutating func optional(_ text: String, _ field: String) -> LocalDate? {
    guard !text.isEmpty else { return nil }
    guard let day = LocalDate(text) else {
      violations.fail(prefix + field, "must be a date YYYY-MM-DD (got \"\(text)\")")
      return nil
    }
    return day
  }

  public mutating func required(_ text: String, _ field: String) -> LocalDate {
    if text.isEmpty { violations.fail(prefix + field, "is required (YYYY-MM-DD)") }
    return optional(text, field) ?? OversightLimits.earliestDate
  }

  public func done() throws(ValidationError) { try violations.throwIfAny() }
}

private func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }

extension Fund {
  public init(proto p: Assure_V1_Fund) throws(ValidationError) {
    var r = DayReader()
    self.init(
      id: p.id, name: p.name, totalPence: p.totalPence, startDate: r.required(p.startDate, "start_date"),
      endDate: r.required(p.endDate, "end_date"), source: p.source,
      announcedOn: r.optional(p.announcedOn, "announced_on"),
      elementID: nonEmpty(p.elementID), purpose: p.purpose)
    try r.done()
  }

  public func proto(committedPence: Int64 = 0) -> Assure_V1_Fund {
    .with {
      $0.id = id
      $0.name = name
      $0.totalPence = totalPence
      $0.startDate = startDate.description
      $0.endDate = endDate.description
      $0.source = source
      $0.announcedOn = announcedOn?.description ?? ""
      $0.elementID = elementID ?? ""
      $0.purpose = purpose
      $0.committedPence = committedPence
    }
  }
}

extension FundPosition {
  /// A fund from the wire with what is committed from it.
  public init(proto p: Assure_V1_Fund) throws(ValidationError) {
    self.init(fund: try Fund(proto: p), committedPence: p.committedPence)
  }

  public var proto: Assure_V1_Fund { fund.proto(committedPence: committedPence) }
}

extension Award {
  public init(proto p: Assure_V1_Award) throws(ValidationError) {
    var r = DayReader()
    self.init(
      id: p.id, fundID: nonEmpty(p.fundID), recipient: p.recipient, amountPence: p.amountPence,
      date: r.required(p.date, "date"), elementID: nonEmpty(p.elementID),
      status: p.status.isEmpty ? .awarded : AwardStatus(rawValue: p.status), overrideReason: nonEmpty(p.overrideReason),
      purpose: p.purpose)
    try r.done()
  }

  public var proto: Assure_V1_Award {
    .with {
      $0.id = id
      $0.fundID = fundID ?? ""
      $0.recipient = recipient
      $0.amountPence = amountPence
      $0.date = date.description
      $0.purpose = purpose
      $0.elementID = elementID ?? ""
      $0.status = status.rawValue
      $0.overrideReason = overrideReason ?? ""
    }
  }
}

extension Bid {
  public init(proto p: Assure_V1_Bid) throws(ValidationError) {
    var r = DayReader()
    self.init(
      id: p.id, funder: p.funder, amountPence: p.amountPence, periodStart: r.optional(p.periodStart, "period_start"),
      periodEnd: r.optional(p.periodEnd, "period_end"), submittedOn: r.optional(p.submittedOn, "submitted_on"),
      status: BidStatus(rawValue: p.status), decidedOn: r.optional(p.decidedOn, "decided_on"), purpose: p.purpose,
      elementID: nonEmpty(p.elementID))
    try r.done()
  }

  public var proto: Assure_V1_Bid {
    .with {
      $0.id = id
      $0.funder = funder
      $0.amountPence = amountPence
      $0.periodStart = periodStart?.description ?? ""
      $0.periodEnd = periodEnd?.description ?? ""
      $0.submittedOn = submittedOn?.description ?? ""
      $0.status = status.rawValue
      $0.decidedOn = decidedOn?.description ?? ""
      $0.purpose = purpose
      $0.elementID = elementID ?? ""
    }
  }
}

extension ScrutinyMeeting {
  public init(proto p: Assure_V1_ScrutinyMeeting) throws(ValidationError) {
    var r = DayReader()
    self.init(
      id: p.id, kind: ScrutinyKind(rawValue: p.kind), topic: p.topic, date: r.required(p.date, "date"),
      findings: p.findings, actions: p.actions, notes: p.notes)
    try r.done()
  }

  public var proto: Assure_V1_ScrutinyMeeting {
    .with {
      $0.id = id
      $0.kind = kind.rawValue
      $0.topic = topic
      $0.date = date.description
      $0.findings = findings
      $0.actions = actions
      $0.notes = notes
    }
  }
}

extension Indicator {
  public init(proto p: Assure_V1_Indicator) throws(ValidationError) {
    var r = DayReader()
    self.init(
      id: p.id, name: p.name, unit: IndicatorUnit(rawValue: p.unit), better: IndicatorPolarity(rawValue: p.better),
      target: p.hasTarget ? p.target : nil, comparator: p.hasComparator ? p.comparator : nil,
      comparatorLabel: p.comparatorLabel, frequency: IndicatorFrequency(rawValue: p.frequency), source: p.source,
      survey: p.survey, elementID: nonEmpty(p.elementID),
      baselinePeriodEnd: r.optional(p.baselinePeriodEnd, "baseline_period_end"))
    try r.done()
  }

  public var proto: Assure_V1_Indicator {
    .with {
      $0.id = id
      $0.name = name
      $0.unit = unit.rawValue
      $0.better = better.rawValue
      if let target { $0.target = target }
      if let comparator { $0.comparator = comparator }
      $0.comparatorLabel = comparatorLabel
      $0.frequency = frequency.rawValue
      $0.source = source
      $0.survey = survey
      $0.elementID = elementID ?? ""
      $0.baselinePeriodEnd = baselinePeriodEnd?.description ?? ""
    }
  }
}

extension IndicatorMeasurement {
  public init(proto p: Assure_V1_Measurement) throws(ValidationError) {
    var r = DayReader()
    self.init(
      indicatorID: p.indicatorID, periodStart: r.required(p.periodStart, "period_start"),
      periodEnd: r.required(p.periodEnd, "period_end"), value: p.value,
      sampleSize: p.sampleSize == 0 ? nil : Int(p.sampleSize), rank: p.rank == 0 ? nil : Int(p.rank),
      rankOf: p.rankOf == 0 ? nil : Int(p.rankOf))
    try r.done()
  }

  public var proto: Assure_V1_Measurement {
    .with {
      $0.indicatorID = indicatorID
      $0.periodStart = periodStart.description
      $0.periodEnd = periodEnd.description
      $0.value = value
      $0.sampleSize = Int32(clamping: sampleSize ?? 0)
      $0.rank = Int32(clamping: rank ?? 0)
      $0.rankOf = Int32(clamping: rankOf ?? 0)
    }
  }
}

extension IndicatorAssessment {
  public var proto: Assure_V1_IndicatorStatus {
    .with {
      $0.indicator = indicator.proto
      $0.measurements = measurements.map(\.proto)
      $0.belowTarget = belowTarget
      $0.change = change?.rawValue ?? ""
      $0.significantChange = significantChange
      $0.tested = test != nil
      $0.z = test?.z ?? 0
      $0.trend = trend?.rawValue ?? ""
      $0.trendPeriods = Int32(trendPeriods)
      $0.concern = isConcern
      $0.baselineTested = baselineTest != nil
      $0.baselineZ = baselineTest?.z ?? 0
      $0.baselineSignificant = baselineTest?.isSignificant ?? false
    }
  }

  /// Rebuilds the assessment from the wire by recomputing it from the indicator and its
  /// measurements (the flags are never taken as sent).
  public init(proto p: Assure_V1_IndicatorStatus) throws(ValidationError) {
    var measurements: [IndicatorMeasurement] = []
    for m in p.measurements { measurements.append(try IndicatorMeasurement(proto: m)) }
    self.init(
      indicator: try Indicator(proto: p.indicator), measurements: measurements,
      trendPeriods: Int(max(2, p.trendPeriods)))
  }
}

extension Inspection {
  public init(proto p: Assure_V1_Inspection) throws(ValidationError) {
    var r = DayReader()
    self.init(
      id: p.id, title: p.title, publishedOn: r.required(p.publishedOn, "published_on"),
      scope: InspectionScope(rawValue: p.scope), summary: p.summary,
      responseSentOn: r.optional(p.responseSentOn, "response_sent_on"), responseSentTo: p.responseSentTo)
    try r.done()
  }

  public func proto(items: [InspectionItem] = []) -> Assure_V1_Inspection {
    .with {
      $0.id = id
      $0.title = title
      $0.publishedOn = publishedOn.description
      $0.scope = scope.rawValue
      $0.summary = summary
      $0.items = items.map(\.proto)
      $0.responseSentOn = responseSentOn?.description ?? ""
      $0.responseSentTo = responseSentTo
    }
  }
}

extension InspectionRecord {
  /// An inspection from the wire with its items.
  public init(proto p: Assure_V1_Inspection) throws(ValidationError) {
    self.init(inspection: try Inspection(proto: p), items: p.items.map(InspectionItem.init(proto:)))
  }
}

extension InspectionItem {
  public init(proto p: Assure_V1_InspectionItem) {
    self.init(
      inspectionID: p.inspectionID, kind: InspectionItemKind(rawValue: p.kind), number: Int(p.number), text: p.text,
      status: p.status.isEmpty ? .underReview : InspectionItemStatus(rawValue: p.status), response: p.response)
  }

  public var proto: Assure_V1_InspectionItem {
    .with {
      $0.inspectionID = inspectionID
      $0.kind = kind.rawValue
      $0.number = Int32(clamping: number)
      $0.text = text
      $0.status = status.rawValue
      $0.response = response
    }
  }
}

extension Correspondence {
  public init(proto p: Assure_V1_Correspondence) throws(ValidationError) {
    var r = DayReader()
    self.init(
      id: p.id, receivedOn: r.required(p.receivedOn, "received_on"),
      subject: CorrespondenceSubject(rawValue: p.subject),
      area: p.area, channel: CorrespondenceChannel(rawValue: p.channel),
      status: p.status.isEmpty ? .open : CorrespondenceStatus(rawValue: p.status))
    try r.done()
  }

  public var proto: Assure_V1_Correspondence {
    .with {
      $0.id = id
      $0.receivedOn = receivedOn.description
      $0.subject = subject.rawValue
      $0.area = area
      $0.channel = channel.rawValue
      $0.status = status.rawValue
    }
  }
}

extension ReachMeasurement {
  public init(proto p: Assure_V1_ReachMeasurement) throws(ValidationError) {
    var r = DayReader()
    self.init(
      metric: ReachMetric(rawValue: p.metric), periodStart: r.optional(p.periodStart, "period_start"),
      asOf: r.required(p.asOf, "as_of"), value: p.value)
    try r.done()
  }

  public var proto: Assure_V1_ReachMeasurement {
    .with {
      $0.metric = metric.rawValue
      $0.periodStart = periodStart?.description ?? ""
      $0.asOf = asOf.description
      $0.value = value
    }
  }
}
