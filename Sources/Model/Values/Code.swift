/// A lower-case code from a known list (an officeholder, a kind of engagement).
///
/// Codes are open: a value read from the wire or the database keeps whatever code it had,
/// so a newer server's code survives on an older client. `validate` is where an unknown
/// code is refused, with the list of known ones.
public protocol Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible
where RawValue == String {
  /// Every code this version knows, in display order.
  static var known: [Self] { get }
  /// Name of the field holding the code, for error messages.
  static var fieldName: String { get }
}

extension Code {
  public var description: String { rawValue }

  /// Whether this version knows the code.
  public var isKnown: Bool { Self.known.contains(self) }

  /// Every known code, comma-separated, for help and error texts.
  public static var knownList: String { known.map(\.rawValue).joined(separator: ", ") }
}
