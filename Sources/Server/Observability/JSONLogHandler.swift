import Foundation
import Logging

/// One JSON object per line on standard error: `time`, `level`, `label`, `message`, and the
/// metadata (the request id of the call among it), for log collectors.
struct JSONLogHandler: LogHandler {
  let label: String
  var logLevel: Logger.Level = .info
  var metadata: Logger.Metadata = [:]
  var metadataProvider: Logger.MetadataProvider?

  init(label: String, metadataProvider: Logger.MetadataProvider?) {
    self.label = label
    self.metadataProvider = metadataProvider
  }

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    var fields: [String: Any] = [
      "time": Self.timestamp(), "level": event.level.rawValue, "label": label, "message": event.message.description,
    ]
    if let error = event.error { fields["error"] = "\(error)" }
    var all = metadata
    if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
    if let explicit = event.metadata { all.merge(explicit) { $1 } }
    for (key, value) in all where fields[key] == nil { fields[key] = Self.plain(value) }
    guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
    FileHandle.standardError.write(data + Data("\n".utf8))
  }

  private static func plain(_ value: Logger.Metadata.Value) -> Any {
    switch value {
    case .string(let text): text
    case .stringConvertible(let value): value.description
    case .array(let values): values.map(plain)
    case .dictionary(let values): values.mapValues(plain)
    }
  }

  private static func timestamp() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date())
  }
}
