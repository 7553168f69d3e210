import ArgumentParser
import Foundation
import GRPCCore
import Model
import RPC
import SQLiteStore
import SwiftProtobuf

/// `assure funding`: funds, awards and bids.
struct FundingCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "funding", abstract: "Funds, awards and bids (online).",
    subcommands: [FundCommand.self, AwardCommand.self, BidCommand.self, List.self])

  struct FundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "fund", abstract: "Add or replace a fund.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Add a fund, or replace the one with this id.")
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
          let fund = Assure_V1_Fund.with {
            $0.id = id
            $0.name = name
            $0.source = source
            $0.elementID = element ?? ""
            $0.purpose = purpose
          }
          var request = Assure_V1_SaveFundRequest.with { $0.fund = fund }
          request.fund.totalPence = try moneyOption(total, "--total")
          request.fund.startDate = try requiredDay(start, "--start")
          request.fund.endDate = try requiredDay(end, "--end")
          request.fund.announcedOn = try announced.map { try requiredDay($0, "--announced") } ?? ""
          let saved = try await withOversight(options) { client, s in
            try await client.saveFund(request, options: s.callOptions).fund
          }
          print(
            "saved fund \(saved.id): \(Money.format(pence: saved.totalPence)), \(Money.format(pence: saved.committedPence)) committed"
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
          var award = Assure_V1_Award()
          award.id = id
          award.fundID = fund ?? ""
          award.recipient = recipient
          award.amountPence = try moneyOption(amount, "--amount")
          award.date = try requiredDay(date, "--date")
          award.purpose = purpose
          award.elementID = element ?? ""
          award.status = status
          award.overrideReason = overrideReason ?? ""
          try await save(award, options)
        }
      }
    }

    struct Update: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
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
          _ = try dayOption(date, "--date")
          let awards = try await withOversight(options) { client, s in
            try await client.listFunding(.init(), options: s.callOptions).awards
          }
          guard var award = awards.first(where: { $0.id == id }) else {
            throw Model.StorageError(.notFound, "no award \(id)")
          }
          if let pence { award.amountPence = pence }
          if let recipient { award.recipient = recipient }
          if let date { award.date = date }
          if let purpose { award.purpose = purpose }
          if let status { award.status = status }
          if let overrideReason { award.overrideReason = overrideReason }
          try await save(award, options)
        }
      }
    }

    static func save(_ award: Assure_V1_Award, _ options: ClientOptions) async throws {
      let response = try await withOversight(options) { client, s in
        try await client.saveAward(.with { $0.award = award }, options: s.callOptions)
      }
      var line =
        "saved award \(response.award.id): \(Money.format(pence: response.award.amountPence)) to \(response.award.recipient)"
      if response.hasFund {
        line +=
          "; fund \(response.fund.id) has \(Money.format(pence: response.fund.committedPence)) of \(Money.format(pence: response.fund.totalPence)) committed"
      }
      print(line)
    }
  }

  struct BidCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "bid", abstract: "Add or change a bid to another funder.", subcommands: [Add.self, Update.self])

    struct Add: AsyncParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Add a bid (the server assigns an id unless given).")
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
          for (value, option) in [
            (submitted, "--submitted"), (decided, "--decided"), (periodStart, "--period-start"),
            (periodEnd, "--period-end"),
          ] {
            _ = try dayOption(value, option)
          }
          var bid = Assure_V1_Bid()
          bid.id = id
          bid.funder = funder
          bid.amountPence = try moneyOption(amount, "--amount")
          bid.status = status
          bid.submittedOn = submitted ?? ""
          bid.decidedOn = decided ?? ""
          bid.periodStart = periodStart ?? ""
          bid.periodEnd = periodEnd ?? ""
          bid.purpose = purpose
          bid.elementID = element ?? ""
          try await save(bid, options)
        }
      }
    }

    struct Update: AsyncParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Change a bid's status, days or amount.")
      @OptionGroup var options: ClientOptions
      @Argument(help: "The bid's id.") var id: String
      @Option(help: "New status.") var status: String?
      @Option(help: "Day submitted, YYYY-MM-DD.") var submitted: String?
      @Option(help: "Day decided, YYYY-MM-DD.") var decided: String?
      @Option(help: "New amount in pounds.") var amount: String?

      func run() async throws {
        try await reportingErrors {
          _ = try dayOption(submitted, "--submitted")
          _ = try dayOption(decided, "--decided")
          let pence = try amount.map { try moneyOption($0, "--amount") }
          let bids = try await withOversight(options) { client, s in
            try await client.listFunding(.init(), options: s.callOptions).bids
          }
          guard var bid = bids.first(where: { $0.id == id }) else {
            throw Model.StorageError(.notFound, "no bid \(id)")
          }
          if let status { bid.status = status }
          if let submitted { bid.submittedOn = submitted }
          if let decided { bid.decidedOn = decided }
          if let pence { bid.amountPence = pence }
          try await save(bid, options)
        }
      }
    }

    static func save(_ bid: Assure_V1_Bid, _ options: ClientOptions) async throws {
      let saved = try await withOversight(options) { client, s in
        try await client.saveBid(.with { $0.bid = bid }, options: s.callOptions).bid
      }
      print("saved bid \(saved.id): \(Money.format(pence: saved.amountPence)) to \(saved.funder), \(saved.status)")
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List funds, awards and bids.")
    @OptionGroup var options: ClientOptions
    @Option(help: "table or json.") var format: OutputFormat = .table

    func run() async throws {
      try await reportingErrors {
        let r = try await withOversight(options) { client, s in
          try await client.listFunding(.init(), options: s.callOptions)
        }
        let funds = try r.funds.map { FundPosition(fund: try Fund(proto: $0), committedPence: $0.committedPence) }
        let awards = try r.awards.map { try Award(proto: $0) }
        let bids = try r.bids.map { try Bid(proto: $0) }
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
