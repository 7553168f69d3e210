import ArgumentParser
import Foundation
import Logging
import Model
import PostgresStore
import SQLiteStore
import Stores

/// `assure-server store`: moving an office's data between stores.
struct StoreCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "store",
    abstract: "Move an office's data from its SQLite file to a PostgreSQL database.",
    subcommands: [Copy.self, BeginEpoch.self])

  struct BeginEpoch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "begin-epoch",
      abstract: "Start a new history of the server after its database was restored by other means.",
      discussion: """
        Run once after restoring a PostgreSQL database from pg_dump or a base backup (or any \
        store from a copy not made by assure-server backup), before any server serves it: \
        devices then notice the restore at their next sync, send again what the restored \
        database lacks and pull everything. assure-server restore does this itself.
        """)

    @OptionGroup var data: DataOptions

    func run() async throws {
      let store = try await data.openStore()
      let actor = "console:\(ProcessInfo.processInfo.environment["USER"] ?? "console")"
      let identity = try await store.write { db in
        let identity = try db.beginEpoch()
        try db.appendAudit(
          AuditEntry(
            at: Date(), actor: actor, rpc: "assure-server store begin-epoch", entityType: "server",
            entityID: identity.serverID, beforeDigest: nil, afterDigest: identity.epoch))
        return identity
      }
      print(
        "\(data.store): new epoch \(identity.epoch) from change \(identity.epochStart); at their next sync devices send again what it lacks and pull everything"
      )
    }
  }

  struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "copy",
      abstract: "Copy everything from a SQLite store into an empty PostgreSQL database, and check the copy.",
      discussion: """
        Copies the plan, engagements with their change log, conflicts, accounts and device \
        tokens, the audit trail, governance and oversight records, and the server's identity, \
        in one transaction, then reads every table back and compares its row count and SHA-256 \
        with the source's. The target must be empty (a new database, or one assure-server has \
        only created). The SQLite file must not be served meanwhile: stop the server first; \
        the copy refuses a file a server holds. Devices keep their sign-ins and carry on \
        syncing with a server on the copy from where they were, with no full pull.
        """)

    @Option(help: ArgumentHelp("The store to copy: sqlite:PATH.", valueName: "address"))
    var from: String

    @Option(
      help: ArgumentHelp(
        "The empty PostgreSQL database to copy into: postgres://USER@HOST:PORT/DATABASE[?sslmode=...].",
        valueName: "address"))
    var to: String

    @Option(
      help: ArgumentHelp("A file whose first line is the target's password (else PGPASSWORD).", valueName: "file"))
    var toPasswordFile: String?

    func run() async throws {
      let source: String
      let target: PostgresLocation
      do {
        guard case .sqlite(let path) = try StoreAddress(parsing: from, passwordFile: nil) else {
          throw ValidationError("--from must be a SQLite store, sqlite:PATH (got \(from))")
        }
        guard case .postgres(let location) = try StoreAddress(parsing: to, passwordFile: toPasswordFile) else {
          throw ValidationError("--to must be a PostgreSQL store, postgres://USER@HOST:PORT/DATABASE (got \(to))")
        }
        source = path
        target = location
      } catch let error as LocationError {
        let option = error.field == "store" ? "address" : error.field
        throw ValidationError("\(option == "address" ? "--from/--to" : "--\(option)"): \(error.rule)")
      }
      guard FileManager.default.fileExists(atPath: source) else {
        throw ValidationError("--from: no SQLite store at \(source)")
      }
      let lock = try ServingLock(databasePath: source)
      defer { withExtendedLifetime(lock) {} }
      let (tables, issued) = try ServerDatabase(path: source).exportTables()
      let logger = Logger(label: "assure-server")
      let store: PostgresServerDatabase
      do {
        store = try await PostgresServerDatabase.open(target, connections: 2, logger: logger)
      } catch {
        throw CommandFailure(description: "--to \(target): \(PostgresServerDatabase.describeConnection(error))")
      }
      do {
        try await store.importTables(tables, issuedThrough: issued)
      } catch let error as StorageError {
        await store.close()
        throw CommandFailure(description: "nothing copied: \(error.message)")
      } catch {
        await store.close()
        throw CommandFailure(description: "nothing copied: \(store.describe(error))")
      }
      let copied = try await store.exportTables()
      await store.close()
      let report = Self.compare(tables, copied)
      for line in report.lines { print(line) }
      guard report.mismatches.isEmpty else {
        throw CommandFailure(
          description:
            "the copy in \(target) differs from \(source) in \(report.mismatches.joined(separator: ", ")); the source is unchanged"
        )
      }
      let rows = tables.reduce(0) { $0 + $1.rows.count }
      print(
        "copied \(source) to \(target): \(tables.count) tables, \(rows) rows, every count and digest equal; change cursor continues after \(issued)"
      )
    }

    /// Each table's rows and digest on both sides.
    static func compare(_ source: [TableRows], _ copy: [TableRows]) -> (lines: [String], mismatches: [String]) {
      let copies = Dictionary(copy.map { ($0.table, $0) }, uniquingKeysWith: { first, _ in first })
      var lines = ["table                    rows  sha256 (first 16)  copy"]
      var mismatches: [String] = []
      for table in source {
        let other = copies[table.table]
        let same = other.map { $0.rows.count == table.rows.count && $0.digest == table.digest } ?? false
        if !same { mismatches.append(table.table) }
        lines.append(
          table.table.padding(toLength: 22, withPad: " ", startingAt: 0)
            + String(table.rows.count).leftPadded(to: 7) + "  " + String(table.digest.prefix(16)) + "   "
            + (same
              ? "equal"
              : "DIFFERS (\(other?.rows.count ?? 0) rows, \(other.map { String($0.digest.prefix(16)) } ?? "none"))"))
      }
      return (lines, mismatches)
    }
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
