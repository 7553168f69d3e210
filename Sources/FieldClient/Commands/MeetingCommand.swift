import ArgumentParser
import Foundation
import GRPCCore
import Model
import RPC
import SwiftProtobuf

struct MeetingCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "meeting", abstract: "Record and list governance meetings (online).",
    subcommands: [Record.self, List.self])

  struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
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
    static func parseAction(_ text: String, index: Int) throws -> Assure_V1_MeetingAction {
      let parts = text.split(separator: ";", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      var action = Assure_V1_MeetingAction()
      action.text = parts.first ?? ""
      let field = "--action \(index)"
      for part in parts.dropFirst() where !part.isEmpty {
        guard let equals = part.firstIndex(of: "=") else {
          throw Model.ValidationError(field: field, rule: "expected key=value after the text (got \"\(part)\")")
        }
        let key = part[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
        let value = part[part.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        switch key {
        case "owner": action.owner = value
        case "due":
          _ = try dayOption(value, "\(field) due")
          action.dueDate = value
        case "element": action.elementID = value
        default: throw Model.ValidationError(field: field, rule: "unknown key \"\(key)\"; use owner, due or element")
        }
      }
      return action
    }

    func run() async throws {
      try await reportingErrors {
        _ = try dayOption(date, "--date")
        let parsed = try actions.enumerated().map { try Self.parseAction($1, index: $0 + 1) }
        let request = Assure_V1_RecordMeetingRequest.with {
          $0.meeting = .with { m in
            m.date = date
            m.title = title
            m.attendees = attendees
            m.decisions = decisions
            m.notes = notes
          }
          $0.actions = parsed
        }
        let response = try await ServerSession.run(options) { s in
          try await Assure_V1_GovernanceService.Client(wrapping: s.client).recordMeeting(
            request, options: s.callOptions)
        }
        print("recorded meeting \(response.meeting.id) with \(response.actions.count) action(s)")
        for action in response.actions {
          let due = action.dueDate.isEmpty ? "-" : action.dueDate
          print(
            "  \(DisplayText.escaped(action.id))  \(DisplayText.escaped(action.owner))  due \(DisplayText.escaped(due))  \(DisplayText.escaped(action.text))"
          )
        }
      }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List meetings, newest first.")
    @OptionGroup var options: ClientOptions
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let meetings = try await ServerSession.run(options) { s in
          try await Assure_V1_GovernanceService.Client(wrapping: s.client).listMeetings(
            .init(), options: s.callOptions
          ).meetings
        }.map { try Meeting(proto: $0) }
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
    static let configuration = CommandConfiguration(abstract: "List actions with where each stands today.")
    @OptionGroup var options: ClientOptions
    @Option(help: "open (default), done, dropped or all.") var status: String = "open"
    @Option(help: "Only this owner's actions.") var owner: String?
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let request = Assure_V1_ListActionsRequest.with {
          $0.status = status
          $0.owner = owner ?? ""
        }
        let items = try await ServerSession.run(options) { s in
          try await Assure_V1_GovernanceService.Client(wrapping: s.client).listActions(
            request, options: s.callOptions
          ).actions
        }.map { try ActionItem(proto: $0) }
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
        if due != "none" { _ = try dayOption(due, "--due") }
        _ = try dayOption(closedOn, "--closed-on")
        let request = Assure_V1_UpdateActionRequest.with {
          $0.id = id
          if let status { $0.status = status }
          if let owner { $0.owner = owner }
          if let due { $0.dueDate = due == "none" ? "" : due }
          if let note { $0.note = note }
          if let closedOn { $0.closedOn = closedOn }
        }
        let action = try await ServerSession.run(options) { s in
          try await Assure_V1_GovernanceService.Client(wrapping: s.client).updateAction(
            request, options: s.callOptions
          ).action
        }
        print(
          "action \(action.id) is \(action.status)\(action.closedOn.isEmpty ? "" : " (closed \(action.closedOn))"), owner \(action.owner), due \(action.dueDate.isEmpty ? "-" : action.dueDate)"
        )
      }
    }
  }
}
