import Application
import Foundation
import GRPCCore
import Model
import RPC
import Stores
import SwiftProtobuf
import Sync

/// `assure.v1.EngagementService`: records, reads, lists and summarises engagements.
struct EngagementService: Assure_V1_EngagementService.SimpleServiceProtocol {
  let repository: ServerRepository

  func recordEngagement(
    request: Assure_V1_RecordEngagementRequest, context: ServerContext
  ) async throws -> Assure_V1_RecordEngagementResponse {
    let caller = try AuthInterceptor.requireCaller()
    guard request.hasEngagement else { throw ValidationError(field: "engagement", rule: "is required") }
    var engagement = try Engagement(proto: request.engagement, fallbackTime: repository.now())
    if engagement.createdBy.isEmpty { engagement.createdBy = caller.user }
    if engagement.updatedBy.isEmpty { engagement.updatedBy = engagement.createdBy }
    let (stored, cursor) = try await repository.record(engagement, by: caller)
    return .with {
      $0.engagement = stored.proto
      $0.cursor = UInt64(cursor)
    }
  }

  func getEngagement(
    request: Assure_V1_GetEngagementRequest, context: ServerContext
  ) async throws -> Assure_V1_GetEngagementResponse {
    try AuthInterceptor.requireCaller()
    guard let id = UUID(uuidString: request.id) else {
      throw ValidationError(field: "id", rule: "must be a UUID (got \"\(request.id)\")")
    }
    guard let engagement = try await repository.engagement(id: id) else {
      throw StorageError(.notFound, "no engagement \(request.id.lowercased())")
    }
    return .with { $0.engagement = engagement.proto }
  }

  func listEngagements(
    request: Assure_V1_ListEngagementsRequest, context: ServerContext
  ) async throws -> Assure_V1_ListEngagementsResponse {
    try AuthInterceptor.requireCaller()
    let query = try EngagementQuery(
      fromDate: request.fromDate, toDate: request.toDate, who: request.who, area: request.area, kind: request.kind)
    guard (0...1000).contains(request.pageSize) else {
      throw ValidationError(
        field: "page_size", rule: "must be between 1 and 1000, or 0 for 100 (got \(request.pageSize))")
    }
    let size = request.pageSize == 0 ? 100 : Int(request.pageSize)
    let position = try PageToken.decode(request.pageToken)
    let (page, total) = try await repository.engagements(matching: query, after: position, limit: size + 1)
    let shown = page.prefix(size)
    return .with {
      $0.engagements = shown.map(\.proto)
      $0.totalSize = Int32(clamping: total)
      if page.count > size, let last = shown.last {
        $0.nextPageToken = PageToken.encode(EngagementPosition(after: last))
      }
    }
  }

  func summarizeEngagements(
    request: Assure_V1_SummarizeEngagementsRequest, context: ServerContext
  ) async throws -> Assure_V1_SummarizeEngagementsResponse {
    try AuthInterceptor.requireCaller()
    let query = try EngagementQuery(fromDate: request.fromDate, toDate: request.toDate)
    return try await repository.engagementSummary(matching: query).proto
  }
}

/// Opaque page tokens: the keyset position of the last engagement of a page.
enum PageToken {
  static func encode(_ position: EngagementPosition) -> String {
    Data("\(position.date)|\(position.id)".utf8).base64EncodedString()
  }

  static func decode(_ token: String) throws(ValidationError) -> EngagementPosition? {
    guard !token.isEmpty else { return nil }
    let invalid = ValidationError(field: "page_token", rule: "must be a next_page_token returned by this server")
    guard let data = Data(base64Encoded: token) else { throw invalid }
    let parts = String(decoding: data, as: UTF8.self).split(separator: "|", maxSplits: 1).map(String.init)
    guard parts.count == 2, let date = LocalDate(parts[0]), UUID(uuidString: parts[1]) != nil else { throw invalid }
    return EngagementPosition(date: date, id: parts[1])
  }
}
