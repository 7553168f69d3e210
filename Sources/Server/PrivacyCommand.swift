import Application
import ArgumentParser
import Foundation
import Model
import Reports
import Stores

/// Subject access (UK GDPR article 15): `privacy search` finds what the server holds about a
/// person, `privacy export` writes what the office discloses. Both are audited (a digest of the
/// phrase searched for, the ids disclosed). See Docs/DataProtection.md.
struct PrivacyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "privacy",
    abstract: "Subject access, erasure and rectification of the personal text in engagements.",
    subcommands: [Search.self, Export.self, Erase.self, Rectify.self, Erasures.self])

  struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "search",
      abstract: "Engagements whose organisation, place, follow-up actions or notes mention TEXT.",
      discussion: """
        TEXT is a phrase: its words in that order, each a whole word, case ignored (and accents, \
        on SQLite). Engagements are found as they are now, in every version the change log \
        keeps, and in conflict records; deleted ones too. The search is audited with a digest of \
        the phrase, never the phrase.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var data: DataOptions
    @Argument(help: "The phrase to look for, e.g. a person's name.") var text: String
    @Option(help: "table or json.") var format: Format = .table

    func run() async throws {
      let repository = PrivacyRepository(database: try await data.openStore())
      let found: PrivacySearch
      do {
        found = try await repository.search(text, by: consoleCaller("privacy search"))
      } catch { throw fail(error) }
      switch format {
      case .json:
        let objects: [[String: Any]] = found.hits.map { hit in
          [
            "engagementID": hit.engagementID, "date": hit.engagement?.date.description ?? NSNull(),
            "organisation": hit.engagement?.organisation ?? NSNull(), "deleted": hit.deletedAt != nil,
            "current": hit.current, "versions": hit.versions, "conflicts": hit.conflicts,
          ]
        }
        let output: [String: Any] = ["matches": objects, "truncated": found.truncated]
        let data = try JSONSerialization.data(withJSONObject: output, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
      case .table:
        print("ENGAGEMENT                            DATE        ORGANISATION                  FOUND IN")
        for hit in found.hits {
          var places: [String] = []
          if hit.current { places.append(hit.deletedAt == nil ? "now" : "now (deleted)") }
          if !hit.versions.isEmpty { places.append("\(hit.versions.count) version(s) in the change log") }
          if !hit.conflicts.isEmpty { places.append("\(hit.conflicts.count) conflict record(s)") }
          if hit.engagement == nil { places.append("history only") }
          print(
            [
              hit.engagementID.cell(37), (hit.engagement?.date.description ?? "-").cell(11),
              (hit.engagement?.organisation ?? "-").cell(29), places.joined(separator: ", ").cell(),
            ].joined(separator: " "))
        }
        FileHandle.standardError.write(
          Data(
            "\(found.hits.count) engagement(s) mention the phrase\(found.truncated ? " (more than the 1000 read of one place: narrow the phrase)" : "").\n"
              .utf8))
      }
    }
  }

  struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "export",
      abstract: "Write the chosen engagements, every version and their conflict records, as JSON and HTML.",
      discussion: """
        Writes subject-access.json and subject-access.html into --out (a new folder, or an empty \
        one), readable by its owner only. Each engagement exported is audited as disclosed.
        """)

    @OptionGroup var data: DataOptions
    @Option(name: .customLong("id"), help: "An engagement id (from privacy search); repeat for each.") var ids:
      [String] =
        []
    @Option(help: "The folder to write into.") var out: String

    func run() async throws {
      let folder = URL(fileURLWithPath: out)
      let files = [
        folder.appendingPathComponent("subject-access.json"), folder.appendingPathComponent("subject-access.html"),
      ]
      for file in files where FileManager.default.fileExists(atPath: file.path) {
        throw ArgumentParser.ValidationError("--out: \(file.path) exists already; choose a new folder")
      }
      let repository = PrivacyRepository(database: try await data.openStore())
      let records: [SubjectAccessRecord]
      do {
        records = try await repository.export(ids, by: consoleCaller("privacy export"))
      } catch { throw fail(error) }
      umask(0o077)
      try FileManager.default.createDirectory(
        at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      let generated = Date()
      try SubjectAccessFile.json(records, at: generated).write(to: files[0], options: .withoutOverwriting)
      try Data(SubjectAccessFile.html(records, at: generated).utf8).write(to: files[1], options: .withoutOverwriting)
      print(files[0].path)
      print(files[1].path)
      FileHandle.standardError.write(Data("\(records.count) engagement(s) exported.\n".utf8))
    }
  }
}

/// The files `privacy export` writes.
enum SubjectAccessFile {
  struct Version: Encodable {
    var cursor: Int64
    var operation: String
    var changedAt: Date
    var engagement: Engagement?
  }

  struct Record: Encodable {
    var engagementID: String
    var current: Engagement?
    var deletedAt: Date?
    var versions: [Version]
    var conflicts: [Conflict]
  }

  struct File: Encodable {
    var generatedAt: Date
    var records: [Record]
  }

  static func json(_ records: [SubjectAccessRecord], at time: Date) throws -> Data {
    let file = File(
      generatedAt: time,
      records: records.map { record in
        Record(
          engagementID: record.engagementID, current: record.engagement, deletedAt: record.deletedAt,
          versions: record.versions.map { change in
            var engagement: Engagement?
            if case .engagement(let value) = change.payload { engagement = value }
            return Version(
              cursor: change.cursor, operation: change.operation.rawValue, changedAt: change.changedAt,
              engagement: engagement)
          }, conflicts: record.conflicts)
      })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return try encoder.encode(file)
  }

  static func html(_ records: [SubjectAccessRecord], at time: Date) -> String {
    func e(_ text: String) -> String { DocumentHTML.escape(text) }
    func fields(_ engagement: Engagement) -> String {
      let rows: [(String, String)] = [
        ("Date", engagement.date.description), ("Organisation", engagement.organisation), ("Place", engagement.place),
        ("Area", engagement.area), ("Notes", engagement.notes),
        ("Follow-up actions", engagement.followUpActions.joined(separator: "\n")),
        ("Recorded by", engagement.createdBy), ("Last changed by", engagement.updatedBy),
      ]
      return "<dl>"
        + rows.map { "<dt>\(e($0.0))</dt><dd class=\"text\">\(e($0.1).isEmpty ? "(none)" : e($0.1))</dd>" }.joined()
        + "</dl>"
    }
    let stamp = ISO8601DateFormatter().string(from: time)
    var html = """
      <!doctype html>
      <html lang="en-GB"><head><meta charset="utf-8"><title>Subject access: engagement records</title>
      <style>\(DocumentHTML.styleSheet)
      dd.text { white-space: pre-wrap; }</style></head><body><main>
      <h1>Subject access: engagement records</h1>
      <p>Generated \(e(stamp)): \(records.count) engagement(s), each as stored now, every version the server's
      change log holds, and its conflict records.</p>

      """
    for record in records {
      html += "<section><h2>Engagement \(e(record.engagementID))</h2>\n"
      if let engagement = record.engagement {
        html +=
          "<h3>As stored now\(record.deletedAt.map { " (deleted \(e(ISO8601DateFormatter().string(from: $0))))" } ?? "")</h3>\n"
        html += fields(engagement) + "\n"
      } else {
        html += "<p>Not stored now: only its history remains.</p>\n"
      }
      html += "<h3>Versions in the change log (\(record.versions.count))</h3>\n"
      for change in record.versions {
        html +=
          "<h4>Change \(change.cursor): \(e(change.operation.rawValue)), \(e(ISO8601DateFormatter().string(from: change.changedAt)))</h4>\n"
        if case .engagement(let value) = change.payload { html += fields(value) + "\n" }
      }
      html += "<h3>Conflict records (\(record.conflicts.count))</h3>\n"
      for conflict in record.conflicts {
        html +=
          "<dl><dt>Field</dt><dd>\(e(conflict.subject.name))</dd><dt>Kept</dt><dd class=\"text\">\(e(conflict.kept.value))</dd>"
          + "<dt>Other value</dt><dd class=\"text\">\(e(conflict.lost.value))</dd></dl>\n"
      }
      html += "</section>\n"
    }
    html += "</main></body></html>\n"
    return html
  }
}
