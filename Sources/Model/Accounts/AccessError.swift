/// A call refused because of who is making it.
public struct AccessError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Code: Sendable, Hashable {
    /// No credentials, or credentials that are unknown, expired, revoked or of a disabled
    /// account (gRPC `UNAUTHENTICATED`).
    case unauthenticated
    /// Known caller, but the role or the record does not allow it (gRPC `PERMISSION_DENIED`).
    case permissionDenied
    /// Too many failed attempts from one address: refused for a while (gRPC `RESOURCE_EXHAUSTED`).
    case tooManyAttempts
    /// The device id is already that of an active sign-in of another account: device ids are
    /// unique, so that a revocation by device id hits one device (gRPC `ALREADY_EXISTS`).
    case deviceIDInUse
    /// The token was already exchanged for a new one: during its grace period it still
    /// works, but it mints no second token (gRPC `FAILED_PRECONDITION`).
    case alreadyRefreshed
    /// The device's sign-in was revoked and the office asked for the device's local data to
    /// be erased (gRPC `UNAUTHENTICATED` with the trailer `assure-wipe`).
    case wipeRequested
  }

  /// The gRPC trailer that carries `wipeRequested` (value `erase`).
  public static let wipeTrailer = "assure-wipe"

  public let code: Code
  public let message: String

  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { message }
}
