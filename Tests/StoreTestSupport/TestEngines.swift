public import Foundation
import Logging
public import PostgresNIO
public import PostgresStore
import SQLiteStore
public import Stores
public import TestSupport

/// The engines a test runs the server's store on: SQLite always; PostgreSQL too when
/// `ASSURE_TEST_POSTGRES` gives the address of a server on which the tests may create
/// databases (`postgres://USER@HOST:PORT/DB`, DB being one to connect to for that; .ci/run
/// starts such a server). Every test gets a new database of its own.
public enum TestEngine: String, Sendable, CaseIterable, CustomStringConvertible {
  case sqlite, postgres

  /// The engines available here.
  public static var available: [TestEngine] {
    postgresAdmin == nil ? [.sqlite] : [.sqlite, .postgres]
  }

  public var description: String { rawValue }

  /// The server to create test databases on, if any.
  public static let postgresAdmin: PostgresLocation? = {
    guard let text = ProcessInfo.processInfo.environment["ASSURE_TEST_POSTGRES"], !text.isEmpty else { return nil }
    do {
      var location = try PostgresLocation(url: text, field: "ASSURE_TEST_POSTGRES")
      location.password = try PostgresLocation.password(file: nil)
      return location
    } catch {
      fatalError("ASSURE_TEST_POSTGRES: \(error)")
    }
  }()

  /// A new, empty server store: a file in `folder`, or a new PostgreSQL database.
  public func makeServerStore(in folder: TemporaryFolder, name: String = "server") async throws -> any ServerStore {
    switch self {
    case .sqlite:
      return try ServerDatabase(path: folder.path("\(name).sqlite"))
    case .postgres:
      _ = PostgresServerDatabase.self
      throw TestEngineError.noPostgres  // PENDING: until every store protocol is implemented
    }
  }

  /// Where a store of this engine lives, for the executables' `--store`: a file in `folder`,
  /// or a new PostgreSQL database.
  public func makeStoreAddress(in folder: TemporaryFolder, name: String = "server") async throws -> String {
    switch self {
    case .sqlite: "sqlite:\(folder.path("\(name).sqlite"))"
    case .postgres: try await Self.newDatabase().description
    }
  }

  /// Creates a new database on the test server and returns its address.
  public static func newDatabase() async throws -> PostgresLocation {
    guard var admin = postgresAdmin else { throw TestEngineError.noPostgres }
    let name = "assure_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
    let configuration = PostgresConnection.Configuration(
      host: admin.host, port: admin.port, username: admin.user, password: admin.password, database: admin.database,
      tls: .disable)
    let connection = try await PostgresConnection.connect(
      configuration: configuration, id: 1, logger: Logger(label: "assure.tests"))
    defer { Task { try? await connection.close() } }
    _ = try await connection.query(
      PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "assure.tests"))
    admin.database = name
    return admin
  }
}

public enum TestEngineError: Error {
  case noPostgres
}
