import GRPCCore
import Model
import RPC
import SwiftProtobuf
import Storage
import Sync

/// `assure.v1.DeliveryPlanService`, read side: objectives and plan elements.
struct DeliveryPlanService: Assure_V1_DeliveryPlanService.SimpleServiceProtocol {
  let repository: ServerRepository

  func listObjectives(
    request: Assure_V1_ListObjectivesRequest, context: ServerContext
  ) async throws -> Assure_V1_ListObjectivesResponse {
    let objectives = try await repository.database.read { try $0.objectives() }
    return .with { $0.objectives = objectives.map(\.proto) }
  }

  func listElements(
    request: Assure_V1_ListElementsRequest, context: ServerContext
  ) async throws -> Assure_V1_ListElementsResponse {
    let objectiveID = request.objectiveID
    let elements = try await repository.database.read { db -> [PlanElement] in
      if objectiveID.isEmpty { return try db.elements() }
      guard try db.objective(id: objectiveID) != nil else {
        throw StorageError(.notFound, "no objective \(objectiveID)")
      }
      return try db.elements(objectiveID: objectiveID)
    }
    return .with { $0.elements = elements.map(\.proto) }
  }

  func getElement(
    request: Assure_V1_GetElementRequest, context: ServerContext
  ) async throws -> Assure_V1_GetElementResponse {
    let id = request.id
    guard !id.isEmpty else { throw ValidationError(field: "id", rule: "is required") }
    guard let element = try await repository.database.read({ try $0.element(id: id) }) else {
      throw StorageError(.notFound, "no plan element \(id)")
    }
    return .with { $0.element = element.proto }
  }
}
