/// The portal's pages that need a sign-in, each allowed to the roles that may make the gRPC call
/// reading the same records: the server's one permission table decides both.
enum Page: String, CaseIterable, Sendable {
  case plan, element, review, panelReport, summary, engagements, engagement, actions

  /// The gRPC call whose rule applies (`assure.v1.Service/Method`).
  var method: String {
    switch self {
    case .plan: "assure.v1.DeliveryPlanService/ListElements"
    case .element: "assure.v1.DeliveryPlanService/GetElementHistory"
    case .review: "assure.v1.GovernanceService/GetMonthlyReview"
    case .panelReport: "assure.v1.ReportService/GeneratePanelReport"
    case .summary: "assure.v1.EngagementService/SummarizeEngagements"
    case .engagements: "assure.v1.EngagementService/ListEngagements"
    case .engagement: "assure.v1.EngagementService/GetEngagement"
    case .actions: "assure.v1.GovernanceService/ListActions"
    }
  }

  /// The page's entry in the navigation, for pages reached from it.
  var navigation: (label: String, path: String)? {
    switch self {
    case .plan: ("Delivery plan", "/plan")
    case .review: ("Monthly review", "/review")
    case .panelReport: ("Panel report", "/reports/panel")
    case .summary: ("Engagement figures", "/engagements/summary")
    case .engagements: ("Engagements", "/engagements")
    case .actions: ("Open actions", "/actions")
    case .element, .engagement: nil
    }
  }

  /// Every method the portal's pages apply the rules of (for a check that each is in the table).
  static var methods: [String] { allCases.map(\.method) }
}
