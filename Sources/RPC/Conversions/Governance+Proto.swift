import Foundation
public import Model
import SwiftProtobuf

/// A day from the wire: `YYYY-MM-DD`, or an error naming the field.
func day(_ text: String, _ field: String) throws(ValidationError) -> LocalDate {
  guard let day = LocalDate(text) else {
    throw ValidationError(field: field, rule: "must be a date YYYY-MM-DD (got \"\(text)\")")
  }
  return day
}

/// An optional day from the wire: empty is `nil`.
func optionalDay(_ text: String, _ field: String) throws(ValidationError) -> LocalDate? {
  text.isEmpty ? nil : try day(text, field)
}

extension Milestone {
  public init(proto p: Assure_V1_Milestone) throws(ValidationError) {
    self.init(
      id: p.id, elementID: p.elementID, title: p.title, dueDate: try day(p.dueDate, "due_date"),
      completedOn: try optionalDay(p.completedOn, "completed_on"), links: p.links)
  }

  public var proto: Assure_V1_Milestone {
    .with {
      $0.id = id
      $0.elementID = elementID
      $0.title = title
      $0.dueDate = dueDate.description
      $0.completedOn = completedOn?.description ?? ""
      $0.links = links
    }
  }
}

extension ProgressUpdate {
  public init(proto p: Assure_V1_ProgressUpdate) throws(ValidationError) {
    self.init(
      id: try UUID(wire: p.id, field: "update.id"), elementID: p.elementID, date: try day(p.date, "date"),
      narrative: p.narrative, author: p.author, status: ElementStatus(rawValue: p.status), forPanel: p.forPanel,
      links: p.links, recordedAt: p.recordedAt.millisecondDate)
  }

  public var proto: Assure_V1_ProgressUpdate {
    .with {
      $0.id = id.uuidString.lowercased()
      $0.elementID = elementID
      $0.date = date.description
      $0.narrative = narrative
      $0.author = author
      $0.status = status.rawValue
      $0.forPanel = forPanel
      $0.links = links
      $0.recordedAt = Google_Protobuf_Timestamp(milliseconds: recordedAt)
    }
  }
}

extension StatusChange {
  public init(proto p: Assure_V1_StatusChange) throws(ValidationError) {
    self.init(
      elementID: p.elementID, effectiveOn: try day(p.effectiveOn, "effective_on"),
      status: ElementStatus(rawValue: p.status),
      ragOverride: RAG(rawValue: p.ragOverride).map { RAGOverride(rag: $0, reason: p.ragOverrideReason) },
      note: p.note, author: p.author, recordedAt: p.recordedAt.millisecondDate)
  }

  public var proto: Assure_V1_StatusChange {
    .with {
      $0.elementID = elementID
      $0.effectiveOn = effectiveOn.description
      $0.status = status.rawValue
      $0.ragOverride = ragOverride?.rag.rawValue ?? ""
      $0.ragOverrideReason = ragOverride?.reason ?? ""
      $0.note = note
      $0.author = author
      $0.recordedAt = Google_Protobuf_Timestamp(milliseconds: recordedAt)
    }
  }
}

extension Meeting {
  public init(proto p: Assure_V1_Meeting) throws(ValidationError) {
    self.init(
      id: p.id, date: try day(p.date, "date"), title: p.title, attendees: p.attendees, decisions: p.decisions,
      notes: p.notes, recordedBy: p.recordedBy)
  }

  public var proto: Assure_V1_Meeting {
    .with {
      $0.id = id
      $0.date = date.description
      $0.title = title
      $0.attendees = attendees
      $0.decisions = decisions
      $0.notes = notes
      $0.recordedBy = recordedBy
    }
  }
}

extension MeetingAction {
  /// An action from the wire; `field` prefixes field names in errors (e.g. `actions[2].`).
  public init(proto p: Assure_V1_MeetingAction, field: String = "") throws(ValidationError) {
    self.init(
      id: p.id, meetingID: p.meetingID, text: p.text, owner: p.owner,
      dueDate: try optionalDay(p.dueDate, field + "due_date"),
      status: p.status.isEmpty ? .open : ActionStatus(rawValue: p.status),
      closedOn: try optionalDay(p.closedOn, field + "closed_on"), elementID: p.elementID.isEmpty ? nil : p.elementID,
      note: p.note)
  }

  public var proto: Assure_V1_MeetingAction {
    .with {
      $0.id = id
      $0.meetingID = meetingID
      $0.text = text
      $0.owner = owner
      $0.dueDate = dueDate?.description ?? ""
      $0.status = status.rawValue
      $0.closedOn = closedOn?.description ?? ""
      $0.elementID = elementID ?? ""
      $0.note = note
    }
  }
}

extension ActionItem {
  public init(proto p: Assure_V1_ActionItem) throws(ValidationError) {
    self.init(
      action: try MeetingAction(proto: p.action), meetingDate: try day(p.meetingDate, "meeting_date"),
      dueState: ActionDueState(rawValue: p.dueState) ?? .noDueDate)
  }

  public var proto: Assure_V1_ActionItem {
    .with {
      $0.action = action.proto
      $0.meetingDate = meetingDate.description
      $0.dueState = dueState.rawValue
    }
  }
}

extension Standing {
  public init(proto p: Assure_V1_Standing) {
    self.init(status: ElementStatus(rawValue: p.status), rag: RAG(rawValue: p.rag), ragOverridden: p.ragOverridden)
  }

  public var proto: Assure_V1_Standing {
    .with {
      $0.status = status.rawValue
      $0.rag = rag?.rawValue ?? ""
      $0.ragOverridden = ragOverridden
    }
  }
}

extension MonthlyReview {
  public init(proto p: Assure_V1_MonthlyReview) throws(ValidationError) {
    guard let month = YearMonth(p.month) else {
      throw ValidationError(field: "month", rule: "must be YYYY-MM (got \"\(p.month)\")")
    }
    var objectives: [ObjectiveReview] = []
    for o in p.objectives {
      var updates: [UpdateItem] = []
      for u in o.updates {
        updates.append(UpdateItem(update: try ProgressUpdate(proto: u.update), elementTitle: u.elementTitle))
      }
      func milestones(_ list: [Assure_V1_ReviewMilestone]) throws(ValidationError) -> [MilestoneItem] {
        var items: [MilestoneItem] = []
        for m in list {
          items.append(MilestoneItem(milestone: try Milestone(proto: m.milestone), elementTitle: m.elementTitle))
        }
        return items
      }
      var changes: [ElementChange] = []
      for c in o.changes {
        changes.append(
          ElementChange(
            elementID: c.elementID, elementTitle: c.elementTitle, from: c.hasFrom ? Standing(proto: c.from) : nil,
            to: Standing(proto: c.to), changedOn: try day(c.changedOn, "changed_on"), notes: c.notes))
      }
      var concerns: [ElementStanding] = []
      for e in o.elementsOfConcern {
        concerns.append(
          ElementStanding(
            elementID: e.elementID, title: e.title, standing: Standing(proto: e.standing), opccLead: e.opccLead,
            dueDate: try optionalDay(e.dueDate, "due_date")))
      }
      objectives.append(
        ObjectiveReview(
          objective: Objective(proto: o.objective), changes: changes, updates: updates,
          milestonesCompleted: try milestones(o.milestonesCompleted),
          milestonesDueNextMonth: try milestones(o.milestonesDueNextMonth),
          milestonesOverdue: try milestones(o.milestonesOverdue), elementsOfConcern: concerns,
          engagementCount: Int(o.engagementCount)))
    }
    var actions: [ActionItem] = []
    for a in p.openActions { actions.append(try ActionItem(proto: a)) }
    var meetings: [Meeting] = []
    for m in p.meetings { meetings.append(try Meeting(proto: m)) }
    let tallies = { (list: [Assure_V1_Tally]) in list.map { Tally(code: $0.code, name: $0.name, count: Int($0.count)) }
    }
    self.init(
      month: month, asOf: try day(p.asOf, "as_of"), objectives: objectives,
      engagements: EngagementActivity(
        total: Int(p.engagements.total), byWho: tallies(p.engagements.byWho), byArea: tallies(p.engagements.byArea)),
      openActions: actions, meetings: meetings)
  }

  public var proto: Assure_V1_MonthlyReview {
    let tallies = { (list: [Tally]) in
      list.map { t in
        Assure_V1_Tally.with {
          $0.code = t.code
          $0.name = t.name
          $0.count = Int32(clamping: t.count)
        }
      }
    }
    let milestones = { (list: [MilestoneItem]) in
      list.map { m in
        Assure_V1_ReviewMilestone.with {
          $0.milestone = m.milestone.proto
          $0.elementTitle = m.elementTitle
        }
      }
    }
    return .with {
      $0.month = month.description
      $0.asOf = asOf.description
      $0.objectives = objectives.map { o in
        .with {
          $0.objective = o.objective.proto
          $0.changes = o.changes.map { c in
            .with {
              $0.elementID = c.elementID
              $0.elementTitle = c.elementTitle
              if let from = c.from { $0.from = from.proto }
              $0.to = c.to.proto
              $0.changedOn = c.changedOn.description
              $0.notes = c.notes
            }
          }
          $0.updates = o.updates.map { u in
            .with {
              $0.update = u.update.proto
              $0.elementTitle = u.elementTitle
            }
          }
          $0.milestonesCompleted = milestones(o.milestonesCompleted)
          $0.milestonesDueNextMonth = milestones(o.milestonesDueNextMonth)
          $0.milestonesOverdue = milestones(o.milestonesOverdue)
          $0.elementsOfConcern = o.elementsOfConcern.map { e in
            .with {
              $0.elementID = e.elementID
              $0.title = e.title
              $0.standing = e.standing.proto
              $0.opccLead = e.opccLead
              $0.dueDate = e.dueDate?.description ?? ""
            }
          }
          $0.engagementCount = Int32(clamping: o.engagementCount)
        }
      }
      $0.engagements = .with {
        $0.total = Int32(clamping: engagements.total)
        $0.byWho = tallies(engagements.byWho)
        $0.byArea = tallies(engagements.byArea)
      }
      $0.openActions = openActions.map(\.proto)
      $0.meetings = meetings.map(\.proto)
    }
  }
}

extension ForceProfile {
  /// The profile as sent; the empty parts of a request take the standard names, so that a
  /// client that sets only the force's name still saves a whole profile.
  public init(proto p: Assure_V1_ForceProfile) {
    let standard = ForceProfile.standard
    self.init(
      forceName: p.forceName, planName: p.planName.isEmpty ? standard.planName : p.planName,
      panelName: p.panelName.isEmpty ? standard.panelName : p.panelName,
      commissionerTitle: p.commissionerTitle.isEmpty ? standard.commissionerTitle : p.commissionerTitle,
      commissionerShort: p.commissionerShort.isEmpty ? standard.commissionerShort : p.commissionerShort,
      offices: p.offices.isEmpty
        ? standard.offices
        : p.offices.map {
          Office(code: Officeholder(rawValue: $0.code), title: $0.title, short: $0.short.isEmpty ? nil : $0.short)
        },
      reachNames: p.reachNames,
      correspondenceSubjects: p.correspondenceSubjects.isEmpty
        ? standard.correspondenceSubjects : p.correspondenceSubjects.map { Term(code: $0.code, title: $0.title) },
      engagementKinds: p.engagementKinds.isEmpty
        ? standard.engagementKinds : p.engagementKinds.map { Term(code: $0.code, title: $0.title) })
  }

  public var proto: Assure_V1_ForceProfile {
    .with {
      $0.forceName = forceName
      $0.planName = planName
      $0.panelName = panelName
      $0.commissionerTitle = commissionerTitle
      $0.commissionerShort = commissionerShort
      $0.offices = offices.map { office in
        .with {
          $0.code = office.code.rawValue
          $0.title = office.title
          $0.short = office.short
        }
      }
      $0.reachNames = reachNames
      $0.correspondenceSubjects = correspondenceSubjects.map { subject in
        .with {
          $0.code = subject.code
          $0.title = subject.title
        }
      }
      $0.engagementKinds = engagementKinds.map { kind in
        .with {
          $0.code = kind.code
          $0.title = kind.title
        }
      }
    }
  }
}
