import ArgumentParser
import Foundation
import Model
import SQLiteStore
import Stores

/// `assure area list`: the force's local policing areas as this device last received them.
struct AreaCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "area",
    abstract: "List the force's local policing areas held on this device (offline).",
    discussion: """
      The areas arrive from the server at sign-in and at every sync; an administrator keeps \
      them on the server (assure-server area). A device that holds none yet accepts any \
      well-formed area code and the server decides at sync.
      """,
    subcommands: [List.self], defaultSubcommand: List.self)

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the areas, retired ones marked.")

    @OptionGroup var options: ClientOptions
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let database = try options.openDatabase()
        let areas = try await database.read { try $0.areas() }
        if format == .json { return try Output.json(areas) }
        guard !areas.isEmpty else {
          print("No areas on this device yet: sign in (assure login) or run assure sync while connected.")
          return
        }
        print("CODE                      NAME                           STATE")
        for area in areas {
          print(
            [
              DisplayText.escaped(area.code).padding(toLength: 25, withPad: " ", startingAt: 0),
              DisplayText.escaped(area.name).padding(toLength: 30, withPad: " ", startingAt: 0),
              area.retired ? "retired" : "active",
            ]
            .joined(separator: " "))
        }
      }
    }
  }
}
