import GRPCCore

/// What an error tells the caller, made safe to send and to log: control and bidirectional
/// characters escaped, and at most `maxScalars` Unicode scalars.
///
/// Error messages often quote what the client sent ("must be a UUID (got ...)"); quoted whole,
/// a hostile value makes a status message of megabytes that no HTTP/2 peer accepts as a
/// header, and a newline in it forges a log line. Every error leaves the server through
/// `CallObserver`, which passes it through here: one place, whatever threw it.
enum ErrorText {
  static let maxScalars = 1_000

  /// `text` escaped and shortened.
  static func bounded(_ text: String, max: Int = maxScalars) -> String {
    var out = String.UnicodeScalarView()
    var count = 0
    for scalar in text.unicodeScalars {
      if count >= max {
        out.append(contentsOf: "... (shortened)".unicodeScalars)
        break
      }
      if isUnsafe(scalar) {
        out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
      } else {
        out.append(scalar)
      }
      count += 1
    }
    return String(out)
  }

  /// Control characters (Cc), line and paragraph separators, and the bidirectional controls
  /// that reorder how a terminal or a log viewer shows the text around them.
  static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C: true
    default: false
    }
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
