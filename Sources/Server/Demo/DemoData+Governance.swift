import Application
import Foundation
import Model
import Sync

extension DemoGovernance {
  /// Who the demo history is recorded as, in the audit trail and the status history.
  static let caller = Caller.server("demo", deviceID: "demo", rpc: "demo-seed")

  /// Seeds the demo plan through the governance team's own writes, so that the plan arrives with
  /// its history: each element enters at the status it held when it started, then takes its
  /// status moves in date order; milestones, progress updates and the governance meetings (with
  /// the actions closed since) follow. The audit trail records every step as the `demo` user.
  static func seedPlan(objectives: [Objective], elements: [PlanElement], into governance: GovernanceRepository)
    async throws
  {
    for objective in objectives { _ = try await governance.createObjective(objective, by: caller) }
    let moves = statusMoves.sorted { ($0.date, $0.element) < ($1.date, $1.element) }
    for element in elements {
      var first = element
      if let move = moves.first(where: { $0.element == element.id }) {
        first.status = move.from
        first.ragOverride = nil
      }
      _ = try await governance.createElement(first, effectiveOn: nil, by: caller)
    }
    for move in moves {
      _ = try await governance.setStatus(
        elementID: move.element, status: move.to, effectiveOn: day(move.date), note: move.note,
        ragOverride: move.ragOverride, by: caller)
    }
    for seed in milestones {
      let milestone = try await governance.addMilestone(
        elementID: seed.element, title: seed.title, dueDate: day(seed.due), links: [], by: caller)
      if let completed = seed.completed {
        _ = try await governance.completeMilestone(id: milestone.id, on: day(completed), by: caller)
      }
    }
    for update in updates.sorted(by: { ($0.date, $0.element) < ($1.date, $1.element) }) {
      _ = try await governance.addUpdate(
        elementID: update.element, date: day(update.date), narrative: update.text, forPanel: update.forPanel,
        links: DemoOversight.links(element: update.element, date: update.date), author: update.author, by: caller)
    }
    for seed in meetings {
      let (_, stored) = try await governance.recordMeeting(seed.meeting, actions: seed.actions, by: caller)
      for (action, planned) in zip(stored, seed.actions) where planned.status != .open {
        _ = try await governance.updateAction(
          id: action.id, .init(status: planned.status, closedOn: planned.closedOn), by: caller)
      }
    }
  }
}
