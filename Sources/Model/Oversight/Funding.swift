import Foundation

/// A pot of money the PCC awards from (the £1m Prevention Fund) or has been allocated
/// (the Serious Violence Duty allocation), with its total and the period it covers.
public struct Fund: Sendable, Hashable, Codable, Identifiable {
  /// A short reference chosen by the office, e.g. `prevention`.
  public var id: String
  /// e.g. "Prevention Fund". The report writes the total before it: "the £1m Prevention Fund".
  public var name: String
  public var totalPence: Int64
  /// First and last day the money may be spent.
  public var startDate: LocalDate
  public var endDate: LocalDate
  /// Where the money comes from, e.g. "PCC budget" or "Home Office".
  public var source: String
  /// Day the fund or allocation was announced to the PCC; `nil` when not recorded.
  public var announcedOn: LocalDate?
  /// Plan element it serves, if any.
  public var elementID: String?
  /// What the money is for, in the report's words.
  public var purpose: String

  public init(
    id: String, name: String, totalPence: Int64, startDate: LocalDate, endDate: LocalDate, source: String = "",
    announcedOn: LocalDate? = nil, elementID: String? = nil, purpose: String = ""
  ) {
    self.id = id
    self.name = name
    self.totalPence = totalPence
    self.startDate = startDate
    self.endDate = endDate
    self.source = source
    self.announcedOn = announcedOn
    self.elementID = elementID
    self.purpose = purpose
  }
}

/// Whether an award is decided or still proposed.
public struct AwardStatus: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  /// Decided: the money is committed.
  public static let awarded = AwardStatus(rawValue: "awarded")
  /// The PCC is looking to contribute; the money is still counted against the fund.
  public static let proposed = AwardStatus(rawValue: "proposed")

  public static let known: [AwardStatus] = [.awarded, .proposed]
  public static let fieldName = "status"
}

/// Money the PCC gives a recipient, from a fund or from the core budget.
public struct Award: Sendable, Hashable, Codable, Identifiable {
  /// Chosen by the office or assigned by the server (`AW1`, `AW2`, …).
  public var id: String
  /// Fund it is drawn from; `nil` for the core budget (then nothing limits it but the amount rule).
  public var fundID: String?
  public var recipient: String
  public var amountPence: Int64
  /// Day it was decided (or proposed).
  public var date: LocalDate
  /// What the money will do, in the report's words.
  public var purpose: String
  public var elementID: String?
  public var status: AwardStatus
  /// Why the fund may be over-committed by this award; `nil` unless it is.
  public var overrideReason: String?

  public init(
    id: String = "", fundID: String? = nil, recipient: String, amountPence: Int64, date: LocalDate,
    elementID: String? = nil, status: AwardStatus = .awarded, overrideReason: String? = nil, purpose: String = ""
  ) {
    self.id = id
    self.fundID = fundID
    self.recipient = recipient
    self.amountPence = amountPence
    self.date = date
    self.purpose = purpose
    self.elementID = elementID
    self.status = status
    self.overrideReason = overrideReason
  }
}

/// Where a bid to another funder stands.
public struct BidStatus: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  public static let drafting = BidStatus(rawValue: "drafting")
  public static let submitted = BidStatus(rawValue: "submitted")
  public static let awaiting = BidStatus(rawValue: "awaiting")
  public static let successful = BidStatus(rawValue: "successful")
  public static let unsuccessful = BidStatus(rawValue: "unsuccessful")

  public static let known: [BidStatus] = [.drafting, .submitted, .awaiting, .successful, .unsuccessful]
  public static let fieldName = "status"

  /// Whether the funder has decided.
  public var isDecided: Bool { self == .successful || self == .unsuccessful }
}

/// A bid the PCC makes to another funder (Home Office, Ministry of Justice).
public struct Bid: Sendable, Hashable, Codable, Identifiable {
  /// Chosen by the office or assigned by the server (`B1`, `B2`, …).
  public var id: String
  /// e.g. "Home Office".
  public var funder: String
  public var amountPence: Int64
  /// The period the money would cover; either end may be unknown.
  public var periodStart: LocalDate?
  public var periodEnd: LocalDate?
  /// `nil` while drafting.
  public var submittedOn: LocalDate?
  public var status: BidStatus
  /// Day the outcome was known, for a successful or unsuccessful bid.
  public var decidedOn: LocalDate?
  /// What the money would do, in the report's words.
  public var purpose: String
  public var elementID: String?

  public init(
    id: String = "", funder: String, amountPence: Int64, periodStart: LocalDate? = nil, periodEnd: LocalDate? = nil,
    submittedOn: LocalDate? = nil, status: BidStatus, decidedOn: LocalDate? = nil, purpose: String = "",
    elementID: String? = nil
  ) {
    self.id = id
    self.funder = funder
    self.amountPence = amountPence
    self.periodStart = periodStart
    self.periodEnd = periodEnd
    self.submittedOn = submittedOn
    self.status = status
    self.decidedOn = decidedOn
    self.purpose = purpose
    self.elementID = elementID
  }
}

/// Limits shared by the oversight records.
public enum OversightLimits {
  public static let nameLength = 200
  public static let textLength = 4_000
  public static let listCount = 100
  public static let earliestDate = LocalDate(year: 2000, month: 1, day: 1)!
  public static let latestDate = LocalDate(year: 2100, month: 12, day: 31)!
}

extension ViolationCollector {
  /// A positive sum of money, at most ``Money/maxPence``.
  mutating func money(_ pence: Int64, _ field: String, allowZero: Bool = false) {
    if pence < (allowZero ? 0 : 1) || pence > Money.maxPence {
      fail(
        field,
        "must be \(allowZero ? "£0" : "at least £0.01") to \(Money.format(pence: Money.maxPence)) (got \(Money.format(pence: pence)))"
      )
    }
  }

  /// A day within the years the records cover.
  mutating func day(_ day: LocalDate?, _ field: String) {
    guard let day else { return }
    if day < OversightLimits.earliestDate || day > OversightLimits.latestDate {
      fail(field, "must be between \(OversightLimits.earliestDate) and \(OversightLimits.latestDate) (got \(day))")
    }
  }

  /// A code from its known list.
  mutating func code<C: Code>(_ value: C, _ field: String) {
    if !value.isKnown { fail(field, "must be one of \(C.knownList) (got \"\(value.rawValue)\")") }
  }

  /// An optional plan element reference.
  mutating func element(_ id: String?, _ field: String = "element") {
    if let id { reference(id, field) }
  }
}

extension Fund {
  /// Checks the fund's own rules; every violation is reported together.
  public func validate() throws(ValidationError) {
    var v = ViolationCollector()
    v.reference(id, "id")
    v.text(name, "name", required: true, max: OversightLimits.nameLength)
    v.money(totalPence, "total")
    v.day(startDate, "start_date")
    v.day(endDate, "end_date")
    if endDate < startDate { v.fail("end_date", "must be on or after start_date (\(startDate)), got \(endDate)") }
    v.text(source, "source", required: false, max: OversightLimits.nameLength)
    v.day(announcedOn, "announced_on")
    v.element(elementID)
    v.text(purpose, "purpose", required: false, max: OversightLimits.textLength, multiline: true)
    try v.throwIfAny()
  }

  /// What is committed from the fund by `awards` (those drawn on it, proposed ones included).
  public func committed(by awards: [Award]) -> Int64 {
    awards.filter { $0.fundID == id }.reduce(0) { $0 + $1.amountPence }
  }
}

extension Award {
  /// Checks the award's own rules (not the fund's total: see ``checkCommitment(fund:others:)``).
  public func validate() throws(ValidationError) {
    var v = ViolationCollector()
    if !id.isEmpty { v.reference(id, "id") }
    if let fundID { v.reference(fundID, "fund") }
    v.text(recipient, "recipient", required: true, max: OversightLimits.nameLength)
    v.money(amountPence, "amount")
    v.day(date, "date")
    v.text(purpose, "purpose", required: false, max: OversightLimits.textLength, multiline: true)
    v.element(elementID)
    v.code(status, "status")
    if let overrideReason {
      v.text(overrideReason, "override_reason", required: true, max: OversightLimits.nameLength * 2)
    }
    try v.throwIfAny()
  }

  /// Refuses an award that would take its fund's commitments over the fund's total, unless it
  /// carries an override reason; and one dated outside the fund's period.
  ///
  /// `others` are the fund's other awards (this award's stored version excluded).
  public func checkCommitment(fund: Fund, others: [Award]) throws(ValidationError) {
    var v = ViolationCollector()
    let committed = fund.committed(by: others.filter { $0.id != id })
    let after = committed + amountPence
    if after > fund.totalPence && overrideReason == nil {
      v.fail(
        "amount",
        "would commit \(Money.format(pence: after)) of the \(Money.format(pence: fund.totalPence)) in fund \(fund.id) (\(Money.format(pence: fund.totalPence - committed)) left); give an override reason to over-commit it"
      )
    }
    if date < fund.startDate || date > fund.endDate {
      v.fail("date", "must fall within fund \(fund.id)'s period \(fund.startDate) to \(fund.endDate) (got \(date))")
    }
    try v.throwIfAny()
  }
}

extension Bid {
  public func validate() throws(ValidationError) {
    var v = ViolationCollector()
    if !id.isEmpty { v.reference(id, "id") }
    v.text(funder, "funder", required: true, max: OversightLimits.nameLength)
    v.money(amountPence, "amount")
    v.day(periodStart, "period_start")
    v.day(periodEnd, "period_end")
    if let periodStart, let periodEnd, periodEnd < periodStart {
      v.fail("period_end", "must be on or after period_start (\(periodStart)), got \(periodEnd)")
    }
    v.code(status, "status")
    v.day(submittedOn, "submitted_on")
    v.day(decidedOn, "decided_on")
    if status != .drafting && submittedOn == nil {
      v.fail("submitted_on", "is required once a bid is \(status.rawValue)")
    }
    if status == .drafting && submittedOn != nil {
      v.fail("submitted_on", "must be empty while the bid is drafting")
    }
    if status.isDecided && decidedOn == nil { v.fail("decided_on", "is required for a \(status.rawValue) bid") }
    if !status.isDecided && decidedOn != nil { v.fail("decided_on", "only a successful or unsuccessful bid has one") }
    if let submittedOn, let decidedOn, decidedOn < submittedOn {
      v.fail("decided_on", "must be on or after submitted_on (\(submittedOn)), got \(decidedOn)")
    }
    v.text(purpose, "purpose", required: false, max: OversightLimits.textLength, multiline: true)
    v.element(elementID)
    try v.throwIfAny()
  }
}
