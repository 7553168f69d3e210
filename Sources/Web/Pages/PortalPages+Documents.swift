import Application
import Foundation
import Hummingbird
import Model
import Reports

extension PortalPages {
  // MARK: - The monthly review

  /// The review of a month: `/review/YYYY-MM`; `/review` (or its picker's `?month=`) moves there.
  func review(_ request: Request, _ context: PortalContext) async throws -> Response {
    _ = try require(.review, request, context)
    guard let text = context.parameters.get("month") else {
      let picked = request.uri.queryParameters.get("month") ?? YearMonth(services.governance.today).description
      guard let month = YearMonth(picked) else {
        throw PortalError(.badRequest, "month: must be a month written YYYY-MM (got \"\(picked)\")")
      }
      return .moved(to: "/review/\(month)", status: .found)
    }
    guard let month = YearMonth(text) else {
      throw PortalError(.badRequest, "month: must be a month written YYYY-MM (got \"\(text)\")")
    }
    let review = try await services.governance.monthlyReview(month)
    let object: [String: Any] = [
      "action": "/review", "pickerLabel": "Choose the month",
      "fields": [["name": "month", "label": "Month (YYYY-MM)", "type": "month", "value": month.description]],
      "document": DocumentHTML.review(review),
    ]
    return await page("Monthly review \(month.title)", "document", object, context, current: "/review")
  }

  // MARK: - The Panel report

  /// The Panel report for a period in the page, with a link to download it as one HTML file.
  func panelReport(_ request: Request, _ context: PortalContext) async throws -> Response {
    _ = try require(.panelReport, request, context)
    let (from, to) = try reportPeriod(request)
    let inputs = try await services.oversight.panelInputs(from: from, to: to, trendPeriods: 3)
    let object: [String: Any] = [
      "action": "/reports/panel", "pickerLabel": "Choose the period",
      "fields": [
        ["name": "from", "label": "From", "type": "date", "value": from.description],
        ["name": "to", "label": "To", "type": "date", "value": to.description],
      ],
      "download": "/reports/panel/download?from=\(from)&to=\(to)",
      "document": DocumentHTML.panelReport(inputs),
    ]
    return await page("Panel report", "document", object, context, current: "/reports/panel")
  }

  /// The Panel report as the self-contained HTML file `assure report panel --format html`
  /// writes, as a download.
  func panelDownload(_ request: Request, _ context: PortalContext) async throws -> Response {
    _ = try require(.panelReport, request, context)
    let (from, to) = try reportPeriod(request)
    let inputs = try await services.oversight.panelInputs(from: from, to: to, trendPeriods: 3)
    var response = Response.html(PanelDocument.html(inputs))
    response.headers[.contentDisposition] = "attachment; filename=\"panel-report-\(from)-to-\(to).html\""
    return response
  }

  /// The report's period from `from` and `to`: by default the last three whole months.
  private func reportPeriod(_ request: Request) throws -> (LocalDate, LocalDate) {
    let thisMonth = YearMonth(services.governance.today)
    return try Self.period(
      request, defaultFrom: thisMonth.previous.previous.previous.firstDay, defaultTo: thisMonth.previous.lastDay)
  }

  /// `from` and `to` of the query, each a real day, `to` not before `from`, and at most 100 years
  /// apart; every problem named by its field.
  static func period(_ request: Request, defaultFrom: LocalDate, defaultTo: LocalDate) throws -> (LocalDate, LocalDate)
  {
    var problems: [String] = []
    func day(_ name: String, _ fallback: LocalDate) -> LocalDate {
      guard let text = request.uri.queryParameters.get(name), !text.isEmpty else { return fallback }
      guard let day = LocalDate(text) else {
        problems.append("\(name): must be a real day written YYYY-MM-DD (got \"\(text)\")")
        return fallback
      }
      return day
    }
    let from = day("from", defaultFrom)
    let to = day("to", defaultTo)
    if problems.isEmpty, to < from { problems.append("to: must be on or after from (\(from)), got \(to)") }
    if problems.isEmpty, to.year - from.year > 100 { problems.append("to: must be within 100 years of from") }
    guard problems.isEmpty else { throw PortalError(.badRequest, problems.joined(separator: "; ")) }
    return (from, to)
  }
}
