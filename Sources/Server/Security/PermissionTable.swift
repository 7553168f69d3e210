import GRPCCore
import Model
import RPC

/// Who may make a call.
enum Access: Sendable, Hashable {
  /// Anyone, with no token: health checks and enrolment.
  case anyone
  /// Any signed-in device, whatever its role.
  case signedIn
  /// Signed-in devices of these roles.
  case roles(Set<Role>)

  func allows(_ role: Role) -> Bool {
    switch self {
    case .anyone, .signedIn: true
    case .roles(let roles): roles.contains(role)
    }
  }
}

/// Every RPC the server offers and who may call it: the one table `AuthInterceptor`
/// enforces, written out in Docs/Security.md. A method missing here is refused to everyone.
///
/// Record-level rules sit on top: a field role records, changes and deletes only the
/// engagements of its own office (`Role.mayRecord(for:)`), checked mutation by mutation.
enum PermissionTable {
  static let field = Role.field
  /// Read the plan and the office's records: field users, governance, analysts.
  static let planReaders = field.union([.governance, .analyst])
  /// Read the monthly review: the plan's readers and the Panel.
  static let reviewReaders = planReaders.union([.panelReader])
  static let governance: Set<Role> = [.governance]
  static let admin: Set<Role> = [.admin]

  static let rules: [String: Access] = {
    var rules: [String: Access] = [:]
    func add(_ service: ServiceDescriptor, _ methods: [String: Access]) {
      for (method, access) in methods { rules["\(service.fullyQualifiedService)/\(method)"] = access }
    }
    add(
      Grpc_Health_V1_Health.descriptor,
      ["Check": .anyone, "Watch": .anyone])
    // The shape of the API, as in Protos/: no records.
    add(Grpc_Reflection_V1_ServerReflection.descriptor, ["ServerReflectionInfo": .anyone])
    add(Grpc_Reflection_V1alpha_ServerReflection.descriptor, ["ServerReflectionInfo": .anyone])
    add(
      Assure_V1_AccountService.descriptor,
      [
        "Enrol": .anyone, "RefreshToken": .signedIn, "WhoAmI": .signedIn, "SignOut": .signedIn,
        "CreateUser": .roles(admin), "IssueEnrolmentCode": .roles(admin), "DisableUser": .roles(admin),
        "ListUsers": .roles(admin), "ListDevices": .roles(admin), "RevokeDevice": .roles(admin),
        "ListAuditEvents": .roles(admin.union(governance)),
      ])
    add(
      Assure_V1_EngagementService.descriptor,
      [
        "RecordEngagement": .roles(field),
        "GetEngagement": .roles(field.union(governance)),
        "ListEngagements": .roles(field.union(governance)),
        "SummarizeEngagements": .roles(planReaders),
      ])
    add(
      Assure_V1_SyncService.descriptor,
      [
        "Push": .roles(field),
        "Pull": .roles(field.union(governance)),
        "ListConflicts": .roles(field.union(governance)),
      ])
    add(
      Assure_V1_DeliveryPlanService.descriptor,
      [
        "ListObjectives": .roles(planReaders), "ListElements": .roles(planReaders), "GetElement": .roles(planReaders),
        "GetElementHistory": .roles(planReaders), "ListMilestones": .roles(planReaders),
        "ListProgressUpdates": .roles(planReaders),
        "CreateObjective": .roles(governance), "UpdateObjective": .roles(governance),
        "CreateElement": .roles(governance), "UpdateElement": .roles(governance),
        "SetElementStatus": .roles(governance), "AddMilestone": .roles(governance),
        "CompleteMilestone": .roles(governance), "AddProgressUpdate": .roles(governance),
        "ImportPlan": .roles(governance),
      ])
    add(
      Assure_V1_GovernanceService.descriptor,
      [
        "GetMonthlyReview": .roles(reviewReaders),
        "ListMeetings": .roles(planReaders), "ListActions": .roles(planReaders),
        "RecordMeeting": .roles(governance), "UpdateAction": .roles(governance),
        // Names only, no records: every signed-in device may read them.
        "GetForceProfile": .signedIn, "SaveForceProfile": .roles(governance),
      ])
    // Oversight records behind the Panel report: the governance team keeps them, analysts keep
    // indicators, measurements and reach figures (ImportRecords checks the kind).
    let indicatorKeepers = governance.union([.analyst])
    add(
      Assure_V1_OversightService.descriptor,
      [
        "SaveFund": .roles(governance), "SaveAward": .roles(governance), "SaveBid": .roles(governance),
        "SaveScrutinyMeeting": .roles(governance), "SaveInspection": .roles(governance),
        "SaveInspectionItem": .roles(governance), "RecordCorrespondence": .roles(governance),
        "SaveIndicator": .roles(indicatorKeepers), "RecordMeasurement": .roles(indicatorKeepers),
        "RecordReach": .roles(indicatorKeepers), "ImportRecords": .roles(indicatorKeepers),
        "ListFunding": .roles(planReaders), "ListScrutinyMeetings": .roles(planReaders),
        "ListIndicators": .roles(planReaders), "ListInspections": .roles(planReaders),
        "CorrespondenceTotals": .roles(planReaders), "ListReach": .roles(planReaders),
      ])
    add(Assure_V1_ReportService.descriptor, ["GeneratePanelReport": .roles(reviewReaders)])
    return rules
  }()

  /// Who may call `method`; `nil` when the table does not name it (refused to everyone).
  static func access(for method: MethodDescriptor) -> Access? {
    rules[method.fullyQualifiedMethod]
  }
}
