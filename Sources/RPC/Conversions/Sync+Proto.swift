public import Foundation
public import Model
import SwiftProtobuf
public import Sync

extension Model.Operation {
  init?(proto: Assure_V1_Operation) {
    switch proto {
    case .upsert: self = .upsert
    case .delete: self = .delete
    default: return nil
    }
  }

  var proto: Assure_V1_Operation {
    switch self {
    case .upsert: .upsert
    case .delete: .delete
    }
  }
}

extension Mutation {
  /// Reads a mutation from the wire, or says which field could not be read.
  public init(proto p: Assure_V1_Mutation, receivedAt: Date = Date()) throws(ValidationError) {
    guard let id = UUID(text: p.mutationID) else {
      throw ValidationError(field: "mutation_id", rule: "must be a UUID (got \"\(p.mutationID)\")")
    }
    guard let type = EntityType(rawValue: p.entityType) else {
      throw ValidationError(field: "entity_type", rule: "must be engagement or conflict (got \"\(p.entityType)\")")
    }
    guard let operation = Model.Operation(proto: p.operation) else {
      throw ValidationError(field: "operation", rule: "must be OPERATION_UPSERT or OPERATION_DELETE")
    }
    var engagement: Engagement?
    if case .engagement(let e)? = p.payload {
      engagement = try Engagement(proto: e, fallbackTime: receivedAt)
    }
    var changed: [Engagement.Field] = []
    for name in p.changedFields {
      guard let field = Engagement.Field(rawValue: name) else {
        throw ValidationError(
          field: "changed_fields",
          rule:
            "\"\(name)\" is not an engagement field (\(Engagement.Field.allCases.map(\.rawValue).joined(separator: ", ")))"
        )
      }
      if !changed.contains(field) { changed.append(field) }
    }
    var resolution: Conflict.Resolution?
    if !p.resolution.isEmpty {
      guard let value = Conflict.Resolution(rawValue: p.resolution) else {
        throw ValidationError(field: "resolution", rule: "must be kept-current or took-other (got \"\(p.resolution)\")")
      }
      resolution = value
    }
    guard p.baseCursor <= UInt64(Int64.max) else {
      throw ValidationError(field: "base_cursor", rule: "must be at most \(Int64.max) (got \(p.baseCursor))")
    }
    var hlc: HLC?
    if p.hasHlc {
      guard SupportedTime.millis.contains(p.hlc.wallMs) else {
        throw ValidationError(field: "hlc.wall_ms", rule: SupportedTime.rule(got: p.hlc.wallMs, unit: "ms"))
      }
      hlc = HLC(proto: p.hlc)
    }
    // An age past a century, or a place in the sequence past Int64, is no device's.
    if p.hasAgeMs, p.ageMs > UInt64(Self.maxAgeMillis) {
      throw ValidationError(field: "age_ms", rule: "must be at most \(Self.maxAgeMillis) (100 years; got \(p.ageMs))")
    }
    guard p.deviceSeq <= UInt64(Int64.max) else {
      throw ValidationError(field: "device_seq", rule: "must be at most \(Int64.max) (got \(p.deviceSeq))")
    }
    self.init(
      id: id, entityType: type, entityID: p.entityID.lowercased(), operation: operation, engagement: engagement,
      changedFields: changed, baseCursor: Int64(p.baseCursor), hlc: hlc, resolution: resolution,
      recordedAt: p.hasRecordedAt ? try p.recordedAt.date(field: "recorded_at") : receivedAt.truncatedToMilliseconds,
      recordedBy: p.recordedBy)
    self.ageMillis = p.hasAgeMs ? Int64(p.ageMs) : nil
    self.deviceSeq = Int64(p.deviceSeq)
  }

  /// The oldest a change may say it is: a century.
  public static let maxAgeMillis: Int64 = 100 * 366 * 86_400_000

  public var proto: Assure_V1_Mutation {
    .with {
      $0.mutationID = id.lowercaseText
      $0.entityType = entityType.rawValue
      $0.entityID = entityID
      $0.operation = operation.proto
      if let engagement { $0.engagement = engagement.proto }
      $0.recordedAt = Google_Protobuf_Timestamp(milliseconds: recordedAt)
      $0.recordedBy = recordedBy
      $0.changedFields = changedFields.map(\.rawValue)
      $0.baseCursor = UInt64(max(baseCursor, 0))
      if let hlc { $0.hlc = hlc.proto }
      $0.resolution = resolution?.rawValue ?? ""
      if let ageMillis { $0.ageMs = UInt64(max(ageMillis, 0)) }
      $0.deviceSeq = UInt64(max(deviceSeq, 0))
    }
  }
}

extension ServerIdentity {
  public init?(proto p: Assure_V1_ServerIdentity) {
    guard !p.serverID.isEmpty, !p.epoch.isEmpty else { return nil }
    self.init(serverID: p.serverID, epoch: p.epoch, epochStart: Int64(clamping: p.epochStart))
  }

  public var proto: Assure_V1_ServerIdentity {
    .with {
      $0.serverID = serverID
      $0.epoch = epoch
      $0.epochStart = UInt64(max(epochStart, 0))
    }
  }
}

extension PushReply {
  public init(proto p: Assure_V1_PushResponse) throws {
    self.init(
      results: try p.results.map(MutationResult.init(proto:)),
      serverTime: p.hasServerTime ? p.serverTime.millisecondDate : nil,
      server: p.hasServer ? ServerIdentity(proto: p.server) : nil, epochChanged: p.epochChanged,
      deviceCloned: p.deviceCloned)
  }
}

extension HLC {
  public init(proto p: Assure_V1_Hlc) {
    self.init(wallMillis: p.wallMs, counter: p.counter, node: p.node)
  }

  public var proto: Assure_V1_Hlc {
    .with {
      $0.wallMs = wallMillis
      $0.counter = counter
      $0.node = node
    }
  }
}

extension Conflict {
  public init(proto p: Assure_V1_Conflict) throws {
    guard let id = UUID(text: p.id), let engagementID = UUID(text: p.engagementID),
      let subject = Subject(name: p.subject)
    else {
      throw SyncError(
        .server, "conflict \"\(p.id)\" is unreadable (engagement \"\(p.engagementID)\", subject \"\(p.subject)\")")
    }
    func side(_ s: Assure_V1_Conflict.Side) -> Side {
      Side(value: s.value, user: s.user, deviceID: s.deviceID, hlc: HLC(proto: s.hlc))
    }
    self.init(
      id: id, engagementID: engagementID, subject: subject, kept: side(p.kept), lost: side(p.lost),
      detectedAt: p.detectedAt.millisecondDate, resolution: Resolution(rawValue: p.resolution),
      resolvedBy: p.resolvedBy.isEmpty ? nil : p.resolvedBy,
      resolvedAt: p.hasResolvedAt ? p.resolvedAt.millisecondDate : nil)
  }

  public var proto: Assure_V1_Conflict {
    func side(_ s: Side) -> Assure_V1_Conflict.Side {
      .with {
        $0.value = s.value
        $0.user = s.user
        $0.deviceID = s.deviceID
        $0.hlc = s.hlc.proto
      }
    }
    return .with {
      $0.id = id.lowercaseText
      $0.engagementID = engagementID.lowercaseText
      $0.subject = subject.name
      $0.kept = side(kept)
      $0.lost = side(lost)
      $0.detectedAt = Google_Protobuf_Timestamp(milliseconds: detectedAt)
      $0.resolution = resolution?.rawValue ?? ""
      $0.resolvedBy = resolvedBy ?? ""
      if let resolvedAt { $0.resolvedAt = Google_Protobuf_Timestamp(milliseconds: resolvedAt) }
    }
  }
}

extension PushRequest {
  public var proto: Assure_V1_PushRequest {
    .with {
      $0.deviceID = deviceID
      $0.protocolVersion = protocolVersion
      $0.mutations = mutations.map(\.proto)
      if let sentAt { $0.sentAt = Google_Protobuf_Timestamp(milliseconds: sentAt) }
      $0.epoch = epoch ?? ""
    }
  }
}

/// A push read from the wire: the mutations that could be read, and a ready answer for each
/// one that could not (a malformed mutation is rejected on its own; the rest still apply).
public struct DecodedPush: Sendable {
  public let request: PushRequest
  private let unreadable: [Int: Assure_V1_MutationResult]
  private let count: Int

  /// Throws when the request as a whole cannot be read (its `sent_at`); a mutation that
  /// cannot be read is answered on its own.
  public init(proto p: Assure_V1_PushRequest, receivedAt: Date = Date()) throws(ValidationError) {
    let sentAt = p.hasSentAt ? try p.sentAt.date(field: "sent_at") : nil
    var mutations: [Mutation] = []
    var unreadable: [Int: Assure_V1_MutationResult] = [:]
    for (index, m) in p.mutations.enumerated() {
      do throws(ValidationError) {
        mutations.append(try Mutation(proto: m, receivedAt: receivedAt))
      } catch {
        unreadable[index] = MutationResult.rejectedProto(mutationID: m.mutationID, error: error)
      }
    }
    self.request = PushRequest(
      deviceID: p.deviceID, protocolVersion: p.protocolVersion, mutations: mutations,
      sentAt: sentAt, epoch: p.epoch.isEmpty ? nil : p.epoch)
    self.unreadable = unreadable
    self.count = p.mutations.count
  }

  /// The answer, one result per request mutation in request order.
  public func response(merging reply: PushReply) -> Assure_V1_PushResponse {
    // Nothing was applied: the unreadable ones are not answered either (all are sent again).
    let count = reply.epochChanged || reply.deviceCloned ? 0 : count
    let results = reply.results
    var applied = results.makeIterator()
    var out: [Assure_V1_MutationResult] = []
    for index in 0..<count {
      if let rejected = unreadable[index] {
        out.append(rejected)
      } else if let result = applied.next() {
        out.append(result.proto)
      }
    }
    return .with {
      $0.results = out
      if let time = reply.serverTime { $0.serverTime = Google_Protobuf_Timestamp(milliseconds: time) }
      if let server = reply.server { $0.server = server.proto }
      $0.epochChanged = reply.epochChanged
      $0.deviceCloned = reply.deviceCloned
    }
  }
}

extension MutationResult {
  public init(proto p: Assure_V1_MutationResult) throws {
    guard let id = UUID(text: p.mutationID) else {
      throw SyncError(.server, "the server answered for an unreadable mutation id \"\(p.mutationID)\"")
    }
    let outcome: Outcome
    switch p.outcome {
    case .applied: outcome = .applied
    case .duplicate: outcome = .duplicate
    case .rejected:
      outcome = .rejected(
        ValidationError(field: p.field.isEmpty ? "mutation" : p.field, rule: p.error.isEmpty ? "refused" : p.error))
    default: throw SyncError(.server, "the server gave no outcome for mutation \(p.mutationID)")
    }
    self.init(mutationID: id, outcome: outcome, cursor: Int64(p.cursor), storedAsSent: p.storedAsSent)
  }

  public var proto: Assure_V1_MutationResult {
    switch outcome {
    case .applied, .duplicate:
      return .with {
        $0.mutationID = mutationID.lowercaseText
        $0.outcome = outcome == .applied ? .applied : .duplicate
        $0.cursor = UInt64(max(cursor, 0))
        $0.storedAsSent = storedAsSent
      }
    case .rejected(let error):
      return Self.rejectedProto(mutationID: mutationID.lowercaseText, error: error)
    }
  }

  static func rejectedProto(mutationID: String, error: ValidationError) -> Assure_V1_MutationResult {
    .with {
      $0.mutationID = mutationID
      $0.outcome = .rejected
      $0.field = error.violations.map(\.field).joined(separator: ",")
      $0.error = error.violations.map(\.rule).joined(separator: "; ")
    }
  }
}

extension PullRequest {
  public init(proto p: Assure_V1_PullRequest) {
    self.init(
      afterCursor: Int64(clamping: p.afterCursor), pageSize: Int(p.pageSize), deviceID: p.deviceID,
      protocolVersion: p.protocolVersion, fullPull: p.fullPull, omitOwnAsSent: p.omitOwnAsSent,
      epoch: p.epoch.isEmpty ? nil : p.epoch,
      held: p.reportsHeld
        ? p.held.map { held in
          // Names the server does not know are left out: nothing to refuse for them.
          HeldChange(engagementID: held.engagementID, fields: held.fields.compactMap(Engagement.Field.init(rawValue:)))
        } : nil)
  }

  public var proto: Assure_V1_PullRequest {
    .with {
      $0.afterCursor = UInt64(max(afterCursor, 0))
      $0.pageSize = UInt32(clamping: pageSize)
      $0.deviceID = deviceID
      $0.protocolVersion = protocolVersion
      $0.fullPull = fullPull
      $0.omitOwnAsSent = omitOwnAsSent
      $0.epoch = epoch ?? ""
      if let held {
        $0.reportsHeld = true
        $0.held = held.map { change in
          .with {
            $0.engagementID = change.engagementID
            $0.fields = change.fields.map(\.rawValue)
          }
        }
      }
    }
  }
}

extension Change {
  public init(proto p: Assure_V1_Change) throws {
    guard let type = EntityType(rawValue: p.entityType), let operation = Model.Operation(proto: p.operation) else {
      throw SyncError(.server, "change \(p.cursor) has an unknown entity type \"\(p.entityType)\" or operation")
    }
    let payload: Payload?
    switch p.payload {
    case .engagement(let e)?:
      do throws(ValidationError) {
        payload = .engagement(try Engagement(proto: e))
      } catch {
        throw SyncError(.server, "change \(p.cursor) carries an unreadable engagement: \(error)")
      }
    case .objective(let o)?: payload = .objective(Objective(proto: o))
    case .element(let e)?: payload = .element(PlanElement(proto: e))
    case .area(let a)?: payload = .area(Area(proto: a))
    case .conflict(let c)?: payload = .conflict(try Conflict(proto: c))
    case nil: payload = nil
    }
    var redaction: Redaction?
    if p.hasRedaction {
      guard let kind = Redaction.Kind(rawValue: p.redaction.kind) else {
        throw SyncError(.server, "change \(p.cursor) carries a redaction of unknown kind \"\(p.redaction.kind)\"")
      }
      let fields = p.redaction.fields.compactMap(Engagement.Field.init(rawValue:))
      guard fields.count == p.redaction.fields.count else {
        throw SyncError(
          .server, "change \(p.cursor) redacts an unknown field (\(p.redaction.fields.joined(separator: ", ")))")
      }
      redaction = Redaction(kind: kind, fields: fields)
    }
    self.init(
      cursor: Int64(clamping: p.cursor), entityType: type, entityID: p.entityID, operation: operation,
      payload: payload, changedAt: p.changedAt.millisecondDate, payloadOmitted: p.payloadOmitted,
      redaction: redaction)
  }

  public var proto: Assure_V1_Change {
    .with {
      $0.cursor = UInt64(max(cursor, 0))
      $0.entityType = entityType.rawValue
      $0.entityID = entityID
      $0.operation = operation.proto
      switch payload {
      case .engagement(let e)?: $0.engagement = e.proto
      case .objective(let o)?: $0.objective = o.proto
      case .element(let e)?: $0.element = e.proto
      case .area(let a)?: $0.area = a.proto
      case .conflict(let c)?: $0.conflict = c.proto
      case nil: break
      }
      $0.changedAt = Google_Protobuf_Timestamp(milliseconds: changedAt)
      $0.payloadOmitted = payloadOmitted
      if let redaction {
        $0.redaction = .with {
          $0.kind = redaction.kind.rawValue
          $0.fields = redaction.fields.map(\.rawValue)
        }
      }
    }
  }
}

extension PullPage {
  public init(proto p: Assure_V1_PullResponse) throws {
    self.init(
      changes: try p.changes.map(Change.init(proto:)), nextCursor: Int64(clamping: p.nextCursor), hasMore: p.hasMore_p,
      serverTime: p.hasServerTime ? p.serverTime.millisecondDate : nil, rebaselineRequired: p.rebaselineRequired,
      server: p.hasServer ? ServerIdentity(proto: p.server) : nil)
  }

  public var proto: Assure_V1_PullResponse {
    .with {
      $0.changes = changes.map(\.proto)
      $0.nextCursor = UInt64(max(nextCursor, 0))
      $0.hasMore_p = hasMore
      if let serverTime { $0.serverTime = Google_Protobuf_Timestamp(milliseconds: serverTime) }
      $0.rebaselineRequired = rebaselineRequired
      if let server { $0.server = server.proto }
    }
  }
}
