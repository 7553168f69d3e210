public import Foundation
public import Model

/// The sync protocol version this build speaks. Sent with every push and pull.
public enum SyncProtocol {
  /// 2: edits carry the fields they changed, their base cursor and a clock reading; the
  /// server merges field by field and keeps conflict records.
  /// 3: answers name the server and its epoch (a restore is a new epoch); mutations carry
  /// their age by the device's monotonic clock and their place in the device's sequence.
  public static let version: UInt32 = 3
  /// Versions a server of this build accepts: the current and the one before, so that
  /// devices can be upgraded after the server. A version-1 device sent whole records with no
  /// base: merging them would turn every edit into a conflict, so it is told to upgrade.
  public static let supportedVersions: ClosedRange<UInt32> = 2...3
  /// Most mutations in one push.
  public static let maxBatchSize = 500
  /// Most changes in one pull page.
  public static let maxPageSize = 1000
}

/// A batch of mutations from one device.
public struct PushRequest: Sendable, Hashable {
  public var deviceID: String
  public var protocolVersion: UInt32
  public var mutations: [Mutation]
  /// The device's reading of the time as it sends, in server terms (its clock plus its
  /// measured offset): the server measures what skew remains from it.
  public var sentAt: Date?
  /// The server epoch the device last synced with; `nil` when none (a new device, or one
  /// older than protocol 3).
  public var epoch: String?

  public init(
    deviceID: String, protocolVersion: UInt32 = SyncProtocol.version, mutations: [Mutation], sentAt: Date? = nil,
    epoch: String? = nil
  ) {
    self.deviceID = deviceID
    self.protocolVersion = protocolVersion
    self.mutations = mutations
    self.sentAt = sentAt
    self.epoch = epoch
  }
}

/// The server's answer to a push.
public struct PushReply: Sendable, Hashable {
  /// One result per mutation, in request order.
  public var results: [MutationResult]
  /// The server's clock when it answered: devices measure their offset from it.
  public var serverTime: Date?
  /// The server and epoch that answered (protocol 3).
  public var server: ServerIdentity?
  /// The request's epoch is not the server's: nothing was applied, `results` is empty.
  public var epochChanged: Bool
  /// A mutation's place in the device's sequence was taken by another change of the same
  /// device: two machines share one data folder's copy. Nothing was applied.
  public var deviceCloned: Bool

  public init(
    results: [MutationResult], serverTime: Date?, server: ServerIdentity? = nil, epochChanged: Bool = false,
    deviceCloned: Bool = false
  ) {
    self.results = results
    self.serverTime = serverTime
    self.server = server
    self.epochChanged = epochChanged
    self.deviceCloned = deviceCloned
  }
}

/// The server's answer for one mutation.
public struct MutationResult: Sendable, Hashable {
  public enum Outcome: Sendable, Hashable {
    /// Applied now, at `cursor`.
    case applied
    /// Applied by an earlier push; nothing changed now.
    case duplicate
    /// Refused; nothing changed. The device keeps it aside with the error.
    case rejected(ValidationError)
  }

  public var mutationID: UUID
  public var outcome: Outcome
  /// Change cursor the mutation was applied at; 0 when rejected.
  public var cursor: Int64
  /// An engagement upsert whose change at `cursor` is this mutation's and stored the
  /// engagement exactly as sent: the device may keep what it sent as the server's state at
  /// `cursor`.
  public var storedAsSent: Bool

  public init(mutationID: UUID, outcome: Outcome, cursor: Int64, storedAsSent: Bool = false) {
    self.mutationID = mutationID
    self.outcome = outcome
    self.cursor = cursor
    self.storedAsSent = storedAsSent
  }
}

/// A request for the change log after a cursor.
public struct PullRequest: Sendable, Hashable {
  public var afterCursor: Int64
  public var pageSize: Int
  public var deviceID: String
  public var protocolVersion: UInt32
  /// The device is pulling everything again after the server asked it to.
  public var fullPull: Bool
  /// Leave out the payloads of the device's own changes stored as sent (it holds them);
  /// ignored with `fullPull`.
  public var omitOwnAsSent: Bool
  /// The server epoch the device last synced with; another answers `rebaselineRequired`.
  public var epoch: String?
  /// The engagement fields this device holds unsent changes to (waiting or refused), reported
  /// with the first page of a pull; `nil`: not reported (an older device, or a later page).
  public var held: [HeldChange]?

  public init(
    afterCursor: Int64, pageSize: Int, deviceID: String, protocolVersion: UInt32 = SyncProtocol.version,
    fullPull: Bool = false, omitOwnAsSent: Bool = false, epoch: String? = nil, held: [HeldChange]? = nil
  ) {
    self.held = held
    self.epoch = epoch
    self.omitOwnAsSent = omitOwnAsSent
    self.afterCursor = afterCursor
    self.pageSize = pageSize
    self.deviceID = deviceID
    self.protocolVersion = protocolVersion
    self.fullPull = fullPull
  }
}

/// One page of the change log.
public struct PullPage: Sendable, Hashable {
  public var changes: [Change]
  /// Cursor to pull after next time.
  public var nextCursor: Int64
  public var hasMore: Bool
  /// The server's clock when it answered.
  public var serverTime: Date?
  /// The device's cursor is older than the server's tombstone window: it may have missed
  /// deletes that are gone from the log, so it must pull everything again from cursor 0. The
  /// page holds no changes.
  public var rebaselineRequired: Bool
  /// The server and epoch that answered (protocol 3).
  public var server: ServerIdentity?

  public init(
    changes: [Change], nextCursor: Int64, hasMore: Bool, serverTime: Date? = nil, rebaselineRequired: Bool = false,
    server: ServerIdentity? = nil
  ) {
    self.server = server
    self.changes = changes
    self.nextCursor = nextCursor
    self.hasMore = hasMore
    self.serverTime = serverTime
    self.rebaselineRequired = rebaselineRequired
  }
}

/// Moves pushes and pulls between a device and the server. The gRPC implementation lives in
/// the RPC module; tests use in-memory ones that fail on purpose.
public protocol SyncTransport: Sendable {
  func push(_ request: PushRequest) async throws -> PushReply
  func pull(_ request: PullRequest) async throws -> PullPage
}

/// Why a sync could not proceed.
public struct SyncError: Error, Sendable, Hashable, CustomStringConvertible {
  public struct Code: Sendable, Hashable, CustomStringConvertible {
    private enum Value: Sendable, Hashable {
      case offline, unsupportedProtocol, invalidRequest, server, deviceCloned, otherServer
    }
    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// The server could not be reached; nothing was lost and everything stays queued.
    public static let offline = Code(.offline)
    /// Device and server speak different protocol versions: one of them must be upgraded.
    public static let unsupportedProtocol = Code(.unsupportedProtocol)
    /// The request itself was malformed.
    public static let invalidRequest = Code(.invalidRequest)
    /// The server failed; try again later.
    public static let server = Code(.server)
    /// This data folder is a copy of another device's: it has taken a new device id and must
    /// sign in again.
    public static let deviceCloned = Code(.deviceCloned)
    /// The server answering is not the one this device syncs with.
    public static let otherServer = Code(.otherServer)

    public var description: String { String(describing: value) }
  }

  public let code: Code
  public let message: String

  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { message }
}
