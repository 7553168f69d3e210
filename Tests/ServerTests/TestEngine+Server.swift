import Foundation
import PostgresStore
import StoreTestSupport

@testable import Server

extension TestEngine {
  /// Where a test server keeps its data on this engine: a file in `folder`, or a new
  /// PostgreSQL database.
  func storeAddress(in folder: URL) async throws -> StoreAddress {
    switch self {
    case .sqlite: .sqlite(path: folder.appendingPathComponent("server.sqlite").path)
    case .postgres: .postgres(try await TestEngine.newDatabase())
    }
  }
}

extension StoreAddress {
  /// The same address with a PostgreSQL password.
  func withPassword(_ password: String) -> StoreAddress {
    guard case .postgres(var location) = self else { return self }
    location.password = password
    return .postgres(location)
  }
}
