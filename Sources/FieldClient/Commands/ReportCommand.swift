import ArgumentParser
import Foundation
import Model
import RPC

/// `assure report`: documents generated from the server's records.
struct ReportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report", abstract: "Generated reports (online).", subcommands: [Panel.self])

  struct Panel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "panel",
      abstract: "The quarterly report to the Police and Crime Panel for a period.",
      discussion: """
        Recommendation, background, delivery plan and assurance; one section per objective from \
        the progress updates marked for the Panel and the funding decisions; engagement, reach and \
        correspondence; holding to account, the perception survey, the force performance concerns \
        (indicators below target, significantly worse or worsening) and HMICFRS reports. Every \
        figure comes from a record. The HTML form is one self-contained file with charts of the \
        flagged indicators that prints on A4 in black and white.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
      case markdown, html
    }

    @OptionGroup var options: ClientOptions
    @Option(help: "First day of the period, YYYY-MM-DD.") var from: String
    @Option(help: "Last day of the period, YYYY-MM-DD.") var to: String
    @Option(help: "markdown or html.") var format: Format = .markdown
    @Option(help: "Write to this file instead of standard output.") var out: String?
    @Option(help: "Values in a row that make a worsening trend (2 to 12).") var trendPeriods: Int = 3

    func run() async throws {
      try await reportingErrors {
        let start = try requiredDay(from, "--from")
        let end = try requiredDay(to, "--to")
        if end < start {
          throw Model.ValidationError(field: "--to", rule: "must be on or after --from (\(start)), got \(end)")
        }
        let document = try await ServerSession.run(options, timeout: 60) { server in
          try await server.panelReport(
            from: start, to: end, format: format == .html ? .html : .markdown, trendPeriods: trendPeriods)
        }
        try writeOutput(document, to: out)
      }
    }
  }
}
