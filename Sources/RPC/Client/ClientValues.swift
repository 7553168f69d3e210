public import Foundation
public import Model

// Requests and results of `AssureClient` for which the domain has no type of its own.

// MARK: - Accounts

/// A sign-in the server issued (enrolment, refresh): the token to send, with its account
/// and its record. The token is shown once and never stored by the server.
public struct IssuedSignIn: Sendable, Hashable {
  public var token: String
  public var account: Account
  public var signIn: DeviceToken

  public init(token: String, account: Account, signIn: DeviceToken) {
    self.token = token
    self.account = account
    self.signIn = signIn
  }
}

/// Who the server takes the caller to be.
public struct CurrentSignIn: Sendable, Hashable {
  public var account: Account
  public var signIn: DeviceToken

  public init(account: Account, signIn: DeviceToken) {
    self.account = account
    self.signIn = signIn
  }
}

/// A one-time code for a user to sign a device in with.
public struct EnrolmentCode: Sendable, Hashable {
  public var account: Account
  public var code: String
  public var expiresAt: Date

  public init(account: Account, code: String, expiresAt: Date) {
    self.account = account
    self.code = code
    self.expiresAt = expiresAt
  }
}

// MARK: - Plan

/// A plan element with the RAG the server gave it on its day (the derived one, or the one set
/// by hand).
public struct RatedElement: Sendable, Hashable {
  public var element: PlanElement
  /// `nil`: no rating (paused, or not started before its start day).
  public var rag: RAG?

  public init(element: PlanElement, rag: RAG?) {
    self.element = element
    self.rag = rag
  }
}

/// A status change of a plan element to record.
public struct ElementStatusChange: Sendable, Hashable {
  public var elementID: String
  public var status: ElementStatus
  /// The day it holds from; `nil`: the server's today.
  public var effectiveOn: LocalDate?
  public var note: String
  /// A RAG set by hand, `red`, `amber` or `green`, as given: the server checks it (with the
  /// other fields, so that every problem is named at once).
  public var ragOverride: String?
  /// Why the RAG is set by hand.
  public var ragOverrideReason: String

  public init(
    elementID: String, status: ElementStatus, effectiveOn: LocalDate? = nil, note: String = "",
    ragOverride: String? = nil, ragOverrideReason: String = ""
  ) {
    self.elementID = elementID
    self.status = status
    self.effectiveOn = effectiveOn
    self.note = note
    self.ragOverride = ragOverride
    self.ragOverrideReason = ragOverrideReason
  }
}

/// A progress update to record on a plan element.
public struct NewProgressUpdate: Sendable, Hashable {
  public var elementID: String
  public var narrative: String
  /// The day the progress is reported for; `nil`: the server's today.
  public var date: LocalDate?
  /// Marked for the quarterly Police and Crime Panel report.
  public var forPanel: Bool
  /// `nil`: the caller.
  public var author: String?
  /// Records it refers to, `type:id`.
  public var links: [String]

  public init(
    elementID: String, narrative: String, date: LocalDate? = nil, forPanel: Bool = false, author: String? = nil,
    links: [String] = []
  ) {
    self.elementID = elementID
    self.narrative = narrative
    self.date = date
    self.forPanel = forPanel
    self.author = author
    self.links = links
  }
}

/// What a plan import created, updated or would (a dry run).
public struct PlanImportCounts: Sendable, Hashable {
  public var objectivesCreated: Int
  public var objectivesUpdated: Int
  public var elementsCreated: Int
  public var elementsUpdated: Int
  public var unchanged: Int
  public var statusChanges: Int

  public init(
    objectivesCreated: Int, objectivesUpdated: Int, elementsCreated: Int, elementsUpdated: Int, unchanged: Int,
    statusChanges: Int
  ) {
    self.objectivesCreated = objectivesCreated
    self.objectivesUpdated = objectivesUpdated
    self.elementsCreated = elementsCreated
    self.elementsUpdated = elementsUpdated
    self.unchanged = unchanged
    self.statusChanges = statusChanges
  }
}

// MARK: - Governance

/// A meeting as recorded, with its actions and the ids the server gave them.
public struct RecordedMeeting: Sendable, Hashable {
  public var meeting: Meeting
  public var actions: [MeetingAction]

  public init(meeting: Meeting, actions: [MeetingAction]) {
    self.meeting = meeting
    self.actions = actions
  }
}

// MARK: - Oversight

/// An award as saved, with the position of the fund it draws on (none for the core budget).
public struct SavedAward: Sendable, Hashable {
  public var award: Award
  public var fund: FundPosition?

  public init(award: Award, fund: FundPosition?) {
    self.award = award
    self.fund = fund
  }
}

/// Every fund with what is committed from it, every award and every bid.
public struct FundingRecords: Sendable, Hashable {
  public var funds: [FundPosition]
  public var awards: [Award]
  public var bids: [Bid]

  public init(funds: [FundPosition], awards: [Award], bids: [Bid]) {
    self.funds = funds
    self.awards = awards
    self.bids = bids
  }
}

/// Correspondence received in a period, counted by subject and by area, each named as the
/// force names it.
public struct CorrespondenceCounts: Sendable, Hashable {
  public var total: Int
  public var bySubject: [Tally]
  public var byArea: [Tally]

  public init(total: Int, bySubject: [Tally], byArea: [Tally]) {
    self.total = total
    self.bySubject = bySubject
    self.byArea = byArea
  }
}

/// What an import of oversight records created, updated or would (a dry run).
public struct ImportCounts: Sendable, Hashable {
  public var created: Int
  public var updated: Int
  public var unchanged: Int

  public init(created: Int, updated: Int, unchanged: Int) {
    self.created = created
    self.updated = updated
    self.unchanged = unchanged
  }
}

/// The form of a generated document.
public enum DocumentFormat: String, Sendable, Hashable, CaseIterable {
  case markdown, html
}
