import Application
import Foundation
import GRPCCore
import Model
import RPC
import Reports
import SwiftProtobuf
import Sync

/// `assure.v1.ReportService`: the quarterly Panel report, built from the records and rendered
/// on the server, so that any client (or a panel reader with no CLI) gets the same document.
struct ReportService: Assure_V1_ReportService.SimpleServiceProtocol {
  let oversight: OversightRepository

  func generatePanelReport(request: Assure_V1_GeneratePanelReportRequest, context: ServerContext) async throws
    -> Assure_V1_GeneratePanelReportResponse
  {
    try AuthInterceptor.requireCaller()
    var r = DayReader()
    let from = r.required(request.from, "from")
    let to = r.required(request.to, "to")
    if to < from { r.violations.fail("to", "must be on or after from (\(from)), got \(to)") }
    if !["", "markdown", "html"].contains(request.format) {
      r.violations.fail("format", "must be markdown or html (got \"\(request.format)\")")
    }
    if request.trendPeriods != 0 && !(2...12).contains(request.trendPeriods) {
      r.violations.fail("trend_periods", "must be 2 to 12 (got \(request.trendPeriods))")
    }
    try r.done()
    let inputs = try await oversight.panelInputs(
      from: from, to: to, trendPeriods: request.trendPeriods == 0 ? 3 : Int(request.trendPeriods))
    let html = request.format == "html"
    return .with {
      $0.document = html ? PanelDocument.html(inputs) : PanelDocument.markdown(inputs)
      $0.format = html ? "html" : "markdown"
      $0.paragraphs = Int32(PanelDocument.paragraphCount(inputs))
    }
  }
}
