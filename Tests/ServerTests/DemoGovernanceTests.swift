import Application
import Foundation
import Model
import SQLiteStore
import Stores
import Sync
import Testing

@testable import Server

/// The demo plan arrives with its history, and the reviews it gives tell the reference report's story.
@Suite struct DemoGovernanceTests {
  private func month(_ text: String) throws -> YearMonth { try #require(YearMonth(text)) }

  @Test("every element ends at its status in the demo plan, and each update at its element's status that day")
  func historyChainsToThePlan() async throws {
    try await withDemoServer { _, _, repository in
      let (elements, updates) = try await repository.database.read { db in
        (try db.elements(), try db.progressUpdates(elementID: nil))
      }
      #expect(elements.count == DemoData.elements.count)
      for planned in DemoData.elements {
        let stored = try #require(elements.first { $0.id == planned.id })
        #expect(stored.status == planned.status, "element \(planned.id)")
      }
      #expect(updates.count == DemoGovernance.updates.count)
      for seed in DemoGovernance.updates {
        let stored = updates.first {
          $0.elementID == seed.element && $0.date.description == seed.date && $0.narrative == seed.text
        }
        #expect(stored?.status == seed.status, "update of \(seed.element) on \(seed.date)")
        #expect(stored?.author == seed.author)
      }
    }
  }

  @Test("October 2022: the 12 October move of road safety, the overdue September milestone, the open actions")
  func octoberReview() async throws {
    try await withDemoServer { _, _, repository in
      let governance = GovernanceRepository(database: repository.database, now: repository.now)
      let october = try await governance.monthlyReview(try month("2022-10"))
      let secure = try #require(october.objectives.first { $0.objective.id == "2" })
      let roads = try #require(secure.changes.first { $0.elementID == "2.3" })
      #expect(roads.from?.status == .onTrack)
      #expect(roads.to.status == .atRisk)
      #expect(roads.changedOn.description == "2022-10-12")
      #expect(secure.milestonesOverdue.map(\.milestone.elementID) == ["2.3"])
      #expect(secure.milestonesOverdue.first?.milestone.dueDate.description == "2022-09-30")
      // The report's October activity, under the right objectives.
      let prevention = try #require(october.objectives.first { $0.objective.id == "1" })
      #expect(
        prevention.updates.contains { $0.update.elementID == "1.1" && $0.update.narrative.contains("Barnardo's") })
      #expect(october.objectives.map { $0.updates.count }.reduce(0, +) == 19)
      #expect(october.engagements.total == 14)
      // Open actions from September and October, the two September ones past due first.
      #expect(october.openActions.count == 6)
      #expect(october.openActions.prefix(2).allSatisfy { $0.dueState == .overdue })
      #expect(october.openActions.prefix(2).allSatisfy { $0.meetingDate.description == "2022-09-28" })
      #expect(!october.openActions.contains { $0.action.elementID == "1.5" }, "the bid action was done on 7 October")
      #expect(october.meetings.map(\.date.description) == ["2022-10-26"])
    }
  }

  @Test("November 2022: road safety is still at risk but no longer a change; public confidence moves to off track")
  func novemberReview() async throws {
    try await withDemoServer { _, _, repository in
      let governance = GovernanceRepository(database: repository.database, now: repository.now)
      let november = try await governance.monthlyReview(try month("2022-11"))
      let changes = november.objectives.flatMap(\.changes)
      #expect(!changes.contains { $0.elementID == "2.3" })
      #expect(Set(changes.map(\.elementID)) == ["1.5", "4.2", "4.5"])
      let confidence = try #require(changes.first { $0.elementID == "4.5" })
      #expect(confidence.from?.rag == .red && confidence.from?.ragOverridden == true)
      #expect(confidence.to.status == .offTrack && confidence.to.ragOverridden == false)
      let concerns = november.objectives.flatMap(\.elementsOfConcern).map(\.elementID)
      #expect(concerns.contains("2.3"))
    }
  }
}
