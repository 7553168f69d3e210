import ArgumentParser
import Foundation
import Model
import RPC
import Reports

struct ReviewCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "review",
    abstract: "The monthly governance review of a month (online).",
    discussion: """
      For each objective: the elements whose status or RAG changed in the month, the progress \
      updates, milestones completed, due next month and overdue, and the elements at risk or off \
      track; then the month's engagements by who and by area, and the open actions. The HTML form \
      is one self-contained file that prints.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case markdown, html, json
  }

  @OptionGroup var options: ClientOptions
  @Argument(help: "The month, YYYY-MM.") var month: String
  @Option(help: "markdown, html or json.") var format: Format = .markdown
  @Option(help: "Write to this file instead of standard output.") var out: String?

  func validate() throws {
    if YearMonth(month) == nil { throw ValidationError("the month must be written YYYY-MM (got \"\(month)\")") }
  }

  func run() async throws {
    try await reportingErrors {
      guard let yearMonth = YearMonth(month) else { return }  // checked by validate()
      let review = try await ServerSession.run(options, timeout: 60) { server in
        try await server.monthlyReview(yearMonth)
      }
      switch format {
      case .markdown: try writeOutput(ReviewDocument.markdown(review), to: out)
      case .html: try writeOutput(ReviewDocument.html(review), to: out)
      case .json:
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try writeOutput(String(decoding: try encoder.encode(review), as: UTF8.self) + "\n", to: out)
      }
    }
  }
}
