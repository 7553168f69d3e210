import Application
import Foundation
import Hummingbird
import Model
import Reports

extension PortalPages {
  /// The plan at a glance: each objective's elements with status, RAG, leads and due date, and
  /// the RAG counts now against the end of last month.
  func plan(_ request: Request, _ context: PortalContext) async throws -> Response {
    _ = try require(.plan, request, context)
    let glance = try await services.governance.planGlance()
    let profile = try await services.governance.forceProfile()
    let counts = glance.counts.map { count -> [String: Any] in
      let change = count.now - count.lastMonth
      return [
        "key": count.rag?.rawValue ?? "none", "badge": DocumentHTML.badge(count.rag), "now": count.now,
        "lastMonth": count.lastMonth, "change": change > 0 ? "+\(change)" : "\(change)",
      ]
    }
    let rows = Dictionary(grouping: glance.rows, by: \.element.objectiveID)
    let objectives = glance.objectives.enumerated().map { index, objective -> [String: Any] in
      [
        "index": index + 1, "title": objective.title, "description": objective.description,
        "table": PlanTable.html(objective: objective.title, rows: rows[objective.id] ?? []),
      ]
    }
    let object: [String: Any] = [
      "planName": profile.planName, "asOf": glance.asOf.description, "asOfText": DocumentHTML.longDate(glance.asOf),
      "lastMonthEnd": glance.lastMonthEnd.description, "lastMonthEndText": DocumentHTML.longDate(glance.lastMonthEnd),
      "counts": counts, "objectives": objectives,
    ]
    return await page("Delivery plan", "plan", object, context, current: "/plan")
  }

  /// One element: its standing, its history of status and RAG, milestones and progress updates.
  func element(_ request: Request, _ context: PortalContext) async throws -> Response {
    _ = try require(.element, request, context)
    let id = context.parameters.get("id") ?? ""
    let (objectives, elements) = try await services.repository.plan()
    guard let element = elements.first(where: { $0.id == id }) else { throw PortalError.notFound("plan element \(id)") }
    async let history = services.governance.statusHistory(elementID: id)
    async let milestones = services.governance.milestones(elementID: id)
    async let updates = services.governance.progressUpdates(elementID: id, month: nil, limit: 500)
    let today = services.governance.today
    var object: [String: Any] = [
      "id": element.id, "title": element.title, "description": element.description,
      "objective": objectives.first { $0.id == element.objectiveID }?.title ?? element.objectiveID,
      "status": DocumentHTML.status(element.status), "badge": DocumentHTML.badge(element.rag(on: today)),
      "lead": element.opccLead.isEmpty ? "none named" : element.opccLead,
      "forceLead": element.forceLead.isEmpty ? "none named" : element.forceLead,
      "start": element.startDate.map(DocumentHTML.longDate) ?? "no date",
      "due": element.dueDate.map(DocumentHTML.longDate) ?? "no date",
    ]
    if let override = element.ragOverride { object["override"] = override.reason }
    let changes = try await history.sorted { ($0.effectiveOn, $0.recordedAt) > ($1.effectiveOn, $1.recordedAt) }
    object["history"] = changes.map { change -> [String: Any] in
      let rag =
        change.ragOverride?.rag
        ?? PlanElement.derivedRAG(
          status: change.status, startDate: element.startDate, dueDate: element.dueDate, on: change.effectiveOn)
      return [
        "date": change.effectiveOn.description, "dateText": DocumentHTML.longDate(change.effectiveOn),
        "status": DocumentHTML.status(change.status), "badge": DocumentHTML.badge(rag),
        "note": change.ragOverride.map { "RAG set by hand: \($0.reason). \(change.note)" } ?? change.note,
        "author": change.author,
      ]
    }
    object["hasHistory"] = !changes.isEmpty
    let stones = try await milestones
    object["milestones"] = stones.map { stone -> [String: Any] in
      [
        "title": stone.title, "due": stone.dueDate.description, "dueText": DocumentHTML.longDate(stone.dueDate),
        "completed": stone.completedOn.map(DocumentHTML.longDate)
          ?? (stone.dueDate < today ? "not yet: overdue" : "not yet"),
      ]
    }
    object["hasMilestones"] = !stones.isEmpty
    object["updates"] = try await updates.map { update -> [String: Any] in
      [
        "date": update.date.description, "dateText": DocumentHTML.longDate(update.date),
        "status": DocumentHTML.status(update.status), "author": update.author, "forPanel": update.forPanel,
        "paragraphs": update.narrative.components(separatedBy: "\n\n").filter { !$0.isEmpty },
      ]
    }
    return await page("\(element.id) \(element.title)", "element", object, context, current: "/plan")
  }

  /// The meetings' open actions, overdue first, with their due state in words.
  func actions(_ request: Request, _ context: PortalContext) async throws -> Response {
    _ = try require(.actions, request, context)
    let items = try await services.governance.actionItems(status: .open, owner: nil)
    let today = services.governance.today
    let rows = items.map { item -> [String: Any] in
      var values: [String: Any] = [
        "id": item.action.id, "text": item.action.text, "owner": item.action.owner,
        "state": Self.words(item.dueState),
        "stateClass": "due-\(item.dueState == .dueSoon ? "soon" : item.dueState.rawValue)",
        "meeting": item.meetingDate.description, "meetingText": DocumentHTML.longDate(item.meetingDate),
      ]
      if let due = item.action.dueDate {
        values["due"] = due.description
        values["dueText"] = DocumentHTML.longDate(due)
      }
      if let element = item.action.elementID { values["elementID"] = element }
      return values
    }
    let overdue = items.filter { $0.dueState == .overdue }.count
    let soon = items.filter { $0.dueState == .dueSoon }.count
    let object: [String: Any] = [
      "asOf": today.description, "asOfText": DocumentHTML.longDate(today), "rows": rows, "hasRows": !rows.isEmpty,
      "summary": "\(items.count) open, \(overdue) overdue, \(soon) due this month or next",
    ]
    return await page("Open actions", "actions", object, context, current: "/actions")
  }

  static func words(_ state: ActionDueState) -> String {
    switch state {
    case .overdue: "overdue"
    case .dueSoon: "due soon"
    case .notYetDue: "not yet due"
    case .noDueDate: "no due date"
    case .closed: "closed"
    }
  }
}

/// The table of one objective's elements on the plan page, written directly rather than
/// through a template: a ten-year plan has 500 rows, and the template engine's look-ups by name
/// (a dynamic cast each) took most of the page's time (Docs/Performance.md, the web portal).
/// Every value from the records goes through `DocumentHTML.escape`.
enum PlanTable {
  static func html(objective: String, rows: [PlanGlance.Row]) -> String {
    var html = ""
    html.reserveCapacity(400 * rows.count + 600)
    html += "<table class=\"wide elements\">\n<caption>Plan elements of “"
    html += DocumentHTML.escape(objective)
    html += "”</caption>\n<thead><tr><th scope=\"col\">Element</th><th scope=\"col\">Status</th>"
    html += "<th scope=\"col\">RAG</th><th scope=\"col\">RAG at the end of last month</th>"
    html +=
      "<th scope=\"col\">OPCC lead</th><th scope=\"col\">Force lead</th><th scope=\"col\">Due</th></tr></thead>\n<tbody>\n"
    for row in rows {
      let id = DocumentHTML.escape(row.element.id)
      html += "<tr data-element=\"\(id)\"><th scope=\"row\"><a href=\"/plan/elements/\(id)\">\(id)</a> "
      html += DocumentHTML.escape(row.element.title)
      html += "</th><td class=\"status\">"
      html += DocumentHTML.escape(row.now.map { DocumentHTML.status($0.status) } ?? "no status yet")
      html += "</td><td class=\"rag\">\(DocumentHTML.badge(row.now?.rag))</td>"
      html += "<td class=\"rag-last-month\">\(DocumentHTML.badge(row.lastMonth?.rag))</td><td class=\"lead\">"
      html += DocumentHTML.escape(row.element.opccLead)
      html += "</td><td class=\"force-lead\">"
      html += DocumentHTML.escape(row.element.forceLead)
      html += "</td><td class=\"due\">"
      if let due = row.element.dueDate {
        html += "<time datetime=\"\(due.description)\">\(DocumentHTML.escape(DocumentHTML.longDate(due)))</time>"
      } else {
        html += "no date"
      }
      html += "</td></tr>\n"
    }
    html += "</tbody>\n</table>"
    return html
  }
}
