import Foundation
import Model
import Testing

@testable import Reports

/// What the review says, and in what order, in both forms.
@Suite struct ReviewDocumentTests {
  // MARK: - Opening and order

  @Test("the title, the as-at day and the sections come in order, one section per objective")
  func sectionsInOrder() throws {
    // Given the October 2022 review, as at 31 October
    let review = try SampleReview.october()

    // When it is written as Markdown
    let markdown = ReviewDocument.markdown(review)

    // Then it opens with the title and the as-at day, and its sections follow in order
    #expect(markdown.hasPrefix("# Monthly governance review: October 2022\n\nDelivery plan as at 31 October 2022\n"))
    let sections = markdown.components(separatedBy: "\n").filter { $0.hasPrefix("## ") }
    #expect(
      sections == [
        "## Summary",
        "## Objective 1: Putting victims and survivors first",
        "## Objective 2: Building a more secure West Mercia",
        "## Objective 3: Reforming West Mercia",
        "## Objective 4: Reassuring West Mercia's communities",
        "## Engagements in October 2022",
        "## Meetings held in October 2022",
        "## Open actions as at 31 October 2022",
      ])
  }

  @Test("the Markdown and the HTML have the same headings, at the same levels, in the same order")
  func sameHeadingsInBothForms() throws {
    for review in [try SampleReview.october(), try SampleReview.october(today: "2022-10-17")] {
      let markdown = TextSearch.markdownHeadings(ReviewDocument.markdown(review))
      let html = TextSearch.htmlHeadings(ReviewDocument.html(review))
      #expect(markdown.count > 20)
      #expect(markdown == html)
    }
  }

  @Test("a review of a month still running says so", arguments: ["2022-10-01", "2022-10-17", "2022-10-30"])
  func stillRunning(today: String) throws {
    // Given October reviewed on a day before its end
    let review = try SampleReview.october(today: today)
    let day = try #require(LocalDate(today)).day

    // Then both forms say the plan is as at that day and that the month is still running
    let markdown = ReviewDocument.markdown(review)
    let html = ReviewDocument.html(review)
    #expect(markdown.contains("Delivery plan as at \(day) October 2022\n"))
    #expect(markdown.contains("> **The month is still running.** This review covers 1 to \(day) October 2022 only"))
    #expect(html.contains("<strong>The month is still running.</strong>"))
    #expect(html.contains("covers 1 to <time datetime=\"\(today)\">\(day) October 2022</time> only"))
  }

  @Test("a review of a finished month does not say it is still running", arguments: ["2022-10-31", "2023-01-15"])
  func finishedMonth(today: String) throws {
    let review = try SampleReview.october(today: today)
    let markdown = ReviewDocument.markdown(review)
    #expect(markdown.contains("Delivery plan as at 31 October 2022\n"))
    #expect(!markdown.contains("still running"))
    #expect(!ReviewDocument.html(review).contains("still running"))
  }

  @Test("the summary counts changes, updates, milestones, elements of concern, engagements, meetings and actions")
  func summary() throws {
    let markdown = ReviewDocument.markdown(try SampleReview.october())
    let summary = TextSearch.markdownSection(markdown, heading: "## Summary")
    #expect(
      summary == """
        ## Summary

        - 5 elements changed status or RAG rating.
        - 3 progress updates (2 for the Panel report).
        - Milestones: 1 completed, 2 due next month, 2 overdue.
        - 4 elements at risk or off track (or rated AMBER or RED).
        - 16 engagements in October 2022.
        - 1 governance meeting held in October 2022.
        - 5 open actions (2 overdue).

        """)
  }

  @Test("an empty review's summary says none rather than zero")
  func emptySummary() throws {
    let markdown = ReviewDocument.markdown(try SampleReview.handMade())
    for line in [
      "- No elements changed status or RAG rating.", "- No progress updates.",
      "- Milestones: 0 completed, 0 due next month, 0 overdue.", "- No engagements in October 2022.",
      "- No governance meetings held in October 2022.", "- No open actions.",
    ] {
      #expect(markdown.contains(line + "\n"), "missing: \(line)")
    }
    #expect(markdown.contains("The delivery plan has no objectives."))
  }

  // MARK: - Objectives

  @Test("a status change shows the element, from and to as status and RAG in words, the day and the notes")
  func statusChange() throws {
    let review = try SampleReview.october()
    let markdown = ReviewDocument.markdown(review)
    #expect(
      markdown.contains(
        "| 1.5 Operation Lincoln victim support | on-track (GREEN) | at-risk (AMBER) | 12 October 2022 | "
          + "The Home Office has not yet decided on the £100,000 bid; support cannot be commissioned until it does. |"))
    let html = ReviewDocument.html(review)
    #expect(
      html.contains(
        "<td>1.5 Operation Lincoln victim support</td><td>on-track <span class=\"rag rag-green\">GREEN</span></td>"
          + "<td>at-risk <span class=\"rag rag-amber\">AMBER</span></td>"
          + "<td><time datetime=\"2022-10-12\">12 October 2022</time></td>"))
  }

  @Test("an element added in the month is new to the plan, and a missing RAG is no rating")
  func newToPlanAndNoRating() throws {
    let review = try SampleReview.october()
    #expect(
      ReviewDocument.markdown(review).contains(
        "| 1.8 Out of court diversion for women | new to the plan | not-started (no rating) | 20 October 2022 |"))
    #expect(
      ReviewDocument.html(review).contains(
        "<td>new to the plan</td><td>not-started <span class=\"rag rag-none\">NO RATING</span></td>"))
  }

  @Test("a RAG set by hand is marked as such, with its reason among the notes")
  func overriddenRAG() throws {
    let review = try SampleReview.october()
    let markdown = ReviewDocument.markdown(review)
    #expect(
      markdown.contains(
        "| 2.3 Road safety investment | on-track (GREEN) | at-risk (RED, set by hand) | 18 October 2022 | "
          + "Road Safety Team uplift recruitment is behind plan; RAG set to RED: 4 of 11.5 posts filled \\| 7.5 vacant |"
      ))
    #expect(
      markdown.contains(
        "| 2.3 Road safety investment | at-risk | RED (set by hand) | Road Safety Lead | 31 March 2023 |"))
    #expect(
      markdown.contains("| 2.5 Criminal justice backlog | off-track | RED | Criminal Justice Lead | 31 March 2023 |"))
    #expect(
      ReviewDocument.html(review).contains(
        "<td>at-risk <span class=\"rag rag-red\">RED</span> (set by hand)</td>"))
  }

  @Test("several notes on one change read as one line")
  func notesJoined() {
    #expect(
      ReviewWording.notes(["Bid delayed.", "Chased", "RAG set to RED: no decision"])
        == "Bid delayed. Chased; RAG set to RED: no decision")
    #expect(ReviewWording.notes(["  two\n lines ", ""]) == "two lines")
  }

  @Test("a quiet objective says no activity was recorded, and has no sub-parts")
  func quietObjective() throws {
    let markdown = ReviewDocument.markdown(try SampleReview.october())
    #expect(
      TextSearch.markdownSection(markdown, heading: "## Objective 3: Reforming West Mercia")
        == "## Objective 3: Reforming West Mercia\n\nNo activity recorded this month.\n")
    let busy = TextSearch.markdownSection(markdown, heading: "## Objective 1: Putting victims and survivors first")
    #expect(!busy.contains("No activity recorded this month."))
  }

  @Test("an objective with only linked engagements is not quiet and shows their count")
  func engagementsOnly() throws {
    let objective = Objective(id: "4", title: "Reassuring West Mercia's communities", position: 4)
    let review = try SampleReview.handMade(objectives: [ObjectiveReview(objective: objective, engagementCount: 2)])
    let markdown = ReviewDocument.markdown(review)
    #expect(!markdown.contains("No activity recorded this month."))
    #expect(markdown.contains("### Engagements\n\nEngagements in October 2022 linked to this objective: 2.\n"))
  }

  @Test("sub-parts with nothing in them are left out")
  func emptySubPartsOmitted() throws {
    let markdown = ReviewDocument.markdown(try SampleReview.october())
    let section = TextSearch.markdownSection(markdown, heading: "## Objective 4: Reassuring West Mercia's communities")
    let parts = section.components(separatedBy: "\n").filter { $0.hasPrefix("### ") }
    #expect(parts == ["### Status changes", "### Elements at risk or off track", "### Engagements"])
  }

  @Test("a progress update shows its day, element, author, status, Panel marker and narrative")
  func progressUpdate() throws {
    let review = try SampleReview.october()
    let markdown = ReviewDocument.markdown(review)
    #expect(
      markdown.contains(
        """
        #### 5 October 2022: 1.1 £1m Prevention Fund

        By Commissioning Manager; status at the time: on-track. **[for Panel report]**

        £60,000 has been awarded
        """))
    // An update not marked for the Panel has no marker.
    #expect(
      markdown.contains(
        """
        By Victim Services Lead; status at the time: at-risk.

        Bid to the Home Office
        """))
    let html = ReviewDocument.html(review)
    #expect(
      html.contains(
        "<p class=\"meta\">By Commissioning Manager; status at the time: on-track. "
          + "<strong class=\"marker\">[for Panel report]</strong></p>"))
    #expect(html.contains("<p class=\"meta\">By Victim Services Lead; status at the time: at-risk.</p>"))
  }

  @Test("a narrative keeps its paragraphs and line breaks")
  func narrativeParagraphs() throws {
    let review = try SampleReview.october()
    let markdown = ReviewDocument.markdown(review)
    #expect(markdown.contains("and the wider organisation.\n\nThe project is designed"))
    #expect(markdown.contains("at the CSP Summit. \\\nFurther engagement planned"))
    #expect(markdown.contains("must name SROs.\n\nIndicative allocation"))
    let html = ReviewDocument.html(review)
    #expect(html.contains("and the wider organisation.</p>\n<p>The project is designed"))
    #expect(html.contains("at the CSP Summit.<br>\nFurther engagement planned"))
  }

  @Test("milestones completed and due next month are listed with their dates")
  func milestones() throws {
    let markdown = ReviewDocument.markdown(try SampleReview.october())
    #expect(
      markdown.contains(
        "### Milestones completed\n\n| Ref | Milestone | Element | Due | Completed |\n| --- | --- | --- | --- | --- |\n"
          + "| 1.3-M1 | Needs assessment scope agreed | 1.3 Victim needs assessment | 21 October 2022 | 19 October 2022 |\n"
      ))
    #expect(markdown.contains("### Milestones due next month (November 2022)"))
    #expect(
      markdown.contains(
        "| 1.4-M1 | Home Office bid for 2023/24 perpetrator programmes | 1.4 Domestic abuse perpetrator programmes "
          + "| 30 November 2022 |"))
  }

  @Test(
    "an overdue milestone shows how many days overdue it is on the review day",
    arguments: [("2022-11-03", "17 days", "31 days"), ("2022-10-17", "3 days", "17 days")])
  func overdueMilestone(today: String, lincoln: String, iitcse: String) throws {
    let markdown = ReviewDocument.markdown(try SampleReview.october(today: today))
    #expect(
      markdown.contains(
        "| 1.5-M2 | Home Office funding decision received | 1.5 Operation Lincoln victim support | 14 October 2022 | \(lincoln) |"
      ))
    #expect(
      markdown.contains(
        "| 2.2-M1 | Strategic Implementation Group terms of reference agreed | 2.2 IITCSE recommendations "
          + "| 30 September 2022 | \(iitcse) |"))
  }

  @Test("one day overdue is written in the singular")
  func oneDayOverdue() throws {
    let milestone = Milestone(
      id: "1.1-M1", elementID: "1.1", title: "Awards made", dueDate: try SampleReview.day("2022-10-30"))
    let objective = ObjectiveReview(
      objective: Objective(id: "1", title: "Victims", position: 1),
      milestonesOverdue: [MilestoneItem(milestone: milestone, elementTitle: "Prevention Fund")])
    let markdown = ReviewDocument.markdown(try SampleReview.handMade(objectives: [objective]))
    #expect(markdown.contains("| 1.1-M1 | Awards made | 1.1 Prevention Fund | 30 October 2022 | 1 day |"))
  }

  @Test("elements of concern show status, RAG, OPCC lead and due date; missing ones are said")
  func elementsOfConcern() throws {
    let objective = ObjectiveReview(
      objective: Objective(id: "2", title: "Secure", position: 2),
      elementsOfConcern: [
        ElementStanding(
          elementID: "2.9", title: "Paused work", standing: Standing(status: .paused, rag: nil), opccLead: " ",
          dueDate: nil)
      ])
    let markdown = ReviewDocument.markdown(try SampleReview.handMade(objectives: [objective]))
    #expect(markdown.contains("| 2.9 Paused work | paused | no rating | not recorded | no due date |"))
  }

  // MARK: - Engagements, meetings, actions

  @Test("the month's engagements are counted in total, by officeholder and by area")
  func engagements() throws {
    let markdown = ReviewDocument.markdown(try SampleReview.october())
    let section = TextSearch.markdownSection(markdown, heading: "## Engagements in October 2022")
    #expect(section.contains("Total: 16 engagements.\n"))
    #expect(
      section.contains(
        "### By officeholder\n\n| Officeholder | Engagements |\n| --- | ---: |\n| Police and Crime Commissioner | 9 |\n"
          + "| Deputy PCC | 5 |\n| Assistant PCC | 2 |\n"))
    #expect(
      section.contains(
        "### By area\n\n| Area | Engagements |\n| --- | ---: |\n| Herefordshire | 3 |\n| Shropshire | 5 |\n"
          + "| Telford and Wrekin | 4 |\n| Worcestershire | 4 |\n"))
  }

  @Test("a month with no engagements says so and has no tables")
  func noEngagements() throws {
    let markdown = ReviewDocument.markdown(try SampleReview.handMade())
    let section = TextSearch.markdownSection(markdown, heading: "## Engagements in October 2022")
    #expect(section == "## Engagements in October 2022\n\nNo engagements were recorded in October 2022.\n")
  }

  @Test("the month's meetings show their day, title, attendees and decisions; earlier meetings are not listed")
  func meetings() throws {
    let markdown = ReviewDocument.markdown(try SampleReview.october())
    let section = TextSearch.markdownSection(markdown, heading: "## Meetings held in October 2022")
    #expect(
      section == """
        ## Meetings held in October 2022

        ### 12 October 2022: Monthly governance meeting

        Attendees: John Campion (PCC), Marc Bayliss (Deputy PCC), Chief Executive, Treasurer and Victim Services Lead.

        Decisions:

        - Operation Lincoln victim support to be rated AMBER until the Home Office decides on the bid.
        - £60,000 from the Prevention Fund to Barnardo's for trauma-informed training approved.

        """)
  }

  @Test("a month with no meetings says so")
  func noMeetings() throws {
    let markdown = ReviewDocument.markdown(try SampleReview.handMade())
    #expect(
      markdown.contains("## Meetings held in October 2022\n\nNo governance meetings were recorded in October 2022.\n"))
  }

  @Test("open actions keep the order they are given in, with their due state in words")
  func openActionsOrder() throws {
    // Given actions in an order that is neither by id nor by date
    func item(_ id: String, due: String?, _ state: ActionDueState) throws -> ActionItem {
      ActionItem(
        action: MeetingAction(
          id: id, text: "Action \(id)", owner: "Owner \(id)", dueDate: try due.map(SampleReview.day)),
        meetingDate: try SampleReview.day("2022-09-14"), dueState: state)
    }
    let review = try SampleReview.handMade(openActions: [
      try item("A9", due: "2022-10-20", .overdue), try item("A2", due: "2022-09-30", .overdue),
      try item("A7", due: "2022-11-02", .dueSoon), try item("A1", due: "2023-01-31", .notYetDue),
      try item("A5", due: nil, .noDueDate),
    ])

    // Then both forms list them in that order, each with its state
    let markdown = ReviewDocument.markdown(review)
    let rows = [
      "| A9 | Action A9 | Owner A9 | 14 September 2022 | 20 October 2022 | **overdue** |",
      "| A2 | Action A2 | Owner A2 | 14 September 2022 | 30 September 2022 | **overdue** |",
      "| A7 | Action A7 | Owner A7 | 14 September 2022 | 2 November 2022 | due soon |",
      "| A1 | Action A1 | Owner A1 | 14 September 2022 | 31 January 2023 | not yet due |",
      "| A5 | Action A5 | Owner A5 | 14 September 2022 | none | no due date |",
    ]
    #expect(markdown.contains(rows.joined(separator: "\n")))
    #expect(markdown.contains("Overdue actions are listed first."))
    #expect(
      TextSearch.inOrder(
        ["<td>A9</td>", "<td>A2</td>", "<td>A7</td>", "<td>A1</td>", "<td>A5</td>"], in: ReviewDocument.html(review)))
  }

  @Test("the open actions of the October records come overdue first")
  func openActionsFromRecords() throws {
    let markdown = ReviewDocument.markdown(try SampleReview.october())
    #expect(TextSearch.inOrder(["| A1 |", "| A4 |", "| A5 |", "| A3 |", "| A6 |"], in: markdown))
    // A2 was done at the October meeting.
    #expect(!markdown.contains("| A2 |"))
  }

  @Test("no open actions is said in words")
  func noOpenActions() throws {
    let markdown = ReviewDocument.markdown(try SampleReview.handMade())
    #expect(markdown.contains("## Open actions as at 31 October 2022\n\nNo actions were open on 31 October 2022.\n"))
  }

  // MARK: - Values in words

  @Test(
    "days are written day, month name, year, with no leading zero",
    arguments: [
      ("2022-10-03", "3 October 2022"), ("2023-01-31", "31 January 2023"), ("2024-02-29", "29 February 2024"),
    ])
  func longDates(text: String, expected: String) throws {
    #expect(try SampleReview.day(text).longForm == expected)
  }

  @Test(
    "days between two dates count across month, year and leap-day boundaries",
    arguments: [
      ("2022-10-14", "2022-10-31", 17), ("2022-09-30", "2022-10-31", 31), ("2022-12-31", "2023-01-01", 1),
      ("2024-02-28", "2024-03-01", 2), ("2023-02-28", "2023-03-01", 1), ("2022-10-31", "2022-10-14", -17),
      ("2000-01-01", "2001-01-01", 366),
    ])
  func daysBetween(from: String, to: String, days: Int) throws {
    #expect(try SampleReview.day(from).days(until: try SampleReview.day(to)) == days)
  }

  @Test(
    "due states are written in words",
    arguments: [
      (ActionDueState.overdue, "overdue"), (.dueSoon, "due soon"), (.notYetDue, "not yet due"),
      (.noDueDate, "no due date"), (.closed, "closed"),
    ])
  func dueStates(state: ActionDueState, words: String) {
    #expect(ReviewWording.dueState(state) == words)
  }
}
