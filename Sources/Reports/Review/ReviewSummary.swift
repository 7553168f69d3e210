import Model

/// The review's headline counts, across all objectives.
struct ReviewSummary: Hashable, Sendable {
  var elementsChanged = 0
  var progressUpdates = 0
  var updatesForPanel = 0
  var milestonesCompleted = 0
  var milestonesDueNextMonth = 0
  var milestonesOverdue = 0
  /// Elements at risk or off track, or rated amber or red, on the review day.
  var elementsOfConcern = 0
  var engagements = 0
  var meetings = 0
  var openActions = 0
  var overdueActions = 0

  init(_ review: MonthlyReview) {
    for objective in review.objectives {
      elementsChanged += objective.changes.count
      progressUpdates += objective.updates.count
      updatesForPanel += objective.updates.filter(\.update.forPanel).count
      milestonesCompleted += objective.milestonesCompleted.count
      milestonesDueNextMonth += objective.milestonesDueNextMonth.count
      milestonesOverdue += objective.milestonesOverdue.count
      elementsOfConcern += objective.elementsOfConcern.count
    }
    engagements = review.engagements.total
    meetings = review.meetings.count
    openActions = review.openActions.count
    overdueActions = review.openActions.filter { $0.dueState == .overdue }.count
  }

  /// One line per count, as the summary lists them.
  func lines(month: YearMonth) -> [String] {
    typealias W = ReviewWording
    var updates = W.count(progressUpdates, "progress update", sentenceStart: true)
    if updatesForPanel > 0 { updates += " (\(updatesForPanel) for the Panel report)" }
    var actions = W.count(openActions, "open action", sentenceStart: true)
    if overdueActions > 0 { actions += " (\(overdueActions) overdue)" }
    return [
      W.count(elementsChanged, "element", sentenceStart: true) + " changed status or RAG rating.",
      updates + ".",
      "Milestones: \(milestonesCompleted) completed, \(milestonesDueNextMonth) due next month, "
        + "\(milestonesOverdue) overdue.",
      W.count(elementsOfConcern, "element", sentenceStart: true) + " at risk or off track (or rated AMBER or RED).",
      W.count(engagements, "engagement", sentenceStart: true) + " in \(month.title).",
      W.count(meetings, "governance meeting", sentenceStart: true) + " held in \(month.title).",
      actions + ".",
    ]
  }
}
