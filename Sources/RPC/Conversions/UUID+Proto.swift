import Foundation
import Model

extension UUID {
  /// An id from the wire, or an error naming `field`: an id that does not parse is refused,
  /// never replaced by a new random one (which would make a record nobody sent).
  init(wire text: String, field: String) throws(ValidationError) {
    guard let id = UUID(text: text) else {
      throw ValidationError(field: field, rule: "must be a UUID (got \"\(DisplayText.escaped(text))\")")
    }
    self = id
  }
}
