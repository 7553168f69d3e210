import Foundation
import Model

/// What the Panel report says, in order, built from ``PanelInputs`` alone: every figure in it
/// comes from a record.
///
/// The parts follow the office's own report: recommendation, background, delivery plan and
/// assurance; one part per objective (progress updates marked for the Panel, funding decisions
/// and the indicators of its plan elements, by element); engagement, reach and
/// correspondence; then performance and accountability (holding to account, the perception
/// survey, the force performance concerns, HMICFRS inspections). Paragraph numbers run
/// through the whole document.
struct PanelLayout {
  let inputs: PanelInputs
  /// The blocks so far, under their headings.
  var outline = Outline()
  var number = 0
  /// The records each numbered paragraph takes its figures from, by paragraph number.
  var sources: [(paragraph: Int, records: [String])] = []

  var title: String { "Police and Crime Plan activity and performance monitoring report" }
  /// How the report names the Commissioner in running text: "PCC", "PFCC".
  var pcc: String { inputs.profile.commissionerShort }
  var paragraphCount: Int { number }
  /// The report laid out, ready to be written in either form.
  var document: Document { Document(title: title, blocks: outline.blocks) }

  init(_ inputs: PanelInputs) {
    self.inputs = inputs
    build()
  }

  var window: PanelWindow { inputs.window }

  /// Starts a part of the report (level 2) or a topic within one (level 3).
  mutating func heading(_ text: String, level: Int = 2) { outline.heading(.plain(text), level: level) }

  /// Adds the next numbered paragraph, citing the records its figures come from.
  mutating func paragraph(_ text: String, items: [String] = [], sources records: [String] = []) {
    number += 1
    outline.append(.numbered(number, .plain(text), items: items.map { .plain($0) }))
    if !records.isEmpty { sources.append((number, records)) }
  }

  private mutating func build() {
    outline.append(
      .note(
        .plain("Report to the \(inputs.profile.panelName) covering \(window.from.longForm) to \(window.to.longForm).")))
    heading("Recommendation")
    paragraph("Members of the Panel are invited to consider this report.")
    heading("Background")
    paragraph(
      "The purpose of this report is to provide members of the \(inputs.profile.panelName) with an overview of activity undertaken by the \(inputs.profile.commissionerTitle) (\(pcc)) in support of \(inputs.profile.planPhrase) and provide an update on police performance."
    )
    heading("Delivery plan and assurance")
    let meetings = inputs.governanceMeetingDates
    let held =
      meetings.isEmpty
      ? ""
      : " \(PanelWording.word(meetings.count).capitalizedFirst) such meeting\(meetings.count == 1 ? " was" : "s were") held in the period, on \(Prose.list(meetings.map(\.longForm)))."
    paragraph(
      "A delivery plan is used to support monitoring and assurance of progress against individual elements within the plan and is scrutinised at the \(pcc)'s monthly governance meetings."
        + held,
      sources: meetings.isEmpty ? [] : ["governance meetings " + meetings.map(\.description).joined(separator: ", ")])
    paragraph(
      "Examples of recent activity in support of the plan's \(PanelWording.word(inputs.objectives.count)) key objectives are set out in the following sections.",
      sources: ["objectives " + inputs.objectives.map(\.id).joined(separator: ", ")])
    objectives()
    engagement()
    heading("Performance and accountability")
    holdingToAccount()
    survey()
    forcePerformance()
    inspections()
    appendix()
  }

  /// The records behind each paragraph's figures, so that every one can be traced.
  private mutating func appendix() {
    guard !sources.isEmpty else { return }
    heading("Sources of the figures")
    outline.append(
      .note(.plain("Each numbered paragraph takes its figures from these records, named by their ids in Assure.")))
    outline.append(
      .table(
        Block.Table(
          columns: [Block.Column("Paragraph", numeric: true), Block.Column("Records")],
          rows: sources.map { [.plain(String($0.paragraph)), .plain($0.records.joined(separator: "; "))] },
          caption: "Records behind each paragraph")))
  }

  // MARK: - Objectives

  /// One entry of an element's part: a progress update, or a record told in its place.
  private enum Entry {
    case update(ProgressUpdate)
    case award(Award)
    case bid(Bid)
    case fund(FundPosition)
    case indicators([IndicatorAssessment])
  }

  private mutating func objectives() {
    let elementsByObjective = Dictionary(grouping: inputs.elements, by: \.objectiveID)
    let assessments = Dictionary(uniqueKeysWithValues: inputs.assessments.map { ($0.indicator.id, $0) })
    let funds = Dictionary(uniqueKeysWithValues: inputs.funds.map { ($0.fund.id, $0) })
    let awards = Dictionary(inputs.awards.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    let bids = Dictionary(inputs.bids.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    var told = Set<String>()
    let range = window.from...window.to

    /// The entries of one element, in date order; an update that links records is told by them.
    func entries(_ element: PlanElement) -> [Entry] {
      var dated: [(LocalDate, Int, Entry)] = []
      var order = 0
      func add(_ day: LocalDate, _ entry: Entry) {
        order += 1
        dated.append((day, order, entry))
      }
      for update in inputs.updates where update.elementID == element.id {
        let links = update.links.compactMap(Link.init)
        let oversight = links.filter { $0.type != "engagement" }
        if oversight.isEmpty {
          add(update.date, .update(update))
          continue
        }
        // A link to a record the report does not hold (a typo, a meeting outside the window)
        // cannot tell the update: then its narrative is printed as well, so nothing is lost.
        let unresolved = oversight.contains { link in
          switch link.type {
          case "award": awards[link.id] == nil
          case "bid": bids[link.id] == nil
          case "fund": funds[link.id] == nil
          case "indicator": assessments[link.id]?.latest == nil
          case "scrutiny": !inputs.scrutiny.contains { $0.id == link.id }
          default: false  // correspondence and reach are told as totals in their own part
          }
        }
        if unresolved { add(update.date, .update(update)) }
        var linkedIndicators: [IndicatorAssessment] = []
        for link in oversight where told.insert(link.key).inserted {
          switch link.type {
          case "award": if let a = awards[link.id] { add(update.date, .award(a)) }
          case "bid": if let b = bids[link.id] { add(update.date, .bid(b)) }
          case "fund": if let f = funds[link.id] { add(update.date, .fund(f)) }
          case "indicator": if let i = assessments[link.id], i.latest != nil { linkedIndicators.append(i) }
          default: break  // told in its own part (correspondence, reach, scrutiny, inspection)
          }
        }
        if !linkedIndicators.isEmpty { add(update.date, .indicators(linkedIndicators)) }
      }
      for award in inputs.awards where award.elementID == element.id && range.contains(award.date) {
        if told.insert("award:\(award.id)").inserted { add(award.date, .award(award)) }
      }
      for bid in inputs.bids where bid.elementID == element.id {
        let day = [bid.decidedOn, bid.submittedOn].compactMap { $0 }.first { range.contains($0) }
        if let day, told.insert("bid:\(bid.id)").inserted { add(day, .bid(bid)) }
      }
      for position in inputs.funds where position.fund.elementID == element.id {
        if let day = position.fund.announcedOn, range.contains(day), told.insert("fund:\(position.fund.id)").inserted {
          add(day, .fund(position))
        }
      }
      let figures = inputs.assessments.filter { a in
        guard a.indicator.elementID == element.id, !a.indicator.survey, let latest = a.latest else { return false }
        return latest.periodEnd >= window.lookBack && !told.contains("indicator:\(a.indicator.id)")
      }
      if !figures.isEmpty {
        for figure in figures { told.insert("indicator:\(figure.indicator.id)") }
        add(figures.map { $0.latest?.periodEnd ?? window.to }.max() ?? window.to, .indicators(figures))
      }
      return dated.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    for objective in inputs.objectives.sorted(by: { $0.position < $1.position }) {
      heading(objective.title)
      var any = false
      for element in (elementsByObjective[objective.id] ?? []).sorted(by: { $0.position < $1.position }) {
        let list = entries(element)
        guard !list.isEmpty else { continue }
        any = true
        heading(element.title, level: 3)
        for entry in list { write(entry) }
      }
      if !any {
        let span = PanelWording.span(window.from, window.to)
        paragraph(
          "No activity under this objective was marked for the Panel \(span.hasPrefix("between") ? span : "in " + span)."
        )
      }
    }
    // Funding decisions of the period that name no plan element.
    let loose: [Entry] =
      inputs.awards.filter { $0.elementID == nil && range.contains($0.date) && !told.contains("award:\($0.id)") }
      .map(Entry.award)
      + inputs.bids.filter { $0.elementID == nil && !told.contains("bid:\($0.id)") }.map(Entry.bid)
    if !loose.isEmpty {
      heading("Other funding decisions")
      for entry in loose { write(entry) }
    }
  }

  private mutating func write(_ entry: Entry) {
    switch entry {
    case .update(let update):
      paragraph(
        PanelWording.sentence(update.narrative.replacingOccurrences(of: "\n", with: " ")),
        sources: [
          "progress update \(update.id.uuidString.lowercased().prefix(8)) (\(update.elementID), \(update.date))"
        ])
    case .award(let award):
      paragraph(awardText(award), sources: ["award \(award.id)"] + (award.fundID.map { ["fund \($0)"] } ?? []))
    case .bid(let bid): paragraph(bidText(bid), sources: ["bid \(bid.id)"])
    case .fund(let position): paragraph(fundText(position), sources: ["fund \(position.fund.id)"])
    case .indicators(let list):
      let periods = Set(list.compactMap { $0.latest.map { PanelWording.period($0) } })
      let intro =
        periods.count == 1
        ? "Figures for \(periods.first ?? ""):" : "The latest figures are:"
      paragraph(intro, items: list.map(figureText), sources: list.map(Self.measurementSource))
    }
  }

  private func fundPhrase(_ id: String?) -> String? {
    guard let id, let position = inputs.funds.first(where: { $0.fund.id == id }) else { return nil }
    return "the \(Money.short(pence: position.fund.totalPence)) \(position.fund.name)"
  }

  func awardText(_ award: Award) -> String {
    let amount = Money.format(pence: award.amountPence)
    let fund = fundPhrase(award.fundID)
    var text: String
    switch (award.status, fund) {
    case (.proposed, let fund?):
      text = "The \(pcc) is looking to contribute \(amount) from \(fund) to \(award.recipient)."
    case (.proposed, nil): text = "The \(pcc) is looking to contribute \(amount) to \(award.recipient)."
    case (_, let fund?): text = "\(amount) has been awarded to \(award.recipient) from \(fund) by the \(pcc)."
    case (_, nil): text = "The \(pcc) has provided \(amount) to \(award.recipient)."
    }
    text = PanelWording.with(text, purpose: award.purpose)
    if let id = award.fundID, let position = inputs.funds.first(where: { $0.fund.id == id }) {
      text +=
        " \(Money.format(pence: position.committedPence)) of the fund is now committed, leaving \(Money.format(pence: max(0, position.remainingPence)))."
    }
    return text
  }

  func bidText(_ bid: Bid) -> String {
    let amount = Money.format(pence: bid.amountPence)
    let funder = PanelWording.the(bid.funder)
    let until = bid.periodEnd.map { " up to \($0.longForm)" } ?? ""
    let decided = bid.decidedOn.map { " (\($0.longForm))" } ?? ""
    switch bid.status {
    case .drafting:
      return PanelWording.with(
        "The \(pcc) is preparing a bid to \(funder) for \(amount)\(until).", purpose: bid.purpose)
    case .successful:
      return PanelWording.with(
        "The \(pcc)'s bid to \(funder) for \(amount)\(until) was successful\(decided).", purpose: bid.purpose)
    case .unsuccessful:
      return PanelWording.with(
        "The \(pcc)'s bid to \(funder) for \(amount)\(until) was unsuccessful\(decided).", purpose: bid.purpose)
    default:
      let on = bid.submittedOn.map { " on \($0.longForm)" } ?? ""
      return PanelWording.with(
        "The \(pcc) submitted a bid to \(funder)\(on) for \(amount)\(until).", purpose: bid.purpose)
        + " The outcome of this bid is still awaited."
    }
  }

  func fundText(_ position: FundPosition) -> String {
    let fund = position.fund
    let when = fund.announcedOn.map { "In \(YearMonth($0).title), " } ?? ""
    let by = fund.source.isEmpty ? "" : " by \(PanelWording.the(fund.source))"
    let text =
      "\(when)the \(pcc) was notified\(by) of the \(fund.name): \(Money.format(pence: fund.totalPence)) up to \(fund.endDate.longForm)."
    return PanelWording.with(text.capitalizedFirst, purpose: fund.purpose)
  }

  /// "indicator calls-101, period ending 2022-09-30 (Force dashboard)"; for a survey measure
  /// also its samples and the test statistics that the prose only words ("z = -2.03").
  static func measurementSource(_ a: IndicatorAssessment) -> String {
    let end = a.latest.map { ", period ending \($0.periodEnd)" } ?? ""
    var text = "indicator \(a.indicator.id)\(end)\(a.indicator.source.isEmpty ? "" : " (\(a.indicator.source))")"
    let samples = [a.previous, a.latest].compactMap { $0?.sampleSize }.map(PanelWording.count)
    if a.indicator.survey, !samples.isEmpty { text += ", samples of \(samples.joined(separator: " and "))" }
    if let test = a.test { text += ", z = \(PanelWording.decimal(test.z)) against the period before" }
    if let test = a.baselineTest, let baseline = a.baseline {
      text +=
        ", z = \(PanelWording.decimal(test.z)) against the baseline period ending \(baseline.periodEnd) (sample of \(PanelWording.count(baseline.sampleSize ?? 0)))"
    }
    return text
  }

  /// "7th out of 8 in the most similar group of forces", for a ranked measurement.
  static func rankText(_ m: IndicatorMeasurement) -> String? {
    guard let rank = m.rank, let size = m.rankOf else { return nil }
    return "\(PanelWording.ordinal(rank)) out of \(PanelWording.count(size)) in the most similar group of forces"
  }

  func figureText(_ a: IndicatorAssessment) -> String {
    guard let latest = a.latest else { return a.indicator.name }
    let value = PanelWording.value(latest.value, a.indicator.unit)
    let name = a.indicator.name.capitalizedFirst
    let rank = Self.rankText(latest).map { ", \($0)" } ?? ""
    if let comparator = a.indicator.comparator {
      return
        "\(name): \(value), compared to the \(a.indicator.comparatorLabel) of \(PanelWording.value(comparator, a.indicator.unit))\(rank)."
    }
    return "\(name): \(value)\(rank)."
  }

  // MARK: - Engagement, reach, correspondence

  private mutating func engagement() {
    heading("Engagement and correspondence")
    let e = inputs.engagements
    let quarter = PanelWording.span(window.quarterStart, window.quarterEnd)
    // Only the offices that recorded engagements are named: a force with no Assistant PCC
    // (or none who went out this quarter) is not said to have one.
    let profile = inputs.profile
    let order = profile.offices.map(\.code) + Officeholder.known.filter { profile.office($0) == nil }
    let holders = order.filter { (e.byWho[$0.rawValue] ?? 0) > 0 }.map(profile.short(of:))
    let who = holders.isEmpty ? "The \(pcc)" : "The " + Prose.list(holders)
    var text =
      "\(who) \(holders.count > 1 ? "continue" : "continues") to carry out engagements with communities, such as attending parish council meetings, visiting local community groups, and those that receive funding from the \(pcc). A total of \(PanelWording.count(e.total)) engagement\(e.total == 1 ? "" : "s") took place between \(quarter.replacingOccurrences(of: " to ", with: " and "))."
    if e.total == 0 {
      text = "No engagements were recorded \(quarter.hasPrefix("between") ? quarter : "in " + quarter)."
    }
    let attended = order.compactMap { holder -> (Int, String)? in
      guard let n = e.byWho[holder.rawValue], n > 0 else { return nil }
      return (n, profile.title(of: holder))
    }.enumerated().map { index, entry in
      index == 0
        ? "\(PanelWording.count(entry.0)) \(entry.0 == 1 ? "was" : "were") attended by the \(entry.1)"
        : "\(PanelWording.count(entry.0)) by the \(entry.1)"
    }
    if e.total > 0 && !attended.isEmpty { text += " Of these, \(Prose.list(attended))." }
    paragraph(text, sources: ["engagements dated \(window.quarterStart) to \(window.quarterEnd)"])

    let reach = inputs.reach
    func latest(_ metric: ReachMetric) -> ReachMeasurement? { reach.last { $0.metric == metric } }
    if let subscribers = latest(.newsletterSubscribers) {
      paragraph(
        "The \(pcc)'s community newsletter had \(PanelWording.count(subscribers.value)) subscribers on \(subscribers.asOf.longForm).",
        sources: ["reach newsletter-subscribers as of \(subscribers.asOf)"])
    }
    var followers: [String] = []
    var followerSources: [String] = []
    if let now = latest(.socialFollowers) {
      let earlier =
        reach.last { $0.metric == .socialFollowers && $0.asOf < now.asOf && $0.asOf <= window.lookBack }
        ?? reach.first { $0.metric == .socialFollowers && $0.asOf < now.asOf }
      followerSources.append("reach social-followers as of \(now.asOf)")
      if let earlier {
        followerSources.append("reach social-followers as of \(earlier.asOf)")
        let change = now.value - earlier.value
        followers.append(
          "Across all social media platforms, the number of people following the \(pcc)'s accounts has \(change >= 0 ? "increased" : "fallen") by \(PanelWording.count(abs(change))) since \(earlier.asOf.longForm), to \(PanelWording.count(now.value))."
        )
      } else {
        followers.append(
          "Across all social media platforms, \(PanelWording.count(now.value)) people follow the \(pcc)'s accounts.")
      }
    }
    if let signed = latest(.neighbourhoodMatters) {
      followerSources.append("reach neighbourhood-matters as of \(signed.asOf)")
      followers.append(
        "There are now \(PanelWording.count(signed.value)) people signed up for \(pcc) updates via \(inputs.profile.reachNames[ReachMetric.neighbourhoodMatters.rawValue] ?? "the community messaging service")."
      )
    }
    if !followers.isEmpty { paragraph(followers.joined(separator: " "), sources: followerSources) }
    let releases = reach.filter { $0.metric == .pressReleases && (window.from...window.to).contains($0.asOf) }
    for figure in releases {
      let span = PanelWording.span(figure.periodStart ?? figure.asOf, figure.asOf)
      paragraph(
        "During the period \(span), \(PanelWording.count(figure.value)) press releases and statements have been issued, ensuring that the \(pcc) maintains a visible presence across the force area's communities.",
        sources: ["reach press-releases as of \(figure.asOf)"])
    }

    let c = inputs.correspondence
    let span = PanelWording.span(c.from, c.to)
    let during = span.hasPrefix("between") ? span : "over the duration of " + span
    guard c.total > 0 else {
      paragraph("No correspondence was recorded \(span.hasPrefix("between") ? span : "in " + span).")
      return
    }
    var correspondence =
      "\(during.capitalizedFirst), the \(pcc)'s office was in receipt of \(PanelWording.count(c.total)) piece\(c.total == 1 ? "" : "s") of correspondence."
    let subjects = c.bySubject.prefix(3).map { inputs.profile.title(ofSubject: $0.code) }
    if !subjects.isEmpty {
      correspondence += " The correspondence was on a range of subjects, such as \(Prose.list(subjects))."
    }
    var leading: [CorrespondenceTotals.Count] = []
    for area in c.byArea where area.code != Correspondence.outsideArea {
      leading.append(area)
      if leading.reduce(0, { $0 + $1.count }) * 2 > c.total { break }
    }
    if leading.reduce(0, { $0 + $1.count }) * 2 > c.total, leading.count <= 2 {
      correspondence +=
        " The majority of the correspondence was from \(Prose.list(leading.map { inputs.areaNames[$0.code] ?? $0.code })) residents."
    }
    paragraph(correspondence, sources: ["correspondence received \(c.from) to \(c.to)"])
    let rows = (0..<max(c.bySubject.count, c.byArea.count)).map { index -> [[Inline]] in
      let subject = c.bySubject.indices.contains(index) ? c.bySubject[index] : nil
      let area = c.byArea.indices.contains(index) ? c.byArea[index] : nil
      return [
        subject.map { inputs.profile.title(ofSubject: $0.code).capitalizedFirst } ?? "",
        subject.map { PanelWording.count($0.count) } ?? "",
        area.map { inputs.areaNames[$0.code] ?? ($0.code == Correspondence.outsideArea ? "Outside the area" : $0.code) }
          ?? "",
        area.map { PanelWording.count($0.count) } ?? "",
      ].map { .plain($0) }
    }
    outline.append(
      .table(
        Block.Table(
          columns: [
            Block.Column("Subject"), Block.Column("Pieces", numeric: true), Block.Column("Area"),
            Block.Column("Pieces", numeric: true),
          ],
          rows: rows,
          caption: "Correspondence received \(span.hasPrefix("between") ? span : "in " + span), by subject and by area")
      ))
  }
}

/// A `type:id` link of a progress update.
struct Link {
  let type: String
  let id: String
  var key: String { "\(type):\(id)" }

  init?(_ text: String) {
    let parts = text.split(separator: ":", maxSplits: 1)
    guard parts.count == 2 else { return nil }
    type = String(parts[0])
    id = String(parts[1])
  }
}

extension String {
  /// The text with its first letter in upper case.
  var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
