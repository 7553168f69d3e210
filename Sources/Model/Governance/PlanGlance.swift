/// The delivery plan at a glance: every element with its standing today and at the end of last
/// month, and the RAG counts of both days, for the plan's page in the portal.
public struct PlanGlance: Sendable, Hashable {
  /// One plan element and its two standings.
  public struct Row: Sendable, Hashable {
    public var element: PlanElement
    /// On `asOf`; `nil` before the element's first recorded status.
    public var now: Standing?
    /// At the end of the previous month.
    public var lastMonth: Standing?
  }

  /// How many elements had each rating on each day; `rag == nil` counts elements not rated
  /// (paused, not started and not yet due, or with no status yet).
  public struct Count: Sendable, Hashable {
    public var rag: RAG?
    public var now: Int
    public var lastMonth: Int
  }

  /// The day described (today).
  public var asOf: LocalDate
  /// The last day of the previous month, the day compared with.
  public var lastMonthEnd: LocalDate
  public var objectives: [Objective]
  /// In plan order.
  public var rows: [Row]
  /// Red, amber, green, then not rated.
  public var counts: [Count]

  /// The glance on `today` from the inputs of the review of `today`'s month as at `today`
  /// (their history reaches back to the end of the previous month).
  public static func build(today: LocalDate, inputs: ReviewInputs) -> PlanGlance {
    let standings = PlanStandings(inputs)
    let lastMonthEnd = YearMonth(today).firstDay.adding(days: -1)
    let rows = inputs.elements.map { element in
      Row(
        element: element, now: standings.standing(of: element, on: today),
        lastMonth: standings.standing(of: element, on: lastMonthEnd))
    }
    let ratings: [RAG?] = RAG.allCases.map { $0 } + [nil]
    let counts = ratings.map { rag in
      Count(
        rag: rag, now: rows.filter { $0.now?.rag == rag }.count,
        lastMonth: rows.filter { $0.lastMonth?.rag == rag }.count)
    }
    return PlanGlance(
      asOf: today, lastMonthEnd: lastMonthEnd, objectives: inputs.objectives, rows: rows, counts: counts)
  }
}
