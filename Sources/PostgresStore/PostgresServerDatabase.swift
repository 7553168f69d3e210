public import Foundation
public import Logging
import Metrics
public import Model
import NIOCore
import NIOPosix
public import PostgresNIO
public import Stores
import Synchronization

/// The server's store on PostgreSQL: every table of the SQLite store, in one database that
/// several `assure-server` processes may share.
///
/// **One writer at a time per database.** A write transaction first takes a transaction-scoped
/// advisory lock, so writes are serialised across every process, as SQLite serialises them in
/// one: a write sees every write committed before it (the application's read-check-write
/// rules stay as they are), and the change log's cursors, taken from a sequence under the lock,
/// commit in the order they were given out. A pull reading "after cursor N" therefore never
/// misses a change that commits later with a smaller cursor (Docs/Decisions.md). Reads take a
/// snapshot and never wait for the writer.
///
/// Each transaction holds one pooled connection on one thread of the store's own pool, where
/// its synchronous body runs and waits for each statement in turn.
public final class PostgresServerDatabase: Sendable {
  public let location: PostgresLocation
  public let identity: ServerIdentity
  let client: PostgresClient
  private let running: Task<Void, Never>
  let listeners = NoticeListeners()
  /// This store's own name on the notice channel, so that it ignores the refusals it announced.
  let instance = UUID().uuidString
  let threads: NIOThreadPool
  let writers: WriterGate
  let logger: Logger

  /// The channel write transactions notify on when they change what servers hold in memory.
  static let noticeChannel = "assure_notice"

  /// The advisory lock every write transaction takes: one writer per database.
  static let writerLock: Int64 = 0x4153_5355_5245_5731  // "ASSUREW1"
  /// The advisory lock migrations take: one process migrates, the others wait and see it done.
  static let migrationLock: Int64 = 0x4153_5355_5245_4D31  // "ASSUREM1"
  /// The advisory lock held by the process that runs database-wide maintenance.
  public static let maintenanceLock: Int64 = 0x4153_5355_5245_4D54  // "ASSUREMT"

  /// Connects, runs any pending migrations and reads the server's identity.
  ///
  /// `connections`: the most connections this process opens (and threads it runs
  /// transactions on).
  public static func open(
    _ location: PostgresLocation, connections: Int = 8, logger: Logger = Logger(label: "assure.postgres")
  ) async throws -> PostgresServerDatabase {
    var configuration = PostgresClient.Configuration(
      host: location.host, port: location.port, username: location.user, password: location.password,
      database: location.database, tls: clientTLS(location.tls))
    configuration.options.maximumConnections = max(1, connections)
    configuration.options.minimumConnections = 0
    configuration.options.connectTimeout = .seconds(10)
    // The pool's own log at error level only: it warns on every lease made before `run()` has
    // been scheduled (the migrations' lease just below, harmlessly); a failed statement or
    // connection reaches the caller as an error, which the server logs itself.
    var background = logger
    background.logLevel = max(logger.logLevel, .error)
    let client = PostgresClient(configuration: configuration, backgroundLogger: background)
    let running = Task { await client.run() }
    let threads = NIOThreadPool(numberOfThreads: max(1, connections))
    threads.start()
    do {
      try await migrate(client: client, threads: threads, logger: logger)
      let identity = try await run(client: client, threads: threads, logger: logger) { session in
        guard let row = try session.row("SELECT server_id, epoch, epoch_start FROM server_identity WHERE id = 1")
        else { throw StorageError(.corrupt, "server_identity has no row") }
        return ServerIdentity(serverID: try row[0], epoch: try row[1], epochStart: try row[2])
      }
      return PostgresServerDatabase(
        location: location, identity: identity, client: client, running: running, threads: threads, logger: logger)
    } catch {
      running.cancel()
      try? await threads.shutdownGracefully()
      throw error
    }
  }

  private init(
    location: PostgresLocation, identity: ServerIdentity, client: PostgresClient, running: Task<Void, Never>,
    threads: NIOThreadPool, logger: Logger
  ) {
    self.location = location
    self.identity = identity
    self.client = client
    self.running = running
    self.threads = threads
    self.writers = WriterGate()
    self.logger = logger
  }

  /// Closes every connection and stops the store's threads.
  public func close() async {
    listeners.finish()
    running.cancel()
    try? await threads.shutdownGracefully()
  }

  private static func clientTLS(_ mode: PostgresLocation.TLSMode) -> PostgresClient.Configuration.TLS {
    switch mode {
    case .disable: .disable
    case .prefer: .prefer(.makeClientConfiguration())
    case .require: .require(.makeClientConfiguration())
    }
  }

  static func connectionTLS(_ mode: PostgresLocation.TLSMode) throws -> PostgresConnection.Configuration.TLS {
    switch mode {
    case .disable: .disable
    case .prefer: .prefer(try .init(configuration: .makeClientConfiguration()))
    case .require: .require(try .init(configuration: .makeClientConfiguration()))
    }
  }

  // MARK: - Transactions

  /// Runs `body` in one transaction on a connection of the pool, on a thread of the store's.
  func transaction<T: Sendable>(write: Bool, _ body: @escaping @Sendable (Session) throws -> T) async throws -> T {
    try await Self.run(client: client, threads: threads, logger: logger) { session in
      try session.execute(
        write ? "BEGIN ISOLATION LEVEL READ COMMITTED" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
      do {
        // Under READ COMMITTED each statement sees every commit before it: once the lock is
        // held, that is every write before this one.
        if write { try session.execute("SELECT pg_advisory_xact_lock(\(Self.writerLock))") }
        let result = try body(session)
        try session.execute("COMMIT")
        return result
      } catch {
        _ = try? session.execute("ROLLBACK")
        throw error
      }
    }
  }

  /// How long a transaction waits for a connection before it gives up: the database is down,
  /// unreachable or has no connection left, and a caller is better answered "unavailable" at
  /// once than left waiting for its own deadline.
  static let leaseTimeout: Duration = .seconds(5)

  /// Runs `work` with a pooled connection on one of `threads`.
  static func run<T: Sendable>(
    client: PostgresClient, threads: NIOThreadPool, logger: Logger, _ work: @Sendable @escaping (Session) throws -> T
  ) async throws -> T {
    let leased = LeaseState()
    return try await withThrowingTaskGroup(of: T?.self) { group in
      group.addTask {
        try await client.withConnection { connection in
          // A connection that comes after the caller was told "unavailable" does no work: the
          // caller must not be told a write failed that then commits.
          guard leased.claim() else { throw CancellationError() }
          return try await threads.runIfActive {
            try work(Session(connection: connection, logger: logger))
          }
        }
      }
      group.addTask {
        try await Task.sleep(for: leaseTimeout)
        return nil
      }
      while let first = try await group.next() {
        if let result = first {
          group.cancelAll()
          return result
        }
        // The timer: give up only if no connection was leased meanwhile (a transaction that
        // has started runs to its end).
        if leased.giveUp() {
          group.cancelAll()
          logger.error("no connection to the database", metadata: ["waited": "\(leaseTimeout)"])
          throw StorageError(
            .unavailable, "the server's database cannot be reached (no connection within \(leaseTimeout))")
        }
      }
      throw CancellationError()
    }
  }

  /// Runs `work` on a connection of its own, outside any transaction (maintenance, copies).
  public func withSession<T: Sendable>(_ work: @Sendable @escaping (PostgresConnection) throws -> T) async throws -> T {
    try await Self.run(client: client, threads: threads, logger: logger) { try work($0.connection) }
  }

  static func record(_ kind: String, since started: ContinuousClock.Instant) {
    let elapsed = (ContinuousClock.now - started).components
    Metrics.Timer(label: "assure_db_transaction_seconds", dimensions: [("kind", kind)])
      .recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
  }

  // MARK: - Errors

  /// SQLSTATE classes of the engine's own failures: connection (08), resources (53), operator
  /// intervention (57), system (58), internal (XX), and a serialisation failure or deadlock
  /// (40001, 40P01).
  public func isEngineFailure(_ error: any Error) -> Bool {
    guard let error = error as? PSQLError else { return error is ChannelError }
    guard error.code == .server else { return true }
    let state = error.serverInfo?[.sqlState] ?? ""
    return ["08", "53", "57", "58", "XX"].contains(String(state.prefix(2))) || state == "40001" || state == "40P01"
  }

  public func describe(_ error: any Error) -> String {
    Self.describeConnection(error)
  }

  // MARK: - Migrations

  /// Names of the migrations applied to the database, in order.
  public func appliedMigrations() async throws -> [String] {
    try await transaction(write: false) { session in
      try session.rows("SELECT name FROM assure_migration ORDER BY applied_order").map { try $0[0] }
    }
  }

  /// Runs the migrations not yet applied, in one transaction under the migration lock: a second
  /// process starting at the same time waits, then finds nothing to do.
  static func migrate(client: PostgresClient, threads: NIOThreadPool, logger: Logger) async throws {
    try await run(client: client, threads: threads, logger: logger) { session in
      try session.execute("BEGIN")
      do {
        try session.execute("SELECT pg_advisory_xact_lock(\(migrationLock))")
        try session.execute(
          """
          CREATE TABLE IF NOT EXISTS assure_migration (
            name TEXT COLLATE "C" PRIMARY KEY,
            applied_order BIGINT NOT NULL,
            applied_at_ms BIGINT NOT NULL
          )
          """)
        let applied: [String] = try session.rows("SELECT name FROM assure_migration ORDER BY applied_order").map {
          try $0[0]
        }
        if let unknown = applied.first(where: { !PostgresSchema.names.contains($0) }) {
          throw StorageError(
            .corrupt,
            "the database was migrated by a newer assure-server (migration \(unknown)); run that version or a newer one"
          )
        }
        for (order, migration) in PostgresSchema.migrations.enumerated() where !applied.contains(migration.name) {
          for statement in migration.statements {
            try session.execute(PostgresQuery(unsafeSQL: statement))
          }
          try session.execute(
            "INSERT INTO assure_migration (name, applied_order, applied_at_ms) VALUES (\(migration.name), \(order + 1), \(Date().millisecondsSince1970))"
          )
          logger.info("applied migration", metadata: ["name": "\(migration.name)"])
        }
        try session.execute("COMMIT")
      } catch {
        _ = try? session.execute("ROLLBACK")
        throw error
      }
    }
  }
}

/// Lets one write at a time per process go on to the database, in arrival order.
actor WriterGate {
  private var busy = false
  private var waiting: [CheckedContinuation<Void, Never>] = []

  func serialised<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
    if busy {
      await withCheckedContinuation { waiting.append($0) }
    } else {
      busy = true
    }
    defer {
      if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
    return try await work()
  }
}

/// A transaction on the server's PostgreSQL database, seen through the store protocols.
struct PostgresServerTransaction: StoreTransaction {
  let session: Session

  func inSavepoint(_ body: () throws -> SavepointEnd) throws {
    try session.inSavepoint { try body() == .commit }
  }
}

/// What `--check-config` reports of a PostgreSQL store, read without changing anything.
public struct PostgresInspection: Sendable {
  /// Migrations applied, in order (none for a database no server has used yet).
  public var migrations: [String]
  /// Migrations this version would apply on start.
  public var pending: [String]
  public var engagements: Int
  public var changeHead: Int64
}

extension PostgresServerDatabase {
  /// Connects and reads what the database holds, migrating nothing: throws when the server
  /// cannot be reached or signed in to, or the database was migrated by a newer version.
  public static func inspect(_ location: PostgresLocation, logger: Logger = Logger(label: "assure.postgres"))
    async throws -> PostgresInspection
  {
    var configuration = PostgresConnection.Configuration(
      host: location.host, port: location.port, username: location.user, password: location.password,
      database: location.database, tls: try connectionTLS(location.tls))
    configuration.options.connectTimeout = .seconds(10)
    let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    do {
      let inspection = try await inspect(connection, logger: logger)
      try await connection.close()
      return inspection
    } catch {
      try? await connection.close()
      throw error
    }
  }

  private static func inspect(_ connection: PostgresConnection, logger: Logger) async throws -> PostgresInspection {
    let exists =
      try await connection.query("SELECT to_regclass('assure_migration') IS NOT NULL", logger: logger)
      .collect().first?.decode(Bool.self) ?? false
    guard exists else {
      return PostgresInspection(migrations: [], pending: PostgresSchema.names, engagements: 0, changeHead: 0)
    }
    var applied: [String] = []
    for try await name in try await connection.query(
      "SELECT name FROM assure_migration ORDER BY applied_order", logger: logger
    ).decode(String.self) {
      applied.append(name)
    }
    if let unknown = applied.first(where: { !PostgresSchema.names.contains($0) }) {
      throw StorageError(
        .corrupt,
        "the database was migrated by a newer assure-server (migration \(unknown)); run that version or a newer one")
    }
    var engagements = 0
    var head: Int64 = 0
    if applied.contains("v1-server") {
      engagements = Int(
        try await connection.query("SELECT COUNT(*) FROM engagement", logger: logger).collect().first?.decode(
          Int64.self) ?? 0)
      head =
        try await connection.query("SELECT COALESCE(MAX(cursor), 0) FROM change_log", logger: logger).collect().first?
        .decode(Int64.self) ?? 0
    }
    return PostgresInspection(
      migrations: applied, pending: PostgresSchema.names.filter { !applied.contains($0) }, engagements: engagements,
      changeHead: head)
  }
}

extension PostgresServerDatabase {
  /// A failure to reach, sign in to or read a PostgreSQL server, in words: the server's own
  /// message when it sent one, else what went wrong with the connection.
  public static func describeConnection(_ error: any Error) -> String {
    guard let error = error as? PSQLError else { return "\(error)" }
    if let info = error.serverInfo {
      return "PostgreSQL error \(info[.sqlState] ?? "?"): \(info[.message] ?? "no message")"
    }
    if let underlying = error.underlying { return "cannot connect: \(underlying)" }
    return "cannot connect: \(error.code)"
  }
}

/// Whether a transaction got its connection before its caller gave up waiting: whichever
/// comes first wins, once.
final class LeaseState: Sendable {
  private static let waiting = 0
  private let state = Atomic(LeaseState.waiting)

  /// The connection came: true unless the caller already gave up.
  func claim() -> Bool {
    state.compareExchange(expected: Self.waiting, desired: 1, ordering: .acquiringAndReleasing).exchanged
  }

  /// The wait is over: true unless the connection already came.
  func giveUp() -> Bool {
    state.compareExchange(expected: Self.waiting, desired: 2, ordering: .acquiringAndReleasing).exchanged
  }
}
