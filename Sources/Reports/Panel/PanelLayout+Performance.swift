import Foundation
import Model

/// The report's performance and accountability part.
extension PanelLayout {
  mutating func holdingToAccount() {
    heading("Holding to account", level: 3)
    let held = inputs.scrutiny.filter { $0.date >= window.lookBack && $0.date <= window.to }
    let upcoming = inputs.scrutiny.filter {
      $0.date > window.to && $0.date <= window.upcomingUntil && $0.kind != .virtual
    }
    let thematic = held.filter { $0.kind == .thematic }
    let formal = held.filter { $0.kind == .quarterlyPerformance }
    let virtual = held.filter { $0.kind == .virtual }
    func topic(_ m: ScrutinyMeeting) -> String { "\(m.topic) (\(YearMonth(m.date).title))" }
    if thematic.isEmpty && formal.isEmpty {
      paragraph(
        "No formal holding to account meetings were held with the Chief Constable between \(window.lookBack.longForm) and \(window.to.longForm)."
      )
    } else {
      var text = ""
      if !thematic.isEmpty {
        text =
          "Since \(window.lookBack.longForm), \(PanelWording.count(thematic.count)) thematic holding to account meeting\(thematic.count == 1 ? " has" : "s have") been held with the Chief Constable. The focus of \(thematic.count == 1 ? "this meeting" : "these meetings") was on \(Prose.list(thematic.map(topic)))."
      }
      if !formal.isEmpty {
        text +=
          (text.isEmpty ? "" : " ")
          + "\(PanelWording.count(formal.count).capitalizedFirst) quarterly performance meeting\(formal.count == 1 ? " was" : "s were") held: \(Prose.list(formal.map(topic)))."
      }
      paragraph(text, sources: (thematic + formal).map { "holding-to-account meeting \($0.id)" })
    }
    for meeting in thematic + formal where !meeting.findings.isEmpty {
      let kind = meeting.kind == .thematic ? "thematic meeting" : "quarterly performance meeting"
      paragraph(
        "Key findings / outcomes from the \(kind) on \(meeting.topic) include:", items: meeting.findings,
        sources: ["holding-to-account meeting \(meeting.id)"])
      if !meeting.actions.isEmpty {
        paragraph(
          "Actions agreed at the \(kind) on \(meeting.topic):", items: meeting.actions,
          sources: ["holding-to-account meeting \(meeting.id)"])
      }
    }
    if !upcoming.isEmpty {
      paragraph(
        "Upcoming formal meetings include: \(Prose.list(upcoming.map { "\($0.topic) (\($0.date.longForm))" })).",
        sources: upcoming.map { "holding-to-account meeting \($0.id)" })
    }
    if !virtual.isEmpty {
      var text =
        "To supplement the formal meetings, the \(pcc) also runs a virtual holding to account process, whereby performance and service issues are raised by email and the Chief Constable provides a written response. Recent virtual holding to account activity has focused on \(Prose.list(virtual.map(topic)))."
      let findings = virtual.flatMap(\.findings)
      if findings.isEmpty { text += " The results of these sessions are currently being reviewed." }
      paragraph(text, items: findings, sources: virtual.map { "holding-to-account meeting \($0.id)" })
    }
  }

  mutating func survey() {
    let survey = inputs.assessments.filter { $0.indicator.survey && $0.latest != nil }
    guard let latestEnd = survey.compactMap({ $0.latest?.periodEnd }).max() else { return }
    heading("Perception survey", level: 3)
    let current = survey.filter { $0.latest?.periodEnd == latestEnd }
    guard let sample = current.first?.latest else { return }
    let period = PanelWording.period(sample, fiscalQuarters: true)
    let items = current.map { a -> String in
      guard let latest = a.latest else { return a.indicator.name }
      var text = "\(a.indicator.name.capitalizedFirst): \(PanelWording.value(latest.value, a.indicator.unit))"
      if let previous = a.previous {
        let before = PanelWording.value(previous.value, a.indicator.unit)
        let when = PanelWording.period(previous, fiscalQuarters: true)
        if let test = a.test, test.isSignificant {
          text +=
            " – a statistically significant \(latest.value < previous.value ? "reduction" : "increase") from \(before) in \(when)"
        } else if latest.value == previous.value {
          text += " – unchanged from \(when)"
        } else {
          text +=
            " – comparable to \(before) in \(when)\(a.test != nil ? " (the change is not statistically significant)" : "")"
        }
      }
      if let since = Self.baselineText(a) { text += "; \(since)" }
      if let target = a.indicator.target, a.belowTarget {
        text += "; below the target of \(PanelWording.value(target, a.indicator.unit))"
      }
      return text + "."
    }
    paragraph(
      "Headline findings from the latest results of the perception survey, \(period), are set out below:", items: items,
      sources: current.map(PanelLayout.measurementSource))
  }

  mutating func forcePerformance() {
    heading("Force performance", level: 3)
    let concerns = inputs.assessments.filter(\.isConcern)
    let improved = inputs.assessments.filter { !$0.indicator.survey && $0.change == .better && $0.latest != nil }
    if concerns.isEmpty {
      paragraph(
        "As at \(window.to.longForm), no indicator is below its target, significantly worse than the period before, or worsening over its last periods."
      )
    } else {
      paragraph(
        "The \(pcc) is concerned about the following performance areas, which the data shows below target, significantly worse than the period before, or worsening as at \(window.to.longForm):",
        items: concerns.map(concernText), sources: concerns.map(PanelLayout.measurementSource))
      for (index, concern) in concerns.filter({ $0.measurements.count >= 2 }).enumerated() {
        let unit = concern.indicator.unit
        outline.append(
          .figure(
            LineChart(
              number: index + 1, title: concern.indicator.name.capitalizedFirst,
              points: concern.measurements.suffix(12).map { (PanelWording.shortMonth($0.periodEnd), $0.value) },
              target: concern.indicator.target, comparator: concern.indicator.comparator,
              comparatorLabel: concern.indicator.comparatorLabel, limits: unit == .percent ? 0...100 : nil,
              valueText: { PanelWording.value($0, unit) })))
      }
    }
    if !improved.isEmpty {
      let list = improved.compactMap { a -> String? in
        guard let latest = a.latest, let previous = a.previous else { return nil }
        return
          "\(a.indicator.name) (\(PanelWording.value(previous.value, a.indicator.unit)) to \(PanelWording.value(latest.value, a.indicator.unit)))"
      }
      paragraph(
        "Compared with the period before, these measures improved: \(Prose.list(list)).",
        sources: improved.map(PanelLayout.measurementSource))
    }
  }

  /// "a statistically significant reduction since March 2021 (from 86%)", when the latest
  /// value differs significantly from the baseline's; `nil` otherwise.
  static func baselineText(_ a: IndicatorAssessment) -> String? {
    guard let baseline = a.baseline, let latest = a.latest, let test = a.baselineTest, test.isSignificant else {
      return nil
    }
    return
      "a statistically significant \(latest.value < baseline.value ? "reduction" : "increase") since \(YearMonth(baseline.periodEnd).title) (from \(PanelWording.value(baseline.value, a.indicator.unit)))"
  }

  func concernText(_ a: IndicatorAssessment) -> String {
    guard let latest = a.latest else { return a.indicator.name }
    let unit = a.indicator.unit
    var reasons: [String] = []
    if a.belowTarget, let target = a.indicator.target {
      reasons.append(
        "\(a.indicator.better == .higherIsBetter ? "below" : "above") the target of \(PanelWording.value(target, unit))"
      )
    }
    if a.significantChange && a.change == .worse, let previous = a.previous {
      reasons.append(
        "a statistically significant \(latest.value < previous.value ? "reduction" : "increase") from \(PanelWording.value(previous.value, unit))"
      )
    }
    if a.significantlyWorseThanBaseline, let since = Self.baselineText(a) { reasons.append(since) }
    if let rank = PanelLayout.rankText(latest) { reasons.append(rank) }
    if a.trend == .worse {
      let values = a.measurements.suffix(a.trendPeriods).map { PanelWording.value($0.value, unit) }
      reasons.append(
        "worsening over the last \(PanelWording.word(a.trendPeriods)) periods (\(values.joined(separator: ", ")))")
    } else if a.change == .better, let previous = a.previous {
      reasons.append("improved from \(PanelWording.value(previous.value, unit)) the period before")
    }
    return
      "\(a.indicator.name.capitalizedFirst): \(PanelWording.value(latest.value, unit)) in \(PanelWording.period(latest)), \(Prose.list(reasons))."
  }

  mutating func inspections() {
    heading("HMICFRS inspection reports", level: 3)
    let list = inputs.inspections
    defer { responses() }
    guard !list.isEmpty else {
      paragraph("HMICFRS have published no inspection reports since \(window.lookBack.longForm).")
      return
    }
    paragraph(
      "HMICFRS have published \(PanelWording.word(list.count)) inspection report\(list.count == 1 ? "" : "s") since \(window.lookBack.longForm)."
    )
    for record in list.sorted(by: { $0.inspection.publishedOn < $1.inspection.publishedOn }) {
      let i = record.inspection
      let areas = record.items.filter { $0.kind == .areaForImprovement }.count
      let recommendations = record.items.filter { $0.kind == .recommendation }.count
      var text =
        "A \(i.scope == .national ? "national" : "force") report, \(i.title), was published on \(i.publishedOn.longForm)."
      if areas + recommendations > 0 {
        var found: [String] = []
        if areas > 0 { found.append("\(PanelWording.count(areas)) area\(areas == 1 ? "" : "s") for improvement") }
        if recommendations > 0 {
          found.append("\(PanelWording.count(recommendations)) recommendation\(recommendations == 1 ? "" : "s")")
        }
        text +=
          " The inspection identified \(Prose.list(found))\(i.scope == .national ? " for policing nationally" : "")."
        let byStatus = Dictionary(grouping: record.items, by: \.status)
        let states = InspectionItemStatus.known.compactMap { status -> String? in
          guard let n = byStatus[status]?.count, n > 0 else { return nil }
          return "\(PanelWording.count(n)) \(status.rawValue.replacingOccurrences(of: "-", with: " "))"
        }
        text += " Responses: \(Prose.list(states))."
      }
      if !i.summary.isEmpty { text += " " + PanelWording.sentence(i.summary) }
      paragraph(text, sources: ["inspection \(i.id) and its \(PanelWording.count(record.items.count)) items"])
    }
  }

  /// The responses the PCC sent to inspection reports in the look-back, by recipient:
  /// "Since 1 July 2022, the PCC has written to the Home Secretary in response to two
  /// national reports: …".
  mutating func responses() {
    let sent = inputs.responses
    guard !sent.isEmpty else { return }
    var recipients: [String] = []
    for inspection in sent where !recipients.contains(inspection.responseSentTo) {
      recipients.append(inspection.responseSentTo)
    }
    for recipient in recipients {
      let group = sent.filter { $0.responseSentTo == recipient }
      let scopes = Set(group.map(\.scope))
      let kind = scopes.count == 1 ? (scopes.first == .national ? "national " : "force ") : ""
      let reports =
        "\(group.count == 1 ? "the" : PanelWording.word(group.count)) \(kind)report\(group.count == 1 ? "" : "s")"
      let titles = group.map { "\($0.title) (published \($0.publishedOn.longForm))" }
      paragraph(
        "Since \(window.lookBack.longForm), the \(pcc) has written to \(recipient) in response to \(reports): \(Prose.list(titles)).",
        sources: group.map { "inspection \($0.id), response sent \($0.responseSentOn?.description ?? "")" })
    }
  }
}
