import ArgumentParser
import Foundation
import Model
import RPC

/// `assure force show|set`: how the force names itself in reports (online).
struct ForceCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "force",
    abstract: "Show or set how the force names itself, its plan, Panel, offices and reach measures (online).",
    discussion: """
      Reports use these names: another force's report carries its own and none of the demo's. \
      Until they are set, the standard names apply (the Police and Crime Plan, the Police and \
      Crime Panel, a PCC with a Deputy and an Assistant).
      """,
    subcommands: [Show.self, Set.self], defaultSubcommand: Show.self)

  static func fetch(_ options: ClientOptions) async throws -> ForceProfile {
    try await ServerSession.run(options) { server in try await server.forceProfile() }
  }

  /// The names, one per line; each is the server's stored text, escaped as in a table.
  static func show(_ profile: ForceProfile) {
    let text = { (value: String) in DisplayText.escaped(value) }
    print("force          \(text(profile.forceName.isEmpty ? "-" : profile.forceName))")
    print("plan           \(text(profile.planName))")
    print("panel          \(text(profile.panelName))")
    print("commissioner   \(text(profile.commissionerTitle)) (\(text(profile.commissionerShort)))")
    for office in profile.offices {
      print(
        "office         \(text(office.code.rawValue)): \(text(office.title))\(office.short == office.title ? "" : " (\(text(office.short)))")"
      )
    }
    for (metric, name) in profile.reachNames.sorted(by: { $0.key < $1.key }) {
      print("reach          \(text(metric)): \(text(name))")
    }
    for subject in profile.correspondenceSubjects {
      print("subject        \(text(subject.code)): \(text(subject.title))")
    }
    for kind in profile.engagementKinds { print("kind           \(text(kind.code)): \(text(kind.title))") }
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show the force's names.")
    @OptionGroup var options: ClientOptions
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let profile = try await ForceCommand.fetch(options)
        if format == .json { return try Output.json(profile) }
        ForceCommand.show(profile)
      }
    }
  }

  struct Set: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "set",
      abstract: "Change the force's names; what is not given stays as it is.",
      discussion: """
        --office replaces the list of offices: give each office the force has, e.g. \
        --office pcc="Police, Fire and Crime Commissioner=PFCC" --office dpcc="Deputy PFCC" \
        for a force with no Assistant. --reach-name names a reach measure, e.g. \
        --reach-name neighbourhood-matters="Community Alerts".
        """)
    @OptionGroup var options: ClientOptions
    @Option(help: "The force's name.") var name: String?
    @Option(help: "The Police and Crime Plan's name.") var plan: String?
    @Option(help: "The Panel's name.") var panel: String?
    @Option(help: "The Commissioner's title in full.") var commissionerTitle: String?
    @Option(help: "The Commissioner's title abbreviated, e.g. PCC or PFCC.") var commissionerShort: String?
    @Option(
      name: .customLong("office"), help: "CODE=Title[=Short] (\(Officeholder.knownList)); repeat for each office.")
    var offices: [String] = []
    @Option(name: .customLong("reach-name"), help: "METRIC=Name; repeat for more.") var reachNames: [String] = []
    @Option(
      name: .customLong("subject"), help: "CODE=Title of a correspondence subject; repeat for each (replaces the list)."
    )
    var subjects: [String] = []
    @Option(name: .customLong("kind"), help: "CODE=Title of a kind of engagement; repeat for each (replaces the list).")
    var kinds: [String] = []

    func run() async throws {
      try await reportingErrors {
        var profile = try await ForceCommand.fetch(options)
        if let name { profile.forceName = name }
        if let plan { profile.planName = plan }
        if let panel { profile.panelName = panel }
        if let commissionerTitle { profile.commissionerTitle = commissionerTitle }
        if let commissionerShort { profile.commissionerShort = commissionerShort }
        if !offices.isEmpty {
          profile.offices = try offices.map { text in
            let parts = text.split(separator: "=", maxSplits: 2).map(String.init)
            guard parts.count >= 2 else {
              throw Model.ValidationError(
                field: "--office", rule: "must be CODE=Title or CODE=Title=Short (got \"\(text)\")")
            }
            return ForceProfile.Office(
              code: Officeholder(rawValue: parts[0]), title: parts[1], short: parts.count > 2 ? parts[2] : nil)
          }
        }
        for text in reachNames {
          let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
          guard parts.count == 2 else {
            throw Model.ValidationError(field: "--reach-name", rule: "must be METRIC=Name (got \"\(text)\")")
          }
          profile.reachNames[parts[0]] = parts[1]
        }
        func terms(_ list: [String], _ option: String) throws -> [ForceProfile.Term] {
          try list.map { text in
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
              throw Model.ValidationError(field: option, rule: "must be CODE=Title (got \"\(text)\")")
            }
            return ForceProfile.Term(code: parts[0], title: parts[1])
          }
        }
        if !subjects.isEmpty { profile.correspondenceSubjects = try terms(subjects, "--subject") }
        if !kinds.isEmpty { profile.engagementKinds = try terms(kinds, "--kind") }
        try profile.validate()
        let saved = try await ServerSession.run(options) { server in try await server.saveForceProfile(profile) }
        ForceCommand.show(saved)
      }
    }
  }
}
