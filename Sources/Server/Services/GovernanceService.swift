import Application
import Foundation
import GRPCCore
import Model
import RPC
import SwiftProtobuf
import Sync

/// `assure.v1.GovernanceService`: the monthly review, meetings and actions.
struct GovernanceService: Assure_V1_GovernanceService.SimpleServiceProtocol {
  let governance: GovernanceRepository

  /// The signed-in caller; a call without one changes nothing (`AuthInterceptor.requireCaller`).
  private var caller: Caller { get throws { try AuthInterceptor.requireCaller() } }

  func getMonthlyReview(
    request: Assure_V1_GetMonthlyReviewRequest, context: ServerContext
  ) async throws -> Assure_V1_GetMonthlyReviewResponse {
    try AuthInterceptor.requireCaller()
    guard let month = YearMonth(request.month) else {
      throw ValidationError(field: "month", rule: "must be YYYY-MM (got \"\(request.month)\")")
    }
    let clock = ContinuousClock()
    let start = clock.now
    let review = try await governance.monthlyReview(month)
    let proto = review.proto
    let elapsed = clock.now - start
    return .with {
      $0.review = proto
      $0.serverMicros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
    }
  }

  func recordMeeting(
    request: Assure_V1_RecordMeetingRequest, context: ServerContext
  ) async throws -> Assure_V1_RecordMeetingResponse {
    try AuthInterceptor.requireCaller()
    var violations: [ValidationError.Violation] = []
    var meeting: Meeting?
    do throws(ValidationError) {
      meeting = try Meeting(proto: request.meeting)
    } catch {
      violations += error.violations
    }
    guard request.actions.count <= PlanLimits.listCount else {
      throw ValidationError(field: "actions", rule: "at most \(PlanLimits.listCount) (got \(request.actions.count))")
    }
    var actions: [MeetingAction] = []
    for (index, p) in request.actions.enumerated() {
      do throws(ValidationError) {
        actions.append(try MeetingAction(proto: p, field: "actions[\(index + 1)]."))
      } catch {
        violations += error.violations
      }
    }
    guard violations.isEmpty, let meeting else { throw ValidationError(violations: violations) }
    let (stored, storedActions) = try await governance.recordMeeting(meeting, actions: actions, by: try caller)
    return .with {
      $0.meeting = stored.proto
      $0.actions = storedActions.map(\.proto)
    }
  }

  func listMeetings(
    request: Assure_V1_ListMeetingsRequest, context: ServerContext
  ) async throws -> Assure_V1_ListMeetingsResponse {
    try AuthInterceptor.requireCaller()
    let meetings = try await governance.meetings()
    return .with { $0.meetings = meetings.map(\.proto) }
  }

  func listActions(
    request: Assure_V1_ListActionsRequest, context: ServerContext
  ) async throws -> Assure_V1_ListActionsResponse {
    try AuthInterceptor.requireCaller()
    let status: ActionStatus?
    switch request.status {
    case "", "open": status = .open
    case "all": status = nil
    default:
      status = ActionStatus(rawValue: request.status)
      guard status?.isKnown == true else {
        throw ValidationError(
          field: "status", rule: "must be one of open, done, dropped, all (got \"\(request.status)\")")
      }
    }
    let items = try await governance.actionItems(status: status, owner: request.owner.isEmpty ? nil : request.owner)
    return .with { $0.actions = items.map(\.proto) }
  }

  func updateAction(
    request: Assure_V1_UpdateActionRequest, context: ServerContext
  ) async throws -> Assure_V1_UpdateActionResponse {
    try AuthInterceptor.requireCaller()
    var v = ViolationCollector()
    var edit = ActionChanges()
    if request.hasStatus {
      let status = ActionStatus(rawValue: request.status)
      v.check(status.isKnown, "status", "must be one of \(ActionStatus.knownList) (got \"\(request.status)\")")
      edit.status = status
    }
    if request.hasOwner { edit.owner = request.owner }
    if request.hasDueDate { edit.dueDate = .some(DeliveryPlanService.day(request.dueDate, "due_date", &v)) }
    if request.hasNote { edit.note = request.note }
    if request.hasClosedOn {
      edit.closedOn = DeliveryPlanService.day(request.closedOn, "closed_on", &v)
    }
    try v.throwIfAny()
    let action = try await governance.updateAction(id: request.id, edit, by: try caller)
    return .with { $0.action = action.proto }
  }

  func getForceProfile(
    request: Assure_V1_GetForceProfileRequest, context: ServerContext
  ) async throws -> Assure_V1_ForceProfileResponse {
    try AuthInterceptor.requireCaller()
    let profile = try await governance.forceProfile()
    return .with { $0.profile = profile.proto }
  }

  func saveForceProfile(
    request: Assure_V1_SaveForceProfileRequest, context: ServerContext
  ) async throws -> Assure_V1_ForceProfileResponse {
    let profile = try await governance.saveForceProfile(ForceProfile(proto: request.profile), by: caller)
    return .with { $0.profile = profile.proto }
  }
}
