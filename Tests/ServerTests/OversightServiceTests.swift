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

@Suite struct OversightServiceTests {
  func violations(_ error: RPCError) -> [String] {
    error.metadata[binaryValues: "assure-violation-bin"].map {
      String(decoding: $0, as: UTF8.self).replacingOccurrences(of: "\u{0}", with: ": ")
    }
  }

  @Test("a bad award is INVALID_ARGUMENT naming every field and rule, and stores nothing")
  func badAward() async throws {
    try await withDemoServer { client, _, repository in
      let oversight = Assure_V1_OversightService.Client(wrapping: client)
      do {
        _ = try await oversight.saveAward(
          .with {
            $0.award = .with { a in
              a.fundID = "nope"
              a.amountPence = 0
              a.date = "2022-10-06"
              a.status = "maybe"
            }
          })
        Issue.record("expected INVALID_ARGUMENT")
      } catch let error as RPCError {
        #expect(error.code == .invalidArgument)
        let list = violations(error)
        #expect(list.contains("recipient: is required and must not be blank"), "\(list)")
        #expect(list.contains { $0.hasPrefix("amount: must be at least £0.01") }, "\(list)")
        #expect(list.contains { $0.hasPrefix("status: must be one of awarded, proposed") }, "\(list)")
        #expect(list.contains("fund: no fund \"nope\""), "\(list)")
      }
      let awards = try await repository.database.read { try $0.awards().count }
      #expect(awards == DemoOversight.awards.count)
    }
  }

  @Test("writes are audited with the signed-in caller and device")
  func audited() async throws {
    try await withDemoServer { client, _, repository in
      let oversight = Assure_V1_OversightService.Client(wrapping: client)
      // What the metadata claims is ignored: the audit names the token's account and device.
      var metadata = Metadata()
      metadata.addString("analyst-1", forKey: "assure-user")
      let response = try await oversight.recordCorrespondence(
        .with {
          $0.correspondence = .with { c in
            c.receivedOn = "2022-10-10"
            c.subject = "asb"
            c.area = "shropshire"
            c.channel = "email"
          }
        }, metadata: metadata)
      let trail = try await repository.database.read {
        try $0.auditTrail(entityType: "correspondence", entityID: response.correspondence.id)
      }
      let entry = try #require(trail.first)
      #expect(trail.count == 1)
      #expect(entry.actor == "test-governance")
      #expect(entry.deviceID == testDeviceID)
      #expect(entry.rpc.hasSuffix("OversightService.RecordCorrespondence"))
      #expect(entry.beforeDigest == nil && entry.afterDigest != nil)
    }
  }

  @Test("indicators come back with flags computed on the server, as at a day")
  func flags() async throws {
    try await withDemoServer { client, _ in
      let oversight = Assure_V1_OversightService.Client(wrapping: client)
      let list = try await oversight.listIndicators(.with { $0.asOf = "2022-10-31" }).indicators
      let byID = Dictionary(uniqueKeysWithValues: list.map { ($0.indicator.id, $0) })
      #expect(byID["calls-101"]?.belowTarget == true)
      #expect(byID["calls-101"]?.concern == true)
      #expect(byID["calls-999"]?.concern == false)
      #expect(byID["survey-visibility"]?.significantChange == true)
      #expect(byID["survey-confidence"]?.significantChange == false)
      #expect(byID["ksi"]?.trend == "worse")
      // As at the end of August, before the September figures, 101 has not improved yet.
      let august = try await oversight.listIndicators(.with { $0.asOf = "2022-08-31" }).indicators
      #expect(august.first { $0.indicator.id == "calls-101" }?.change == "worse")
    }
  }

  @Test("the Panel report is generated from the records; a bad request names its fields")
  func panelReport() async throws {
    try await withDemoServer { client, _ in
      let reports = Assure_V1_ReportService.Client(wrapping: client)
      let markdown = try await reports.generatePanelReport(
        .with {
          $0.from = "2022-09-01"
          $0.to = "2022-10-31"
        })
      #expect(markdown.format == "markdown")
      #expect(markdown.document.contains("232 pieces of correspondence"))
      #expect(markdown.paragraphs > 40)
      let html = try await reports.generatePanelReport(
        .with {
          $0.from = "2022-09-01"
          $0.to = "2022-10-31"
          $0.format = "html"
        })
      #expect(html.document.hasPrefix("<!doctype html>"))
      #expect(html.document.contains("<svg class=\"chart\""))
      #expect(html.paragraphs == markdown.paragraphs)
      // KSI has three monthly values, each worse: a trend over three periods, none over four.
      #expect(
        markdown.document.contains(
          "People killed or seriously injured on West Mercia's roads: 71 in September 2022, worsening over the last three periods"
        ))
      let longer = try await reports.generatePanelReport(
        .with {
          $0.from = "2022-09-01"
          $0.to = "2022-10-31"
          $0.trendPeriods = 4
        })
      #expect(
        !longer.document.contains("People killed or seriously injured on West Mercia's roads: 71 in September 2022"))
      do {
        _ = try await reports.generatePanelReport(
          .with {
            $0.trendPeriods = 13
            $0.from = "2022-10-31"
            $0.to = "2022-09-01"
            $0.format = "pdf"
          })
        Issue.record("expected INVALID_ARGUMENT")
      } catch let error as RPCError {
        #expect(error.code == .invalidArgument)
        #expect(violations(error).map { $0.prefix { $0 != ":" } } == ["to", "format", "trend_periods"])
      }
    }
  }
}
