import Foundation
import Model

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
