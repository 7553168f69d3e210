import ArgumentParser
import Foundation
import GRPCCore
import Model
import RPC
import SwiftProtobuf

/// `assure report`: documents generated from the server's records.
struct ReportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report", abstract: "Generated reports (online).", subcommands: [Panel.self])

  struct Panel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
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
        let start = try dayOption(from, "--from")
        let end = try dayOption(to, "--to")
        if let start, let end, end < start {
          throw Model.ValidationError(field: "--to", rule: "must be on or after --from (\(start)), got \(end)")
        }
        let request = Assure_V1_GeneratePanelReportRequest.with {
          $0.from = from
          $0.to = to
          $0.format = format.rawValue
          $0.trendPeriods = Int32(clamping: trendPeriods)
        }
        let response = try await ServerSession.run(options, timeout: 60) { s in
          try await Assure_V1_ReportService.Client(wrapping: s.client).generatePanelReport(
            request, options: s.callOptions)
        }
        try writeOutput(response.document, to: out)
      }
    }
  }
}
