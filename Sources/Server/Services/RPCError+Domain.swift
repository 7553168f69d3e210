public import GRPCCore
public import Model
public import Sync

/// Domain errors become gRPC statuses here, at the boundary, and nowhere else.
extension ValidationError: RPCErrorConvertible {
  public var rpcErrorCode: RPCError.Code { .invalidArgument }
  public var rpcErrorMessage: String { violations.map(\.description).joined(separator: "; ") }
  /// Each violation as an `assure-violation-bin` entry (`field`, NUL, `rule`), so that a client
  /// can show them one per line without parsing the message.
  public var rpcErrorMetadata: Metadata {
    var metadata = Metadata()
    for violation in violations {
      metadata.addBinary(Array((violation.field + "\u{0}" + violation.rule).utf8), forKey: "assure-violation-bin")
    }
    return metadata
  }
}

extension StorageError: RPCErrorConvertible {
  public var rpcErrorCode: RPCError.Code {
    switch code {
    case .notFound: .notFound
    case .alreadyExists: .alreadyExists
    case .ambiguous: .invalidArgument
    case .unavailable: .unavailable
    default: .internalError
    }
  }
  public var rpcErrorMessage: String { message }
}

extension SyncError: RPCErrorConvertible {
  public var rpcErrorCode: RPCError.Code {
    switch code {
    case .unsupportedProtocol: .failedPrecondition
    case .invalidRequest: .invalidArgument
    case .offline: .unavailable
    default: .internalError
    }
  }
  public var rpcErrorMessage: String { message }
}

extension AccessError: RPCErrorConvertible {
  public var rpcErrorCode: RPCError.Code {
    switch code {
    case .unauthenticated: .unauthenticated
    case .permissionDenied: .permissionDenied
    case .tooManyAttempts: .resourceExhausted
    case .deviceIDInUse: .alreadyExists
    case .alreadyRefreshed: .failedPrecondition
    case .wipeRequested: .unauthenticated
    }
  }
  public var rpcErrorMessage: String { message }
  /// `assure-wipe: erase` when the office asked the device to erase its local data: the
  /// device does so on seeing it (the code alone is that of any refused sign-in).
  public var rpcErrorMetadata: Metadata {
    code == .wipeRequested ? [AccessError.wipeTrailer: "erase"] : [:]
  }
}
