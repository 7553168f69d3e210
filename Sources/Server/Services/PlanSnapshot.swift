import Application
import Foundation
import Model
import RPC
import Synchronization

/// The plan's objectives and elements held in memory, so that the plan reads every device
/// and the review make do not each read the database. Every plan write made through the
/// server drops it (`invalidate`); the next read loads it again.
///
/// A load that overlaps a write is not kept: each write moves the generation on, and a load
/// keeps its result only if the generation it started in is still current.
final class PlanSnapshot: Sendable {
  struct Plan: Sendable {
    let objectives: [Objective]
    let elements: [PlanElement]
    let elementsByID: [String: PlanElement]
    let objectiveIDs: Set<String>
  }

  private struct State {
    var generation: UInt64 = 0
    var plan: Plan?
    /// Each element as sent, with its RAG as at `day`, made on first use that day.
    var protos: (day: LocalDate, byID: [String: Assure_V1_PlanElement])?
  }

  private let state = Mutex(State())
  private let repository: ServerRepository

  init(repository: ServerRepository) {
    self.repository = repository
  }

  /// The plan as stored: from memory, or read once and kept.
  func current() async throws -> Plan {
    let (generation, cached) = state.withLock { ($0.generation, $0.plan) }
    if let cached { return cached }
    let (objectives, elements) = try await repository.plan()
    let plan = Plan(
      objectives: objectives, elements: elements,
      elementsByID: Dictionary(elements.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
      objectiveIDs: Set(objectives.map(\.id)))
    state.withLock { if $0.generation == generation { $0.plan = plan } }
    return plan
  }

  /// One element as sent, its RAG as at `day`; `nil` when there is no such element.
  func element(_ id: String, on day: LocalDate) async throws -> Assure_V1_PlanElement? {
    if let found = state.withLock({ state -> Assure_V1_PlanElement?? in
      guard state.plan != nil, let protos = state.protos, protos.day == day else { return nil }
      return .some(protos.byID[id])
    }) {
      return found
    }
    let generation = state.withLock { $0.generation }
    let plan = try await current()
    let byID = plan.elementsByID.mapValues { $0.proto(on: day) }
    state.withLock { if $0.generation == generation, $0.plan != nil { $0.protos = (day, byID) } }
    return byID[id]
  }

  /// Drops the copy after a write; call it after the write commits.
  func invalidate() {
    state.withLock {
      $0.generation &+= 1
      $0.plan = nil
      $0.protos = nil
    }
  }
}
