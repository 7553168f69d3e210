public import Foundation
public import Model

/// A fresh folder per test, removed when the value goes away.
public final class TemporaryFolder: Sendable {
  public let url: URL

  public init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("assure-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  deinit { try? FileManager.default.removeItem(at: url) }
}

/// A valid engagement for tests, in Herefordshire.
public func sampleEngagement(date: String = "2022-07-14", organisation: String = "Ledbury Town Council") -> Engagement {
  Engagement(
    date: LocalDate(date)!, who: .pcc, kind: .parishCouncil, organisation: organisation, place: "Ledbury",
    area: "herefordshire", attendees: 20, topics: ["rural-crime"], createdBy: "pcc",
    createdAt: Date().truncatedToMilliseconds)
}

/// A small seeded generator, so that a randomised test replays exactly from its seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
