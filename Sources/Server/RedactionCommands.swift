import Application
import ArgumentParser
import Foundation
import Model
import Stores

/// The fields of `--field`: personal ones only, `all` for every one.
private func parsedFields(_ names: [String]) throws -> [Engagement.Field] {
  do {
    return try Redaction.fields(named: names.isEmpty ? ["all"] : names)
  } catch { throw fail(error) }
}

/// What a redaction did or would do, in words.
private func describe(_ outcome: RedactionOutcome, done: Bool) -> String {
  let fields = outcome.redaction.fields.map(\.label).joined(separator: ", ")
  var places: [String] = []
  if outcome.current { places.append(outcome.deleted ? "the deleted engagement" : "the engagement") }
  places.append("\(outcome.versions) version\(outcome.versions == 1 ? "" : "s") in the change log")
  places.append("\(outcome.conflicts) conflict record\(outcome.conflicts == 1 ? "" : "s")")
  let verb = done ? "removed" : "would remove"
  return "\(verb) the text of \(fields) of engagement \(outcome.engagementID) from \(places.joined(separator: ", "))"
    + (done ? "; devices remove theirs at their next sync (change \(outcome.cursor))" : "")
}

extension PrivacyCommand {
  struct Erase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "erase",
      abstract: "Erase personal text of an engagement: now, in its history, and on every device at its next sync.",
      discussion: """
        Replaces the text of the fields given (organisation, place, follow-up, notes; all of them \
        when none is given) with "[erased]" in the engagement, in every version of it in the change \
        log and in its conflict records, and logs one change that makes every device do the same \
        to its copies at its next sync (devices offline for longer than the tombstone window too). \
        The engagement stays, with its date, area, officeholder, kind, attendees and topics, so \
        every count still adds up. Refused while a device reports an unsent change to one of the \
        fields: it must sync, or drop the change, first. Without --yes, says what it would do and \
        changes nothing. The register (privacy erasures) and the audit trail keep who erased which \
        fields, when and why, never the text.
        """)

    @OptionGroup var data: DataOptions
    @Option(name: .customLong("id"), help: "The engagement's id (from privacy search).") var id: String
    @Option(
      name: .customLong("field"),
      help: "organisation, place, follow-up, notes or all; repeat for each. (default: all)") var fields: [String] = []
    @Option(help: "Why, e.g. the request's reference; kept in the register.") var reason: String
    @Flag(help: "Erase; without it nothing changes.") var yes = false

    func run() async throws {
      let fields = try parsedFields(fields)
      let repository = RedactionRepository(database: try await data.openStore())
      let caller = consoleCaller("privacy erase")
      do {
        if yes {
          print(
            describe(
              try await repository.redact(id, fields: fields, kind: .erasure, reason: reason, by: caller), done: true))
        } else {
          print(
            describe(
              try await repository.preview(id, fields: fields, kind: .erasure, reason: reason, by: caller), done: false)
          )
          FileHandle.standardError.write(Data("nothing changed: run again with --yes to erase.\n".utf8))
        }
      } catch { throw fail(error) }
    }
  }

  struct Rectify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rectify",
      abstract: "Correct personal text of an engagement, and remove the wrong text from its history and devices.",
      discussion: """
        Sets the corrected text of each field given (the engagement's rules apply) and replaces the \
        old text with "[rectified]" in every version of it in the change log and in its conflict \
        records; devices take the correction and remove the old text at their next sync. Refused \
        while a device reports an unsent change to one of the fields. Without --yes, says what it \
        would do and changes nothing.
        """)

    @OptionGroup var data: DataOptions
    @Option(name: .customLong("id"), help: "The engagement's id (from privacy search).") var id: String
    @Option(help: "The corrected organisation.") var organisation: String?
    @Option(help: "The corrected place.") var place: String?
    @Option(help: "The corrected notes.") var notes: String?
    @Option(name: .customLong("follow-up"), help: "A corrected follow-up action; repeat for each.") var followUps:
      [String] = []
    @Option(help: "Why, e.g. the request's reference; kept in the register.") var reason: String
    @Flag(help: "Correct; without it nothing changes.") var yes = false

    func validate() throws {
      if organisation == nil, place == nil, notes == nil, followUps.isEmpty {
        throw ValidationError("give the corrected text: --organisation, --place, --notes or --follow-up")
      }
      // The actions travel as one text, "; " between them: one inside an action would split it.
      if let action = followUps.first(where: { $0.contains("; ") }) {
        throw ValidationError("--follow-up: one action per option, with no \"; \" inside (got \"\(action)\")")
      }
    }

    func run() async throws {
      var values: [Engagement.Field: String] = [:]
      values[.organisation] = organisation
      values[.place] = place
      values[.notes] = notes
      if !followUps.isEmpty { values[.followUpActions] = followUps.joined(separator: "; ") }
      let repository = RedactionRepository(database: try await data.openStore())
      let caller = consoleCaller("privacy rectify")
      let fields = Array(values.keys)
      do {
        if yes {
          print(
            describe(
              try await repository.redact(
                id, fields: fields, kind: .rectification, values: values, reason: reason, by: caller), done: true))
        } else {
          print(
            describe(
              try await repository.preview(
                id, fields: fields, kind: .rectification, values: values, reason: reason, by: caller), done: false))
          FileHandle.standardError.write(Data("nothing changed: run again with --yes to correct.\n".utf8))
        }
      } catch { throw fail(error) }
    }
  }

  struct Erasures: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "erasures",
      abstract: "The register of erasures, corrections and retention removals: who, when, which fields, why.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var data: DataOptions
    @Option(name: .customLong("id"), help: "Only this engagement's.") var id: String?
    @Option(help: "At most this many, newest first.") var limit = 1000
    @Option(help: "table or json.") var format: Format = .table

    func validate() throws {
      guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000") }
    }

    func run() async throws {
      let records = try await RedactionRepository(database: try await data.openStore()).register(
        engagementID: id, limit: limit)
      switch format {
      case .json:
        let objects: [[String: Any]] = records.map { record in
          [
            "id": record.id.storageKey, "engagementID": record.engagementID, "kind": record.redaction.kind.rawValue,
            "fields": record.redaction.fields.map(\.rawValue), "cursor": record.cursor,
            "at": ISO8601DateFormatter().string(from: record.at), "actor": record.actor, "reason": record.reason,
          ]
        }
        let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
      case .table:
        print(
          "WHEN                  KIND           ENGAGEMENT                            FIELDS                 BY                REASON"
        )
        for record in records {
          print(
            [
              ISO8601DateFormatter().string(from: record.at).cell(21), record.redaction.kind.rawValue.cell(14),
              record.engagementID.cell(37), record.redaction.fields.map(\.label).joined(separator: ",").cell(22),
              record.actor.cell(17), record.reason.cell(),
            ].joined(separator: " "))
        }
      }
    }
  }
}

/// `assure-server retention run`: the retention schedule, applied now.
struct RetentionCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "retention",
    abstract: "Apply the retention schedule: remove personal text kept longer than its period.",
    subcommands: [Run.self])

  struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "run",
      abstract: "Remove personal text older than its retention period (the server also does it daily).",
      discussion: """
        Periods come from --notes-days and --contacts-days, else from the server's settings \
        (retention-notes-days, retention-contacts-days in the environment or the configuration \
        file), counted from the day of each engagement. Expired text becomes "[expired]" in the \
        engagement, in every version in the change log and in conflict records, and on every \
        device at its next sync; the engagement and its counts stay. An engagement whose text a \
        device still holds an unsent change to waits for a later run. --dry-run counts what would \
        go and changes nothing; --yes removes it.
        """)

    @OptionGroup var data: DataOptions
    @Option(help: "Days notes and follow-up actions are kept (over the server's setting).") var notesDays: Int?
    @Option(help: "Days organisation and place are kept (over the server's setting).") var contactsDays: Int?
    @Flag(help: "Count what would be removed; change nothing.") var dryRun = false
    @Flag(help: "Remove it.") var yes = false

    func validate() throws {
      guard dryRun != yes else { throw ValidationError("give one of --dry-run (count) or --yes (remove)") }
      do {
        try RetentionSchedule(notesDays: notesDays, contactsDays: contactsDays)
          .check(names: ("--notes-days", "--contacts-days"))
      } catch { throw fail(error) }
    }

    func run() async throws {
      let schedule = RetentionSchedule(
        notesDays: notesDays ?? data.retention.notesDays, contactsDays: contactsDays ?? data.retention.contactsDays)
      guard !schedule.isEmpty else {
        throw ValidationError(
          "no retention period is set: give --notes-days or --contacts-days, or set retention-notes-days / retention-contacts-days for the server"
        )
      }
      let repository = RedactionRepository(database: try await data.openStore())
      let report: RetentionReport
      do {
        report = try await repository.runRetention(
          schedule, dryRun: dryRun, by: consoleCaller("retention run"))
      } catch { throw fail(error) }
      let verb = dryRun ? "would remove" : "removed"
      for (fields, count) in report.redacted.sorted(by: {
        $0.key.map(\.rawValue).joined() < $1.key.map(\.rawValue).joined()
      }) {
        print(
          "\(verb) the text of \(fields.map(\.label).joined(separator: ", ")) from \(count) engagement\(count == 1 ? "" : "s")"
        )
      }
      if report.total == 0 { print("nothing has expired") }
      if !dryRun, report.total > 0 {
        print(
          "\(report.versions) version(s) in the change log and \(report.conflicts) conflict record(s) changed; devices follow at their next sync"
        )
      }
      if !report.heldBack.isEmpty {
        print(
          "\(report.heldBack.count) engagement(s) wait: a device holds an unsent change to their text (removed at a later run once it has synced): "
            + report.heldBack.prefix(10).joined(separator: ", ") + (report.heldBack.count > 10 ? ", ..." : ""))
      }
    }
  }
}
