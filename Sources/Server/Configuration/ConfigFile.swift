import Configuration
import Foundation

/// A configuration file: `name = value` lines, names as the long options without dashes, `#`
/// starting a comment, a value optionally in double quotes. A name given again adds to a list
/// setting and replaces any other. Unknown names and malformed lines are refused with their
/// line numbers, all at once.
struct ConfigFile: Sendable {
  let path: String
  /// The values by setting name, in the order given.
  let values: [String: [String]]
  /// The line that gave each setting (the last one, for a list).
  let lines: [String: Int]

  init(path: String) throws(ConfigSources.Problem) {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw ConfigSources.Problem(description: "--config: cannot read \(path)")
    }
    try self.init(path: path, text: text)
  }

  init(path: String, text: String) throws(ConfigSources.Problem) {
    var values: [String: [String]] = [:]
    var lines: [String: Int] = [:]
    var problems: [String] = []
    for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty { continue }
      let parts = trimmed.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2, !parts[0].isEmpty else {
        problems.append("\(path) line \(number + 1): expected name = value (got \"\(trimmed)\")")
        continue
      }
      var value = parts[1]
      if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
      guard let kind = ConfigSources.kinds[parts[0]] else {
        problems.append(
          "\(path) line \(number + 1): unknown setting \"\(parts[0])\" (known: \(ConfigSources.settings.map(\.name).joined(separator: ", ")))"
        )
        continue
      }
      values[parts[0]] = kind == .list ? (values[parts[0]] ?? []) + [value] : [value]
      lines[parts[0]] = number + 1
    }
    guard problems.isEmpty else { throw ConfigSources.Problem(description: problems.joined(separator: "\n")) }
    self.path = path
    self.values = values
    self.lines = lines
  }

  /// The values as swift-configuration holds them: a list setting as a list of strings, any
  /// other as its text.
  var configValues: [AbsoluteConfigKey: ConfigValue] {
    Dictionary(
      uniqueKeysWithValues: values.map { name, values in
        let content: ConfigContent =
          ConfigSources.kinds[name] == .list ? .stringArray(values) : .string(values.last ?? "")
        return (AbsoluteConfigKey([name]), ConfigValue(content, isSecret: false))
      })
  }
}
