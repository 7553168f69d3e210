import Foundation
import Model
import Stores
import TestSupport
import Testing

@testable import SQLiteStore

/// The hand-written engagement JSON must be exactly what JSONEncoder writes, and read back equal.
@Suite struct EngagementJSONTests {
  static func samples() -> [Engagement] {
    var random = SeededGenerator(seed: 11)
    let texts = [
      "", "plain", "quote \" and backslash \\ and slash /", "line\nbreak\rreturn\ttab",
      "control \u{01}\u{1F}\u{08}\u{0C}",
      "Café, naïve, £60,000 – “curly”", "emoji 🚓👮‍♀️", "日本語", String(repeating: "long ", count: 400),
    ]
    var samples: [Engagement] = []
    for index in 0..<60 {
      func text() -> String { texts[Int(random.next() % UInt64(texts.count))] }
      samples.append(
        Engagement(
          id: UUID(), date: LocalDate("2022-10-\(10 + index % 18)")!, who: .dpcc, kind: .school,
          organisation: text(), place: text(), area: "shropshire",
          attendees: index % 3 == 0 ? nil : Int(random.next() % 100_000),
          topics: index % 4 == 0 ? [] : [text(), text()], objectiveID: index % 2 == 0 ? nil : "2",
          elementID: index % 5 == 0 ? "2.3" : nil, followUpActions: index % 3 == 1 ? [text()] : [], notes: text(),
          createdBy: text(), createdAt: Date(millisecondsSince1970: 1_666_000_000_000 + Int64(index)),
          updatedBy: "pcc", updatedAt: Date(millisecondsSince1970: 1_666_000_000_500 + Int64(index))))
    }
    return samples
  }

  @Test("written exactly as JSONEncoder writes it, and read back equal by both readers")
  func sameAsFoundation() throws {
    for engagement in Self.samples() {
      let fast = EngagementJSON.encode(engagement)
      #expect(fast == (try JSONText.encode(engagement)))
      #expect(EngagementJSON.decode(fast) == engagement)
      #expect((try JSONText.decode(fast) as Engagement) == engagement)
      for list in [engagement.topics, engagement.followUpActions, [engagement.notes, engagement.place]] {
        let text = EngagementJSON.encodeList(list)
        let foundation = String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
        #expect(text == foundation.replacingOccurrences(of: "\\/", with: "/"))
        #expect(EngagementJSON.decodeList(text) == list)
      }
    }
  }

  @Test("anything but that shape is left to JSONDecoder")
  func otherShapes() {
    #expect(EngagementJSON.decode("") == nil)
    #expect(EngagementJSON.decode("{}") == nil)
    #expect(EngagementJSON.decode("[1]") == nil)
    var text = EngagementJSON.encode(Self.samples()[1])
    text.removeLast()
    #expect(EngagementJSON.decode(text + ",\"future\":1}") == nil, "an unknown key")
    #expect(EngagementJSON.decode(text + "} trailing") == nil)
    #expect(EngagementJSON.decode(text.replacingOccurrences(of: "\"createdAt\":1", with: "\"createdAt\":1.5e1")) == nil)
  }
}
