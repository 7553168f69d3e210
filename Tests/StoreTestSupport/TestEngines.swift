import Foundation
import GRDB
import Logging
import PostgresNIO
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

  /// The engine the server-side suites run on in this test process: `ASSURE_TEST_ENGINE`
  /// (sqlite, the default, or postgres, which needs ASSURE_TEST_POSTGRES). .ci/run runs the
  /// suites that must hold on both engines a second time with postgres.
  public static let current: TestEngine = {
    let name = ProcessInfo.processInfo.environment["ASSURE_TEST_ENGINE"] ?? "sqlite"
    guard let engine = TestEngine(rawValue: name) else {
      fatalError("ASSURE_TEST_ENGINE must be sqlite or postgres (got \"\(name)\")")
    }
    if engine == .postgres && postgresAdmin == nil {
      fatalError(
        "ASSURE_TEST_ENGINE=postgres needs ASSURE_TEST_POSTGRES: the address of a server to create databases on")
    }
    return engine
  }()

  /// Whether the suites run on SQLite in this process (tests that look at the file itself).
  public static var isSQLite: Bool { current == .sqlite }

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
      return try await PostgresServerDatabase.open(try await Self.newDatabase(), connections: 4)
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

  /// Creates a new database on the test server and returns its address: a copy of a template
  /// made (and migrated) once per test process, given an identity of its own, so that a test
  /// does not spend seventy statements of DDL on its schema while a hundred others do the same.
  public static func newDatabase() async throws -> PostgresLocation {
    guard var admin = postgresAdmin else { throw TestEngineError.noPostgres }
    let template = try await Self.template.value
    let name = "assure_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
    try await execute("CREATE DATABASE \(name) TEMPLATE \(template)", on: admin)
    admin.database = name
    try await execute(
      "UPDATE server_identity SET server_id = '\(UUID().storageKey)', epoch = '\(UUID().storageKey)'", on: admin)
    return admin
  }

  /// A new database with nothing in it (no migration applied).
  public static func newEmptyDatabase() async throws -> PostgresLocation {
    guard var admin = postgresAdmin else { throw TestEngineError.noPostgres }
    let name = "assure_empty_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
    try await execute("CREATE DATABASE \(name)", on: admin)
    admin.database = name
    return admin
  }

  /// The number a counting query gives on `location`'s database.
  public static func count(_ sql: String, on location: PostgresLocation) async throws -> Int64 {
    try await value(sql, on: location)
  }

  /// The migrated template of this test process's databases.
  private static let template = Task<String, any Error> {
    guard var admin = postgresAdmin else { throw TestEngineError.noPostgres }
    let name = "assure_template_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
    try await execute("CREATE DATABASE \(name)", on: admin)
    admin.database = name
    let store = try await PostgresServerDatabase.open(admin, connections: 1)
    await store.close()
    // Wait for the store's connection to go: a database being used cannot be a template.
    for _ in 0..<100 {
      let others = try await value(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '\(name)'", on: postgresAdmin!)
      if others == 0 { break }
      try await Task.sleep(for: .milliseconds(50))
    }
    return name
  }

  /// Runs one statement on `location`'s database with a connection of its own.
  private static func execute(_ sql: String, on location: PostgresLocation) async throws {
    _ = try await value(sql, on: location)
  }

  private static func value(_ sql: String, on location: PostgresLocation) async throws -> Int64 {
    let configuration = PostgresConnection.Configuration(
      host: location.host, port: location.port, username: location.user, password: location.password,
      database: location.database, tls: .disable)
    let logger = Logger(label: "assure.tests")
    let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    do {
      var result: Int64 = 0
      for try await count in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(
        Int64.self)
      {
        result = count
      }
      try await connection.close()
      return result
    } catch {
      try? await connection.close()
      throw error
    }
  }
}

public enum TestEngineError: Error {
  case noPostgres, unknownStore
}

/// Runs a read-only query on the server store's engine itself, whatever it is, for tests that
/// look past the store protocols (counts of log rows, raw columns). Every column must be text
/// (`CAST(x AS TEXT)` reads the same on both engines); NULL is `nil`.
public func queryText(_ store: any ServerStore, _ sql: String) async throws -> [[String?]] {
  if let sqlite = store as? ServerDatabase {
    return try await sqlite.pool.read { db in
      try GRDB.Row.fetchAll(db, sql: sql).map { row in
        (0..<row.count).map { row[$0] as String? }
      }
    }
  }
  guard let postgres = store as? PostgresServerDatabase else { throw TestEngineError.unknownStore }
  return try await postgres.withSession { connection in
    try connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "assure.tests")).wait().map { row in
      try row.map { try $0.decode(String?.self) }
    }
  }
}

extension TestEngine {
  /// Opens a store on an existing PostgreSQL database: one more server on the same data, with
  /// connections of its own.
  public static func openServerStore(_ location: PostgresLocation) async throws -> any ServerStore {
    try await PostgresServerDatabase.open(location, connections: 4)
  }
}
