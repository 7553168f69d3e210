import ArgumentParser
import Foundation
import Model
import RPC
import SQLiteStore
import Sync

// Plan management: online commands for the governance team.

extension PlanCommand {
  struct ObjectiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "objective", abstract: "Add or change an objective (online).", subcommands: [Add.self, Update.self])

    struct Add: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add an objective to the plan.")
      @OptionGroup var options: ClientOptions
      @Argument(help: "Reference, e.g. 5.") var id: String
      @Option(help: "Title as in the plan.") var title: String
      @Option(help: "What the objective aims for.") var description: String = ""
      @Option(help: "Place in the plan (default: last).") var position: Int = 0

      func run() async throws {
        try await reportingErrors {
          let objective = try await ServerSession.run(options) { server in
            try await server.createObjective(
              Objective(id: id, title: title, description: description, position: position))
          }
          print("added objective \(objective.id): \(objective.title)")
        }
      }
    }

    struct Update: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change an objective's title or description.")
      @OptionGroup var options: ClientOptions
      @Argument(help: "Objective reference.") var id: String
      @Option(help: "New title.") var title: String?
      @Option(help: "New description.") var description: String?

      func validate() throws {
        if title == nil && description == nil { throw ValidationError("give --title or --description") }
      }

      func run() async throws {
        try await reportingErrors {
          let objective = try await ServerSession.run(options) { server in
            try await server.updateObjective(id: id, title: title, description: description)
          }
          print("updated objective \(objective.id): \(objective.title)")
        }
      }
    }
  }

  struct ElementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "element", abstract: "Add or change a plan element, or record its status (online).",
      subcommands: [Add.self, Update.self, Status.self, History.self])

    struct Add: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a plan element under an objective.")
      @OptionGroup var options: ClientOptions
      @Argument(help: "Reference, e.g. 2.6.") var id: String
      @Option(help: "Objective it belongs to.") var objective: String
      @Option(help: "Title of the commitment.") var title: String
      @Option(help: "What it involves.") var description: String = ""
      @Option(help: "Lead in the PCC's office.") var opccLead: String = ""
      @Option(help: "Lead in the force.") var forceLead: String = ""
      @Option(help: "First day of delivery, YYYY-MM-DD.") var start: String?
      @Option(help: "Day it is due, YYYY-MM-DD.") var due: String?
      @Option(help: "Status: \(ElementStatus.knownList) (default not-started).") var status: String = "not-started"
      @Option(help: "Day the status holds from, YYYY-MM-DD (default: the start day, or today).") var on: String?

      func run() async throws {
        try await reportingErrors {
          let element = PlanElement(
            id: id, objectiveID: objective, title: title, description: description, opccLead: opccLead,
            forceLead: forceLead, status: ElementStatus(rawValue: status), startDate: try dayOption(start, "--start"),
            dueDate: try dayOption(due, "--due"), position: 0)
          let effectiveOn = try dayOption(on, "--on")
          let created = try await ServerSession.run(options) { server in
            try await server.createElement(element, effectiveOn: effectiveOn)
          }
          print(
            "added plan element \(created.id) under objective \(created.objectiveID): \(created.title) [\(created.status.rawValue)]"
          )
        }
      }
    }

    struct Update: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change a plan element's details.",
        discussion: "Only the options given change. `--start none` or `--due none` clears a date.")
      @OptionGroup var options: ClientOptions
      @Argument(help: "Element reference, e.g. 2.3.") var id: String
      @Option(help: "New title.") var title: String?
      @Option(help: "New description.") var description: String?
      @Option(help: "New lead in the PCC's office.") var opccLead: String?
      @Option(help: "New lead in the force.") var forceLead: String?
      @Option(help: "New start day, YYYY-MM-DD, or none.") var start: String?
      @Option(help: "New due day, YYYY-MM-DD, or none.") var due: String?
      @Option(help: "Move it to another objective (placed last there).") var objective: String?

      func validate() throws {
        if [title, description, opccLead, forceLead, start, due, objective].allSatisfy({ $0 == nil }) {
          throw ValidationError("give at least one field to change (see --help)")
        }
      }

      func run() async throws {
        try await reportingErrors {
          /// A day to set, `none` to clear it, or no change.
          func dayChange(_ text: String?, _ option: String) throws -> LocalDate?? {
            guard let text else { return .none }
            if text == "none" { return .some(nil) }
            return .some(try requiredDay(text, option))
          }
          let changes = ElementChanges(
            title: title, description: description, opccLead: opccLead, forceLead: forceLead,
            startDate: try dayChange(start, "--start"), dueDate: try dayChange(due, "--due"), objectiveID: objective)
          let element = try await ServerSession.run(options) { server in
            try await server.updateElement(id: id, changes)
          }
          print("updated plan element \(element.id): \(element.title)")
        }
      }
    }

    struct Status: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Record a status change of a plan element.",
        discussion: """
          The change goes into the element's history, effective from --on (default today). Every \
          change restates the RAG: it is derived from the status and dates unless --rag sets it \
          by hand, which needs --reason.
          """)
      @OptionGroup var options: ClientOptions
      @Argument(help: "Element reference, e.g. 2.3.") var id: String
      @Argument(help: "New status: \(ElementStatus.knownList).") var status: String
      @Option(help: "Day the status holds from, YYYY-MM-DD (default today).") var on: String?
      @Option(help: "Why it changed.") var note: String = ""
      @Option(help: "Set the RAG by hand: red, amber or green.") var rag: String?
      @Option(help: "Why the RAG is set by hand (required with --rag).") var reason: String?

      func run() async throws {
        try await reportingErrors {
          let effectiveOn = try dayOption(on, "--on")
          if rag != nil, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw Model.ValidationError(field: "--reason", rule: "is required with --rag")
          }
          let change = ElementStatusChange(
            elementID: id, status: ElementStatus(rawValue: status), effectiveOn: effectiveOn, note: note,
            ragOverride: rag?.lowercased(), ragOverrideReason: reason ?? "")
          let rated = try await ServerSession.run(options) { server in try await server.setElementStatus(change) }
          let element = rated.element
          let shown = rated.rag.map { $0.rawValue.uppercased() } ?? "no rating"
          print(
            "plan element \(element.id) is \(element.status.rawValue) (\(shown)\(element.ragOverride == nil ? "" : ", set by hand"))"
          )
        }
      }
    }

    struct History: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Show a plan element's status history.")
      @OptionGroup var options: ClientOptions
      @Argument(help: "Element reference, e.g. 2.3.") var id: String
      @Option(help: "table or json.") var format: OutputFormat = .table

      func run() async throws {
        try await reportingErrors {
          let changes = try await ServerSession.run(options) { server in try await server.elementHistory(id: id) }
          if format == .json { return try Output.json(changes) }
          Output.table(
            ["FROM", "STATUS", "RAG SET BY HAND", "BY", "NOTE"],
            changes.map {
              [
                $0.effectiveOn.description, $0.status.rawValue,
                $0.ragOverride.map { "\($0.rag.label): \($0.reason)" } ?? "-", $0.author, $0.note,
              ]
            })
        }
      }
    }
  }

  struct MilestoneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "milestone", abstract: "Add, complete and list milestones (online).",
      subcommands: [Add.self, Complete.self, List.self])

    struct Add: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a milestone to a plan element.")
      @OptionGroup var options: ClientOptions
      @Argument(help: "Element reference, e.g. 2.3.") var element: String
      @Option(help: "What is to be achieved.") var title: String
      @Option(help: "Day it is due, YYYY-MM-DD.") var due: String
      @Option(
        name: .customLong("link"), help: "A record it refers to, TYPE:ID (e.g. engagement:<id>); repeat for more.")
      var links: [String] = []

      func run() async throws {
        try await reportingErrors {
          let dueDate = try requiredDay(due, "--due")
          let milestone = try await ServerSession.run(options) { server in
            try await server.addMilestone(elementID: element, title: title, dueDate: dueDate, links: links)
          }
          print("added milestone \(milestone.id) due \(milestone.dueDate): \(milestone.title)")
        }
      }
    }

    struct Complete: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "complete", abstract: "Mark a milestone completed.")
      @OptionGroup var options: ClientOptions
      @Argument(help: "Milestone id, e.g. 2.3-M1.") var id: String
      @Option(help: "Day it was completed, YYYY-MM-DD (default today).") var on: String?

      func run() async throws {
        try await reportingErrors {
          let day = try dayOption(on, "--on")
          let milestone = try await ServerSession.run(options) { server in
            try await server.completeMilestone(id: id, on: day)
          }
          print(
            "milestone \(milestone.id) completed on \(milestone.completedOn?.description ?? ""): \(milestone.title)")
        }
      }
    }

    struct List: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List milestones by due date.")
      @OptionGroup var options: ClientOptions
      @Argument(help: "Only this element's milestones.") var element: String?
      @Option(help: "table or json.") var format: OutputFormat = .table

      func run() async throws {
        try await reportingErrors {
          let milestones = try await ServerSession.run(options) { server in
            try await server.milestones(elementID: element)
          }
          if format == .json { return try Output.json(milestones) }
          let today = LocalDate.today()
          Output.table(
            ["ID", "DUE", "STATE", "TITLE"],
            milestones.map { m in
              let state = m.completedOn.map { "completed \($0)" } ?? (m.isOverdue(on: today) ? "OVERDUE" : "open")
              return [m.id, m.dueDate.description, state, m.title]
            })
        }
      }
    }
  }

  struct UpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "update", abstract: "Record and list dated progress updates (online).",
      subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Record a progress update on a plan element.")
      @OptionGroup var options: ClientOptions
      @Argument(help: "Element reference, e.g. 2.3.") var element: String
      @Option(help: "What happened: the narrative the review shows.") var text: String
      @Option(help: "Day the progress is reported for, YYYY-MM-DD (default today).") var date: String?
      @Flag(help: "Mark it for the quarterly Police and Crime Panel report.") var panel = false
      @Option(help: "Author shown on the update (default: you).") var author: String?
      @Option(name: .customLong("link"), help: "A record it refers to, TYPE:ID; repeat for more.") var links: [String] =
        []

      func run() async throws {
        try await reportingErrors {
          let new = NewProgressUpdate(
            elementID: element, narrative: text, date: try dayOption(date, "--date"), forPanel: panel, author: author,
            links: links)
          let update = try await ServerSession.run(options) { server in try await server.addProgressUpdate(new) }
          print(
            "recorded update \(update.id.uuidString.lowercased().prefix(8)) on \(update.elementID) for \(update.date) (status \(update.status.rawValue))"
          )
        }
      }
    }

    struct List: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List progress updates, newest first.")
      @OptionGroup var options: ClientOptions
      @Option(help: "Only this element's updates.") var element: String?
      @Option(help: "Only updates dated in this month, YYYY-MM.") var month: String?
      @Option(help: "At most this many (1 to 1000).") var limit: Int = 100
      @Option(help: "table or json.") var format: OutputFormat = .table

      func run() async throws {
        try await reportingErrors {
          let updates = try await ServerSession.run(options) { server in
            try await server.progressUpdates(elementID: element, month: month, limit: limit)
          }
          if format == .json { return try Output.json(updates) }
          Output.table(
            ["DATE", "ELEMENT", "STATUS", "PANEL", "AUTHOR", "UPDATE"],
            updates.map {
              [
                $0.date.description, $0.elementID, $0.status.rawValue, $0.forPanel ? "yes" : "", $0.author,
                Output.truncate($0.narrative.replacingOccurrences(of: "\n", with: " "), 70),
              ]
            })
        }
      }
    }
  }

  struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "import",
      abstract: "Create and update objectives and elements from a CSV file (online), all or nothing.",
      discussion: """
        The first row names the columns (any order): \(PlanCSV.columns.joined(separator: ", ")). Only \
        `objective` is required. A row with no `element` describes an objective. A blank cell keeps \
        the stored value. A file with any bad row imports nothing and every bad row is listed with \
        its line number. See the README for an example.
        """)
    @OptionGroup var options: ClientOptions
    @Argument(help: "The CSV file.") var file: String
    @Flag(help: "Check the file and say what would change, storing nothing.") var dryRun = false

    func run() async throws {
      try await reportingErrors {
        let text: String
        do {
          text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
          throw Model.ValidationError(field: file, rule: "cannot be read as UTF-8 text: \(error.localizedDescription)")
        }
        // Checked here first, so that a malformed file is reported without a connection.
        _ = try PlanCSV.parse(text)
        let r = try await ServerSession.run(options, timeout: 120) { server in
          try await server.importPlan(csv: text, dryRun: dryRun)
        }
        print(
          (dryRun ? "dry run, nothing stored: would create " : "imported: created ")
            + "\(r.objectivesCreated) objective(s) and \(r.elementsCreated) element(s), "
            + "updated \(r.objectivesUpdated) objective(s) and \(r.elementsUpdated) element(s), "
            + "\(r.unchanged) unchanged, \(r.statusChanges) status change(s)")
      }
    }
  }

  struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "export",
      abstract: "Write the server's plan as CSV (online), in the columns `plan import` reads.")
    @OptionGroup var options: ClientOptions
    @Option(help: "Write to this file instead of standard output.") var out: String?

    func run() async throws {
      try await reportingErrors {
        let (objectives, elements) = try await ServerSession.run(options) { server in
          (try await server.objectives(), try await server.elements())
        }
        try writeOutput(PlanCSV.format(objectives: objectives, elements: elements), to: out)
      }
    }
  }
}

/// Writes a document to a file (replacing it atomically) or to standard output.
func writeOutput(_ text: String, to path: String?) throws {
  guard let path else {
    FileHandle.standardOutput.write(Data(text.utf8))
    return
  }
  do {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
  } catch {
    throw Model.ValidationError(field: "--out", rule: "cannot write \(path): \(error.localizedDescription)")
  }
  printError("wrote \(path)")
}
