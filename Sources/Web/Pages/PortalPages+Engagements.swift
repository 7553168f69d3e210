import Application
import Foundation
import Hummingbird
import Model
import Reports
import Stores

extension PortalPages {
  /// Engagements listed per page.
  static let pageSize = 100

  /// The twelve months up to the month of the latest engagement on record (this month when
  /// there is none): the default period of the figures, so a page shows the office's latest year.
  func latestYear() async throws -> (LocalDate, LocalDate) {
    let latest = try await services.repository.engagements(matching: EngagementQuery(), after: nil, limit: 1).page.first
    let month = YearMonth(latest?.date ?? services.governance.today)
    var first = month
    for _ in 1..<12 { first = first.previous }
    return (first.firstDay, month.lastDay)
  }

  /// The tables (and their charts) of engagements by month, area, officeholder and kind.
  func figureTables(_ summary: EngagementSummary, from: LocalDate, to: LocalDate, byWho: Bool, byKind: Bool)
    async throws -> [[String: Any]]
  {
    let areas = try await services.repository.areas()
    let profile = try await services.governance.forceProfile()
    var months: [(String, String, Int)] = []
    var month = YearMonth(from)
    while month.firstDay <= to, months.count < 1200 {
      months.append((month.description, month.title, summary.byMonth[month.description] ?? 0))
      month = month.next
    }
    var areaRows = areas.filter { !$0.retired || summary.byArea[$0.code] != nil }.map {
      ($0.code, $0.name, summary.byArea[$0.code] ?? 0)
    }
    let knownAreas = Set(areas.map(\.code))
    areaRows += summary.byArea.keys.filter { !knownAreas.contains($0) }.sorted().map {
      ($0, $0, summary.byArea[$0] ?? 0)
    }
    var tables = [
      table("by-month", "By month", "Month", months),
      table("by-area", "By area", "Area", areaRows),
    ]
    if byWho {
      var rows = profile.offices.map { ($0.code.rawValue, $0.title, summary.byWho[$0.code.rawValue] ?? 0) }
      let known = Set(rows.map(\.0))
      rows += summary.byWho.keys.filter { !known.contains($0) }.sorted().map {
        ($0, profile.title(of: Officeholder(rawValue: $0)), summary.byWho[$0] ?? 0)
      }
      tables.append(table("by-officeholder", "By officeholder", "Officeholder", rows))
    }
    if byKind {
      var rows = profile.engagementKinds.map { ($0.code, $0.title, summary.byKind[$0.code] ?? 0) }
      let known = Set(rows.map(\.0))
      rows += summary.byKind.keys.filter { !known.contains($0) }.sorted().map { ($0, $0, summary.byKind[$0] ?? 0) }
      tables.append(table("by-kind", "By kind", "Kind", rows))
    }
    return tables
  }

  private func table(_ id: String, _ heading: String, _ keyHeading: String, _ rows: [(String, String, Int)])
    -> [String: Any]
  {
    [
      "id": id, "heading": heading, "keyHeading": keyHeading,
      "chart": BarChart(
        title: "Engagements \(heading.lowercased())", bars: rows.map { .init(label: $0.1, value: $0.2) }
      )
      .svg,
      "rows": rows.map { ["key": $0.0, "label": $0.1, "count": $0.2] as [String: Any] },
    ]
  }

  /// Engagement figures for a period, with charts.
  func summary(_ request: Request, _ context: PortalContext) async throws -> Response {
    let session = try require(.summary, request, context)
    let (defaultFrom, defaultTo) = try await latestYear()
    let (from, to) = try Self.period(request, defaultFrom: defaultFrom, defaultTo: defaultTo)
    let summary = try await services.repository.engagementSummary(matching: EngagementQuery(from: from, to: to))
    let object: [String: Any] = [
      "from": from.description, "to": to.description, "fromText": DocumentHTML.longDate(from),
      "toText": DocumentHTML.longDate(to), "total": summary.total, "mayList": renderer.may(session, .engagements),
      "tables": try await figureTables(summary, from: from, to: to, byWho: true, byKind: true),
    ]
    return await page("Engagement figures", "summary", object, context, current: "/engagements/summary")
  }

  /// The engagements themselves, newest first, filtered, a page at a time.
  func engagements(_ request: Request, _ context: PortalContext) async throws -> Response {
    _ = try require(.engagements, request, context)
    let query = request.uri.queryParameters
    func text(_ name: String) -> String { query.get(name) ?? "" }
    var problems: [String] = []
    func day(_ name: String) -> LocalDate? {
      let value = text(name)
      guard !value.isEmpty else { return nil }
      guard let day = LocalDate(value) else {
        problems.append("\(name): must be a real day written YYYY-MM-DD (got \"\(value)\")")
        return nil
      }
      return day
    }
    let filter = EngagementQuery(
      from: day("from"), to: day("to"),
      who: text("officeholder").isEmpty ? nil : Officeholder(rawValue: text("officeholder")),
      area: text("area").isEmpty ? nil : text("area"),
      kind: text("kind").isEmpty ? nil : EngagementKind(rawValue: text("kind")))
    do throws(ValidationError) {
      try filter.validate()
    } catch {
      problems += error.violations.map { "\($0.field == "who" ? "officeholder" : $0.field): \($0.rule)" }
    }
    var after: EngagementPosition?
    let afterText = text("after")
    if !afterText.isEmpty {
      let parts = afterText.split(separator: "_", maxSplits: 1).map(String.init)
      if parts.count == 2, let date = LocalDate(parts[0]), UUID(uuidString: parts[1]) != nil {
        after = EngagementPosition(date: date, id: parts[1].lowercased())
      } else {
        problems.append("after: must be a position from this page's own link (got \"\(afterText)\")")
      }
    }
    guard problems.isEmpty else { throw PortalError(.badRequest, problems.joined(separator: "; ")) }
    let (found, total) = try await services.repository.engagements(matching: filter, after: after, limit: Self.pageSize)
    let areas = try await services.repository.areas()
    let profile = try await services.governance.forceProfile()
    let areaNames = Dictionary(areas.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
    let kindNames = Dictionary(
      profile.engagementKinds.map { ($0.code, $0.title) }, uniquingKeysWith: { first, _ in first })
    let rows = found.map { engagement -> [String: Any] in
      [
        "id": engagement.id.uuidString.lowercased(), "date": engagement.date.description,
        "dateText": DocumentHTML.longDate(engagement.date), "organisation": engagement.organisation,
        "who": profile.title(of: engagement.who),
        "kind": kindNames[engagement.kind.rawValue] ?? engagement.kind.rawValue,
        "area": areaNames[engagement.area] ?? engagement.area,
      ]
    }
    var object: [String: Any] = [
      "from": text("from"), "to": text("to"), "rows": rows, "hasRows": !rows.isEmpty, "pageSize": Self.pageSize,
      "shownText": total == 0
        ? "No engagement matches."
        : "\(total) engagement\(total == 1 ? "" : "s") match; \(after == nil ? "the newest" : "a further") \(rows.count) shown.",
      "areas": areas.filter { !$0.retired }.map {
        ["code": $0.code, "name": $0.name, "selected": $0.code == text("area")]
      },
      "officeholders": profile.offices.map {
        ["code": $0.code.rawValue, "name": $0.title, "selected": $0.code.rawValue == text("officeholder")]
      },
      "kinds": profile.engagementKinds.map {
        ["code": $0.code, "name": $0.title, "selected": $0.code == text("kind")]
      },
    ]
    if found.count == Self.pageSize, let last = found.last {
      var items = ["from", "to", "area", "officeholder", "kind"].compactMap { name -> URLQueryItem? in
        text(name).isEmpty ? nil : URLQueryItem(name: name, value: text(name))
      }
      items.append(URLQueryItem(name: "after", value: "\(last.date)_\(last.id.uuidString.lowercased())"))
      var components = URLComponents()
      components.path = "/engagements"
      components.queryItems = items
      object["more"] = components.string ?? "/engagements"
    }
    return await page("Engagements", "engagements", object, context, current: "/engagements")
  }

  /// One engagement, notes and follow-ups included: for the roles that may read engagements.
  func engagement(_ request: Request, _ context: PortalContext) async throws -> Response {
    _ = try require(.engagement, request, context)
    let text = context.parameters.get("id") ?? ""
    guard let id = UUID(uuidString: text) else {
      throw PortalError(.badRequest, "id: must be an engagement's id, a UUID (got \"\(text)\")")
    }
    guard let engagement = try await services.repository.engagement(id: id) else {
      throw PortalError.notFound("engagement \(text)")
    }
    let areas = try await services.repository.areas()
    let profile = try await services.governance.forceProfile()
    var object: [String: Any] = [
      "organisation": engagement.organisation, "date": engagement.date.description,
      "dateText": DocumentHTML.longDate(engagement.date), "who": profile.title(of: engagement.who),
      "kind": profile.engagementKinds.first { $0.code == engagement.kind.rawValue }?.title ?? engagement.kind.rawValue,
      "place": engagement.place.isEmpty ? "not recorded" : engagement.place,
      "area": areas.first { $0.code == engagement.area }?.name ?? engagement.area,
      "attendees": engagement.attendees.map(String.init) ?? "not recorded",
      "topics": engagement.topics.isEmpty ? "none recorded" : engagement.topics.joined(separator: ", "),
      "objectiveID": engagement.objectiveID ?? "none", "createdBy": engagement.createdBy,
      "notes": engagement.notes.components(separatedBy: "\n").filter {
        !$0.trimmingCharacters(in: .whitespaces).isEmpty
      },
      "followUps": engagement.followUpActions, "hasFollowUps": !engagement.followUpActions.isEmpty,
    ]
    if let element = engagement.elementID { object["elementID"] = element }
    return await page(engagement.organisation, "engagement", object, context, current: "/engagements")
  }

  // MARK: - Published figures

  /// Aggregates anyone may read: the plan's RAG counts, engagements by area and by month, and
  /// the indicators against their targets. Never a note, a name, an organisation or a place.
  ///
  /// Visitors (no sign-in) get a copy rendered at most a minute ago, computed once however many
  /// ask at the same moment: the one page open to anyone cannot be used to keep the server
  /// busy. A signed-in reader gets the figures as they are now.
  func publicFigures(_ request: Request, _ context: PortalContext) async throws -> Response {
    guard context.session == nil else {
      return await page("Published figures", "public", try await publicObject(), context, current: "/public")
    }
    let html = try await visitorsPublicPage.html {
      renderer.pageHTML(
        title: "Published figures", site: await site(), body: renderer.body("public", try await publicObject()),
        session: nil, current: "/public")
    }
    var response = Response.html(html)
    response.headers[.cacheControl] = "public, max-age=60"
    return response
  }

  /// What the published figures show, read now.
  private func publicObject() async throws -> [String: Any] {
    let glance = try await services.governance.planGlance()
    let profile = try await services.governance.forceProfile()
    let (from, to) = try await latestYear()
    let summary = try await services.repository.engagementSummary(matching: EngagementQuery(from: from, to: to))
    let assessments = try await services.oversight.assessments(asOf: nil, trendPeriods: 3)
    let counts = glance.counts.map { count -> [String: Any] in
      [
        "key": count.rag?.rawValue ?? "none", "badge": DocumentHTML.badge(count.rag), "now": count.now,
        "lastMonth": count.lastMonth,
      ]
    }
    let indicators = assessments.map { assessment -> [String: Any] in
      var flags: [String] = []
      if assessment.belowTarget { flags.append("below target") }
      if assessment.significantChange, let change = assessment.change {
        flags.append("significantly \(change.rawValue)")
      }
      if assessment.isConcern { flags.append("of concern") }
      let unit = assessment.indicator.unit
      return [
        "id": assessment.indicator.id, "name": assessment.indicator.name,
        "period": assessment.latest.map {
          "\(DocumentHTML.longDate($0.periodStart)) to \(DocumentHTML.longDate($0.periodEnd))"
        }
          ?? "no measurement",
        "value": assessment.latest.map { DocumentHTML.indicatorValue($0.value, unit) } ?? "none",
        "target": assessment.indicator.target.map { DocumentHTML.indicatorValue($0, unit) } ?? "none set",
        "flags": flags.isEmpty ? "none" : flags.joined(separator: "; "),
      ]
    }
    var tables = try await figureTables(summary, from: from, to: to, byWho: false, byKind: false)
    for index in tables.indices {
      tables[index]["heading"] =
        "Engagements \((tables[index]["heading"] as? String ?? "").lowercased()), \(DocumentHTML.longDate(from)) to \(DocumentHTML.longDate(to))"
    }
    return [
      "forceName": Self.forceName(profile), "planName": profile.planName, "asOf": glance.asOf.description,
      "asOfText": DocumentHTML.longDate(glance.asOf), "counts": counts, "tables": tables, "indicators": indicators,
      "hasIndicators": !indicators.isEmpty,
    ]
  }
}
