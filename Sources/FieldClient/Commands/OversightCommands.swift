import ArgumentParser
import Foundation
import Model
import RPC

/// `assure scrutiny`: holding-to-account meetings with the Chief Constable.
struct ScrutinyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scrutiny", abstract: "Holding-to-account meetings, held or scheduled (online).",
    subcommands: [Add.self, List.self])

  struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Add a meeting, or replace the one with this id; a later date is a scheduled meeting.")
    @OptionGroup var options: ClientOptions
    @Option(help: "A short reference; default H1, H2, ...") var id: String = ""
    @Option(help: "thematic, virtual or quarterly-performance.") var kind: String
    @Option(help: "What it is about, e.g. \"Serious Violence\".") var topic: String
    @Option(help: "Day held (or to be held), YYYY-MM-DD.") var date: String
    @Option(name: .customLong("finding"), help: "A key finding; repeat for more.") var findings: [String] = []
    @Option(name: .customLong("action"), help: "An action agreed; repeat for more.") var actions: [String] = []
    @Option(help: "Notes.") var notes: String = ""

    func run() async throws {
      try await reportingErrors {
        let meeting = ScrutinyMeeting(
          id: id, kind: ScrutinyKind(rawValue: kind), topic: topic, date: try requiredDay(date, "--date"),
          findings: findings, actions: actions, notes: notes)
        let saved = try await ServerSession.run(options) { server in try await server.saveScrutinyMeeting(meeting) }
        print(
          "saved \(saved.kind.rawValue) meeting \(saved.id) on \(saved.date): \(saved.topic), \(saved.findings.count) finding(s)"
        )
      }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List meetings, oldest first.")
    @OptionGroup var options: ClientOptions
    @Option(help: "From this day.") var from: String?
    @Option(help: "To this day.") var to: String?
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let start = try dayOption(from, "--from")
        let end = try dayOption(to, "--to")
        let meetings = try await ServerSession.run(options) { server in
          try await server.scrutinyMeetings(from: start, to: end)
        }
        if format == .json { return try Output.json(meetings) }
        Output.table(
          ["ID", "DATE", "KIND", "FINDINGS", "TOPIC"],
          meetings.map { [$0.id, $0.date.description, $0.kind.rawValue, String($0.findings.count), $0.topic] })
      }
    }
  }
}

/// `assure indicator`: performance indicators, their measurements and computed flags.
struct IndicatorCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "indicator", abstract: "Performance indicators and their measurements (online).",
    subcommands: [Add.self, Measure.self, List.self])

  struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add", abstract: "Define an indicator, or replace the one with this id.")
    @OptionGroup var options: ClientOptions
    @Option(help: "A short reference, e.g. calls-101.") var id: String
    @Option(help: "Name as the report writes it.") var name: String
    @Option(help: "percent, count or number.") var unit: String
    @Option(help: "higher or lower: which is better.") var better: String
    @Option(help: "monthly, quarterly, half-yearly, annual or rolling-12-months.") var frequency: String
    @Option(help: "Internal target.") var target: Double?
    @Option(help: "Comparator, e.g. the national average.") var comparator: Double?
    @Option(help: "What the comparator is, e.g. \"national average\".") var comparatorLabel: String = ""
    @Option(help: "Where the figures come from.") var source: String = ""
    @Flag(help: "Measured by a sample survey (measurements need --sample-size).") var survey = false
    @Option(help: "Plan element it reports on.") var element: String?
    @Option(
      help: "Last day of a baseline period that a survey measure's latest value is also tested against, YYYY-MM-DD.")
    var baseline: String?

    func run() async throws {
      try await reportingErrors {
        let indicator = Indicator(
          id: id, name: name, unit: IndicatorUnit(rawValue: unit), better: IndicatorPolarity(rawValue: better),
          target: target, comparator: comparator, comparatorLabel: comparatorLabel,
          frequency: IndicatorFrequency(rawValue: frequency), source: source, survey: survey, elementID: element,
          baselinePeriodEnd: try dayOption(baseline, "--baseline"))
        let saved = try await ServerSession.run(options) { server in try await server.saveIndicator(indicator) }
        print("saved indicator \(saved.id): \(saved.name)")
      }
    }
  }

  struct Measure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "measure", abstract: "Record an indicator's value for a period.")
    @OptionGroup var options: ClientOptions
    @Argument(help: "The indicator's id.") var id: String
    @Option(help: "First day of the period.") var from: String
    @Option(help: "Last day of the period.") var to: String
    @Option(help: "The value (a percentage as 0 to 100).") var value: Double
    @Option(help: "People asked, for a survey measure.") var sampleSize: Int?
    @Option(help: "Position among the most similar group of forces, 1 being the best (with --rank-of).") var rank: Int?
    @Option(help: "How many forces the most similar group holds.") var rankOf: Int?

    func run() async throws {
      try await reportingErrors {
        let measurement = IndicatorMeasurement(
          indicatorID: id, periodStart: try requiredDay(from, "--from"), periodEnd: try requiredDay(to, "--to"),
          value: value, sampleSize: sampleSize, rank: rank, rankOf: rankOf)
        let assessment = try await ServerSession.run(options) { server in
          try await server.recordMeasurement(measurement)
        }
        print("recorded \(id) for \(from) to \(to); flags now: \(IndicatorCommand.flags(assessment))")
      }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "Indicators with their latest value and computed flags.")
    @OptionGroup var options: ClientOptions
    @Option(help: "Assess as at this day (default today).") var asOf: String?
    @Option(help: "Values in a row that make a trend (2 to 12).") var trendPeriods: Int = 3
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let day = try dayOption(asOf, "--as-of")
        let list = try await ServerSession.run(options) { server in
          try await server.indicators(asOf: day, trendPeriods: trendPeriods)
        }
        if format == .json { return try Output.json(list) }
        Output.table(
          ["ID", "LATEST", "PERIOD END", "TARGET", "FLAGS", "NAME"],
          list.map { a in
            [
              a.indicator.id, a.latest.map { String($0.value) } ?? "-", a.latest?.periodEnd.description ?? "-",
              a.indicator.target.map { String($0) } ?? "-", flags(a), a.indicator.name,
            ]
          })
      }
    }
  }

  static func flags(_ a: IndicatorAssessment) -> String {
    var flags: [String] = []
    if a.belowTarget { flags.append("below-target") }
    if a.significantChange { flags.append("significant-\(a.change?.rawValue ?? "change")") }
    if a.trend == .worse { flags.append("worsening") }
    if a.trend == .better { flags.append("improving") }
    if a.isConcern { flags.append("CONCERN") }
    return flags.isEmpty ? "-" : flags.joined(separator: ",")
  }
}

/// `assure inspection`: HMICFRS inspections and the response to each item.
struct InspectionCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspection", abstract: "HMICFRS inspection reports (online).",
    subcommands: [Add.self, Item.self, List.self])

  struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Add an inspection report, or replace the one with this id.")
    @OptionGroup var options: ClientOptions
    @Option(help: "A short reference, e.g. vetting-2022.") var id: String
    @Option(help: "Title of the report.") var title: String
    @Option(help: "Day published, YYYY-MM-DD.") var published: String
    @Option(help: "national or force.") var scope: String
    @Option(help: "What the office is doing about it.") var summary: String = ""
    @Option(help: "Day the PCC sent the response to the report, YYYY-MM-DD (with --response-to).") var responseSent:
      String?
    @Option(help: "To whom the response was sent, e.g. \"the Home Secretary\".") var responseTo: String = ""

    func run() async throws {
      try await reportingErrors {
        let inspection = Inspection(
          id: id, title: title, publishedOn: try requiredDay(published, "--published"),
          scope: InspectionScope(rawValue: scope), summary: summary,
          responseSentOn: try dayOption(responseSent, "--response-sent"), responseSentTo: responseTo)
        let saved = try await ServerSession.run(options) { server in try await server.saveInspection(inspection) }
        print("saved inspection \(saved.inspection.id): \(saved.inspection.title) (\(saved.items.count) item(s))")
      }
    }
  }

  struct Item: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "item",
      abstract: "Add or replace an area for improvement or a recommendation, with its status and response.")
    @OptionGroup var options: ClientOptions
    @Argument(help: "The inspection's id.") var inspection: String
    @Option(help: "area-for-improvement or recommendation.") var kind: String
    @Option(help: "Its number in the report.") var number: Int
    @Option(help: "Its text.") var text: String
    @Option(help: "under-review, in-progress, complete or not-applicable.") var status: String = "under-review"
    @Option(help: "The response.") var response: String = ""

    func run() async throws {
      try await reportingErrors {
        let item = InspectionItem(
          inspectionID: inspection, kind: InspectionItemKind(rawValue: kind), number: number, text: text,
          status: InspectionItemStatus(rawValue: status), response: response)
        let saved = try await ServerSession.run(options) { server in try await server.saveInspectionItem(item) }
        print("saved \(saved.id): \(saved.status.rawValue)")
      }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list",
      abstract: "List inspections, newest first, with counts of items by status.")
    @OptionGroup var options: ClientOptions
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let records = try await ServerSession.run(options) { server in try await server.inspections() }
        if format == .json { return try Output.json(records) }
        Output.table(
          ["ID", "PUBLISHED", "SCOPE", "AFIS", "RECS", "TITLE"],
          records.map { r in
            [
              r.inspection.id, r.inspection.publishedOn.description, r.inspection.scope.rawValue,
              String(r.items.filter { $0.kind == .areaForImprovement }.count),
              String(r.items.filter { $0.kind == .recommendation }.count), r.inspection.title,
            ]
          })
      }
    }
  }
}

/// `assure correspondence`: correspondence received, and totals for a period.
struct CorrespondenceCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "correspondence", abstract: "Correspondence received (online).", subcommands: [Add.self, Totals.self])

  struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add", abstract: "Record a piece of correspondence (no personal details).")
    @OptionGroup var options: ClientOptions
    @Option(help: "The office's case reference; default C1, C2, ...") var id: String = ""
    @Option(help: "Day received, YYYY-MM-DD.") var received: String
    @Option(
      help:
        "A subject code of the force's list (assure force show; the standard ones: \(CorrespondenceSubject.knownList))."
    ) var subject: String
    @Option(help: "A configured area code, or outside.") var area: String
    @Option(help: "\(CorrespondenceChannel.knownList).") var channel: String
    @Option(help: "\(CorrespondenceStatus.knownList).") var status: String = "open"

    func run() async throws {
      try await reportingErrors {
        let item = Correspondence(
          id: id, receivedOn: try requiredDay(received, "--received"),
          subject: CorrespondenceSubject(rawValue: subject),
          area: area, channel: CorrespondenceChannel(rawValue: channel), status: CorrespondenceStatus(rawValue: status))
        let saved = try await ServerSession.run(options) { server in try await server.recordCorrespondence(item) }
        print("recorded correspondence \(saved.id) received \(saved.receivedOn)")
      }
    }
  }

  struct Totals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "totals",
      abstract: "Correspondence received in a period, by subject and by area.")
    @OptionGroup var options: ClientOptions
    @Option(help: "First day, YYYY-MM-DD.") var from: String
    @Option(help: "Last day, YYYY-MM-DD.") var to: String
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let start = try requiredDay(from, "--from")
        let end = try requiredDay(to, "--to")
        let r = try await ServerSession.run(options) { server in
          try await server.correspondenceTotals(from: start, to: end)
        }
        if format == .json {
          struct Totals: Encodable {
            let from: String
            let to: String
            let total: Int
            let bySubject: [String: Int]
            let byArea: [String: Int]
          }
          return try Output.json(
            Totals(
              from: from, to: to, total: r.total,
              bySubject: Dictionary(r.bySubject.map { ($0.code, $0.count) }, uniquingKeysWith: +),
              byArea: Dictionary(r.byArea.map { ($0.code, $0.count) }, uniquingKeysWith: +)))
        }
        print("\(r.total) piece(s) of correspondence received \(from) to \(to)")
        Output.table(["SUBJECT", "COUNT"], r.bySubject.map { [$0.name, String($0.count)] })
        print("")
        Output.table(["AREA", "COUNT"], r.byArea.map { [$0.name, String($0.count)] })
      }
    }
  }
}

/// `assure reach`: newsletter, social media and press figures.
struct ReachCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reach", abstract: "Engagement reach figures (online).", subcommands: [Record.self, List.self])

  struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "record",
      abstract: "Record a reach figure: a total on a day, or a count over a period.")
    @OptionGroup var options: ClientOptions
    @Option(help: "\(ReachMetric.knownList).") var metric: String
    @Option(help: "The day of a total, or the last day of a period count.") var asOf: String
    @Option(help: "First day counted (press-releases only).") var periodStart: String?
    @Option(help: "The figure.") var value: Int64

    func run() async throws {
      try await reportingErrors {
        let start = try dayOption(periodStart, "--period-start")
        let figure = ReachMeasurement(
          metric: ReachMetric(rawValue: metric), periodStart: start, asOf: try requiredDay(asOf, "--as-of"),
          value: value)
        let saved = try await ServerSession.run(options) { server in try await server.recordReach(figure) }
        print("recorded \(saved.metric.rawValue) \(saved.value) as of \(saved.asOf)")
      }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List reach figures, oldest first.")
    @OptionGroup var options: ClientOptions
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let list = try await ServerSession.run(options) { server in try await server.reach() }
        if format == .json { return try Output.json(list) }
        Output.table(
          ["AS OF", "FROM", "METRIC", "VALUE"],
          list.map { [$0.asOf.description, $0.periodStart?.description ?? "-", $0.metric.rawValue, String($0.value)] })
      }
    }
  }
}
