import Foundation
import Model
import Storage
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
  }

  private let state = Mutex(State())
  private let database: ServerDatabase

  init(database: ServerDatabase) {
    self.database = database
  }

  /// The plan as stored: from memory, or read once and kept.
  func current() async throws -> Plan {
    let (generation, cached) = state.withLock { ($0.generation, $0.plan) }
    if let cached { return cached }
    let (objectives, elements) = try await database.read { db in (try db.objectives(), try db.elements()) }
    let plan = Plan(
      objectives: objectives, elements: elements,
      elementsByID: Dictionary(elements.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
      objectiveIDs: Set(objectives.map(\.id)))
    state.withLock { if $0.generation == generation { $0.plan = plan } }
    return plan
  }

  /// Drops the copy after a write; call it after the write commits.
  func invalidate() {
    state.withLock {
      $0.generation &+= 1
      $0.plan = nil
    }
  }
}
