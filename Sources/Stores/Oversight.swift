import Foundation
public import Model

/// Oversight records: funds, awards, bids, scrutiny meetings, indicators and measurements,
/// inspections and their items, correspondence and reach. Server only.
///
/// Every member runs inside the caller's transaction (``ServerStore`` or ``DeviceStore``).
public protocol OversightStore {
  func saveFund(_ f: Fund) throws

  func saveAward(_ a: Award) throws

  func saveBid(_ b: Bid) throws

  func saveScrutinyMeeting(_ m: ScrutinyMeeting) throws

  func saveIndicator(_ i: Indicator) throws

  func saveMeasurement(_ m: IndicatorMeasurement) throws

  func saveInspection(_ i: Inspection) throws

  func saveInspectionItem(_ i: InspectionItem) throws

  func saveCorrespondence(_ c: Correspondence) throws

  func saveReach(_ r: ReachMeasurement) throws

  /// The next free assigned id of a table: `prefix` and one more than the largest number
  /// already used after it (`AW3` after `AW1` and `AW2`).
  func nextOversightID(table: OversightIDTable) throws -> String

  func fund(id: String) throws -> Fund?

  func funds() throws -> [Fund]

  func award(id: String) throws -> Award?

  /// Awards, oldest first, optionally of one fund.
  func awards(fundID: String?) throws -> [Award]

  /// What is committed from a fund by its awards.
  func committedPence(fundID: String) throws -> Int64

  func bid(id: String) throws -> Bid?

  func bids() throws -> [Bid]

  func scrutinyMeeting(id: String) throws -> ScrutinyMeeting?

  /// Holding-to-account meetings, oldest first, optionally from and to a day.
  func scrutinyMeetings(from: LocalDate?, to: LocalDate?) throws -> [ScrutinyMeeting]

  func indicator(id: String) throws -> Indicator?

  /// Indicators in the order they were first defined (the order the report lists them in).
  func indicators() throws -> [Indicator]

  func measurement(indicatorID: String, periodEnd: LocalDate) throws -> IndicatorMeasurement?

  /// Measurements, oldest first, optionally of one indicator.
  func measurements(indicatorID: String?) throws -> [IndicatorMeasurement]

  /// Every indicator assessed on its measurements up to `asOf`.
  func assessments(asOf: LocalDate?, trendPeriods: Int) throws -> [IndicatorAssessment]

  func inspection(id: String) throws -> Inspection?

  func inspectionItem(inspectionID: String, kind: InspectionItemKind, number: Int) throws -> InspectionItem?

  /// Inspections with their items, newest first, optionally published from and to a day.
  func inspections(from: LocalDate?, to: LocalDate?) throws -> [InspectionRecord]

  func correspondence(id: String) throws -> Correspondence?

  /// Correspondence received from and to a day, counted by subject and by area.
  func correspondenceTotals(from: LocalDate, to: LocalDate) throws -> CorrespondenceTotals

  func reachMeasurement(metric: ReachMetric, asOf: LocalDate) throws -> ReachMeasurement?

  /// Reach figures, oldest first, up to a day.
  func reachMeasurements(to: LocalDate?) throws -> [ReachMeasurement]

  /// Everything the Panel report for `window` is built from, read in one transaction.
  func panelInputs(_ window: PanelWindow, trendPeriods: Int) throws -> PanelInputs
}

/// The calls that leave trailing settings at their usual values.
extension OversightStore {
  public func awards() throws -> [Award] {
    try awards(fundID: nil)
  }

  public func scrutinyMeetings(to: LocalDate?) throws -> [ScrutinyMeeting] {
    try scrutinyMeetings(from: nil, to: to)
  }

  public func scrutinyMeetings(from: LocalDate?) throws -> [ScrutinyMeeting] {
    try scrutinyMeetings(from: from, to: nil)
  }

  public func scrutinyMeetings() throws -> [ScrutinyMeeting] {
    try scrutinyMeetings(from: nil, to: nil)
  }

  public func measurements() throws -> [IndicatorMeasurement] {
    try measurements(indicatorID: nil)
  }

  public func assessments(asOf: LocalDate?) throws -> [IndicatorAssessment] {
    try assessments(asOf: asOf, trendPeriods: 3)
  }

  public func inspections(to: LocalDate?) throws -> [InspectionRecord] {
    try inspections(from: nil, to: to)
  }

  public func inspections(from: LocalDate?) throws -> [InspectionRecord] {
    try inspections(from: from, to: nil)
  }

  public func inspections() throws -> [InspectionRecord] {
    try inspections(from: nil, to: nil)
  }

  public func reachMeasurements() throws -> [ReachMeasurement] {
    try reachMeasurements(to: nil)
  }

  public func panelInputs(_ window: PanelWindow) throws -> PanelInputs {
    try panelInputs(window, trendPeriods: 3)
  }
}
