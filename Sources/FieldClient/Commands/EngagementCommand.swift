import ArgumentParser
import Foundation
import Model
import SQLiteStore
import Stores
import Sync

struct EngagementCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "engagement",
    abstract: "Record, list, show, edit and delete engagements (works offline).",
    subcommands: [Add.self, List.self, Show.self, Edit.self, Delete.self, Summary.self])
}

/// Fields of an engagement as options, shared by `add` and `edit`.
struct EngagementFields: ParsableArguments {
  @Option(help: "Day it took place, YYYY-MM-DD (add: default today).")
  var date: String?

  @Option(help: "Who attended: \(Officeholder.knownList).")
  var by: String?

  @Option(help: "Kind, from the force's list (assure force show; the standard ones: \(EngagementKind.knownList)).")
  var kind: String?

  @Option(help: "Organisation or group met.")
  var organisation: String?

  @Option(help: "Town, village or venue.")
  var place: String?

  @Option(
    help: "Local policing area code, from the force's list (`assure area list` shows the areas this device holds).")
  var area: String?

  // Unconditional, so that a negative count reaches validation and is named, not taken for an option.
  @Option(parsing: .unconditional, help: "People attending, 0 to 100000.")
  var attendees: String?

  @Option(name: .customLong("topic"), help: "A topic raised, e.g. road-safety, asb, rural-crime; repeat for more.")
  var topics: [String] = []

  @Option(help: "Delivery plan objective it supports (see `assure plan list`).")
  var objective: String?

  @Option(help: "Delivery plan element it supports, e.g. 2.3.")
  var element: String?

  @Option(name: .customLong("follow-up"), help: "A follow-up action agreed; repeat for more.")
  var followUps: [String] = []

  @Option(help: "Free-text notes, up to 10,000 characters.")
  var notes: String?

  /// Date and attendees are read here so that bad text is reported with its field.
  func parsedDate() throws -> LocalDate? {
    guard let date else { return nil }
    guard let day = LocalDate(date) else {
      throw Model.ValidationError(field: "date", rule: "must be a real day written YYYY-MM-DD (got \"\(date)\")")
    }
    return day
  }

  func parsedAttendees() throws -> Int?? {
    guard let attendees else { return .none }
    if attendees.isEmpty || attendees == "none" { return .some(nil) }
    guard let count = Int(attendees) else {
      throw Model.ValidationError(
        field: "attendees", rule: "must be a whole number from 0 to 100000 (got \"\(attendees)\")")
    }
    return .some(count)
  }

  /// The change the given options make, read once: an unreadable date or count is reported
  /// here, before anything is touched.
  func edits() throws -> @Sendable (inout Engagement) -> Void {
    let date = try parsedDate()
    let attendees = try parsedAttendees()
    let fields = self
    return { engagement in
      if let date { engagement.date = date }
      if let by = fields.by { engagement.who = Officeholder(rawValue: by.lowercased()) }
      if let kind = fields.kind { engagement.kind = EngagementKind(rawValue: kind.lowercased()) }
      if let organisation = fields.organisation { engagement.organisation = organisation }
      if let place = fields.place { engagement.place = place }
      if let area = fields.area { engagement.area = area.lowercased() }
      if let attendees { engagement.attendees = attendees }
      if !fields.topics.isEmpty { engagement.topics = fields.topics }
      if let objective = fields.objective { engagement.objectiveID = objective.isEmpty ? nil : objective }
      if let element = fields.element { engagement.elementID = element.isEmpty ? nil : element }
      if !fields.followUps.isEmpty { engagement.followUpActions = fields.followUps }
      if let notes = fields.notes { engagement.notes = notes }
    }
  }
}

extension EngagementCommand {
  struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Record an engagement on this device and print its id.",
      discussion: "Stored at once and queued for the server; nothing needs a connection.")

    @OptionGroup var options: ClientOptions
    @OptionGroup var fields: EngagementFields

    func validate() throws {
      for (name, value) in [
        ("--by", fields.by), ("--kind", fields.kind), ("--organisation", fields.organisation),
        ("--place", fields.place), ("--area", fields.area),
      ] where value == nil {
        throw ArgumentParser.ValidationError("Missing expected argument '\(name)'")
      }
    }

    func run() async throws {
      try await reportingErrors {
        let repository = try options.repository()
        var engagement = Engagement(
          date: LocalDate.today(), who: .pcc, kind: .other, organisation: "", place: "", area: "",
          createdBy: options.user)
        try fields.edits()(&engagement)
        try options.checkMayRecord(engagement.who)
        let stored = try await repository.record(engagement)
        print(stored.id.uuidString.lowercased())
        if stored.objectiveID != nil || stored.elementID != nil,
          try await repository.validationContext().elements == nil
        {
          printError("note: no delivery plan is cached here yet, so the plan link is checked by the server at sync")
        }
      }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List engagements on this device, newest first.")

    @OptionGroup var options: ClientOptions

    @Option(help: "First day included, YYYY-MM-DD.") var from: String?
    @Option(help: "Last day included, YYYY-MM-DD.") var to: String?
    @Option(help: "Only this officeholder: \(Officeholder.knownList).") var by: String?
    @Option(help: "Only this area code.") var area: String?
    @Option(help: "Only this kind.") var kind: String?
    @Option(help: "At most this many.") var limit: Int?
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let query = try EngagementQuery(
          fromDate: from ?? "", toDate: to ?? "", who: by ?? "", area: area ?? "", kind: kind ?? "")
        if let limit, limit < 1 {
          throw Model.ValidationError(field: "limit", rule: "must be at least 1 (got \(limit))")
        }
        let database = try options.openDatabase()
        let (engagements, states) = try await database.read { db in
          (try db.engagements(matching: query, limit: limit), try db.outboxStateByEntity())
        }
        let state = { (e: Engagement) in states[e.id.storageKey] ?? "synced" }
        switch format {
        case .json:
          try Output.json(engagements.map { EngagementJSON($0, syncState: state($0)) })
        case .table:
          guard !engagements.isEmpty else {
            print("No engagements.")
            return
          }
          Output.table(
            ["ID", "DATE", "BY", "KIND", "AREA", "ORGANISATION", "SYNC"],
            engagements.map {
              [
                String($0.id.storageKey.prefix(8)), $0.date.description, $0.who.rawValue, $0.kind.rawValue, $0.area,
                Output.truncate($0.organisation, 40), state($0),
              ]
            })
          print("\(engagements.count) engagement\(engagements.count == 1 ? "" : "s")")
        }
      }
    }
  }

  struct Summary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "summary",
      abstract: "Count the engagements on this device by who, area, kind and month.",
      discussion: "For example `--from 2022-07-01 --to 2022-09-30` gives the quarter's totals for the Panel report.")

    @OptionGroup var options: ClientOptions
    @Option(help: "First day included, YYYY-MM-DD.") var from: String?
    @Option(help: "Last day included, YYYY-MM-DD.") var to: String?
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let query = try EngagementQuery(fromDate: from ?? "", toDate: to ?? "")
        let summary = try await options.openDatabase().read { try $0.engagementSummary(matching: query) }
        if format == .json { return try Output.json(summary) }
        let range = "\(from ?? "the start") to \(to ?? "today")"
        print("\(summary.total) engagement\(summary.total == 1 ? "" : "s") from \(range)")
        for (title, counts) in [
          ("by who", summary.byWho), ("by area", summary.byArea), ("by kind", summary.byKind),
          ("by month", summary.byMonth),
        ] where !counts.isEmpty {
          print("\n\(title)")
          Output.fields(counts.sorted { $0.key < $1.key }.map { ("  \($0.key)", String($0.value)) })
        }
      }
    }
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show one engagement (id or its first characters).")

    @OptionGroup var options: ClientOptions
    @Argument(help: "Engagement id, or at least its first 4 characters.") var id: String
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let repository = try options.repository()
        let uuid = try await repository.resolve(id)
        let (found, states) = try await repository.database.read { db in
          (try db.engagement(id: uuid), try db.outboxStateByEntity())
        }
        guard let e = found else { throw StorageError(.notFound, "no engagement \(id)") }
        let sync = states[e.id.storageKey] ?? "synced"
        if format == .json {
          try Output.json(EngagementJSON(e, syncState: sync))
          return
        }
        let rows: [(String, String)] = [
          ("id", e.id.storageKey), ("date", e.date.description), ("by", "\(e.who.rawValue) (\(e.who.title))"),
          ("kind", e.kind.rawValue), ("organisation", e.organisation), ("place", e.place), ("area", e.area),
          ("attendees", e.attendees.map(String.init) ?? "-"),
          ("topics", e.topics.isEmpty ? "-" : e.topics.joined(separator: ", ")),
          ("objective", e.objectiveID ?? "-"), ("element", e.elementID ?? "-"),
          ("follow-up", e.followUpActions.isEmpty ? "-" : e.followUpActions.joined(separator: "; ")),
          ("notes", e.notes.isEmpty ? "-" : e.notes),
          ("recorded", "\(e.createdBy), \(e.createdAt.formatted(.iso8601))"),
          ("updated", "\(e.updatedBy), \(e.updatedAt.formatted(.iso8601))"), ("sync", sync),
        ]
        Output.fields(rows)
      }
    }
  }

  struct Edit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "edit",
      abstract: "Change fields of an engagement; only the options given change.",
      discussion: "--topic and --follow-up replace the whole list. --attendees none clears the count.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "Engagement id, or at least its first 4 characters.") var id: String
    @OptionGroup var fields: EngagementFields

    func run() async throws {
      try await reportingErrors {
        let repository = try options.repository()
        let uuid = try await repository.resolve(id)
        if let stored = try await repository.database.read({ try $0.engagement(id: uuid) }) {
          var changed = stored
          try fields.edits()(&changed)
          try options.checkMayRecord(stored.who)
          try options.checkMayRecord(changed.who)
        }
        let updated = try await repository.edit(id: uuid, try fields.edits())
        print(updated.id.storageKey)
      }
    }
  }

  struct Delete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "delete",
      abstract: "Delete an engagement; the delete is queued for the server like any change.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "Engagement id, or at least its first 4 characters.") var id: String

    func run() async throws {
      try await reportingErrors {
        let repository = try options.repository()
        let uuid = try await repository.resolve(id)
        if let stored = try await repository.database.read({ try $0.engagement(id: uuid) }) {
          try options.checkMayRecord(stored.who)
        }
        try await repository.delete(id: uuid)
        print("deleted \(uuid.storageKey)")
      }
    }
  }
}
