import GRPCCore
import Model

/// What an error tells the caller, made safe to send and to log: control and bidirectional
/// characters escaped, and at most `maxScalars` Unicode scalars.
///
/// Error messages often quote what the client sent ("must be a UUID (got ...)"); quoted whole,
/// a hostile value makes a status message of megabytes that no HTTP/2 peer accepts as a
/// header, and a newline in it forges a log line. Every error leaves the server through
/// `CallObserver`, which passes it through here: one place, whatever threw it.
enum ErrorText {
  static let maxScalars = 1_000

  /// `text` escaped (`DisplayText`, the rule the command-line tables use too) and shortened.
  static func bounded(_ text: String, max: Int = maxScalars) -> String {
    var out = String.UnicodeScalarView()
    var count = 0
    for scalar in text.unicodeScalars {
      if count >= max {
        out.append(contentsOf: "... (shortened)".unicodeScalars)
        break
      }
      if DisplayText.isUnsafe(scalar) {
        out.append(contentsOf: DisplayText.escape(scalar).unicodeScalars)
      } else {
        out.append(scalar)
      }
      count += 1
    }
    return String(out)
  }

  /// The error as the caller will see it: an `RPCError` whose message and string metadata are
  /// bounded. Binary metadata (`assure-violation-bin`) keeps its entries, each bounded too.
  static func bounded(_ error: any Error) -> any Error {
    let rpc: RPCError
    if let error = error as? RPCError {
      rpc = error
    } else if let error = error as? any RPCErrorConvertible {
      rpc = RPCError(code: error.rpcErrorCode, message: error.rpcErrorMessage, metadata: error.rpcErrorMetadata)
    } else {
      return error  // the library answers UNKNOWN without the error's text
    }
    var metadata = Metadata()
    for (key, value) in rpc.metadata {
      switch value {
      case .string(let text): metadata.addString(bounded(text), forKey: key)
      case .binary(let bytes): metadata.addBinary(Array(bytes.prefix(4 * maxScalars)), forKey: key)
      }
    }
    return RPCError(code: rpc.code, message: bounded(rpc.message), metadata: metadata, cause: nil)
  }
}
