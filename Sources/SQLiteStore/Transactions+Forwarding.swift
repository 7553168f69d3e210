import Foundation
import GRDB
import Model
import Stores

// Each store protocol on a SQLite transaction: the members forward to the statements in
// Tables/, which run on GRDB's `Database`.

extension EngagementStore where Self: SQLiteTransaction {
  func saveEngagement(_ e: Engagement) throws {
    try db.saveEngagement(e)
  }

  @discardableResult
  func tombstoneEngagement(id: UUID, at time: Date) throws -> Bool {
    try db.tombstoneEngagement(id: id, at: time)
  }

  func engagement(id: UUID) throws -> Engagement? {
    try db.engagement(id: id)
  }

  func engagementExists(id: UUID, includingDeleted: Bool) throws -> Bool {
    try db.engagementExists(id: id, includingDeleted: includingDeleted)
  }

  func storedEngagementIDs(among ids: [String]) throws -> Set<String> {
    try db.storedEngagementIDs(among: ids)
  }

  func engagementIDs(withPrefix prefix: String, limit: Int) throws -> [String] {
    try db.engagementIDs(withPrefix: prefix, limit: limit)
  }

  func engagements(matching query: EngagementQuery, after position: EngagementPosition?, limit: Int?) throws
    -> [Engagement]
  {
    try db.engagements(matching: query, after: position, limit: limit)
  }

  func engagementCount(matching query: EngagementQuery) throws -> Int {
    try db.engagementCount(matching: query)
  }

  func engagementSummary(matching query: EngagementQuery) throws -> EngagementSummary {
    try db.engagementSummary(matching: query)
  }

  func fieldStamps(engagementID: UUID) throws -> [String: FieldStamp] {
    try db.fieldStamps(engagementID: engagementID)
  }

  func saveFieldStamp(engagementID: UUID, field: String, _ s: FieldStamp) throws {
    try db.saveFieldStamp(engagementID: engagementID, field: field, s)
  }

  func engagementIncludingDeleted(id: UUID) throws -> (engagement: Engagement, deletedAt: Date?)? {
    try db.engagementIncludingDeleted(id: id)
  }
}

extension ConflictStore where Self: SQLiteTransaction {
  func saveConflict(_ c: Conflict) throws {
    try db.saveConflict(c)
  }

  func conflict(id: UUID) throws -> Conflict? {
    try db.conflict(id: id)
  }

  func conflicts(engagementID: UUID?, includeResolved: Bool, limit: Int) throws -> [Conflict] {
    try db.conflicts(engagementID: engagementID, includeResolved: includeResolved, limit: limit)
  }

  func unresolvedConflictCount() throws -> Int {
    try db.unresolvedConflictCount()
  }

  func conflictIDs(withPrefix prefix: String, limit: Int) throws -> [String] {
    try db.conflictIDs(withPrefix: prefix, limit: limit)
  }
}

extension ChangeLogStore where Self: SQLiteTransaction {
  func appendChange(
    _ type: EntityType, id: String, operation: Model.Operation, payload: Change.Payload?, at time: Date,
    mutationID: UUID?, deviceID: String?
  ) throws -> Int64 {
    try db.appendChange(
      type, id: id, operation: operation, payload: payload, at: time, mutationID: mutationID, deviceID: deviceID)
  }

  func appendEngagementChange(
    _ engagement: Engagement, at time: Date, mutationID: UUID?, deviceID: String?, asSent: Bool,
    written: LoggedEngagement?
  ) throws -> (cursor: Int64, digest: String) {
    try db.appendEngagementChange(
      engagement, at: time, mutationID: mutationID, deviceID: deviceID, asSent: asSent, written: written)
  }

  func changes(after cursor: Int64, limit: Int, omittingAsSentOf deviceID: String?) throws -> [Change] {
    try db.changes(after: cursor, limit: limit, omittingAsSentOf: deviceID)
  }

  func headCursor() throws -> Int64 {
    try db.headCursor()
  }

  func issuedThrough() throws -> Int64 {
    try db.issuedThrough()
  }

  func appliedCursor(mutationID: UUID) throws -> Int64? {
    try db.appliedCursor(mutationID: mutationID)
  }

  func appliedCursors(mutationIDs: [UUID]) throws -> [UUID: (cursor: Int64, asSent: Bool)] {
    try db.appliedCursors(mutationIDs: mutationIDs)
  }

  func recordApplied(mutationID: UUID, deviceID: String, deviceSeq: Int64, cursor: Int64, at time: Date) throws {
    try db.recordApplied(mutationID: mutationID, deviceID: deviceID, deviceSeq: deviceSeq, cursor: cursor, at: time)
  }

  func appliedMutations(deviceID: String, seqs: [Int64]) throws -> [Int64: String] {
    try db.appliedMutations(deviceID: deviceID, seqs: seqs)
  }

  func serverIdentity() throws -> ServerIdentity {
    try db.serverIdentity()
  }

  @discardableResult
  func beginEpoch() throws -> ServerIdentity {
    try db.beginEpoch()
  }

  func purgedDeletions(among ids: [String]) throws -> [String: FieldStamp] {
    try db.purgedDeletions(among: ids)
  }

  func forgetPurgedDeletion(id: UUID) throws {
    try db.forgetPurgedDeletion(id: id)
  }

  func purgedThrough() throws -> Int64 {
    try db.purgedThrough()
  }

  func purgeTombstones(deletedBefore cutoff: Date, at time: Date) throws -> [UUID] {
    try db.purgeTombstones(deletedBefore: cutoff, at: time)
  }
}

extension PlanStore where Self: SQLiteTransaction {
  func forceProfile() throws -> ForceProfile {
    try db.forceProfile()
  }

  func hasForceProfile() throws -> Bool {
    try db.hasForceProfile()
  }

  func saveForceProfile(_ profile: ForceProfile) throws {
    try db.saveForceProfile(profile)
  }

  func saveObjective(_ o: Objective) throws {
    try db.saveObjective(o)
  }

  func saveElement(_ e: PlanElement) throws {
    try db.saveElement(e)
  }

  func saveArea(_ a: Area, position: Int) throws {
    try db.saveArea(a, position: position)
  }

  func saveArea(_ a: Area) throws {
    try db.saveArea(a)
  }

  func deletePlanEntity(_ type: EntityType, id: String) throws {
    try db.deletePlanEntity(type, id: id)
  }

  func objectives() throws -> [Objective] {
    try db.objectives()
  }

  func objective(id: String) throws -> Objective? {
    try db.objective(id: id)
  }

  func elements(objectiveID: String?) throws -> [PlanElement] {
    try db.elements(objectiveID: objectiveID)
  }

  func element(id: String) throws -> PlanElement? {
    try db.element(id: id)
  }

  func areas() throws -> [Area] {
    try db.areas()
  }

  func area(code: String) throws -> Area? {
    try db.area(code: code)
  }

  func engagementCount(area code: String) throws -> Int {
    try db.engagementCount(area: code)
  }

  func validationContext(latestDate: LocalDate?) throws -> ValidationContext {
    try db.validationContext(latestDate: latestDate)
  }

  func areaPosition(code: String) throws -> Int? {
    try Int.fetchOne(db, sql: "SELECT position FROM area WHERE code = ?", arguments: [code])
  }

  func nextAreaPosition() throws -> Int {
    try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(position) + 1, 0) FROM area") ?? 0
  }

  func nextObjectivePosition() throws -> Int {
    (try Int.fetchOne(db, sql: "SELECT MAX(position) FROM objective") ?? 0) + 1
  }

  func nextElementPosition(objectiveID: String) throws -> Int {
    (try Int.fetchOne(
      db, sql: "SELECT MAX(position) FROM plan_element WHERE objective_id = ?", arguments: [objectiveID])
      ?? 0) + 1
  }
}

extension GovernanceStore where Self: SQLiteTransaction {
  func appendStatusChange(_ c: StatusChange) throws {
    try db.appendStatusChange(c)
  }

  func nextMilestoneNumber(elementID: String) throws -> Int {
    try db.nextMilestoneNumber(elementID: elementID)
  }

  func saveMilestone(_ m: Milestone, number: Int) throws {
    try db.saveMilestone(m, number: number)
  }

  func saveProgressUpdate(_ u: ProgressUpdate) throws {
    try db.saveProgressUpdate(u)
  }

  func nextMeetingID(on date: LocalDate) throws -> String {
    try db.nextMeetingID(on: date)
  }

  func saveMeeting(_ m: Meeting, recordedAt: Date) throws {
    try db.saveMeeting(m, recordedAt: recordedAt)
  }

  func insertAction(_ a: MeetingAction) throws -> MeetingAction {
    try db.insertAction(a)
  }

  func updateAction(_ a: MeetingAction) throws {
    try db.updateAction(a)
  }

  func statusHistory(elementID: String) throws -> [StatusChange] {
    try db.statusHistory(elementID: elementID)
  }

  func historicStatus(elementID: String, on day: LocalDate) throws -> ElementStatus? {
    try db.historicStatus(elementID: elementID, on: day)
  }

  func currentStatusChange(elementID: String) throws -> StatusChange? {
    try db.currentStatusChange(elementID: elementID)
  }

  func milestone(id: String) throws -> Milestone? {
    try db.milestone(id: id)
  }

  func milestones(elementID: String?) throws -> [Milestone] {
    try db.milestones(elementID: elementID)
  }

  func progressUpdates(elementID: String?, month: YearMonth?, limit: Int) throws -> [ProgressUpdate] {
    try db.progressUpdates(elementID: elementID, month: month, limit: limit)
  }

  func meeting(id: String) throws -> Meeting? {
    try db.meeting(id: id)
  }

  func meetings() throws -> [Meeting] {
    try db.meetings()
  }

  func action(id: String) throws -> MeetingAction? {
    try db.action(id: id)
  }

  func actions(status: ActionStatus?, owner: String?) throws -> [MeetingAction] {
    try db.actions(status: status, owner: owner)
  }

  func reviewInputs(month: YearMonth, asOf: LocalDate) throws -> ReviewInputs {
    try db.reviewInputs(month: month, asOf: asOf)
  }
}

extension OversightStore where Self: SQLiteTransaction {
  func saveFund(_ f: Fund) throws {
    try db.saveFund(f)
  }

  func saveAward(_ a: Award) throws {
    try db.saveAward(a)
  }

  func saveBid(_ b: Bid) throws {
    try db.saveBid(b)
  }

  func saveScrutinyMeeting(_ m: ScrutinyMeeting) throws {
    try db.saveScrutinyMeeting(m)
  }

  func saveIndicator(_ i: Indicator) throws {
    try db.saveIndicator(i)
  }

  func saveMeasurement(_ m: IndicatorMeasurement) throws {
    try db.saveMeasurement(m)
  }

  func saveInspection(_ i: Inspection) throws {
    try db.saveInspection(i)
  }

  func saveInspectionItem(_ i: InspectionItem) throws {
    try db.saveInspectionItem(i)
  }

  func saveCorrespondence(_ c: Correspondence) throws {
    try db.saveCorrespondence(c)
  }

  func saveReach(_ r: ReachMeasurement) throws {
    try db.saveReach(r)
  }

  func nextOversightID(table: OversightIDTable) throws -> String {
    try db.nextOversightID(table: table)
  }

  func fund(id: String) throws -> Fund? {
    try db.fund(id: id)
  }

  func funds() throws -> [Fund] {
    try db.funds()
  }

  func award(id: String) throws -> Award? {
    try db.award(id: id)
  }

  func awards(fundID: String?) throws -> [Award] {
    try db.awards(fundID: fundID)
  }

  func committedPence(fundID: String) throws -> Int64 {
    try db.committedPence(fundID: fundID)
  }

  func bid(id: String) throws -> Bid? {
    try db.bid(id: id)
  }

  func bids() throws -> [Bid] {
    try db.bids()
  }

  func scrutinyMeeting(id: String) throws -> ScrutinyMeeting? {
    try db.scrutinyMeeting(id: id)
  }

  func scrutinyMeetings(from: LocalDate?, to: LocalDate?) throws -> [ScrutinyMeeting] {
    try db.scrutinyMeetings(from: from, to: to)
  }

  func indicator(id: String) throws -> Indicator? {
    try db.indicator(id: id)
  }

  func indicators() throws -> [Indicator] {
    try db.indicators()
  }

  func measurement(indicatorID: String, periodEnd: LocalDate) throws -> IndicatorMeasurement? {
    try db.measurement(indicatorID: indicatorID, periodEnd: periodEnd)
  }

  func measurements(indicatorID: String?) throws -> [IndicatorMeasurement] {
    try db.measurements(indicatorID: indicatorID)
  }

  func assessments(asOf: LocalDate?, trendPeriods: Int) throws -> [IndicatorAssessment] {
    try db.assessments(asOf: asOf, trendPeriods: trendPeriods)
  }

  func inspection(id: String) throws -> Inspection? {
    try db.inspection(id: id)
  }

  func inspectionItem(inspectionID: String, kind: InspectionItemKind, number: Int) throws -> InspectionItem? {
    try db.inspectionItem(inspectionID: inspectionID, kind: kind, number: number)
  }

  func inspections(from: LocalDate?, to: LocalDate?) throws -> [InspectionRecord] {
    try db.inspections(from: from, to: to)
  }

  func correspondence(id: String) throws -> Correspondence? {
    try db.correspondence(id: id)
  }

  func correspondenceTotals(from: LocalDate, to: LocalDate) throws -> CorrespondenceTotals {
    try db.correspondenceTotals(from: from, to: to)
  }

  func reachMeasurement(metric: ReachMetric, asOf: LocalDate) throws -> ReachMeasurement? {
    try db.reachMeasurement(metric: metric, asOf: asOf)
  }

  func reachMeasurements(to: LocalDate?) throws -> [ReachMeasurement] {
    try db.reachMeasurements(to: to)
  }

  func panelInputs(_ window: PanelWindow, trendPeriods: Int) throws -> PanelInputs {
    try db.panelInputs(window, trendPeriods: trendPeriods)
  }
}

extension AccountStore where Self: SQLiteTransaction {
  func saveAccount(_ a: Account) throws {
    try db.saveAccount(a)
  }

  func account(named name: String) throws -> Account? {
    try db.account(named: name)
  }

  func account(id: UUID) throws -> Account? {
    try db.account(id: id)
  }

  func accounts() throws -> [Account] {
    try db.accounts()
  }

  func accountCount() throws -> Int {
    try db.accountCount()
  }

  func saveEnrolmentCode(hash: String, accountID: UUID, createdAt: Date, expiresAt: Date) throws {
    try db.saveEnrolmentCode(hash: hash, accountID: accountID, createdAt: createdAt, expiresAt: expiresAt)
  }

  func consumeEnrolmentCode(hash: String, at time: Date, deviceID: String) throws -> UUID? {
    try db.consumeEnrolmentCode(hash: hash, at: time, deviceID: deviceID)
  }

  func saveDeviceToken(_ t: DeviceToken, hash: String, accountID: UUID) throws {
    try db.saveDeviceToken(t, hash: hash, accountID: accountID)
  }

  func deviceToken(hash: String) throws -> (DeviceToken, Account)? {
    try db.deviceToken(hash: hash)
  }

  func deviceToken(id: UUID) throws -> DeviceToken? {
    try db.deviceToken(id: id)
  }

  func deviceTokens(accountName: String?, deviceID: String?, includeInactive: Bool, at time: Date) throws
    -> [DeviceToken]
  {
    try db.deviceTokens(accountName: accountName, deviceID: deviceID, includeInactive: includeInactive, at: time)
  }

  func revokeDeviceToken(id: UUID, at time: Date) throws {
    try db.revokeDeviceToken(id: id, at: time)
  }

  func requestDeviceWipe(id: UUID, at time: Date) throws {
    try db.requestDeviceWipe(id: id, at: time)
  }

  func expireDeviceToken(id: UUID, by time: Date) throws {
    try db.expireDeviceToken(id: id, by: time)
  }

  func markDeviceTokenReplaced(id: UUID, at time: Date) throws -> Bool {
    try db.markDeviceTokenReplaced(id: id, at: time)
  }

  func touchDeviceToken(id: UUID, at time: Date) throws {
    try db.touchDeviceToken(id: id, at: time)
  }
}

extension AuditStore where Self: SQLiteTransaction {
  func appendAudit(_ e: AuditEntry) throws {
    try db.appendAudit(e)
  }

  func auditTrail(entityType: String, entityID: String) throws -> [AuditEntry] {
    try db.auditTrail(entityType: entityType, entityID: entityID)
  }

  func auditEvents(_ query: AuditQuery) throws -> [AuditEntry] {
    try db.auditEvents(query)
  }
}

extension DeviceSyncStore where Self: SQLiteTransaction {
  func applyRedaction(_ redaction: Redaction, engagementID: UUID) throws {
    try db.applyRedaction(redaction, engagementID: engagementID)
  }

  func heldChanges(limit: Int) throws -> [HeldChange] {
    try db.heldChanges(limit: limit)
  }

  func forgetDeletedText(id: UUID) throws {
    try db.forgetDeletedText(id: id)
  }

  func engagementBase(id: UUID) throws -> (engagement: Engagement?, cursor: Int64)? {
    try db.engagementBase(id: id)
  }

  func saveEngagementBase(id: UUID, _ e: Engagement?, cursor: Int64) throws {
    try db.saveEngagementBase(id: id, e, cursor: cursor)
  }

  func savePulledEngagement(_ e: Engagement, cursor: Int64, show: Bool) throws {
    try db.savePulledEngagement(e, cursor: cursor, show: show)
  }

  func saveAcknowledgedEngagement(_ e: Engagement, cursor: Int64) throws {
    try db.saveAcknowledgedEngagement(e, cursor: cursor)
  }

  func baseCursors(ids: [String]) throws -> [String: Int64] {
    try db.baseCursors(ids: ids)
  }

  func beginRebaseline() throws {
    try db.beginRebaseline()
  }

  func isRebaselining() throws -> Bool {
    try db.isRebaselining()
  }

  func finishRebaseline() throws -> [UUID] {
    try db.finishRebaseline()
  }

  func removeEngagement(id: UUID) throws {
    try db.removeEngagement(id: id)
  }

  func syncState() throws -> SyncState {
    try db.syncState()
  }

  func nextHLC(at time: Date) throws -> HLC {
    try db.nextHLC(at: time)
  }

  func setClockOffset(_ milliseconds: Int64) throws {
    try db.setClockOffset(milliseconds)
  }

  func setServerIdentity(_ identity: ServerIdentity) throws {
    try db.setServerIdentity(identity)
  }

  func renewDeviceID() throws -> String {
    try db.renewDeviceID()
  }

  func setCursor(_ cursor: Int64) throws {
    try db.setCursor(cursor)
  }

  func recordSyncAttempt(server: String, at time: Date, error: String?) throws {
    try db.recordSyncAttempt(server: server, at: time, error: error)
  }
}

extension OutboxStore where Self: SQLiteTransaction {
  func enqueue(_ m: Mutation, madeAt: BootReading?) throws {
    try db.enqueue(m, madeAt: madeAt)
  }

  func pendingMutations(limit: Int) throws -> [OutboxEntry] {
    try db.pendingMutations(limit: limit)
  }

  func pendingMutations(after seq: Int64, limit: Int) throws -> [OutboxEntry] {
    try db.pendingMutations(after: seq, limit: limit)
  }

  func rejectedMutations() throws -> [OutboxEntry] {
    try db.rejectedMutations()
  }

  func pendingCount() throws -> Int {
    try db.pendingCount()
  }

  func rejectedCount() throws -> Int {
    try db.rejectedCount()
  }

  func outboxMutations(entityID: String) throws -> [OutboxEntry] {
    try db.outboxMutations(entityID: entityID)
  }

  func outboxEntityIDs() throws -> Set<String> {
    try db.outboxEntityIDs()
  }

  func outboxEntry(mutationID: UUID) throws -> OutboxEntry? {
    try db.outboxEntry(mutationID: mutationID)
  }

  func requeue(mutationID: UUID) throws {
    try db.requeue(mutationID: mutationID)
  }

  func removeFromOutbox(mutationID: UUID) throws {
    try db.removeFromOutbox(mutationID: mutationID)
  }

  func removeFromOutbox(mutationIDs: [UUID]) throws {
    try db.removeFromOutbox(mutationIDs: mutationIDs)
  }

  func acknowledge(mutationIDs: [UUID], at time: Date) throws {
    try db.acknowledge(mutationIDs: mutationIDs, at: time)
  }

  func pruneJournal(at time: Date) throws {
    try db.pruneJournal(at: time)
  }

  func journalCount() throws -> Int {
    try db.journalCount()
  }

  func resendJournal(epochStart: Int64) throws -> Int {
    try db.resendJournal(epochStart: epochStart)
  }

  func markRejected(mutationID: UUID, error: String) throws {
    try db.markRejected(mutationID: mutationID, error: error)
  }

  func outboxStateByEntity() throws -> [String: String] {
    try db.outboxStateByEntity()
  }
}

extension PrivacyStore where Self: SQLiteTransaction {
  func personalDataMatches(_ phrase: String, limit: Int) throws -> [PersonalDataMatch] {
    try db.personalDataMatches(phrase, limit: limit)
  }

  func engagementVersions(id: String) throws -> [Change] {
    try db.engagementVersions(id: id)
  }

  func indexPersonalText(batch: Int) throws -> Bool {
    try db.indexPersonalText(batch: batch)
  }
}

extension RedactionStore where Self: SQLiteTransaction {
  func changePayloads(of type: EntityType, ids: [String]) throws -> [(cursor: Int64, entityID: String, json: String)] {
    try db.changePayloads(of: type, ids: ids)
  }

  func replaceChangePayload(cursor: Int64, json: String) throws {
    try db.replaceChangePayload(cursor: cursor, json: json)
  }

  func appendRedactionChange(
    engagementID: String, operation: Model.Operation, payload: Engagement?, redaction: Redaction, at time: Date
  ) throws -> Int64 {
    try db.appendRedactionChange(
      engagementID: engagementID, operation: operation, payload: payload, redaction: redaction, at: time)
  }

  func recordRedaction(_ record: RedactionRecord) throws {
    try db.recordRedaction(record)
  }

  func redactionRecords(engagementID: String?, limit: Int) throws -> [RedactionRecord] {
    try db.redactionRecords(engagementID: engagementID, limit: limit)
  }

  func redactedFields(among ids: [String]) throws -> [String: [Engagement.Field: RedactedField]] {
    try db.redactedFields(among: ids)
  }

  func retentionCandidates(datedBefore day: LocalDate, after: String?, limit: Int) throws -> [RetentionCandidate] {
    try db.retentionCandidates(datedBefore: day, after: after, limit: limit)
  }

  func heldChanges(deviceID: String) throws -> [HeldChange] {
    try db.heldChanges(deviceID: deviceID)
  }

  func replaceHeldChanges(deviceID: String, _ held: [HeldChange], at time: Date) throws {
    try db.replaceHeldChanges(deviceID: deviceID, held, at: time)
  }

  func heldReports(engagementIDs: [String]) throws -> [HeldReport] {
    try db.heldReports(engagementIDs: engagementIDs)
  }
}
