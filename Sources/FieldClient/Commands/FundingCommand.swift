import ArgumentParser
import Foundation
import Model
import RPC

/// `assure funding`: funds, awards and bids.
struct FundingCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "funding", abstract: "Funds, awards and bids (online).",
    subcommands: [FundCommand.self, AwardCommand.self, BidCommand.self, List.self])

  struct FundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "fund", abstract: "Add or replace a fund.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a fund, or replace the one with this id.")
      @OptionGroup var options: ClientOptions
      @Option(help: "A short reference, e.g. prevention.") var id: String
      @Option(help: "Name, e.g. \"Prevention Fund\".") var name: String
      @Option(help: "Total in pounds, e.g. 1000000.") var total: String
      @Option(help: "First day, YYYY-MM-DD.") var start: String
      @Option(help: "Last day, YYYY-MM-DD.") var end: String
      @Option(help: "Where the money comes from.") var source: String = ""
      @Option(help: "Day it was announced, YYYY-MM-DD.") var announced: String?
      @Option(help: "Plan element it serves.") var element: String?
      @Option(help: "What it is for.") var purpose: String = ""

      func run() async throws {
        try await reportingErrors {
          let fund = Fund(
            id: id, name: name, totalPence: try moneyOption(total, "--total"),
            startDate: try requiredDay(start, "--start"),
            endDate: try requiredDay(end, "--end"), source: source,
            announcedOn: try dayOption(announced, "--announced"),
            elementID: element, purpose: purpose)
          let saved = try await ServerSession.run(options) { server in try await server.saveFund(fund) }
          print(
            "saved fund \(saved.fund.id): \(Money.format(pence: saved.fund.totalPence)), \(Money.format(pence: saved.committedPence)) committed"
          )
        }
      }
    }
  }

  struct AwardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "award", abstract: "Add or change an award.", subcommands: [Add.self, Update.self])

    struct Add: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add an award (the server assigns an id unless given).",
        discussion:
          "An award that would commit more than its fund has left is refused unless --override-reason says why.")
      @OptionGroup var options: ClientOptions
      @Option(help: "A short reference; default AW1, AW2, ...") var id: String = ""
      @Option(help: "Fund it is drawn from (none: the core budget).") var fund: String?
      @Option(help: "Who receives it.") var recipient: String
      @Option(help: "Amount in pounds, e.g. 60000 or £60,000.") var amount: String
      @Option(help: "Day decided, YYYY-MM-DD.") var date: String
      @Option(help: "What the money will do.") var purpose: String = ""
      @Option(help: "Plan element it serves.") var element: String?
      @Option(help: "awarded (default) or proposed.") var status: String = "awarded"
      @Option(help: "Why the fund may be over-committed.") var overrideReason: String?

      func run() async throws {
        try await reportingErrors {
          let award = Award(
            id: id, fundID: fund, recipient: recipient, amountPence: try moneyOption(amount, "--amount"),
            date: try requiredDay(date, "--date"), elementID: element, status: AwardStatus(rawValue: status),
            overrideReason: overrideReason, purpose: purpose)
          try await save(award, options)
        }
      }
    }

    struct Update: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change an award's amount, recipient, date, purpose or status.")
      @OptionGroup var options: ClientOptions
      @Argument(help: "The award's id.") var id: String
      @Option(help: "New amount in pounds.") var amount: String?
      @Option(help: "New recipient.") var recipient: String?
      @Option(help: "New day, YYYY-MM-DD.") var date: String?
      @Option(help: "New purpose.") var purpose: String?
      @Option(help: "awarded or proposed.") var status: String?
      @Option(help: "Why the fund may be over-committed.") var overrideReason: String?

      func run() async throws {
        try await reportingErrors {
          let pence = try amount.map { try moneyOption($0, "--amount") }
          let day = try dayOption(date, "--date")
          let awards = try await ServerSession.run(options) { server in try await server.funding().awards }
          guard var award = awards.first(where: { $0.id == id }) else {
            throw Model.StorageError(.notFound, "no award \(id)")
          }
          if let pence { award.amountPence = pence }
          if let recipient { award.recipient = recipient }
          if let day { award.date = day }
          if let purpose { award.purpose = purpose }
          if let status { award.status = AwardStatus(rawValue: status) }
          if let overrideReason { award.overrideReason = overrideReason }
          try await save(award, options)
        }
      }
    }

    static func save(_ award: Award, _ options: ClientOptions) async throws {
      let saved = try await ServerSession.run(options) { server in try await server.saveAward(award) }
      var line =
        "saved award \(saved.award.id): \(Money.format(pence: saved.award.amountPence)) to \(saved.award.recipient)"
      if let fund = saved.fund {
        line +=
          "; fund \(fund.fund.id) has \(Money.format(pence: fund.committedPence)) of \(Money.format(pence: fund.fund.totalPence)) committed"
      }
      print(line)
    }
  }

  struct BidCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "bid", abstract: "Add or change a bid to another funder.", subcommands: [Add.self, Update.self])

    struct Add: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a bid (the server assigns an id unless given).")
      @OptionGroup var options: ClientOptions
      @Option(help: "A short reference; default B1, B2, ...") var id: String = ""
      @Option(help: "Who the bid is to, e.g. \"Home Office\".") var funder: String
      @Option(help: "Amount in pounds.") var amount: String
      @Option(help: "drafting, submitted, awaiting, successful or unsuccessful.") var status: String
      @Option(help: "Day submitted, YYYY-MM-DD.") var submitted: String?
      @Option(help: "Day decided, YYYY-MM-DD.") var decided: String?
      @Option(help: "First day the money would cover.") var periodStart: String?
      @Option(help: "Last day the money would cover.") var periodEnd: String?
      @Option(help: "What the money would do.") var purpose: String = ""
      @Option(help: "Plan element it serves.") var element: String?

      func run() async throws {
        try await reportingErrors {
          let submittedOn = try dayOption(submitted, "--submitted")
          let decidedOn = try dayOption(decided, "--decided")
          let start = try dayOption(periodStart, "--period-start")
          let end = try dayOption(periodEnd, "--period-end")
          let bid = Bid(
            id: id, funder: funder, amountPence: try moneyOption(amount, "--amount"), periodStart: start,
            periodEnd: end, submittedOn: submittedOn, status: BidStatus(rawValue: status), decidedOn: decidedOn,
            purpose: purpose, elementID: element)
          try await save(bid, options)
        }
      }
    }

    struct Update: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change a bid's status, days or amount.")
      @OptionGroup var options: ClientOptions
      @Argument(help: "The bid's id.") var id: String
      @Option(help: "New status.") var status: String?
      @Option(help: "Day submitted, YYYY-MM-DD.") var submitted: String?
      @Option(help: "Day decided, YYYY-MM-DD.") var decided: String?
      @Option(help: "New amount in pounds.") var amount: String?

      func run() async throws {
        try await reportingErrors {
          let submittedOn = try dayOption(submitted, "--submitted")
          let decidedOn = try dayOption(decided, "--decided")
          let pence = try amount.map { try moneyOption($0, "--amount") }
          let bids = try await ServerSession.run(options) { server in try await server.funding().bids }
          guard var bid = bids.first(where: { $0.id == id }) else {
            throw Model.StorageError(.notFound, "no bid \(id)")
          }
          if let status { bid.status = BidStatus(rawValue: status) }
          if let submittedOn { bid.submittedOn = submittedOn }
          if let decidedOn { bid.decidedOn = decidedOn }
          if let pence { bid.amountPence = pence }
          try await save(bid, options)
        }
      }
    }

    static func save(_ bid: Bid, _ options: ClientOptions) async throws {
      let saved = try await ServerSession.run(options) { server in try await server.saveBid(bid) }
      print(
        "saved bid \(saved.id): \(Money.format(pence: saved.amountPence)) to \(saved.funder), \(saved.status.rawValue)")
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List funds, awards and bids.")
    @OptionGroup var options: ClientOptions
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let r = try await ServerSession.run(options) { server in try await server.funding() }
        let (funds, awards, bids) = (r.funds, r.awards, r.bids)
        if format == .json {
          struct Listing: Encodable {
            let funds: [FundPosition]
            let awards: [Award]
            let bids: [Bid]
          }
          return try Output.json(Listing(funds: funds, awards: awards, bids: bids))
        }
        print("FUNDS")
        Output.table(
          ["ID", "NAME", "TOTAL", "COMMITTED", "LEFT", "PERIOD"],
          funds.map {
            [
              $0.fund.id, $0.fund.name, Money.format(pence: $0.fund.totalPence), Money.format(pence: $0.committedPence),
              Money.format(pence: $0.remainingPence), "\($0.fund.startDate) to \($0.fund.endDate)",
            ]
          })
        print("\nAWARDS")
        Output.table(
          ["ID", "DATE", "FUND", "AMOUNT", "STATUS", "RECIPIENT"],
          awards.map {
            [
              $0.id, $0.date.description, $0.fundID ?? "-", Money.format(pence: $0.amountPence), $0.status.rawValue,
              $0.recipient,
            ]
          })
        print("\nBIDS")
        Output.table(
          ["ID", "SUBMITTED", "AMOUNT", "STATUS", "FUNDER"],
          bids.map {
            [
              $0.id, $0.submittedOn?.description ?? "-", Money.format(pence: $0.amountPence), $0.status.rawValue,
              $0.funder,
            ]
          })
      }
    }
  }
}
