public import Foundation
public import Model
public import Stores

// What the services read: each answer from one snapshot of the store. The writes are with
// their rules in the repositories' own files.

extension ServerRepository {
  /// The live engagement with this id.
  public func engagement(id: UUID) async throws -> Engagement? {
    try await database.read { try $0.engagement(id: id) }
  }

  /// A page of live engagements matching `query`, newest first, after `position`, at most
  /// `limit`; and how many match in all.
  public func engagements(matching query: EngagementQuery, after position: EngagementPosition?, limit: Int)
    async throws -> (page: [Engagement], total: Int)
  {
    try await database.read { db in
      (try db.engagements(matching: query, after: position, limit: limit), try db.engagementCount(matching: query))
    }
  }

  /// Counts of live engagements matching `query` by officeholder, area, kind and month.
  public func engagementSummary(matching query: EngagementQuery) async throws -> EngagementSummary {
    try await database.read { try $0.engagementSummary(matching: query) }
  }

  /// The plan's objectives and elements, in order.
  public func plan() async throws -> (objectives: [Objective], elements: [PlanElement]) {
    try await database.read { db in (try db.objectives(), try db.elements()) }
  }

  /// How many live engagements are in each area, in the order given.
  public func engagementCounts(areas codes: [String]) async throws -> [Int] {
    try await database.read { db in try codes.map { try db.engagementCount(area: $0) } }
  }

  /// What a store holds already, so that seeding adds only what is missing.
  public func contents() async throws -> StoreContents {
    try await database.read { db in
      StoreContents(
        hasPlan: try !db.objectives().isEmpty,
        hasEngagements: try db.engagementCount(matching: EngagementQuery()) > 0,
        hasForceProfile: try db.hasForceProfile(), hasFunds: try !db.funds().isEmpty)
    }
  }
}

/// Which kinds of record a store holds any of.
public struct StoreContents: Sendable, Hashable {
  public var hasPlan: Bool
  public var hasEngagements: Bool
  public var hasForceProfile: Bool
  public var hasFunds: Bool
}

extension GovernanceRepository {
  /// The governance meetings, oldest first.
  public func meetings() async throws -> [Meeting] {
    try await database.read { try $0.meetings() }
  }

  /// An element's status and RAG history; not found when there is no such element.
  public func statusHistory(elementID id: String) async throws -> [StatusChange] {
    try await database.read { db in
      guard try db.element(id: id) != nil else { throw StorageError(.notFound, "no plan element \(id)") }
      return try db.statusHistory(elementID: id)
    }
  }

  /// Milestones of one element (not found when there is no such element), or of all with `nil`.
  public func milestones(elementID id: String?) async throws -> [Milestone] {
    try await database.read { db in
      guard let id else { return try db.milestones() }
      guard try db.element(id: id) != nil else { throw StorageError(.notFound, "no plan element \(id)") }
      return try db.milestones(elementID: id)
    }
  }

  /// Progress updates, newest first, of one element (not found when there is no such element)
  /// or of all, in one month or any, at most `limit`.
  public func progressUpdates(elementID id: String?, month: YearMonth?, limit: Int) async throws -> [ProgressUpdate] {
    try await database.read { db in
      if let id, try db.element(id: id) == nil { throw StorageError(.notFound, "no plan element \(id)") }
      return try db.progressUpdates(elementID: id, month: month, limit: limit)
    }
  }
}

extension OversightRepository {
  /// The pence awarded from a fund so far.
  public func committedPence(fundID: String) async throws -> Int64 {
    try await database.read { try $0.committedPence(fundID: fundID) }
  }

  /// A fund with what has been awarded from it; `nil` when there is no such fund.
  public func fundPosition(id: String) async throws -> FundPosition? {
    try await database.read { db in
      guard let fund = try db.fund(id: id) else { return nil }
      return FundPosition(fund: fund, committedPence: try db.committedPence(fundID: id))
    }
  }

  /// Scrutiny meetings held between two days (either open).
  public func scrutinyMeetings(from: LocalDate?, to: LocalDate?) async throws -> [ScrutinyMeeting] {
    try await database.read { try $0.scrutinyMeetings(from: from, to: to) }
  }

  /// Where an indicator stands against its target with its latest figures; `nil` when there is
  /// no such indicator.
  public func assessment(indicatorID: String) async throws -> IndicatorAssessment? {
    try await database.read { db in try db.assessments(asOf: nil).first { $0.indicator.id == indicatorID } }
  }

  /// Inspections with their items.
  public func inspections() async throws -> [InspectionRecord] {
    try await database.read { try $0.inspections() }
  }

  /// Correspondence between two days by subject and area, with the areas and the force's
  /// profile that name them.
  public func correspondenceTotals(from: LocalDate, to: LocalDate) async throws
    -> (totals: CorrespondenceTotals, areas: [Area], profile: ForceProfile)
  {
    try await database.read { db in
      (try db.correspondenceTotals(from: from, to: to), try db.areas(), try db.forceProfile())
    }
  }

  /// Every reach figure recorded.
  public func reachMeasurements() async throws -> [ReachMeasurement] {
    try await database.read { try $0.reachMeasurements() }
  }
}
