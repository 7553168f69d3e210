import Foundation
import Model

/// The sync protocol version this build speaks. Sent with every push and pull.
public enum SyncProtocol {
  public static let version: UInt32 = 1
  /// Versions a server of this build accepts.
  public static let supportedVersions: ClosedRange<UInt32> = 1...1
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

  public init(deviceID: String, protocolVersion: UInt32 = SyncProtocol.version, mutations: [Mutation]) {
    self.deviceID = deviceID
    self.protocolVersion = protocolVersion
    self.mutations = mutations
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

  public init(mutationID: UUID, outcome: Outcome, cursor: Int64) {
    self.mutationID = mutationID
    self.outcome = outcome
    self.cursor = cursor
  }
}

/// A request for the change log after a cursor.
public struct PullRequest: Sendable, Hashable {
  public var afterCursor: Int64
  public var pageSize: Int
  public var deviceID: String
  public var protocolVersion: UInt32

  public init(afterCursor: Int64, pageSize: Int, deviceID: String, protocolVersion: UInt32 = SyncProtocol.version) {
    self.afterCursor = afterCursor
    self.pageSize = pageSize
    self.deviceID = deviceID
    self.protocolVersion = protocolVersion
  }
}

/// One page of the change log.
public struct PullPage: Sendable, Hashable {
  public var changes: [Change]
  /// Cursor to pull after next time.
  public var nextCursor: Int64
  public var hasMore: Bool

  public init(changes: [Change], nextCursor: Int64, hasMore: Bool) {
    self.changes = changes
    self.nextCursor = nextCursor
    self.hasMore = hasMore
  }
}

/// Moves pushes and pulls between a device and the server. The gRPC implementation lives in
/// the RPC module; tests use in-memory ones that fail on purpose.
public protocol SyncTransport: Sendable {
  func push(_ request: PushRequest) async throws -> [MutationResult]
  func pull(_ request: PullRequest) async throws -> PullPage
}

/// Why a sync could not proceed.
public struct SyncError: Error, Sendable, Hashable, CustomStringConvertible {
  public struct Code: Sendable, Hashable, CustomStringConvertible {
    private enum Value: Sendable, Hashable { case offline, unsupportedProtocol, invalidRequest, server }
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
