import ArgumentParser
import Foundation
import Model
import RPC

/// An amount of pounds from the command line, as pence; a bad one names the option.
func moneyOption(_ text: String, _ option: String) throws -> Int64 {
  guard let pence = Money.parse(text) else {
    throw Model.ValidationError(
      field: option, rule: "must be an amount in pounds such as 60000, £60,000 or 1346.50 (got \"\(text)\")")
  }
  return pence
}

/// `assure import KIND FILE`: oversight records from a CSV file, all or nothing.
struct ImportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Create and update oversight records of one kind from a CSV file (online), all or nothing.",
    discussion: """
      KIND is one of: \(OversightKind.allCases.map(\.rawValue).joined(separator: ", ")). The first row \
      names the columns (any order); each kind's columns are listed in the README. Money is in pounds \
      (60000, £60,000, 1346.50); days are YYYY-MM-DD; a meeting's findings and actions are separated \
      by " | ". A row with an id that exists replaces that record. A file with any bad row imports \
      nothing and every problem is listed as "line N, field: rule" (exit 65).
      """)

  @OptionGroup var options: ClientOptions
  @Argument(help: "The kind of record.") var kind: String
  @Argument(help: "The CSV file.") var file: String
  @Flag(help: "Check the file and say what would change, storing nothing.") var dryRun = false

  func run() async throws {
    try await reportingErrors {
      guard let kind = OversightKind(rawValue: kind) else {
        throw Model.ValidationError(
          field: "KIND",
          rule: "must be one of \(OversightKind.allCases.map(\.rawValue).joined(separator: ", ")) (got \"\(kind)\")")
      }
      let text: String
      do {
        text = try String(contentsOfFile: file, encoding: .utf8)
      } catch {
        throw Model.ValidationError(field: file, rule: "cannot be read as UTF-8 text: \(error.localizedDescription)")
      }
      // A file that cannot be read at all (quoting, header, row shape) is reported without a
      // connection; the server checks every row and names every problem.
      _ = try OversightCSV.read(text, kind: kind)
      let r = try await ServerSession.run(options, timeout: 120) { server in
        try await server.importRecords(kind, csv: text, dryRun: dryRun)
      }
      print(
        (dryRun ? "dry run, nothing stored: would create " : "imported \(kind.rawValue): created ")
          + "\(r.created), updated \(r.updated), \(r.unchanged) unchanged")
    }
  }
}
