import Foundation
import Model
import PropertyBased
import RPC
import SwiftProtobuf
import Sync
import Testing

/// Every number a client sends meets range checks before any arithmetic: no value of any
/// integer field can trap the process, and one out of range is refused naming its field.
@Suite struct EdgeNumberTests {
  static let extremes: [Int64] = [0, -1, 1, .min, .max, .min + 1, .max - 1, -Int64.max]

  @Test("any protobuf timestamp converts without trapping: read as a date or refused naming its field")
  func timestamps() async {
    await propertyCheck(
      count: 2000, input: Gen.oneOf(Gen.int64(), Gen.int64(in: SupportedTime.seconds)), Gen.int32()
    ) { seconds, nanos in
      let t = Google_Protobuf_Timestamp(seconds: seconds, nanos: nanos)
      // Never traps, and always lands in the supported range.
      #expect(SupportedTime.millis.contains(t.millisecondDate.millisecondsSince1970))
      let valid = SupportedTime.seconds.contains(seconds) && (0...999_999_999).contains(nanos)
      do throws(ValidationError) {
        let date = try t.date(field: "created_at")
        #expect(valid)
        // Back to the wire and read again: the same instant.
        #expect((try? Google_Protobuf_Timestamp(milliseconds: date).date(field: "x")) == date)
      } catch {
        #expect(!valid)
        #expect(error.violations.allSatisfy { $0.field.hasPrefix("created_at.") })
      }
    }
  }

  @Test("the extreme timestamps of a recorded engagement are refused naming the field", arguments: extremes)
  func engagementTimestamps(seconds: Int64) throws {
    var proto = Self.engagement.proto
    proto.createdAt = Google_Protobuf_Timestamp(seconds: seconds, nanos: 0)
    proto.updatedAt = Google_Protobuf_Timestamp(seconds: seconds, nanos: -1)
    #expect(throws: ValidationError.self) { try Engagement(proto: proto) }
    do throws(ValidationError) {
      _ = try Engagement(proto: proto)
    } catch {
      // Seconds are checked before nanos: either names the field.
      #expect(error.violations.map(\.field).contains { $0.hasPrefix("updated_at.") })
      #expect(
        SupportedTime.seconds.contains(seconds) || error.violations.map(\.field).contains("created_at.seconds"))
    }
  }

  @Test(
    "a push's clock readings at any extreme: the mutation is refused naming hlc.wall_ms, or corrected into the server's past"
  )
  func clockReadings() async throws {
    await propertyCheck(
      count: 2000, input: Gen.oneOf(Gen.int64(), Gen.int64(in: SupportedTime.millis)),
      Gen.oneOf(Gen.int64(), Gen.int64(in: SupportedTime.seconds))
    ) { wall, sentSeconds in
      var push = Assure_V1_PushRequest()
      push.deviceID = "laptop-1"
      push.protocolVersion = 2
      push.sentAt = Google_Protobuf_Timestamp(seconds: sentSeconds, nanos: 0)
      var mutation = Mutation.upsert(Self.engagement, hlc: HLC(wallMillis: 0, node: "laptop-1"), by: "apcc", at: Date())
        .proto
      mutation.hlc.wallMs = wall
      push.mutations = [mutation]
      let now = Date(millisecondsSince1970: 1_795_000_000_000)
      do throws(ValidationError) {
        let decoded = try DecodedPush(proto: push, receivedAt: now)
        #expect(SupportedTime.seconds.contains(sentSeconds))
        let response = decoded.response(merging: PushReply(results: [], serverTime: now))
        if SupportedTime.millis.contains(wall) {
          guard let read = decoded.request.mutations.first?.hlc else {
            Issue.record("a reading in range was not read")
            return
          }
          let clock = ClockCorrection(
            sentAt: decoded.request.sentAt?.millisecondsSince1970, serverNow: now.millisecondsSince1970)
          #expect(clock.correct(read).wallMillis <= now.millisecondsSince1970)
        } else {
          #expect(decoded.request.mutations.isEmpty)
          #expect(response.results.first?.field == "hlc.wall_ms")
        }
      } catch {
        #expect(!SupportedTime.seconds.contains(sentSeconds))
        #expect(error.violations.first?.field == "sent_at.seconds")
      }
    }
  }

  @Test("a clock correction of any three readings never traps and never reaches past the server's now")
  func clockCorrection() async {
    await propertyCheck(count: 2000, input: Gen.int64(), Gen.int64(), Gen.int64()) { sent, now, wall in
      let clock = ClockCorrection(sentAt: sent, serverNow: now)
      let corrected = clock.correct(HLC(wallMillis: wall, node: "n"))
      #expect(corrected.wallMillis <= SupportedTime.clamp(now))
      // At worst the earliest reading moved back by the widest skew: far from Int64's ends.
      #expect(corrected.wallMillis >= 2 * SupportedTime.earliestMillis - SupportedTime.latestMillis)
    }
  }

  @Test("a base cursor past Int64 is refused naming base_cursor")
  func baseCursor() throws {
    var mutation = Mutation.upsert(Self.engagement, hlc: nil, by: "apcc", at: Date()).proto
    mutation.baseCursor = .max
    #expect(throws: ValidationError(field: "base_cursor", rule: "must be at most \(Int64.max) (got \(UInt64.max))")) {
      try Mutation(proto: mutation)
    }
  }

  @Test("an age or a place in the device's sequence past what any device could send is refused naming the field")
  func ageAndSequence() throws {
    var mutation = Mutation.upsert(Self.engagement, hlc: nil, by: "apcc", at: Date()).proto
    mutation.ageMs = UInt64(Mutation.maxAgeMillis) + 1
    #expect(throws: ValidationError.self) { try Mutation(proto: mutation) }
    do {
      _ = try Mutation(proto: mutation)
    } catch {
      #expect(error.violations.first?.field == "age_ms")
    }
    mutation.ageMs = UInt64(Mutation.maxAgeMillis)
    #expect(try Mutation(proto: mutation).ageMillis == Mutation.maxAgeMillis)
    mutation.clearAgeMs()
    #expect(try Mutation(proto: mutation).ageMillis == nil)
    mutation.deviceSeq = .max
    #expect(throws: ValidationError(field: "device_seq", rule: "must be at most \(Int64.max) (got \(UInt64.max))")) {
      try Mutation(proto: mutation)
    }
  }

  @Test("a correction by any age never traps and stays between the earliest supported time and the server's now")
  func ageCorrection() async {
    await propertyCheck(count: 2000, input: Gen.int64(), Gen.int64(), Gen.int64()) { now, wall, age in
      let clock = ClockCorrection(sentAt: nil, serverNow: now)
      let corrected = clock.correct(HLC(wallMillis: wall, node: "n"), ageMillis: age)
      #expect(corrected.wallMillis <= SupportedTime.clamp(now))
      #expect(corrected.wallMillis >= SupportedTime.earliestMillis)
    }
  }

  static let engagement = Engagement(
    date: LocalDate("2022-08-02")!, who: .apcc, kind: .communityGroup, organisation: "Ludlow group", place: "Ludlow",
    area: "shropshire", createdBy: "apcc")
}
