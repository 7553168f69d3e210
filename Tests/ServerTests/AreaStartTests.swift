import Application
import Foundation
import Logging
import Model
import Sync
import Testing

@testable import Server

/// What a server start does to the stored areas: seeds them on the first start only.
@Suite struct AreaStartTests {
  static let fiveAreas = ["north", "south", "east", "west", "central"].map { Area(code: $0, name: $0.capitalized) }

  func start(_ path: String, areas: [Area], demo: Bool = false) async throws -> [Area] {
    let configuration = ServerConfiguration(
      store: .sqlite(path: path), host: "127.0.0.1", port: 0, demo: demo, areas: areas)
    let repository = try await ServerApplication.prepare(configuration, logger: Logger(label: "test"))
    return try await repository.areas()
  }

  @Test("a restart without --area, or with other areas, keeps the force's stored areas")
  func restartKeepsAreas() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("assure-areas-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("server.sqlite").path
    #expect(try await start(path, areas: Self.fiveAreas) == Self.fiveAreas)
    #expect(try await start(path, areas: []) == Self.fiveAreas)
    #expect(try await start(path, areas: Area.westMercia) == Self.fiveAreas)
    #expect(try await start(path, areas: [], demo: true) == Self.fiveAreas)
  }

  @Test("a first start with no --area stores none (West Mercia's are the demo's only)")
  func firstStartWithoutAreas() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("assure-areas-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(try await start(folder.appendingPathComponent("plain.sqlite").path, areas: []).isEmpty)
    #expect(
      try await start(folder.appendingPathComponent("demo.sqlite").path, areas: [], demo: true) == Area.westMercia)
  }
}
