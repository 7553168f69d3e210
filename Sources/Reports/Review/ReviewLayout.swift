import Model

/// What the monthly review document says, and in what order, independent of its format.
///
/// Both forms are written from the same blocks, so the Markdown and the HTML always carry
/// the same content in the same order:
/// 1. the title, the "as at" day, and a notice while the month is still running;
/// 2. a summary of counts;
/// 3. one section per objective, with only the parts that have something in them;
/// 4. the month's engagements; 5. its meetings; 6. the open actions.
struct ReviewLayout {
  let review: MonthlyReview

  init(_ review: MonthlyReview) {
    self.review = review
  }

  /// "Monthly governance review: October 2022".
  var title: String { "Monthly governance review: \(review.month.title)" }

  /// The review laid out, ready to be written in either form.
  var document: Document { Document(title: title, blocks: blocks) }

  /// The document's blocks after its title.
  var blocks: [Block] {
    var blocks: [Block] = [.subtitle([.text("Delivery plan as at "), .date(review.asOf)])]
    if let notice = stillRunning { blocks.append(notice) }
    blocks.append(summary)
    if review.objectives.isEmpty {
      blocks.append(.paragraph(.plain("The delivery plan has no objectives.")))
    }
    blocks += review.objectives.map(objectiveSection)
    blocks += [engagements, meetings, openActions]
    return blocks
  }

  // MARK: - Opening

  /// Said when the review describes a month that has not ended.
  private var stillRunning: Block? {
    guard review.asOf < review.month.lastDay else { return nil }
    return .notice([
      .strong("The month is still running."), .text(" This review covers 1 to "), .date(review.asOf),
      .text(" only, and will change as the rest of the month is recorded."),
    ])
  }

  private var summary: Block {
    let lines = ReviewSummary(review).lines(month: review.month)
    return .section(title: .plain("Summary"), blocks: [.list(lines.map { [.text($0)] })])
  }

  // MARK: - Objectives

  private func objectiveSection(_ part: ObjectiveReview) -> Block {
    let title = Inline.text("Objective \(part.objective.id): \(part.objective.title)")
    guard !part.isQuiet else {
      return .section(title: [title], blocks: [.paragraph(.plain(ReviewWording.quiet))])
    }
    var parts: [Block] = []
    if !part.changes.isEmpty {
      parts.append(.section(title: .plain("Status changes"), blocks: [changesTable(part.changes)]))
    }
    if !part.updates.isEmpty {
      parts.append(.section(title: .plain("Progress updates"), blocks: part.updates.map(updateSection)))
    }
    if !part.milestonesCompleted.isEmpty {
      parts.append(
        .section(
          title: .plain("Milestones completed"),
          blocks: [
            milestoneTable(part.milestonesCompleted, extraColumns: [Block.Column("Completed")]) { item in
              [[item.milestone.completedOn.map(Inline.date) ?? .text("not recorded")]]
            }
          ]))
    }
    if !part.milestonesDueNextMonth.isEmpty {
      parts.append(
        .section(
          title: .plain("Milestones due next month (\(review.month.next.title))"),
          blocks: [milestoneTable(part.milestonesDueNextMonth)]))
    }
    if !part.milestonesOverdue.isEmpty {
      let asOf = review.asOf
      let overdueBy = Block.Column("Overdue by", numeric: true)
      parts.append(
        .section(
          title: .plain("Overdue milestones"),
          blocks: [
            .paragraph([.text("Days overdue are counted to "), .date(asOf), .text(".")]),
            milestoneTable(part.milestonesOverdue, extraColumns: [overdueBy]) { item in
              [[.text(ReviewWording.count(item.milestone.dueDate.days(until: asOf), "day"))]]
            },
          ]))
    }
    if !part.elementsOfConcern.isEmpty {
      parts.append(
        .section(
          title: .plain("Elements at risk or off track"),
          blocks: [
            .paragraph([.text("As at "), .date(review.asOf), .text(", including any element rated AMBER or RED.")]),
            concernTable(part.elementsOfConcern),
          ]))
    }
    if part.engagementCount > 0 {
      parts.append(
        .section(
          title: .plain("Engagements"),
          blocks: [
            .paragraph(
              .plain("Engagements in \(review.month.title) linked to this objective: \(part.engagementCount)."))
          ]))
    }
    return .section(title: [title], blocks: parts)
  }

  private func changesTable(_ changes: [ElementChange]) -> Block {
    .table(
      Block.Table(
        columns: ["Element", "From", "To", "Changed on", "Notes"].map { Block.Column($0) },
        rows: changes.map { change in
          [
            [.text("\(change.elementID) \(change.elementTitle)")],
            [change.from.map(Inline.standing) ?? .text(ReviewWording.newToPlan)],
            [.standing(change.to)],
            [.date(change.changedOn)],
            [.text(change.notes.isEmpty ? "none recorded" : ReviewWording.notes(change.notes))],
          ]
        }))
  }

  /// One progress update: a heading with its day and element, who wrote it, and its narrative.
  private func updateSection(_ item: UpdateItem) -> Block {
    let update = item.update
    let author = ReviewWording.oneLine(update.author)
    var meta: [Inline] = [
      .text(
        (author.isEmpty ? "Author not recorded" : "By \(author)")
          + "; status at the time: \(StandingWording.status(update.status)).")
    ]
    if update.forPanel { meta += [.text(" "), .marker(ReviewWording.forPanel)] }
    let narrative: Block =
      FreeText.paragraphs(update.narrative).isEmpty
      ? .paragraph(.plain("No narrative recorded.")) : .narrative(update.narrative)
    return .section(
      title: [.date(update.date), .text(": \(update.elementID) \(item.elementTitle)")],
      blocks: [.byline(meta), narrative])
  }

  /// A table of milestones: reference, title, element and due day, then `extraColumns`
  /// filled for each milestone by `extraCells`.
  private func milestoneTable(
    _ items: [MilestoneItem], extraColumns: [Block.Column] = [],
    extraCells: (MilestoneItem) -> [[Inline]] = { _ in [] }
  ) -> Block {
    .table(
      Block.Table(
        columns: ["Ref", "Milestone", "Element", "Due"].map { Block.Column($0) } + extraColumns,
        rows: items.map { item in
          [
            [.text(item.milestone.id)],
            [.text(item.milestone.title)],
            [.text("\(item.milestone.elementID) \(item.elementTitle)")],
            [.date(item.milestone.dueDate)],
          ] + extraCells(item)
        }))
  }

  private func concernTable(_ elements: [ElementStanding]) -> Block {
    .table(
      Block.Table(
        columns: ["Element", "Status", "RAG", "OPCC lead", "Due"].map { Block.Column($0) },
        rows: elements.map { element in
          let lead = ReviewWording.oneLine(element.opccLead)
          return [
            [.text("\(element.elementID) \(element.title)")],
            [.text(StandingWording.status(element.standing.status))],
            [.rag(element.standing.rag, overridden: element.standing.ragOverridden)],
            [.text(lead.isEmpty ? "not recorded" : lead)],
            [element.dueDate.map(Inline.date) ?? .text("no due date")],
          ]
        }))
  }

  // MARK: - Engagements, meetings, actions

  private var engagements: Block {
    let activity = review.engagements
    let month = review.month.title
    guard activity.total > 0 else {
      return .section(
        title: .plain("Engagements in \(month)"),
        blocks: [.paragraph(.plain("No engagements were recorded in \(month)."))])
    }
    func tally(_ title: String, _ column: String, _ tallies: [Tally]) -> Block {
      .section(
        title: .plain(title),
        blocks: [
          .table(
            Block.Table(
              columns: [Block.Column(column), Block.Column("Engagements", numeric: true)],
              rows: tallies.map { [[.text($0.name)], [.text("\($0.count)")]] }))
        ])
    }
    var blocks: [Block] = [.paragraph(.plain("Total: \(ReviewWording.count(activity.total, "engagement"))."))]
    if !activity.byWho.isEmpty { blocks.append(tally("By officeholder", "Officeholder", activity.byWho)) }
    if !activity.byArea.isEmpty { blocks.append(tally("By area", "Area", activity.byArea)) }
    return .section(title: .plain("Engagements in \(month)"), blocks: blocks)
  }

  private var meetings: Block {
    let month = review.month.title
    guard !review.meetings.isEmpty else {
      return .section(
        title: .plain("Meetings held in \(month)"),
        blocks: [.paragraph(.plain("No governance meetings were recorded in \(month)."))])
    }
    let sections = review.meetings.map { meeting -> Block in
      let attendees = meeting.attendees.map(ReviewWording.oneLine).filter { !$0.isEmpty }
      let decisions = meeting.decisions.map(ReviewWording.oneLine).filter { !$0.isEmpty }
      let title = ReviewWording.oneLine(meeting.title)
      var blocks: [Block] = [
        .paragraph(
          .plain(attendees.isEmpty ? "Attendees not recorded." : "Attendees: \(Prose.list(attendees))."))
      ]
      if decisions.isEmpty {
        blocks.append(.paragraph(.plain("No decisions recorded.")))
      } else {
        blocks += [.paragraph(.plain("Decisions:")), .list(decisions.map { [.text($0)] })]
      }
      return .section(
        title: [.date(meeting.date), .text(": \(title.isEmpty ? "Governance meeting" : title)")], blocks: blocks)
    }
    return .section(title: .plain("Meetings held in \(month)"), blocks: sections)
  }

  private var openActions: Block {
    let title: [Inline] = [.text("Open actions as at "), .date(review.asOf)]
    guard !review.openActions.isEmpty else {
      return .section(
        title: title, blocks: [.paragraph([.text("No actions were open on "), .date(review.asOf), .text(".")])])
    }
    let table = Block.Table(
      columns: ["Ref", "Action", "Owner", "From meeting", "Due", "State"].map { Block.Column($0) },
      rows: review.openActions.map { item in
        let state = ReviewWording.dueState(item.dueState)
        let owner = ReviewWording.oneLine(item.action.owner)
        return [
          [.text(item.action.id)],
          [.text(item.action.text)],
          [.text(owner.isEmpty ? "not recorded" : owner)],
          [.date(item.meetingDate)],
          [item.action.dueDate.map(Inline.date) ?? .text("none")],
          [item.dueState == .overdue ? .strong(state) : .text(state)],
        ]
      })
    // The order is the review's own (overdue first); it is said only when it shows.
    let overdueFirst: [Block] =
      review.openActions.contains { $0.dueState == .overdue }
      ? [.paragraph(.plain("Overdue actions are listed first."))] : []
    return .section(title: title, blocks: overdueFirst + [.table(table)])
  }
}
