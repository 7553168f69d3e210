import ArgumentParser
import Foundation
import Model
import RPC

struct MeetingCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "meeting", abstract: "Record and list governance meetings (online).",
    subcommands: [Record.self, List.self])

  struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "record",
      abstract: "Record a governance meeting with its decisions and actions.",
      discussion: """
        Each --action is the action's text, then optional `; key=value` parts: owner (required), \
        due (YYYY-MM-DD), element (a plan element). Example:
          --action "Report victim needs assessment findings; owner=Head of Commissioning; due=2022-10-31; element=1.3"
        Actions get ids A1, A2, ... for `assure action update`.
        """)
    @OptionGroup var options: ClientOptions
    @Option(help: "Day it was held, YYYY-MM-DD.") var date: String
    @Option(help: "Title.") var title: String = "Monthly governance meeting"
    @Option(name: .customLong("attendee"), help: "Someone who attended; repeat for more.") var attendees: [String] = []
    @Option(name: .customLong("decision"), help: "A decision taken; repeat for more.") var decisions: [String] = []
    @Option(name: .customLong("action"), help: "An action agreed (see below); repeat for more.") var actions: [String] =
      []
    @Option(help: "Free-text notes.") var notes: String = ""

    /// Reads `TEXT; owner=NAME; due=YYYY-MM-DD; element=ID`.
    static func parseAction(_ text: String, index: Int) throws -> MeetingAction {
      let parts = text.split(separator: ";", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      var action = MeetingAction(text: parts.first ?? "", owner: "")
      let field = "--action \(index)"
      for part in parts.dropFirst() where !part.isEmpty {
        guard let equals = part.firstIndex(of: "=") else {
          throw Model.ValidationError(field: field, rule: "expected key=value after the text (got \"\(part)\")")
        }
        let key = part[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
        let value = part[part.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        switch key {
        case "owner": action.owner = value
        case "due": action.dueDate = try requiredDay(value, "\(field) due")
        case "element": action.elementID = value
        default: throw Model.ValidationError(field: field, rule: "unknown key \"\(key)\"; use owner, due or element")
        }
      }
      return action
    }

    func run() async throws {
      try await reportingErrors {
        let day = try requiredDay(date, "--date")
        let parsed = try actions.enumerated().map { try Self.parseAction($1, index: $0 + 1) }
        let meeting = Meeting(date: day, title: title, attendees: attendees, decisions: decisions, notes: notes)
        let recorded = try await ServerSession.run(options) { server in
          try await server.recordMeeting(meeting, actions: parsed)
        }
        print("recorded meeting \(recorded.meeting.id) with \(recorded.actions.count) action(s)")
        for action in recorded.actions {
          let due = action.dueDate?.description ?? "-"
          print(
            "  \(DisplayText.escaped(action.id))  \(DisplayText.escaped(action.owner))  due \(DisplayText.escaped(due))  \(DisplayText.escaped(action.text))"
          )
        }
      }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List meetings, newest first.")
    @OptionGroup var options: ClientOptions
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let meetings = try await ServerSession.run(options) { server in try await server.meetings() }
        if format == .json { return try Output.json(meetings) }
        Output.table(
          ["ID", "DATE", "TITLE", "DECISIONS"],
          meetings.map { [$0.id, $0.date.description, $0.title, "\($0.decisions.count)"] })
      }
    }
  }
}

struct ActionCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "action", abstract: "List and update actions from governance meetings (online).",
    subcommands: [List.self, Update.self])

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List actions with where each stands today.")
    @OptionGroup var options: ClientOptions
    @Option(help: "open (default), done, dropped or all.") var status: String = "open"
    @Option(help: "Only this owner's actions.") var owner: String?
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let filter = status == "all" ? nil : ActionStatus(rawValue: status)
        let items = try await ServerSession.run(options) { server in
          try await server.actions(status: filter, owner: owner)
        }
        if format == .json { return try Output.json(items) }
        guard !items.isEmpty else {
          print("No \(status == "all" ? "" : status + " ")actions.")
          return
        }
        Output.table(
          ["ID", "DUE", "STATE", "OWNER", "MEETING", "ACTION"],
          items.map {
            [
              $0.action.id, $0.action.dueDate?.description ?? "-",
              $0.action.status == .open ? $0.dueState.rawValue : $0.action.status.rawValue, $0.action.owner,
              $0.meetingDate.description, Output.truncate($0.action.text, 60),
            ]
          })
      }
    }
  }

  struct Update: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "update",
      abstract: "Change an action's status, owner, due date or note.",
      discussion: "Closing an action (--status done or dropped) records the day it closed: today unless --closed-on.")
    @OptionGroup var options: ClientOptions
    @Argument(help: "Action id, e.g. A3.") var id: String
    @Option(help: "open, done or dropped.") var status: String?
    @Option(help: "New owner.") var owner: String?
    @Option(help: "New due day, YYYY-MM-DD, or none.") var due: String?
    @Option(help: "A note on progress or closure.") var note: String?
    @Option(help: "Day it was closed, YYYY-MM-DD (with --status done or dropped).") var closedOn: String?

    func validate() throws {
      if [status, owner, due, note, closedOn].allSatisfy({ $0 == nil }) {
        throw ValidationError("give at least one of --status, --owner, --due, --note, --closed-on")
      }
    }

    func run() async throws {
      try await reportingErrors {
        let dueDate: LocalDate?? = try due.map { text in
          if text == "none" { return nil }
          return try requiredDay(text, "--due")
        }
        let changes = ActionChanges(
          status: status.map(ActionStatus.init(rawValue:)), owner: owner, dueDate: dueDate, note: note,
          closedOn: try dayOption(closedOn, "--closed-on"))
        let action = try await ServerSession.run(options) { server in try await server.updateAction(id: id, changes) }
        let closed = action.closedOn.map { " (closed \($0))" } ?? ""
        print(
          "action \(action.id) is \(action.status.rawValue)\(closed), owner \(action.owner), due \(action.dueDate?.description ?? "-")"
        )
      }
    }
  }
}
