public import Model
import SwiftProtobuf

// `GovernanceService`: the monthly review, meetings and their actions, the force's names.

extension AssureClient {
  private var governance: Assure_V1_GovernanceService.Client<Transport> { .init(wrapping: grpc) }

  /// The monthly governance review of `month`.
  public func monthlyReview(_ month: YearMonth) async throws -> MonthlyReview {
    let response = try await call {
      try await governance.getMonthlyReview(.with { $0.month = month.description }, options: $0)
    }
    return try MonthlyReview(proto: response.review)
  }

  /// Records a meeting with the actions agreed at it; the server gives both their ids.
  public func recordMeeting(_ meeting: Meeting, actions: [MeetingAction] = []) async throws -> RecordedMeeting {
    let request = Assure_V1_RecordMeetingRequest.with {
      $0.meeting = meeting.proto
      $0.actions = actions.map(\.proto)
    }
    let response = try await call { try await governance.recordMeeting(request, options: $0) }
    var stored: [MeetingAction] = []
    for action in response.actions { stored.append(try MeetingAction(proto: action)) }
    return RecordedMeeting(meeting: try Meeting(proto: response.meeting), actions: stored)
  }

  /// Every meeting, newest first.
  public func meetings() async throws -> [Meeting] {
    let response = try await call { try await governance.listMeetings(.init(), options: $0) }
    return try response.meetings.map { try Meeting(proto: $0) }
  }

  /// Actions with where each stands today: those with `status` (`nil`: every status), of
  /// one owner or all.
  public func actions(status: ActionStatus? = .open, owner: String? = nil) async throws -> [ActionItem] {
    let request = Assure_V1_ListActionsRequest.with {
      $0.status = status?.rawValue ?? "all"
      $0.owner = owner ?? ""
    }
    let response = try await call { try await governance.listActions(request, options: $0) }
    return try response.actions.map { try ActionItem(proto: $0) }
  }

  /// Changes an action's status, owner, due day or note.
  public func updateAction(id: String, _ changes: ActionChanges) async throws -> MeetingAction {
    let request = Assure_V1_UpdateActionRequest.with {
      $0.id = id
      if let status = changes.status { $0.status = status.rawValue }
      if let owner = changes.owner { $0.owner = owner }
      if let due = changes.dueDate { $0.dueDate = due?.description ?? "" }
      if let note = changes.note { $0.note = note }
      if let closedOn = changes.closedOn { $0.closedOn = closedOn.description }
    }
    let response = try await call { try await governance.updateAction(request, options: $0) }
    return try MeetingAction(proto: response.action)
  }

  /// How the force names itself, its plan, Panel, offices and reach measures.
  public func forceProfile() async throws -> ForceProfile {
    let response = try await call { try await governance.getForceProfile(.init(), options: $0) }
    return ForceProfile(proto: response.profile)
  }

  /// Replaces the force's names and returns them as stored.
  public func saveForceProfile(_ profile: ForceProfile) async throws -> ForceProfile {
    let response = try await call {
      try await governance.saveForceProfile(.with { $0.profile = profile.proto }, options: $0)
    }
    return ForceProfile(proto: response.profile)
  }
}
