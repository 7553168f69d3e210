import Foundation
import Model
import RPC
import SwiftProtobuf
import Testing

@Suite struct OversightConversionTests {
  func roundTrip<M: SwiftProtobuf.Message>(_ message: M) throws -> M {
    let bytes: [UInt8] = try message.serializedBytes()
    return try M(serializedBytes: bytes)
  }

  @Test("awards, bids and funds survive the wire in pence, with absent days and references absent")
  func funding() throws {
    let award = Award(
      id: "AW1", fundID: "prevention", recipient: "Barnardo's", amountPence: 6_000_000, date: LocalDate("2022-10-06")!,
      elementID: "1.1", status: .proposed, overrideReason: nil, purpose: "Training – £ and ’ survive")
    #expect(try Award(proto: roundTrip(award.proto)) == award)
    let core = Award(id: "AW2", recipient: "Victim Support", amountPence: 7_100_000, date: LocalDate("2022-08-10")!)
    #expect(try Award(proto: roundTrip(core.proto)) == core)
    let bid = Bid(
      id: "B1", funder: "Ministry of Justice", amountPence: 27_650_000, periodEnd: LocalDate("2025-03-31"),
      submittedOn: LocalDate("2022-10-28"), status: .submitted)
    #expect(try Bid(proto: roundTrip(bid.proto)) == bid)
    let fund = Fund(
      id: "svd", name: "Serious Violence Duty", totalPence: 80_400_300, startDate: LocalDate("2022-09-21")!,
      endDate: LocalDate("2025-03-31")!, announcedOn: LocalDate("2022-09-21"))
    #expect(try Fund(proto: roundTrip(fund.proto(committedPence: 5))) == fund)
  }

  @Test("an absent target stays absent and a zero target stays zero; sample size 0 is none")
  func indicators() throws {
    let none = Indicator(id: "ksi", name: "KSI", unit: .count, better: .lowerIsBetter, frequency: .monthly)
    #expect(try Indicator(proto: try roundTrip(none.proto)) == none)
    let zero = Indicator(id: "ksi", name: "KSI", unit: .count, better: .lowerIsBetter, target: 0, frequency: .monthly)
    #expect(try Indicator(proto: try roundTrip(zero.proto)).target == 0)
    let m = IndicatorMeasurement(
      indicatorID: "ksi", periodStart: LocalDate("2022-09-01")!, periodEnd: LocalDate("2022-09-30")!, value: 71)
    #expect(try IndicatorMeasurement(proto: roundTrip(m.proto)) == m)
  }

  @Test("every malformed day of a message is named, not only the first")
  func badDays() {
    var bid = Assure_V1_Bid()
    bid.submittedOn = "07/10/2022"
    bid.periodEnd = "2025-02-30"
    let error = #expect(throws: ValidationError.self) { try Bid(proto: bid) }
    #expect(error?.violations.map(\.field) == ["period_end", "submitted_on"])
  }

  @Test("flags sent on the wire are recomputed from the measurements, not trusted")
  func flagsRecomputed() throws {
    let calls = Indicator(
      id: "c", name: "101", unit: .percent, better: .higherIsBetter, target: 80, frequency: .monthly)
    var status = IndicatorAssessment(
      indicator: calls,
      measurements: [
        IndicatorMeasurement(
          indicatorID: "c", periodStart: LocalDate("2022-09-01")!, periodEnd: LocalDate("2022-09-30")!, value: 85)
      ]
    ).proto
    status.belowTarget = true
    status.concern = true
    let rebuilt = try IndicatorAssessment(proto: status)
    #expect(!rebuilt.belowTarget)
    #expect(!rebuilt.isConcern)
  }
}
