public import Model
import SwiftProtobuf

// `OversightService` and `ReportService`: funding, holding to account, indicators,
// inspections, correspondence, reach, imports, and the Panel report made of them.

extension AssureClient {
  private var oversight: Assure_V1_OversightService.Client<Transport> { .init(wrapping: grpc) }

  // MARK: - Funding

  /// Adds a fund, or replaces the one with its id; returns it with what is committed from it.
  public func saveFund(_ fund: Fund) async throws -> FundPosition {
    let response = try await call { try await oversight.saveFund(.with { $0.fund = fund.proto() }, options: $0) }
    return try FundPosition(proto: response.fund)
  }

  /// Adds an award (the server gives it an id unless it has one), or replaces the one with its
  /// id. One that would commit more than its fund has left is refused unless it says why.
  public func saveAward(_ award: Award) async throws -> SavedAward {
    let response = try await call { try await oversight.saveAward(.with { $0.award = award.proto }, options: $0) }
    return SavedAward(
      award: try Award(proto: response.award), fund: response.hasFund ? try FundPosition(proto: response.fund) : nil)
  }

  /// Adds a bid (the server gives it an id unless it has one), or replaces the one with its id.
  public func saveBid(_ bid: Bid) async throws -> Bid {
    let response = try await call { try await oversight.saveBid(.with { $0.bid = bid.proto }, options: $0) }
    return try Bid(proto: response.bid)
  }

  /// Every fund, award and bid.
  public func funding() async throws -> FundingRecords {
    let r = try await call { try await oversight.listFunding(.init(), options: $0) }
    return FundingRecords(
      funds: try r.funds.map { try FundPosition(proto: $0) }, awards: try r.awards.map { try Award(proto: $0) },
      bids: try r.bids.map { try Bid(proto: $0) })
  }

  // MARK: - Holding to account

  /// Adds a holding-to-account meeting (the server gives it an id unless it has one), or
  /// replaces the one with its id.
  public func saveScrutinyMeeting(_ meeting: ScrutinyMeeting) async throws -> ScrutinyMeeting {
    let response = try await call {
      try await oversight.saveScrutinyMeeting(.with { $0.meeting = meeting.proto }, options: $0)
    }
    return try ScrutinyMeeting(proto: response.meeting)
  }

  /// Holding-to-account meetings, oldest first, between two days when given.
  public func scrutinyMeetings(from: LocalDate? = nil, to: LocalDate? = nil) async throws -> [ScrutinyMeeting] {
    let request = Assure_V1_ListScrutinyMeetingsRequest.with {
      $0.from = from?.description ?? ""
      $0.to = to?.description ?? ""
    }
    let response = try await call { try await oversight.listScrutinyMeetings(request, options: $0) }
    return try response.meetings.map { try ScrutinyMeeting(proto: $0) }
  }

  // MARK: - Indicators

  /// Defines an indicator, or replaces the one with its id.
  public func saveIndicator(_ indicator: Indicator) async throws -> Indicator {
    let response = try await call {
      try await oversight.saveIndicator(.with { $0.indicator = indicator.proto }, options: $0)
    }
    return try Indicator(proto: response.indicator)
  }

  /// Records an indicator's value for a period; returns the indicator as now assessed.
  public func recordMeasurement(_ measurement: IndicatorMeasurement) async throws -> IndicatorAssessment {
    let response = try await call {
      try await oversight.recordMeasurement(.with { $0.measurement = measurement.proto }, options: $0)
    }
    return try IndicatorAssessment(proto: response.status)
  }

  /// Every indicator assessed as at `asOf` (default: the server's today), a trend being
  /// `trendPeriods` values in a row (2 to 12).
  public func indicators(asOf: LocalDate? = nil, trendPeriods: Int = 3) async throws -> [IndicatorAssessment] {
    let request = Assure_V1_ListIndicatorsRequest.with {
      $0.asOf = asOf?.description ?? ""
      $0.trendPeriods = Int32(clamping: trendPeriods)
    }
    let response = try await call { try await oversight.listIndicators(request, options: $0) }
    return try response.indicators.map { try IndicatorAssessment(proto: $0) }
  }

  // MARK: - Inspections

  /// Adds an inspection report, or replaces the one with its id; returns it with its items.
  public func saveInspection(_ inspection: Inspection) async throws -> InspectionRecord {
    let response = try await call {
      try await oversight.saveInspection(.with { $0.inspection = inspection.proto() }, options: $0)
    }
    return try InspectionRecord(proto: response.inspection)
  }

  /// Adds or replaces an area for improvement or a recommendation of an inspection.
  public func saveInspectionItem(_ item: InspectionItem) async throws -> InspectionItem {
    let response = try await call {
      try await oversight.saveInspectionItem(.with { $0.item = item.proto }, options: $0)
    }
    return InspectionItem(proto: response.item)
  }

  /// Every inspection with its items, newest first.
  public func inspections() async throws -> [InspectionRecord] {
    let response = try await call { try await oversight.listInspections(.init(), options: $0) }
    return try response.inspections.map { try InspectionRecord(proto: $0) }
  }

  // MARK: - Correspondence and reach

  /// Records a piece of correspondence (the server gives it an id unless it has one).
  public func recordCorrespondence(_ correspondence: Correspondence) async throws -> Correspondence {
    let response = try await call {
      try await oversight.recordCorrespondence(.with { $0.correspondence = correspondence.proto }, options: $0)
    }
    return try Correspondence(proto: response.correspondence)
  }

  /// Correspondence received from `from` to `to`, by subject and by area.
  public func correspondenceTotals(from: LocalDate, to: LocalDate) async throws -> CorrespondenceCounts {
    let request = Assure_V1_CorrespondenceTotalsRequest.with {
      $0.from = from.description
      $0.to = to.description
    }
    let r = try await call { try await oversight.correspondenceTotals(request, options: $0) }
    let tallies = { (list: [Assure_V1_Tally]) in list.map { Tally(code: $0.code, name: $0.name, count: Int($0.count)) }
    }
    return CorrespondenceCounts(total: Int(r.total), bySubject: tallies(r.bySubject), byArea: tallies(r.byArea))
  }

  /// Records a reach figure.
  public func recordReach(_ reach: ReachMeasurement) async throws -> ReachMeasurement {
    let response = try await call { try await oversight.recordReach(.with { $0.reach = reach.proto }, options: $0) }
    return try ReachMeasurement(proto: response.reach)
  }

  /// Every reach figure, oldest first.
  public func reach() async throws -> [ReachMeasurement] {
    let response = try await call { try await oversight.listReach(.init(), options: $0) }
    return try response.reach.map { try ReachMeasurement(proto: $0) }
  }

  // MARK: - Imports and reports

  /// Creates and updates oversight records of one kind from a CSV file, all or nothing; with
  /// `dryRun`, says what would change and stores nothing.
  public func importRecords(_ kind: OversightKind, csv: String, dryRun: Bool = false) async throws -> ImportCounts {
    let request = Assure_V1_ImportRecordsRequest.with {
      $0.kind = kind.rawValue
      $0.csv = csv
      $0.dryRun = dryRun
    }
    let r = try await call { try await oversight.importRecords(request, options: $0) }
    return ImportCounts(created: Int(r.created), updated: Int(r.updated), unchanged: Int(r.unchanged))
  }

  /// The quarterly report to the Police and Crime Panel for `from` to `to`, a worsening trend
  /// being `trendPeriods` values in a row (2 to 12).
  public func panelReport(from: LocalDate, to: LocalDate, format: DocumentFormat = .markdown, trendPeriods: Int = 3)
    async throws -> String
  {
    let request = Assure_V1_GeneratePanelReportRequest.with {
      $0.from = from.description
      $0.to = to.description
      $0.format = format.rawValue
      $0.trendPeriods = Int32(clamping: trendPeriods)
    }
    let response = try await call {
      try await Assure_V1_ReportService.Client(wrapping: grpc).generatePanelReport(request, options: $0)
    }
    return response.document
  }
}
