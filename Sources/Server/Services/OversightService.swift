import Application
import Foundation
import GRPCCore
import Model
import RPC
import SwiftProtobuf
import Sync

/// `assure.v1.OversightService`: funding, holding to account, indicators, inspections,
/// correspondence and reach. The rules live in ``OversightRepository``; this only reads and
/// writes the wire.
struct OversightService: Assure_V1_OversightService.SimpleServiceProtocol {
  let oversight: OversightRepository

  /// The signed-in caller; a call without one changes nothing (`AuthInterceptor.requireCaller`).
  private var caller: Caller { get throws { try AuthInterceptor.requireCaller() } }

  /// Stores one record and returns it as stored.
  private func store(_ record: OversightRecord) async throws -> OversightRecord {
    try await oversight.store(record, by: try caller)
  }

  // MARK: - Funding

  func saveFund(request: Assure_V1_SaveFundRequest, context: ServerContext) async throws -> Assure_V1_SaveFundResponse {
    try AuthInterceptor.requireCaller()
    guard case .fund(let fund) = try await store(.fund(try Fund(proto: request.fund))) else { throw mismatch }
    let committed = try await oversight.committedPence(fundID: fund.id)
    return .with { $0.fund = fund.proto(committedPence: committed) }
  }

  func saveAward(request: Assure_V1_SaveAwardRequest, context: ServerContext) async throws
    -> Assure_V1_SaveAwardResponse
  {
    try AuthInterceptor.requireCaller()
    guard case .award(let award) = try await store(.award(try Award(proto: request.award))) else { throw mismatch }
    var fund: FundPosition?
    if let id = award.fundID { fund = try await oversight.fundPosition(id: id) }
    return .with {
      $0.award = award.proto
      if let fund { $0.fund = fund.proto }
    }
  }

  func saveBid(request: Assure_V1_SaveBidRequest, context: ServerContext) async throws -> Assure_V1_SaveBidResponse {
    try AuthInterceptor.requireCaller()
    guard case .bid(let bid) = try await store(.bid(try Bid(proto: request.bid))) else { throw mismatch }
    return .with { $0.bid = bid.proto }
  }

  func listFunding(request: Assure_V1_ListFundingRequest, context: ServerContext) async throws
    -> Assure_V1_ListFundingResponse
  {
    try AuthInterceptor.requireCaller()
    let (funds, awards, bids) = try await oversight.funding()
    return .with {
      $0.funds = funds.map(\.proto)
      $0.awards = awards.map(\.proto)
      $0.bids = bids.map(\.proto)
    }
  }

  // MARK: - Holding to account

  func saveScrutinyMeeting(request: Assure_V1_SaveScrutinyMeetingRequest, context: ServerContext) async throws
    -> Assure_V1_SaveScrutinyMeetingResponse
  {
    try AuthInterceptor.requireCaller()
    guard case .scrutiny(let meeting) = try await store(.scrutiny(try ScrutinyMeeting(proto: request.meeting))) else {
      throw mismatch
    }
    return .with { $0.meeting = meeting.proto }
  }

  func listScrutinyMeetings(request: Assure_V1_ListScrutinyMeetingsRequest, context: ServerContext) async throws
    -> Assure_V1_ListScrutinyMeetingsResponse
  {
    try AuthInterceptor.requireCaller()
    var r = DayReader()
    let from = r.optional(request.from, "from")
    let to = r.optional(request.to, "to")
    try r.done()
    let meetings = try await oversight.scrutinyMeetings(from: from, to: to)
    return .with { $0.meetings = meetings.map(\.proto) }
  }

  // MARK: - Indicators

  func saveIndicator(request: Assure_V1_SaveIndicatorRequest, context: ServerContext) async throws
    -> Assure_V1_SaveIndicatorResponse
  {
    try AuthInterceptor.requireCaller()
    guard case .indicator(let indicator) = try await store(.indicator(try Indicator(proto: request.indicator))) else {
      throw mismatch
    }
    return .with { $0.indicator = indicator.proto }
  }

  func recordMeasurement(request: Assure_V1_RecordMeasurementRequest, context: ServerContext) async throws
    -> Assure_V1_RecordMeasurementResponse
  {
    try AuthInterceptor.requireCaller()
    guard case .measurement(let m) = try await store(.measurement(try IndicatorMeasurement(proto: request.measurement)))
    else {
      throw mismatch
    }
    let assessment = try await oversight.assessment(indicatorID: m.indicatorID)
    return .with { if let assessment { $0.status = assessment.proto } }
  }

  func listIndicators(request: Assure_V1_ListIndicatorsRequest, context: ServerContext) async throws
    -> Assure_V1_ListIndicatorsResponse
  {
    try AuthInterceptor.requireCaller()
    var r = DayReader()
    let asOf = r.optional(request.asOf, "as_of")
    if request.trendPeriods != 0 && !(2...12).contains(request.trendPeriods) {
      r.violations.fail("trend_periods", "must be 2 to 12 (got \(request.trendPeriods))")
    }
    try r.done()
    let assessments = try await oversight.assessments(
      asOf: asOf, trendPeriods: request.trendPeriods == 0 ? 3 : Int(request.trendPeriods))
    return .with { $0.indicators = assessments.map(\.proto) }
  }

  // MARK: - Inspections

  func saveInspection(request: Assure_V1_SaveInspectionRequest, context: ServerContext) async throws
    -> Assure_V1_SaveInspectionResponse
  {
    try AuthInterceptor.requireCaller()
    var violations: [ValidationError.Violation] = []
    var inspection: Inspection?
    do throws(ValidationError) { inspection = try Inspection(proto: request.inspection) } catch {
      violations += error.violations
    }
    guard request.inspection.items.count <= 999 else {
      throw ValidationError(field: "items", rule: "at most 999 (got \(request.inspection.items.count))")
    }
    guard violations.isEmpty, let inspection else { throw ValidationError(violations: violations) }
    let items = request.inspection.items.map { p -> InspectionItem in
      var item = InspectionItem(proto: p)
      item.inspectionID = inspection.id
      return item
    }
    // The inspection and its items are stored together, or none of them.
    _ = try await oversight.store(
      [(nil, .inspection(inspection))] + items.map { (nil, OversightRecord.inspectionItem($0)) }, dryRun: false,
      by: try caller)
    let stored = try await oversight.inspections().first { $0.inspection.id == inspection.id }
    return .with { if let stored { $0.inspection = stored.inspection.proto(items: stored.items) } }
  }

  func saveInspectionItem(request: Assure_V1_SaveInspectionItemRequest, context: ServerContext) async throws
    -> Assure_V1_SaveInspectionItemResponse
  {
    try AuthInterceptor.requireCaller()
    guard case .inspectionItem(let item) = try await store(.inspectionItem(InspectionItem(proto: request.item))) else {
      throw mismatch
    }
    return .with { $0.item = item.proto }
  }

  func listInspections(request: Assure_V1_ListInspectionsRequest, context: ServerContext) async throws
    -> Assure_V1_ListInspectionsResponse
  {
    try AuthInterceptor.requireCaller()
    let records = try await oversight.inspections()
    return .with { $0.inspections = records.map { $0.inspection.proto(items: $0.items) } }
  }

  // MARK: - Correspondence and reach

  func recordCorrespondence(request: Assure_V1_RecordCorrespondenceRequest, context: ServerContext) async throws
    -> Assure_V1_RecordCorrespondenceResponse
  {
    try AuthInterceptor.requireCaller()
    guard
      case .correspondence(let item) = try await store(
        .correspondence(try Correspondence(proto: request.correspondence)))
    else { throw mismatch }
    return .with { $0.correspondence = item.proto }
  }

  func correspondenceTotals(request: Assure_V1_CorrespondenceTotalsRequest, context: ServerContext) async throws
    -> Assure_V1_CorrespondenceTotalsResponse
  {
    try AuthInterceptor.requireCaller()
    var r = DayReader()
    let from = r.required(request.from, "from")
    let to = r.required(request.to, "to")
    if to < from { r.violations.fail("to", "must be on or after from (\(from)), got \(to)") }
    try r.done()
    let (totals, areas, profile) = try await oversight.correspondenceTotals(from: from, to: to)
    let names = Dictionary(areas.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
    return .with {
      $0.total = Int32(totals.total)
      $0.bySubject = totals.bySubject.map { count in
        .with {
          $0.code = count.code
          $0.name = profile.title(ofSubject: count.code)
          $0.count = Int32(count.count)
        }
      }
      $0.byArea = totals.byArea.map { count in
        .with {
          $0.code = count.code
          $0.name = names[count.code] ?? (count.code == Correspondence.outsideArea ? "Outside the area" : count.code)
          $0.count = Int32(count.count)
        }
      }
    }
  }

  func recordReach(request: Assure_V1_RecordReachRequest, context: ServerContext) async throws
    -> Assure_V1_RecordReachResponse
  {
    try AuthInterceptor.requireCaller()
    guard case .reach(let figure) = try await store(.reach(try ReachMeasurement(proto: request.reach))) else {
      throw mismatch
    }
    return .with { $0.reach = figure.proto }
  }

  func listReach(request: Assure_V1_ListReachRequest, context: ServerContext) async throws
    -> Assure_V1_ListReachResponse
  {
    try AuthInterceptor.requireCaller()
    let figures = try await oversight.reachMeasurements()
    return .with { $0.reach = figures.map(\.proto) }
  }

  // MARK: - Import

  func importRecords(request: Assure_V1_ImportRecordsRequest, context: ServerContext) async throws
    -> Assure_V1_ImportRecordsResponse
  {
    try AuthInterceptor.requireCaller()
    var v = ViolationCollector()
    let kind = OversightKind(rawValue: request.kind)
    if kind == nil {
      v.fail(
        "kind",
        "must be one of \(OversightKind.allCases.map(\.rawValue).joined(separator: ", ")) (got \"\(request.kind)\")")
    }
    if request.csv.utf8.count > 4 << 20 {
      v.fail("csv", "must be at most 4 MiB (got \(request.csv.utf8.count) bytes)")
    }
    try v.throwIfAny()
    guard let kind else { throw mismatch }
    // The permission table lets analysts call this for the records they keep; the rest are
    // the governance team's.
    let caller = try self.caller
    if caller.role != .governance, caller.authority != .server, !Self.analystKinds.contains(kind) {
      let role = caller.authorityName
      throw AccessError(
        .permissionDenied,
        "the role \(role) may import only \(Self.analystKinds.map(\.rawValue).sorted().joined(separator: ", ")) (got \(kind.rawValue))"
      )
    }
    let summary = try await oversight.importCSV(request.csv, kind: kind, dryRun: request.dryRun, by: caller)
    return .with {
      $0.created = Int32(summary.created)
      $0.updated = Int32(summary.updated)
      $0.unchanged = Int32(summary.unchanged)
    }
  }

  /// The kinds of record an analyst keeps (and may import).
  static let analystKinds: Set<OversightKind> = [.indicators, .measurements, .reach]

  /// A stored record of another kind than sent: cannot happen, reported rather than trapped.
  private var mismatch: RPCError { RPCError(code: .internalError, message: "stored record of an unexpected kind") }
}
