import Application
import ArgumentParser
import Foundation
import Model
import SQLiteStore
import Stores
import Sync

/// Who the administration commands act as: the operating-system user at the server's console.
func consoleCaller(_ command: String) -> Caller {
  let user = ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "console"
  return .server("console:\(user)", rpc: "assure-server \(command)")
}

/// Opens the server's database for an administration command, without seeding anything.
private func openAccounts(_ data: DataOptions, enrolmentHours: Int = 72) async throws -> AccountRepository {
  umask(0o077)
  var settings = AccountSettings()
  settings.enrolmentCodeLifetime = Double(enrolmentHours) * 3600
  return AccountRepository(database: try await data.openStore(), settings: settings)
}

/// The SQLite file of a command that works on one only (backup, restore); a PostgreSQL store is
/// backed up with PostgreSQL's own tools.
private func sqliteOnly(_ data: DataOptions, _ command: String) throws -> String {
  guard let path = data.store.sqlitePath else {
    throw ArgumentParser.ValidationError(
      "assure-server \(command) works on a SQLite store; back up a PostgreSQL store (\(data.store)) with pg_dump or WAL archiving (Docs/Operations.md)"
    )
  }
  return path
}

private func stamp(_ date: Date?) -> String {
  guard let date else { return "-" }
  let formatter = ISO8601DateFormatter()
  formatter.formatOptions = [.withInternetDateTime]
  return formatter.string(from: date)
}

/// Prints a code so that a script can take it from standard output, and says on standard
/// error what it is for.
private func show(_ issued: IssuedCode) {
  FileHandle.standardError.write(
    Data(
      """
      One-time sign-in code for \(issued.account.name) (\(issued.account.role.rawValue)), valid until \(stamp(issued.expiresAt)).
      It is shown once and not stored. On the user's device: assure login --server HOST:PORT --code CODE

      """.utf8))
  print(issued.code)
}

/// An administration command's failure, said in one line (exit 1).
struct CommandFailure: Error, CustomStringConvertible {
  let description: String
}

/// Errors of the administration commands, said in one line: bad input as a usage error
/// (exit 64), the rest as a failure (exit 1).
func fail(_ error: any Error) -> any Error {
  switch error {
  case let error as Model.ValidationError: ArgumentParser.ValidationError(error.description)
  case let error as StorageError: CommandFailure(description: error.message)
  default: error
  }
}

struct UserCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "user", abstract: "Add, list and disable users, and issue sign-in codes.",
    subcommands: [Add.self, List.self, Code.self, Disable.self])

  struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Add a user and print a one-time sign-in code (on standard output).")
    @OptionGroup var data: DataOptions
    @Option(help: "Sign-in name: lower-case letters, digits, '.', '-' or '_'.") var name: String
    @Option(help: "Role: \(Role.knownList).") var role: String
    @Option(help: "Name as shown in lists (default: the sign-in name).") var displayName: String?
    @Option(help: "Hours the code lasts.") var enrolmentHours: Int = 72

    func run() async throws {
      let accounts = try await openAccounts(data, enrolmentHours: enrolmentHours)
      do {
        show(
          try await accounts.addUser(
            name: name, displayName: displayName, role: Role(rawValue: role), by: consoleCaller("user add")))
      } catch { throw fail(error) }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List users.")
    @OptionGroup var data: DataOptions

    func run() async throws {
      let accounts = try await openAccounts(data)
      print("NAME          ROLE          CREATED                DISABLED              DISPLAY NAME")
      for user in try await accounts.users() {
        print(
          [
            user.name.cell(13), user.role.rawValue.cell(13), stamp(user.createdAt).cell(22),
            stamp(user.disabledAt).cell(21), user.displayName.cell(),
          ].joined(separator: " "))
      }
    }
  }

  struct Code: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "code",
      abstract: "Print a new one-time sign-in code for a user (an earlier unused one stops working).")
    @OptionGroup var data: DataOptions
    @Argument(help: "The user's sign-in name.") var name: String
    @Option(help: "Hours the code lasts.") var enrolmentHours: Int = 72

    func run() async throws {
      let accounts = try await openAccounts(data, enrolmentHours: enrolmentHours)
      do { show(try await accounts.issueCode(forUser: name, by: consoleCaller("user code"))) } catch {
        throw fail(error)
      }
    }
  }

  struct Disable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "disable", abstract: "Disable a user and revoke all their devices.")
    @OptionGroup var data: DataOptions
    @Argument(help: "The user's sign-in name.") var name: String

    func run() async throws {
      let accounts = try await openAccounts(data)
      do {
        let account = try await accounts.disableUser(name: name, by: consoleCaller("user disable"))
        print(
          "disabled \(account.name) at \(stamp(account.disabledAt)); a running server refuses its devices within 30 seconds"
        )
      } catch { throw fail(error) }
    }
  }
}

struct DeviceCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "device", abstract: "List and revoke device sign-ins.", subcommands: [List.self, Revoke.self])

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List device sign-ins, newest first.")
    @OptionGroup var data: DataOptions
    @Option(help: "Only this user's devices.") var user: String?
    @Flag(help: "Also revoked and expired sign-ins.") var all = false

    func run() async throws {
      let accounts = try await openAccounts(data)
      let now = Date()
      print(
        "SIGN-IN   USER          DEVICE                                LABEL                 EXPIRES               LAST USED             STATE"
      )
      for token in try await accounts.devices(accountName: user, includeInactive: all) {
        let state =
          token.wipeRequestedAt != nil
          ? "revoked, erase asked" : token.revokedAt != nil ? "revoked" : token.expiresAt <= now ? "expired" : "active"
        print(
          [
            String(token.id.storageKey.prefix(8)) + " ", token.accountName.cell(13), token.deviceID.cell(37),
            token.label.cell(21), stamp(token.expiresAt).cell(21), stamp(token.lastUsedAt).cell(21), state,
          ]
          .joined(separator: " "))
      }
    }
  }

  struct Revoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "revoke",
      abstract: "Revoke a device's sign-in: the device must sign in again with a new code.")
    @OptionGroup var data: DataOptions
    @Argument(
      help: "A sign-in id (at least its first 8 characters), as device list shows it; a device id with --device.")
    var id: String
    @Flag(help: "ID is a device id (a device chooses its own id, so it is never read as one unless this is given).")
    var device = false
    @Flag(
      help:
        "Also make the device erase its local data (engagements, queued changes, plan copy, sign-in) the next time it reaches the server: for a lost or stolen laptop."
    )
    var wipe = false

    func run() async throws {
      let accounts = try await openAccounts(data)
      do {
        let caller = consoleCaller("device revoke")
        let revoked =
          device
          ? try await accounts.revokeDevice(id, wipe: wipe, by: caller)
          : try await accounts.revokeSignIn(id, wipe: wipe, by: caller)
        for token in revoked {
          print(
            "revoked \(token.id.storageKey.prefix(8)) (\(token.accountName.cell()) on \(token.label.cell()), device \(token.deviceID.cell()))"
          )
        }
        print("a running server refuses it within 30 seconds")
        if wipe {
          print(
            "the device erases its local data the next time it reaches this server; until then, its file is protected only by the laptop's disk encryption"
          )
        }
      } catch { throw fail(error) }
    }
  }
}

struct AuditCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "Show the audit trail: every write, who made it, from which device, through which call.",
    discussion: "Conditions combine; the newest --limit entries are shown, oldest first.")

  enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

  @OptionGroup var data: DataOptions
  @Option(help: "A record type, or TYPE:ID for one record (e.g. engagement:6f1c2a4e-..., element:2.3).") var entity:
    String?
  @Option(help: "Only writes by this user.") var user: String?
  @Option(help: "From this day (YYYY-MM-DD, UTC), inclusive.") var from: String?
  @Option(help: "To this day (YYYY-MM-DD, UTC), inclusive.") var to: String?
  @Option(help: "At most this many entries.") var limit: Int = 1000
  @Option(help: "table or json.") var format: Format = .table

  func run() async throws {
    func day(_ text: String?, _ option: String) throws -> LocalDate? {
      guard let text else { return nil }
      guard let day = LocalDate(text) else {
        throw ArgumentParser.ValidationError("\(option) must be a real day written YYYY-MM-DD (got \"\(text)\")")
      }
      return day
    }
    guard (1...1_000_000).contains(limit) else {
      throw ArgumentParser.ValidationError("--limit must be between 1 and 1000000")
    }
    var query = AuditQuery(actor: user, limit: limit)
    if let entity {
      let parts = entity.split(separator: ":", maxSplits: 1).map(String.init)
      query.entityType = parts.first
      query.entityID = parts.count > 1 ? parts[1] : nil
    }
    query.from = try day(from, "--from")?.startOfDayUTC
    query.before = try day(to, "--to")?.adding(days: 1).startOfDayUTC
    let entries = try await openAccounts(data).audit(query)
    switch format {
    case .json:
      let objects: [[String: Any]] = entries.map { e in
        [
          "at": stamp(e.at), "actor": e.actor, "device": e.deviceID ?? NSNull(), "rpc": e.rpc,
          "entityType": e.entityType, "entityID": e.entityID, "before": e.beforeDigest ?? NSNull(),
          "after": e.afterDigest ?? NSNull(),
        ]
      }
      let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
      print(String(decoding: data, as: UTF8.self))
    case .table:
      print("AT                    ACTOR              DEVICE      CALL                                   RECORD")
      for e in entries {
        let change =
          e.rpc.hasPrefix("assure-server privacy search")
          ? "searched for"
          : e.rpc.hasPrefix("assure-server privacy export")
            ? "disclosed" : e.beforeDigest == nil ? "created" : e.afterDigest == nil ? "removed" : "changed"
        print(
          [
            stamp(e.at).cell(21), e.actor.cell(18), (e.deviceID ?? "-").cell(11), e.rpc.cell(38),
            "\(e.entityType) \(e.entityID) \(change)".cell(),
          ].joined(separator: " "))
      }
    }
  }
}

extension String {
  /// The text as a cell of an administration listing: escaped (`DisplayText`: a control or
  /// bidirectional character in a stored name, label or device id could otherwise clear the
  /// console, forge a row or reorder one), then cut or padded with spaces to `width`
  /// characters when one is given.
  func cell(_ width: Int? = nil) -> String {
    let text = DisplayText.escaped(self)
    guard let width else { return text }
    return text.count >= width ? String(text.prefix(width)) : text.padding(toLength: width, withPad: " ", startingAt: 0)
  }
}

struct BackupCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backup",
    abstract: "Write a consistent copy of the server's database, also while the server runs.",
    discussion: """
      The copy is one SQLite file (owner-only), checked with SQLite's integrity check before it \
      is renamed into place. Keep copies off the machine; they hold OFFICIAL information.
      """)

  @OptionGroup var data: DataOptions
  @Option(help: "The file to write (replaced if it exists).") var out: String

  func run() async throws {
    umask(0o077)
    let path = URL(fileURLWithPath: out).standardizedFileURL.path
    _ = try sqliteOnly(data, "backup")
    guard FileManager.default.fileExists(atPath: data.databasePath) else {
      throw ArgumentParser.ValidationError("no database at \(data.databasePath)")
    }
    do {
      let summary = try ServerDatabase(path: data.databasePath).backup(to: path)
      print(
        "backed up \(data.databasePath) to \(summary.path): \(summary.bytes) bytes, \(summary.engagements) engagements, change cursor \(summary.changeHead), sha256 \(summary.sha256)"
      )
    } catch { throw fail(error) }
  }
}

struct RestoreCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "restore",
    abstract: "Replace the server's database with a backup (the server must be stopped).",
    discussion: """
      The backup is checked first (SQLite integrity, a database of this or an earlier \
      version). The database it replaces is kept beside it as \
      assure-server.sqlite.before-restore-TIME, never deleted. Writes made after the backup \
      was taken are not in it: the restored server starts a new epoch, and at its next sync \
      every device sends again the changes it made in the last 90 days (the server \
      recognises those it has), then pulls everything.
      """)

  @OptionGroup var data: DataOptions
  @Option(help: "The backup file to restore.") var from: String
  @Flag(help: "Do not ask for confirmation.") var yes = false

  func run() async throws {
    umask(0o077)
    let backup = URL(fileURLWithPath: from).standardizedFileURL.path
    _ = try sqliteOnly(data, "restore")
    do {
      let summary = try ServerDatabase.inspect(backup)
      try FileManager.default.createDirectory(
        atPath: URL(fileURLWithPath: data.databasePath).deletingLastPathComponent().path,
        withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      let lock = try ServingLock(databasePath: data.databasePath)
      if !yes {
        FileHandle.standardError.write(
          Data(
            "Replace \(data.databasePath) with \(backup) (\(summary.engagements) engagements, change cursor \(summary.changeHead))? The current file is kept. [y/N] "
              .utf8))
        guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
          print("nothing changed")
          return
        }
      }
      let restored = try ServerDatabase.restore(
        from: backup, to: data.databasePath, by: consoleCaller("restore").user, at: Date())
      withExtendedLifetime(lock) {}
      print(
        "restored \(data.databasePath) from \(backup) (\(restored.restored.engagements) engagements)"
          + (restored.previousKeptAt.map { "; the replaced database is kept at \($0)" } ?? "")
          + "; at their next sync devices send again what the backup lacks and pull everything (new epoch from change \(restored.fence))"
      )
    } catch { throw fail(error) }
  }
}

struct AreaCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "area",
    abstract: "List, add, rename and retire the force's local policing areas.",
    discussion: """
      Areas are kept in the server's database: seeded on its first start (--area, or the demo's), \
      then changed only here, also while the server runs. Devices receive each change at their \
      next sync. An area is never deleted: retire one the force no longer uses; engagements \
      already recorded in it stay valid and are still reported.
      """,
    subcommands: [List.self, Add.self, Rename.self, Retire.self])

  private static func open(_ data: DataOptions) async throws -> ServerRepository {
    umask(0o077)
    return ServerRepository(database: try await data.openStore())
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the areas in display order, retired ones marked.")
    @OptionGroup var data: DataOptions

    func run() async throws {
      let repository = try await AreaCommand.open(data)
      let areas = try await repository.areas()
      guard !areas.isEmpty else {
        print("no areas are stored: add them with assure-server area add CODE --name NAME")
        return
      }
      let counts = try await repository.engagementCounts(areas: areas.map(\.code))
      print("CODE                      NAME                           STATE    ENGAGEMENTS")
      for (area, count) in zip(areas, counts) {
        print(
          [area.code.cell(25), area.name.cell(30), (area.retired ? "retired" : "active").cell(8), String(count)]
            .joined(separator: " "))
      }
    }
  }

  struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Add an area at the end of the list (or bring a retired one back into use).")
    @OptionGroup var data: DataOptions
    @Argument(help: "Lower-case code: letters, digits and hyphens, e.g. north-wales.") var code: String
    @Option(help: "Display name (default: made from the code).") var name: String?

    func run() async throws {
      let repository = try await AreaCommand.open(data)
      do {
        let area = try await repository.addArea(
          Model.Area(code: code, name: name ?? Model.Area.name(fromCode: code)), by: consoleCaller("area add"))
        print("added area \(area.code) (\(area.name)); devices receive it at their next sync")
      } catch { throw fail(error) }
    }
  }

  struct Rename: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rename", abstract: "Change an area's display name (its code stays).")
    @OptionGroup var data: DataOptions
    @Argument(help: "The area's code.") var code: String
    @Argument(help: "The new display name.") var name: String

    func run() async throws {
      let repository = try await AreaCommand.open(data)
      do {
        let area = try await repository.renameArea(code: code, to: name, by: consoleCaller("area rename"))
        print("area \(area.code) is now \(area.name)")
      } catch { throw fail(error) }
    }
  }

  struct Retire: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "retire",
      abstract: "Retire an area: refused for new engagements; those already in it stay valid and reported.")
    @OptionGroup var data: DataOptions
    @Argument(help: "The area's code.") var code: String

    func run() async throws {
      let repository = try await AreaCommand.open(data)
      do {
        let (area, count) = try await repository.retireArea(code: code, by: consoleCaller("area retire"))
        print(
          "retired area \(area.code.cell()) (\(area.name.cell())): new engagements are refused in it; the \(count) engagement\(count == 1 ? "" : "s") recorded in it stay"
        )
      } catch { throw fail(error) }
    }
  }
}
