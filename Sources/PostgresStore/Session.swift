import Logging
import Model
import NIOCore
public import PostgresNIO
import Stores

/// One connection, held by one transaction on the thread that runs it: every statement is
/// sent and waited for in turn, so that a transaction body stays synchronous as the store
/// protocols require (Docs/Decisions.md, "Store transactions are synchronous").
///
/// Never used on an event loop: waiting there would deadlock the connection's own loop.
final class Session {
  let connection: PostgresConnection
  let logger: Logger
  private var savepoints = 0
  private var noticesSent: Set<StoreNotice> = []

  init(connection: PostgresConnection, logger: Logger) {
    self.connection = connection
    self.logger = logger
  }

  /// Runs one statement and returns its rows.
  @discardableResult
  func rows(_ query: PostgresQuery) throws -> [Row] {
    let result = try connection.query(query, logger: logger).wait()
    return result.map { Row(row: $0) }
  }

  /// Runs one statement and returns the number of rows it inserted, updated or deleted.
  @discardableResult
  func execute(_ query: PostgresQuery) throws -> Int {
    let result = try connection.query(query, logger: logger).wait()
    return result.metadata.rows ?? 0
  }

  /// The first row, if any.
  func row(_ query: PostgresQuery) throws -> Row? {
    try rows(query).first
  }

  /// The first column of the first row, `nil` for no row or NULL.
  func value<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) throws -> T?
  where T._DecodableType == T {
    // The constraint makes `T?` decodable itself: without it `row[0]` would be read as `T`
    // and a NULL would throw.
    guard let row = try row(query) else { return nil }
    let value: T? = try row[0]
    return value
  }

  /// Tells every server on the database, when this transaction commits, that it changed
  /// something they may hold in memory (once per kind per transaction).
  func notify(_ notice: StoreNotice) throws {
    guard noticesSent.insert(notice).inserted else { return }
    try execute("SELECT pg_notify(\(PostgresServerDatabase.noticeChannel), \(NoticePayload.text(notice, from: "")))")
  }

  /// Runs `body` in a savepoint: its writes are undone when it throws or answers `false`,
  /// and the transaction goes on (PostgreSQL would otherwise refuse every later statement
  /// of a transaction in which one failed).
  func inSavepoint(_ body: () throws -> Bool) throws {
    savepoints += 1
    defer { savepoints -= 1 }
    let name = "assure_\(savepoints)"
    try execute(PostgresQuery(unsafeSQL: "SAVEPOINT \(name)"))
    let keep: Bool
    do {
      keep = try body()
    } catch {
      try execute(PostgresQuery(unsafeSQL: "ROLLBACK TO SAVEPOINT \(name)"))
      try execute(PostgresQuery(unsafeSQL: "RELEASE SAVEPOINT \(name)"))
      throw error
    }
    if !keep { try execute(PostgresQuery(unsafeSQL: "ROLLBACK TO SAVEPOINT \(name)")) }
    try execute(PostgresQuery(unsafeSQL: "RELEASE SAVEPOINT \(name)"))
  }
}

/// One row of a result, read by column position or name. A value of another type than the
/// one asked for throws (never a default).
struct Row {
  let cells: PostgresRandomAccessRow

  init(row: PostgresRow) { cells = row.makeRandomAccess() }

  subscript<T: PostgresDecodable>(_ index: Int) -> T {
    get throws { try Self.decode(cells[index], as: T.self) }
  }

  subscript<T: PostgresDecodable>(_ column: String) -> T {
    get throws { try Self.decode(cells[column], as: T.self) }
  }

  /// A cell as `T`; one of another type is a corrupt row, named with its column.
  private static func decode<T: PostgresDecodable>(_ cell: PostgresCell, as type: T.Type) throws -> T {
    do {
      return try cell.decode(T.self)
    } catch {
      throw StorageError(
        .corrupt,
        "column \(cell.columnName) (\(cell.dataType)) cannot be read as \(T.self): \((error as? PostgresDecodingError)?.code.description ?? "\(error)")"
      )
    }
  }
}
