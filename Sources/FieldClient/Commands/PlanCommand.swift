import ArgumentParser
import Foundation
import Model
import SQLiteStore
import Stores

struct PlanCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Read the delivery plan (offline, from this device's copy) and keep it (online).",
    discussion: """
      `list` and `show` read the copy of the plan cached on this device by `assure sync`. The \
      other commands change the plan on the server and need a connection.
      """,
    subcommands: [
      List.self, Show.self, ObjectiveCommand.self, ElementCommand.self, MilestoneCommand.self,
      UpdateCommand.self, Import.self, Export.self,
    ])
}

extension PlanCommand {
  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List objectives and their plan elements.")

    @OptionGroup var options: ClientOptions
    @Option(help: "table or json.") var format: OutputFormat = .table

    struct ObjectiveJSON: Encodable {
      let id: String
      let title: String
      let elements: [PlanElement]
    }

    func run() async throws {
      try await reportingErrors {
        let database = try options.openDatabase()
        let (objectives, elements) = try await database.read { (try $0.objectives(), try $0.elements()) }
        if format == .json {
          try Output.json(
            objectives.map { o in
              ObjectiveJSON(id: o.id, title: o.title, elements: elements.filter { $0.objectiveID == o.id })
            })
          return
        }
        guard !objectives.isEmpty else {
          print("No plan cached on this device yet: run `assure sync` while connected.")
          return
        }
        for objective in objectives {
          print("\(DisplayText.escaped(objective.id))  \(DisplayText.escaped(objective.title))")
          for element in elements where element.objectiveID == objective.id {
            let rag = element.rag(on: LocalDate.today()).map(\.label) ?? "-"
            let columns = [(element.id, 5), (rag, 6), (element.status.rawValue, 12)].map { text, width in
              DisplayText.escaped(text).padding(toLength: width, withPad: " ", startingAt: 0)
            }
            print("   \(columns.joined(separator: " ")) \(DisplayText.escaped(element.title))")
          }
        }
      }
    }
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show one objective or plan element.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "Objective id (e.g. 2) or element id (e.g. 2.3).") var id: String
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let database = try options.openDatabase()
        let id = self.id
        let (objective, element, children) = try await database.read { db in
          (try db.objective(id: id), try db.element(id: id), try db.elements(objectiveID: id))
        }
        if let element {
          if format == .json { return try Output.json(element) }
          let rows: [(String, String)] = [
            ("element", element.id), ("objective", element.objectiveID), ("title", element.title),
            ("description", element.description), ("status", element.status.rawValue),
            ("rag", element.rag(on: LocalDate.today()).map(\.label) ?? "-"), ("opcc lead", element.opccLead),
            ("force lead", element.forceLead.isEmpty ? "-" : element.forceLead),
            ("start", element.startDate?.description ?? "-"), ("due", element.dueDate?.description ?? "-"),
          ]
          Output.fields(rows)
        } else if let objective {
          if format == .json { return try Output.json(objective) }
          print(
            "\(DisplayText.escaped(objective.id))  \(DisplayText.escaped(objective.title))\n\n"
              + "\(DisplayText.escaped(objective.description, keepingLineBreaks: true))\n")
          for child in children {
            print(
              "   \(DisplayText.escaped(child.id))  \(DisplayText.escaped(child.status.rawValue))  \(DisplayText.escaped(child.title))"
            )
          }
        } else {
          throw StorageError(.notFound, "no objective or plan element \"\(id)\" cached on this device")
        }
      }
    }
  }
}
