/// A storage failure that means something to the caller (as opposed to an I/O error).
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
  public struct Code: Sendable, Hashable, CustomStringConvertible {
    private enum Value: Sendable, Hashable {
      case notFound, alreadyExists, ambiguous, corrupt, unavailable
    }
    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// The record does not exist (or is deleted).
    public static let notFound = Code(.notFound)
    /// A different record already has this identity.
    public static let alreadyExists = Code(.alreadyExists)
    /// A short id prefix matches more than one record.
    public static let ambiguous = Code(.ambiguous)
    /// A stored value could not be read back.
    public static let corrupt = Code(.corrupt)
    /// The store cannot be reached now (a database server down or out of connections): nothing
    /// was read or written, and the same call may succeed later.
    public static let unavailable = Code(.unavailable)

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
