import Application
import Foundation
import GRPCCore
import Model
import RPC
import SwiftProtobuf
import Sync

/// `assure.v1.DeliveryPlanService`: the plan read by everyone and kept by the governance team.
struct DeliveryPlanService: Assure_V1_DeliveryPlanService.SimpleServiceProtocol {
  let repository: ServerRepository
  let governance: GovernanceRepository
  /// Objectives and elements in memory, dropped by every write below.
  let snapshot: PlanSnapshot

  /// The signed-in caller; a call without one changes nothing (`AuthInterceptor.requireCaller`).
  private var caller: Caller { get throws { try AuthInterceptor.requireCaller() } }

  // MARK: - Reads

  func listObjectives(
    request: Assure_V1_ListObjectivesRequest, context: ServerContext
  ) async throws -> Assure_V1_ListObjectivesResponse {
    try AuthInterceptor.requireCaller()
    let objectives = try await snapshot.current().objectives
    return .with { $0.objectives = objectives.map(\.proto) }
  }

  func listElements(
    request: Assure_V1_ListElementsRequest, context: ServerContext
  ) async throws -> Assure_V1_ListElementsResponse {
    try AuthInterceptor.requireCaller()
    let objectiveID = request.objectiveID
    let plan = try await snapshot.current()
    var elements = plan.elements
    if !objectiveID.isEmpty {
      guard plan.objectiveIDs.contains(objectiveID) else {
        throw StorageError(.notFound, "no objective \(objectiveID)")
      }
      elements = elements.filter { $0.objectiveID == objectiveID }
    }
    let today = governance.today
    return .with { $0.elements = elements.map { $0.proto(on: today) } }
  }

  func getElement(
    request: Assure_V1_GetElementRequest, context: ServerContext
  ) async throws -> Assure_V1_GetElementResponse {
    try AuthInterceptor.requireCaller()
    let id = request.id
    guard !id.isEmpty else { throw ValidationError(field: "id", rule: "is required") }
    guard let element = try await snapshot.element(id, on: governance.today) else {
      throw StorageError(.notFound, "no plan element \(id)")
    }
    return .with { $0.element = element }
  }

  func getElementHistory(
    request: Assure_V1_GetElementHistoryRequest, context: ServerContext
  ) async throws -> Assure_V1_GetElementHistoryResponse {
    try AuthInterceptor.requireCaller()
    let id = request.id
    let history = try await governance.statusHistory(elementID: id)
    return .with { $0.changes = history.map(\.proto) }
  }

  func listMilestones(
    request: Assure_V1_ListMilestonesRequest, context: ServerContext
  ) async throws -> Assure_V1_ListMilestonesResponse {
    try AuthInterceptor.requireCaller()
    let id = request.elementID
    let milestones = try await governance.milestones(elementID: id.isEmpty ? nil : id)
    return .with { $0.milestones = milestones.map(\.proto) }
  }

  func listProgressUpdates(
    request: Assure_V1_ListProgressUpdatesRequest, context: ServerContext
  ) async throws -> Assure_V1_ListProgressUpdatesResponse {
    try AuthInterceptor.requireCaller()
    var v = ViolationCollector()
    let month = request.month.isEmpty ? nil : YearMonth(request.month)
    v.check(request.month.isEmpty || month != nil, "month", "must be YYYY-MM (got \"\(request.month)\")")
    let limit = request.limit == 0 ? 100 : Int(request.limit)
    v.check((1...1000).contains(limit), "limit", "must be between 1 and 1000 (got \(limit))")
    try v.throwIfAny()
    let id = request.elementID
    let updates = try await governance.progressUpdates(elementID: id.isEmpty ? nil : id, month: month, limit: limit)
    return .with { $0.updates = updates.map(\.proto) }
  }

  // MARK: - Writes

  func createObjective(
    request: Assure_V1_CreateObjectiveRequest, context: ServerContext
  ) async throws -> Assure_V1_ObjectiveResponse {
    try AuthInterceptor.requireCaller()
    defer { snapshot.invalidate() }
    let objective = try await governance.createObjective(Objective(proto: request.objective), by: try caller)
    return .with { $0.objective = objective.proto }
  }

  func updateObjective(
    request: Assure_V1_UpdateObjectiveRequest, context: ServerContext
  ) async throws -> Assure_V1_ObjectiveResponse {
    try AuthInterceptor.requireCaller()
    defer { snapshot.invalidate() }
    let objective = try await governance.updateObjective(
      id: request.id, title: request.hasTitle ? request.title : nil,
      description: request.hasDescription_p ? request.description_p : nil, by: try caller)
    return .with { $0.objective = objective.proto }
  }

  func createElement(
    request: Assure_V1_CreateElementRequest, context: ServerContext
  ) async throws -> Assure_V1_ElementResponse {
    try AuthInterceptor.requireCaller()
    defer { snapshot.invalidate() }
    var v = ViolationCollector()
    let p = request.element
    let start = Self.day(p.startDate, "start_date", &v)
    let due = Self.day(p.dueDate, "due_date", &v)
    let effective = Self.day(request.effectiveOn, "effective_on", &v)
    var override: RAGOverride?
    if !p.ragOverride.isEmpty {
      if let rag = RAG(rawValue: p.ragOverride) {
        override = RAGOverride(rag: rag, reason: p.ragOverrideReason)
      } else {
        v.fail("rag_override", "must be red, amber or green (got \"\(p.ragOverride)\")")
      }
    }
    try v.throwIfAny()
    let element = PlanElement(
      id: p.id, objectiveID: p.objectiveID, title: p.title, description: p.description_p, opccLead: p.opccLead,
      forceLead: p.forceLead, status: p.status.isEmpty ? .notStarted : ElementStatus(rawValue: p.status),
      startDate: start, dueDate: due, position: Int(p.position), ragOverride: override)
    let created = try await governance.createElement(element, effectiveOn: effective, by: try caller)
    return .with { $0.element = created.proto(on: governance.today) }
  }

  func updateElement(
    request: Assure_V1_UpdateElementRequest, context: ServerContext
  ) async throws -> Assure_V1_ElementResponse {
    try AuthInterceptor.requireCaller()
    defer { snapshot.invalidate() }
    var v = ViolationCollector()
    var edit = ElementChanges()
    if request.hasTitle { edit.title = request.title }
    if request.hasDescription_p { edit.description = request.description_p }
    if request.hasOpccLead { edit.opccLead = request.opccLead }
    if request.hasForceLead { edit.forceLead = request.forceLead }
    if request.hasStartDate { edit.startDate = .some(Self.day(request.startDate, "start_date", &v)) }
    if request.hasDueDate { edit.dueDate = .some(Self.day(request.dueDate, "due_date", &v)) }
    if request.hasObjectiveID { edit.objectiveID = request.objectiveID }
    try v.throwIfAny()
    let element = try await governance.updateElement(id: request.id, edit, by: try caller)
    return .with { $0.element = element.proto(on: governance.today) }
  }

  func setElementStatus(
    request: Assure_V1_SetElementStatusRequest, context: ServerContext
  ) async throws -> Assure_V1_ElementResponse {
    try AuthInterceptor.requireCaller()
    defer { snapshot.invalidate() }
    var v = ViolationCollector()
    let effective = Self.day(request.effectiveOn, "effective_on", &v)
    var override: RAGOverride?
    if !request.ragOverride.isEmpty {
      if let rag = RAG(rawValue: request.ragOverride) {
        override = RAGOverride(rag: rag, reason: request.ragOverrideReason)
      } else {
        v.fail("rag_override", "must be red, amber or green (got \"\(request.ragOverride)\")")
      }
    } else if !request.ragOverrideReason.isEmpty {
      v.fail("rag_override_reason", "is given without a rag_override")
    }
    try v.throwIfAny()
    let element = try await governance.setStatus(
      elementID: request.id, status: ElementStatus(rawValue: request.status), effectiveOn: effective,
      note: request.note, ragOverride: override, by: try caller)
    return .with { $0.element = element.proto(on: governance.today) }
  }

  func addMilestone(
    request: Assure_V1_AddMilestoneRequest, context: ServerContext
  ) async throws -> Assure_V1_MilestoneResponse {
    try AuthInterceptor.requireCaller()
    defer { snapshot.invalidate() }
    var v = ViolationCollector()
    let due = Self.day(request.dueDate, "due_date", &v)
    if request.dueDate.isEmpty { v.fail("due_date", "is required") }
    try v.throwIfAny()
    guard let due else { throw ValidationError(field: "due_date", rule: "is required") }
    let milestone = try await governance.addMilestone(
      elementID: request.elementID, title: request.title, dueDate: due, links: request.links, by: try caller)
    return .with { $0.milestone = milestone.proto }
  }

  func completeMilestone(
    request: Assure_V1_CompleteMilestoneRequest, context: ServerContext
  ) async throws -> Assure_V1_MilestoneResponse {
    try AuthInterceptor.requireCaller()
    defer { snapshot.invalidate() }
    var v = ViolationCollector()
    let day = Self.day(request.completedOn, "completed_on", &v)
    try v.throwIfAny()
    let milestone = try await governance.completeMilestone(id: request.id, on: day, by: try caller)
    return .with { $0.milestone = milestone.proto }
  }

  func addProgressUpdate(
    request: Assure_V1_AddProgressUpdateRequest, context: ServerContext
  ) async throws -> Assure_V1_ProgressUpdateResponse {
    try AuthInterceptor.requireCaller()
    defer { snapshot.invalidate() }
    var v = ViolationCollector()
    let date = Self.day(request.date, "date", &v)
    try v.throwIfAny()
    let update = try await governance.addUpdate(
      elementID: request.elementID, date: date, narrative: request.narrative, forPanel: request.forPanel,
      links: request.links, author: request.author, by: try caller)
    return .with { $0.update = update.proto }
  }

  func importPlan(
    request: Assure_V1_ImportPlanRequest, context: ServerContext
  ) async throws -> Assure_V1_ImportPlanResponse {
    try AuthInterceptor.requireCaller()
    defer { snapshot.invalidate() }
    guard request.csv.utf8.count <= 4 << 20 else {
      throw ValidationError(field: "csv", rule: "must be at most 4 MiB (got \(request.csv.utf8.count) bytes)")
    }
    let summary = try await governance.importPlan(csv: request.csv, dryRun: request.dryRun, by: try caller)
    return .with {
      $0.objectivesCreated = Int32(summary.objectivesCreated)
      $0.objectivesUpdated = Int32(summary.objectivesUpdated)
      $0.elementsCreated = Int32(summary.elementsCreated)
      $0.elementsUpdated = Int32(summary.elementsUpdated)
      $0.unchanged = Int32(summary.unchanged)
      $0.statusChanges = Int32(summary.statusChanges)
    }
  }

  /// An optional day from a request: empty is `nil`; anything else must be `YYYY-MM-DD`.
  static func day(_ text: String, _ field: String, _ v: inout ViolationCollector) -> LocalDate? {
    guard !text.isEmpty else { return nil }
    guard let day = LocalDate(text) else {
      v.fail(field, "must be a date YYYY-MM-DD (got \"\(text)\")")
      return nil
    }
    return day
  }
}
