public import Model
import SwiftProtobuf

// `DeliveryPlanService`: the plan's objectives and elements, their status history, milestones
// and progress updates.

extension AssureClient {
  private var plan: Assure_V1_DeliveryPlanService.Client<Transport> { .init(wrapping: grpc) }

  /// Every objective, in plan order.
  public func objectives() async throws -> [Objective] {
    let response = try await call { try await plan.listObjectives(.init(), options: $0) }
    return response.objectives.map(Objective.init(proto:))
  }

  /// Every plan element, or those of one objective, in plan order.
  public func elements(objectiveID: String? = nil) async throws -> [PlanElement] {
    let response = try await call {
      try await plan.listElements(.with { $0.objectiveID = objectiveID ?? "" }, options: $0)
    }
    return response.elements.map(PlanElement.init(proto:))
  }

  /// Adds an objective; a position of 0 places it last.
  public func createObjective(_ objective: Objective) async throws -> Objective {
    let response = try await call {
      try await plan.createObjective(.with { $0.objective = objective.proto }, options: $0)
    }
    return Objective(proto: response.objective)
  }

  /// Changes an objective's title or description (`nil` keeps it).
  public func updateObjective(id: String, title: String? = nil, description: String? = nil) async throws -> Objective {
    let request = Assure_V1_UpdateObjectiveRequest.with {
      $0.id = id
      if let title { $0.title = title }
      if let description { $0.description_p = description }
    }
    let response = try await call { try await plan.updateObjective(request, options: $0) }
    return Objective(proto: response.objective)
  }

  /// Adds a plan element; its status holds from `effectiveOn` (default: its start day, or the
  /// server's today). A position of 0 places it last under its objective.
  public func createElement(_ element: PlanElement, effectiveOn: LocalDate? = nil) async throws -> PlanElement {
    let request = Assure_V1_CreateElementRequest.with {
      $0.element = element.requestProto
      $0.effectiveOn = effectiveOn?.description ?? ""
    }
    let response = try await call { try await plan.createElement(request, options: $0) }
    return PlanElement(proto: response.element)
  }

  /// Changes a plan element's details.
  public func updateElement(id: String, _ changes: ElementChanges) async throws -> PlanElement {
    let request = Assure_V1_UpdateElementRequest.with {
      $0.id = id
      if let title = changes.title { $0.title = title }
      if let description = changes.description { $0.description_p = description }
      if let lead = changes.opccLead { $0.opccLead = lead }
      if let lead = changes.forceLead { $0.forceLead = lead }
      if let start = changes.startDate { $0.startDate = start?.description ?? "" }
      if let due = changes.dueDate { $0.dueDate = due?.description ?? "" }
      if let objective = changes.objectiveID { $0.objectiveID = objective }
    }
    let response = try await call { try await plan.updateElement(request, options: $0) }
    return PlanElement(proto: response.element)
  }

  /// Records a status change (which restates the RAG) and returns the element as it now stands.
  public func setElementStatus(_ change: ElementStatusChange) async throws -> RatedElement {
    let request = Assure_V1_SetElementStatusRequest.with {
      $0.id = change.elementID
      $0.status = change.status.rawValue
      $0.effectiveOn = change.effectiveOn?.description ?? ""
      $0.note = change.note
      $0.ragOverride = change.ragOverride ?? ""
      $0.ragOverrideReason = change.ragOverride == nil ? "" : change.ragOverrideReason
    }
    let response = try await call { try await plan.setElementStatus(request, options: $0) }
    return RatedElement(element: PlanElement(proto: response.element), rag: RAG(rawValue: response.element.rag))
  }

  /// A plan element's status history, oldest first.
  public func elementHistory(id: String) async throws -> [StatusChange] {
    let response = try await call { try await plan.getElementHistory(.with { $0.id = id }, options: $0) }
    return try response.changes.map { try StatusChange(proto: $0) }
  }

  /// Adds a milestone to a plan element.
  public func addMilestone(elementID: String, title: String, dueDate: LocalDate, links: [String] = []) async throws
    -> Milestone
  {
    let request = Assure_V1_AddMilestoneRequest.with {
      $0.elementID = elementID
      $0.title = title
      $0.dueDate = dueDate.description
      $0.links = links
    }
    let response = try await call { try await plan.addMilestone(request, options: $0) }
    return try Milestone(proto: response.milestone)
  }

  /// Marks a milestone completed on `day` (default: the server's today).
  public func completeMilestone(id: String, on day: LocalDate? = nil) async throws -> Milestone {
    let request = Assure_V1_CompleteMilestoneRequest.with {
      $0.id = id
      $0.completedOn = day?.description ?? ""
    }
    let response = try await call { try await plan.completeMilestone(request, options: $0) }
    return try Milestone(proto: response.milestone)
  }

  /// Milestones by due date, of every element or of one.
  public func milestones(elementID: String? = nil) async throws -> [Milestone] {
    let response = try await call {
      try await plan.listMilestones(.with { $0.elementID = elementID ?? "" }, options: $0)
    }
    return try response.milestones.map { try Milestone(proto: $0) }
  }

  /// Records a progress update on a plan element.
  public func addProgressUpdate(_ update: NewProgressUpdate) async throws -> ProgressUpdate {
    let request = Assure_V1_AddProgressUpdateRequest.with {
      $0.elementID = update.elementID
      $0.narrative = update.narrative
      $0.date = update.date?.description ?? ""
      $0.forPanel = update.forPanel
      $0.author = update.author ?? ""
      $0.links = update.links
    }
    let response = try await call { try await plan.addProgressUpdate(request, options: $0) }
    return try ProgressUpdate(proto: response.update)
  }

  /// Progress updates, newest first: of every element or one, of any month or one (`YYYY-MM`,
  /// as given: the server checks it), at most `limit` (1 to 1000).
  public func progressUpdates(elementID: String? = nil, month: String? = nil, limit: Int = 100) async throws
    -> [ProgressUpdate]
  {
    let request = Assure_V1_ListProgressUpdatesRequest.with {
      $0.elementID = elementID ?? ""
      $0.month = month ?? ""
      $0.limit = Int32(clamping: limit)
    }
    let response = try await call { try await plan.listProgressUpdates(request, options: $0) }
    return try response.updates.map { try ProgressUpdate(proto: $0) }
  }

  /// Creates and updates objectives and elements from a plan CSV file, all or nothing; with
  /// `dryRun`, says what would change and stores nothing.
  public func importPlan(csv: String, dryRun: Bool = false) async throws -> PlanImportCounts {
    let request = Assure_V1_ImportPlanRequest.with {
      $0.csv = csv
      $0.dryRun = dryRun
    }
    let r = try await call { try await plan.importPlan(request, options: $0) }
    return PlanImportCounts(
      objectivesCreated: Int(r.objectivesCreated), objectivesUpdated: Int(r.objectivesUpdated),
      elementsCreated: Int(r.elementsCreated), elementsUpdated: Int(r.elementsUpdated), unchanged: Int(r.unchanged),
      statusChanges: Int(r.statusChanges))
  }
}

extension PlanElement {
  /// The element as a request carries it: with no RAG, which the server derives.
  fileprivate var requestProto: Assure_V1_PlanElement {
    .with {
      $0.id = id
      $0.objectiveID = objectiveID
      $0.title = title
      $0.description_p = description
      $0.opccLead = opccLead
      $0.forceLead = forceLead
      $0.status = status.rawValue
      $0.startDate = startDate?.description ?? ""
      $0.dueDate = dueDate?.description ?? ""
      $0.position = Int32(clamping: position)
      $0.ragOverride = ragOverride?.rag.rawValue ?? ""
      $0.ragOverrideReason = ragOverride?.reason ?? ""
    }
  }
}
