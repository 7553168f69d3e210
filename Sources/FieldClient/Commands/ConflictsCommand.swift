import ArgumentParser
import Foundation
import Model
import SQLiteStore
import Stores
import Sync

/// `assure conflicts`: edits that met another device's edit of the same field (or a delete),
/// as the server recorded them. Works offline on this device's copy, which each sync brings
/// up to date.
struct ConflictsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "conflicts",
    abstract: "List, show and resolve conflicting edits (works offline; records arrive with sync).",
    discussion: """
      When two devices change the same field of an engagement without seeing each other's \
      change, the server keeps the later one (by its corrected clock) and records the other \
      here. An edit always beats a delete it did not see; the delete is recorded. Nothing is \
      lost: `resolve --keep other` takes the other value back with a new edit.
      """,
    subcommands: [List.self, Show.self, Resolve.self])

  struct ConflictJSON: Encodable {
    let id: String
    let engagement: String
    let subject: String
    let kept: SideJSON
    let other: SideJSON
    let detectedAt: Date
    let resolution: String?
    let resolvedBy: String?
    let resolvedAt: Date?
    struct SideJSON: Encodable {
      let value: String
      let user: String
      let device: String
      let at: Date
    }

    init(_ c: Conflict) {
      func side(_ s: Conflict.Side) -> SideJSON {
        SideJSON(value: s.value, user: s.user, device: s.deviceID, at: s.hlc.date)
      }
      id = c.id.storageKey
      engagement = c.engagementID.storageKey
      subject = c.subject.name
      kept = side(c.kept)
      other = side(c.lost)
      detectedAt = c.detectedAt
      resolution = c.resolution?.rawValue
      resolvedBy = c.resolvedBy
      resolvedAt = c.resolvedAt
    }
  }

  static func subject(_ c: Conflict) -> String {
    switch c.subject {
    case .field(let field): field.label
    case .deletion: "delete"
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List unresolved conflicts, newest first.")

    @OptionGroup var options: ClientOptions
    @Flag(help: "Include resolved ones.") var all = false
    @Option(help: "Only this engagement (id or its first characters).") var engagement: String?
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let repository = try options.repository()
        let engagementID = try await engagement.asyncMap { try await repository.resolve($0) }
        let conflicts = try await repository.database.read { [all] db in
          try db.conflicts(engagementID: engagementID, includeResolved: all)
        }
        if format == .json {
          try Output.json(conflicts.map(ConflictJSON.init))
          return
        }
        guard !conflicts.isEmpty else {
          print(all ? "no conflicts" : "no unresolved conflicts")
          return
        }
        Output.table(
          ["ID", "ENGAGEMENT", "FIELD", "KEPT", "OTHER VALUE", "OTHER BY", "STATE"],
          conflicts.map { c in
            [
              String(c.id.storageKey.prefix(8)), String(c.engagementID.storageKey.prefix(8)),
              ConflictsCommand.subject(c),
              Output.truncate(c.kept.value, 30), Output.truncate(c.lost.value, 30),
              "\(c.lost.user) \(c.lost.hlc.date.formatted(.iso8601))", c.resolution?.rawValue ?? "open",
            ]
          })
      }
    }
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show one conflict with both values in full.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "Conflict id, or at least its first 4 characters.") var id: String
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let repository = try options.repository()
        let uuid = try await repository.resolveConflict(id)
        guard let c = try await repository.database.read({ try $0.conflict(id: uuid) }) else {
          throw StorageError(.notFound, "no conflict \(id)")
        }
        if format == .json {
          try Output.json(ConflictJSON(c))
          return
        }
        func who(_ s: Conflict.Side) -> String {
          "\(s.user) on device \(s.deviceID.prefix(8)), \(s.hlc.date.formatted(.iso8601))"
        }
        var rows: [(String, String)] = [
          ("id", c.id.storageKey), ("engagement", c.engagementID.storageKey), ("field", ConflictsCommand.subject(c)),
          ("kept", c.kept.value.isEmpty ? "(empty)" : c.kept.value), ("kept from", who(c.kept)),
          ("other value", c.lost.value.isEmpty ? "(empty)" : c.lost.value), ("other from", who(c.lost)),
          ("detected", c.detectedAt.formatted(.iso8601)),
        ]
        if let resolution = c.resolution {
          rows.append(
            (
              "resolved",
              "\(resolution.rawValue) by \(c.resolvedBy ?? "?"), \(c.resolvedAt?.formatted(.iso8601) ?? "?")"
            ))
        } else {
          rows.append(("state", "open: `assure conflicts resolve \(c.id.storageKey.prefix(8)) --keep current|other`"))
        }
        Output.fields(rows)
      }
    }
  }

  struct Resolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "resolve",
      abstract: "Resolve a conflict: keep the current value, or take the other back (a new edit, synced like any).")

    enum Keep: String, ExpressibleByArgument, CaseIterable { case current, other }

    @OptionGroup var options: ClientOptions
    @Argument(help: "Conflict id, or at least its first 4 characters.") var id: String
    @Option(help: "current (the value kept) or other (take the other value back; for a delete, delete after all).")
    var keep: Keep

    func run() async throws {
      try await reportingErrors {
        let repository = try options.repository()
        let uuid = try await repository.resolveConflict(id)
        let conflict = try await repository.resolve(conflict: uuid, keep == .current ? .keptCurrent : .tookOther)
        let what =
          keep == .current
          ? "kept \(ConflictsCommand.subject(conflict)) as it is"
          : (conflict.subject == .deletion
            ? "deleted the engagement"
            : "took back \(ConflictsCommand.subject(conflict)) = \"\(DisplayText.escaped(conflict.lost.value))\"")
        print("resolved \(conflict.id.storageKey.prefix(8)): \(what); queued for the server")
      }
    }
  }
}

extension Optional {
  func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
    guard let self else { return nil }
    return try await transform(self)
  }
}
