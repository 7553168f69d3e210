import PostgresNIO

/// A statement put together clause by clause, each value bound as a parameter (`$n`), for the
/// queries whose filters depend on what was asked.
struct Statement {
  private(set) var sql: String
  private(set) var binds = PostgresBindings()

  init(_ sql: String) { self.sql = sql }

  /// The placeholder of a new parameter holding `value`.
  mutating func bind(_ value: some PostgresNonThrowingEncodable) -> String {
    binds.append(value)
    return "$\(binds.count)"
  }

  mutating func append(_ text: String) { sql += text }

  var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}
