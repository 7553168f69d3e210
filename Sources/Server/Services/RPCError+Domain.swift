import GRPCCore
import Model
import Storage
import Sync

/// Domain errors become gRPC statuses here, at the boundary, and nowhere else.
extension ValidationError: RPCErrorConvertible {
  public var rpcErrorCode: RPCError.Code { .invalidArgument }
  public var rpcErrorMessage: String { violations.map(\.description).joined(separator: "; ") }
}

extension StorageError: RPCErrorConvertible {
  public var rpcErrorCode: RPCError.Code {
    switch code {
    case .notFound: .notFound
    case .alreadyExists: .alreadyExists
    case .ambiguous: .invalidArgument
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
