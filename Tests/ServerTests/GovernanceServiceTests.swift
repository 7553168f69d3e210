import Application
import Foundation
import GRPCCore
import GRPCInProcessTransport
import Model
import RPC
import SQLiteStore
import Stores
import SwiftProtobuf
import Sync
import Testing

@testable import Server

@Suite struct GovernanceServiceTests {
  @Test("bad input is INVALID_ARGUMENT with one assure-violation-bin trailer per field and rule")
  func violationsInTrailers() async throws {
    try await withDemoServer { client, _ in
      let plan = Assure_V1_DeliveryPlanService.Client(wrapping: client)
      do {
        _ = try await plan.createElement(
          .with {
            $0.element = .with { e in
              e.id = "9.9"
              e.objectiveID = "9"
              e.status = "sideways"
              e.dueDate = "2023-02-30"
            }
          })
        Issue.record("expected INVALID_ARGUMENT")
      } catch let error as RPCError {
        #expect(error.code == .invalidArgument)
        let violations = error.metadata[binaryValues: "assure-violation-bin"].map {
          String(decoding: $0, as: UTF8.self)
        }
        #expect(violations == ["due_date\u{0}must be a date YYYY-MM-DD (got \"2023-02-30\")"])
      }
      do {
        _ = try await plan.createElement(
          .with {
            $0.element = .with { e in
              e.id = "9.9"
              e.objectiveID = "9"
              e.status = "sideways"
            }
          })
        Issue.record("expected INVALID_ARGUMENT")
      } catch let error as RPCError {
        let fields = error.metadata[binaryValues: "assure-violation-bin"].map {
          String(decoding: $0, as: UTF8.self).split(separator: "\u{0}").first.map(String.init) ?? ""
        }
        #expect(fields == ["objective", "title", "status"])
        #expect(error.message.contains("status: must be one of"))
      }
    }
  }

  @Test("the signed-in caller and device are recorded in the audit trail with the RPC")
  func auditNamesTheCaller() async throws {
    try await withDemoServer { client, _, repository in
      let plan = Assure_V1_DeliveryPlanService.Client(wrapping: client)
      var metadata = Metadata()
      metadata.addString("someone-else", forKey: "assure-user")
      _ = try await plan.setElementStatus(
        .with {
          $0.id = "2.3"
          $0.status = "off-track"
          $0.note = "Contract not let"
        }, metadata: metadata)
      let trail = try await repository.database.read { try $0.auditTrail(entityType: "element", entityID: "2.3") }
      let last = try #require(trail.last)
      // Who the token belongs to, not what the metadata claims.
      #expect(last.actor == "test-governance")
      #expect(last.deviceID == testDeviceID)
      #expect(last.rpc == "DeliveryPlanService.SetElementStatus")
      let history = try await plan.getElementHistory(.with { $0.id = "2.3" }).changes
      #expect(history.last?.author == "test-governance")
      #expect(history.last?.note == "Contract not let")
    }
  }

  @Test("a review of a month not begun, or a malformed month, is INVALID_ARGUMENT naming the month")
  func reviewMonths() async throws {
    try await withDemoServer { client, _ in
      let governance = Assure_V1_GovernanceService.Client(wrapping: client)
      await expectStatus(.invalidArgument, mentioning: "month") {
        _ = try await governance.getMonthlyReview(.with { $0.month = "2999-01" })
      }
      await expectStatus(.invalidArgument, mentioning: "YYYY-MM") {
        _ = try await governance.getMonthlyReview(.with { $0.month = "October" })
      }
      await expectStatus(.notFound, mentioning: "A999") {
        _ = try await governance.updateAction(
          .with {
            $0.id = "A999"
            $0.status = "done"
          })
      }
      let review = try await governance.getMonthlyReview(.with { $0.month = "2022-10" })
      #expect(review.review.objectives.count == 4)
      #expect(review.review.engagements.total == 14)
      #expect(review.serverMicros > 0)
    }
  }
}
