import Foundation

/// Bad input, with every field at fault and the rule it broke.
///
/// Thrown before anything is stored: a value that fails validation changes nothing. The
/// description lists one `field: rule` line per violation, so a user can fix them all at once.
///
/// ```swift
/// do {
///   try engagement.validate(in: context)
/// } catch {
///   print(error)  // "attendees: must be between 0 and 100000 (got -3)"
/// }
/// ```
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
  /// One broken rule.
  public struct Violation: Sendable, Hashable, CustomStringConvertible {
    /// Name of the field as users and the wire contract spell it, e.g. `attendees`.
    public let field: String
    /// The rule in words, e.g. `must be between 0 and 100000 (got -3)`.
    public let rule: String

    public init(field: String, rule: String) {
      self.field = field
      self.rule = rule
    }

    public var description: String { "\(field): \(rule)" }
  }

  /// The violations, in field order; never empty.
  public let violations: [Violation]

  public init(violations: [Violation]) {
    precondition(!violations.isEmpty, "a ValidationError needs at least one violation")
    self.violations = violations
  }

  public init(field: String, rule: String) {
    self.init(violations: [Violation(field: field, rule: rule)])
  }

  public var description: String {
    violations.map(\.description).joined(separator: "\n")
  }
}

/// Collects violations while checking a value, then throws them all together.
public struct ViolationCollector {
  public init() {}

  public private(set) var violations: [ValidationError.Violation] = []

  public mutating func fail(_ field: String, _ rule: String) {
    violations.append(.init(field: field, rule: rule))
  }

  public mutating func check(_ condition: Bool, _ field: String, _ rule: @autoclosure () -> String) {
    if !condition { fail(field, rule()) }
  }

  /// Runs a check and keeps its violations, so that later checks still run.
  public mutating func absorb(_ check: () throws(ValidationError) -> Void) {
    do { try check() } catch { violations += error.violations }
  }

  public func throwIfAny() throws(ValidationError) {
    if !violations.isEmpty { throw ValidationError(violations: violations) }
  }

  /// Checks a text field: present when required, at most `max` characters, and free of
  /// control characters (line breaks and tabs allowed only when `multiline`).
  public mutating func text(_ value: String, _ field: String, required: Bool, max: Int, multiline: Bool = false) {
    // Each check stops at the first scalar that settles it: every pushed engagement passes here.
    if required && value.unicodeScalars.allSatisfy({ CharacterSet.whitespacesAndNewlines.contains($0) }) {
      fail(field, "is required and must not be blank")
      return
    }
    // A character is at least one byte, so the byte count bounds the character count; the
    // bytes are limited too (four per character), since one character may hold any number
    // of combining marks.
    let bytes = value.utf8.count
    if bytes > 4 * max {
      fail(field, "must be at most \(max) characters and \(4 * max) bytes of UTF-8 (got \(bytes) bytes)")
    } else if bytes > max && value.count > max {
      fail(field, "must be at most \(max) characters (got \(value.count))")
    }
    let control = value.unicodeScalars.contains { scalar in
      if multiline && (scalar == "\n" || scalar == "\r" || scalar == "\t") { return false }
      // The control category (Cc) is exactly U+0000-U+001F and U+007F-U+009F.
      return scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
    if control {
      fail(field, multiline ? "must not contain control characters" : "must be one line with no control characters")
    }
  }

  /// Checks an identifier a client chooses (a device id, a label): required, at most `max`
  /// characters, and free of control and bidirectional formatting characters, since it is
  /// shown in tables and written to the log.
  public mutating func identifier(_ value: String, _ field: String, max: Int, required: Bool = true) {
    let before = violations.count
    text(value, field, required: required, max: max)
    guard violations.count == before else { return }
    // Control characters are refused above; what `DisplayText` escapes besides them is the
    // bidirectional formatting and separator characters.
    if value.unicodeScalars.contains(where: DisplayText.isUnsafe) {
      fail(field, "must not contain bidirectional formatting or separator characters")
    }
  }

  /// Checks a short reference (`1`, `2.4`, `A12`): 1 to 20 letters, digits, '.', '-' or '_',
  /// starting with a letter or digit.
  public mutating func reference(_ value: String, _ field: String) {
    let allowed = value.unicodeScalars.allSatisfy {
      $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0))
    }
    let first = value.unicodeScalars.first
    guard !value.isEmpty else { return fail(field, "is required") }
    if value.count > 20 || !allowed || first.map({ ".-_".unicodeScalars.contains($0) }) ?? true {
      fail(
        field, "must be 1 to 20 letters, digits, '.', '-' or '_', starting with a letter or digit (got \"\(value)\")")
    }
  }
}
