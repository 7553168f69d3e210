import Foundation

/// Everything the quarterly Panel report is built from, read from the records for one period.
///
/// The report covers a period (`from` to `to`: progress updates, awards, bids, fund
/// announcements, correspondence, reach figures ending in it, indicators as at `to`). Some
/// sections look wider, as the office's report does (see ``PanelWindow``): engagements are
/// counted for the latest complete calendar quarter ending by `to`; holding-to-account
/// meetings and HMICFRS reports are taken from the start of that quarter (or `from`, if
/// earlier); meetings after `to` are listed as upcoming.
public struct PanelInputs: Sendable, Hashable, Codable {
  public var window: PanelWindow
  public var objectives: [Objective]
  public var elements: [PlanElement]
  /// Updates marked for the Panel, dated in the period, oldest first.
  public var updates: [ProgressUpdate]
  /// Every fund, with what is committed from it (all its awards, whenever made).
  public var funds: [FundPosition]
  /// Awards dated in the period, and any linked from an update in it.
  public var awards: [Award]
  /// Bids submitted or decided in the period, and any linked from an update in it.
  public var bids: [Bid]
  /// Governance meetings held in the period (where the delivery plan is scrutinised).
  public var governanceMeetingDates: [LocalDate]
  public var engagements: EngagementSummary
  public var correspondence: CorrespondenceTotals
  /// Reach figures dated up to `to`, oldest first.
  public var reach: [ReachMeasurement]
  /// Holding-to-account meetings held in the look-back window, and those upcoming.
  public var scrutiny: [ScrutinyMeeting]
  /// Every indicator, assessed as at `to`.
  public var assessments: [IndicatorAssessment]
  /// Inspections published in the inspection window, with their items.
  public var inspections: [InspectionRecord]
  /// Display names of the configured areas by code.
  public var areaNames: [String: String]
  /// Inspections whose response the PCC sent in the look-back (up to the end of the month
  /// after `to`), whenever they were published.
  public var responses: [Inspection]
  /// How the force names itself, its plan, Panel, offices and reach measures.
  public var profile: ForceProfile = .standard

  public init(
    window: PanelWindow, objectives: [Objective], elements: [PlanElement], updates: [ProgressUpdate],
    funds: [FundPosition], awards: [Award], bids: [Bid], governanceMeetingDates: [LocalDate],
    engagements: EngagementSummary, correspondence: CorrespondenceTotals, reach: [ReachMeasurement],
    scrutiny: [ScrutinyMeeting], assessments: [IndicatorAssessment], inspections: [InspectionRecord],
    areaNames: [String: String], responses: [Inspection] = []
  ) {
    self.responses = responses
    self.window = window
    self.objectives = objectives
    self.elements = elements
    self.updates = updates
    self.funds = funds
    self.awards = awards
    self.bids = bids
    self.governanceMeetingDates = governanceMeetingDates
    self.engagements = engagements
    self.correspondence = correspondence
    self.reach = reach
    self.scrutiny = scrutiny
    self.assessments = assessments
    self.inspections = inspections
    self.areaNames = areaNames
  }
}

/// A fund with what is committed from it.
public struct FundPosition: Sendable, Hashable, Codable {
  public var fund: Fund
  public var committedPence: Int64
  public init(fund: Fund, committedPence: Int64) {
    self.fund = fund
    self.committedPence = committedPence
  }
  public var remainingPence: Int64 { fund.totalPence - committedPence }
}

/// An inspection with its areas for improvement and recommendations.
public struct InspectionRecord: Sendable, Hashable, Codable {
  public var inspection: Inspection
  public var items: [InspectionItem]
  public init(inspection: Inspection, items: [InspectionItem]) {
    self.inspection = inspection
    self.items = items
  }
}

/// The days each part of the Panel report looks at.
public struct PanelWindow: Sendable, Hashable, Codable {
  /// The period reported on.
  public var from: LocalDate
  public var to: LocalDate
  /// The latest complete calendar quarter ending on or before `to`: engagements are counted for it.
  public var quarterStart: LocalDate
  public var quarterEnd: LocalDate
  /// Start of holding-to-account meetings and inspections reported: the earlier of `from` and `quarterStart`.
  public var lookBack: LocalDate
  /// Last day of upcoming meetings listed: three months after `to`.
  public var upcomingUntil: LocalDate
  /// Last day of inspections reported: the end of the month after `to` (what is published
  /// before the Panel meets).
  public var inspectionsUntil: LocalDate

  /// The windows of a report from `from` to `to`; `to` before `from` names the field.
  public init(from: LocalDate, to: LocalDate) throws(ValidationError) {
    var v = ViolationCollector()
    v.day(from, "from")
    v.day(to, "to")
    if to < from { v.fail("to", "must be on or after from (\(from)), got \(to)") }
    try v.throwIfAny()
    self.from = from
    self.to = to
    let month = YearMonth(to)
    var quarterEndMonth = month
    if month.month % 3 != 0 || to != month.lastDay { quarterEndMonth = month.previous }
    while quarterEndMonth.month % 3 != 0 { quarterEndMonth = quarterEndMonth.previous }
    quarterEnd = quarterEndMonth.lastDay
    quarterStart = quarterEndMonth.previous.previous.firstDay
    lookBack = min(from, quarterStart)
    upcomingUntil = YearMonth(to).next.next.next.lastDay
    inspectionsUntil = YearMonth(to).next.lastDay
  }
}
