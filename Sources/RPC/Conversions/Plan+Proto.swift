import Foundation
public import Model
import SwiftProtobuf

extension Objective {
  public init(proto p: Assure_V1_Objective) {
    self.init(id: p.id, title: p.title, description: p.description_p, position: Int(p.position))
  }

  public var proto: Assure_V1_Objective {
    .with {
      $0.id = id
      $0.title = title
      $0.description_p = description
      $0.position = Int32(clamping: position)
    }
  }
}

extension PlanElement {
  public init(proto p: Assure_V1_PlanElement) {
    self.init(
      id: p.id, objectiveID: p.objectiveID, title: p.title, description: p.description_p,
      opccLead: p.opccLead, forceLead: p.forceLead, status: ElementStatus(rawValue: p.status),
      startDate: LocalDate(p.startDate), dueDate: LocalDate(p.dueDate), position: Int(p.position),
      ragOverride: RAG(rawValue: p.ragOverride).map { RAGOverride(rag: $0, reason: p.ragOverrideReason) })
  }

  /// The element with its RAG as at today (UTC), as it is served.
  public var proto: Assure_V1_PlanElement { proto(on: LocalDate.today(in: TimeZone(identifier: "UTC") ?? .current)) }

  /// The element with its RAG as at `day`.
  public func proto(on day: LocalDate) -> Assure_V1_PlanElement {
    .with {
      $0.id = id
      $0.objectiveID = objectiveID
      $0.title = title
      $0.description_p = description
      $0.opccLead = opccLead
      $0.forceLead = forceLead
      $0.status = status.rawValue
      $0.rag = rag(on: day)?.rawValue ?? ""
      $0.startDate = startDate?.description ?? ""
      $0.dueDate = dueDate?.description ?? ""
      $0.position = Int32(clamping: position)
      $0.ragOverride = ragOverride?.rag.rawValue ?? ""
      $0.ragOverrideReason = ragOverride?.reason ?? ""
    }
  }
}

extension Area {
  public init(proto p: Assure_V1_Area) {
    self.init(code: p.code, name: p.name, retired: p.retired)
  }

  public var proto: Assure_V1_Area {
    .with {
      $0.code = code
      $0.name = name
      $0.retired = retired
    }
  }
}
