import Foundation

/// Where each server setting comes from: the command line, else the environment
/// (`ASSURE_SERVER_<NAME>`, e.g. `ASSURE_SERVER_TLS_CERT`), else a configuration file
/// (`--config FILE` or `ASSURE_SERVER_CONFIG`: `name = value` lines, `#` comments, names as the
/// long options without dashes), else the default.
///
/// The command line is rewritten before it is parsed: each setting the command line does not
/// give is added from the environment or the file; a list option given on the command line
/// replaces the list from elsewhere.
enum ConfigSources {
  enum Kind { case value, list, flag }

  /// Every setting of `serve`; `data-dir` also applies to the administration commands.
  static let settings: [(name: String, kind: Kind)] = [
    ("data-dir", .value), ("host", .value), ("port", .value), ("demo", .flag), ("area", .list),
    ("tombstone-days", .value), ("log-level", .value), ("log-format", .value), ("metrics-port", .value),
    ("metrics-host", .value), ("tls-cert", .value), ("tls-key", .value), ("insecure", .flag),
    ("token-days", .value), ("enrolment-hours", .value), ("max-request-bytes", .value),
    ("max-connections", .value), ("handshake-timeout", .value), ("idle-timeout", .value),
    ("max-connection-age", .value),
  ]

  static let administrationCommands: Set<String> = ["user", "device", "audit", "backup", "restore"]

  /// Where each setting in force came from, for `--check-config`.
  nonisolated(unsafe) static var provenance: [String: String] = [:]

  struct Problem: Error, CustomStringConvertible {
    let description: String
  }

  static func environmentName(_ setting: String) -> String {
    "ASSURE_SERVER_" + setting.uppercased().replacingOccurrences(of: "-", with: "_")
  }

  /// The arguments to parse: `arguments` (without the program name) with the settings of the
  /// environment and the configuration file that it does not give itself.
  static func merge(_ arguments: [String], environment: [String: String]) throws -> [String] {
    let first = arguments.first ?? ""
    if first == "help" || arguments.contains("--help") || arguments.contains("-h") { return arguments }
    let isAdministration = administrationCommands.contains(first)
    let applicable = isAdministration ? settings.filter { $0.name == "data-dir" } : settings
    // The options given on the command line, by name (`--name value` or `--name=value`).
    var given: Set<String> = []
    var rest: [String] = []
    var configPath = environment["ASSURE_SERVER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "--config" || argument.hasPrefix("--config=") {
        if argument.hasPrefix("--config=") {
          configPath = String(argument.dropFirst("--config=".count))
        } else {
          guard index + 1 < arguments.count else { throw Problem(description: "--config needs a file") }
          configPath = arguments[index + 1]
          index += 1
        }
        index += 1
        continue
      }
      if argument.hasPrefix("--") {
        given.insert(String(argument.dropFirst(2).split(separator: "=", maxSplits: 1).first ?? ""))
      }
      rest.append(argument)
      index += 1
    }
    var fromFile: [String: [String]] = [:]
    if let configPath { fromFile = try read(configPath) }
    var prefix: [String] = []
    provenance = [:]
    for setting in applicable where !given.contains(setting.name) {
      var values: [String]
      var source: String
      if let value = environment[environmentName(setting.name)], !value.isEmpty {
        values =
          setting.kind == .list ? value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } : [value]
        source = "environment \(environmentName(setting.name))"
      } else if let value = fromFile[setting.name] {
        values = value
        source = "file \(configPath ?? "")"
      } else {
        continue
      }
      provenance[setting.name] = source
      switch setting.kind {
      case .flag:
        guard let text = values.last?.lowercased(),
          ["true", "false", "yes", "no", "1", "0", "on", "off"].contains(text)
        else {
          throw Problem(
            description: "\(setting.name) from the \(source) must be true or false (got \"\(values.last ?? "")\")")
        }
        if ["true", "yes", "1", "on"].contains(text) { prefix.append("--\(setting.name)") }
      case .value:
        prefix += ["--\(setting.name)", values.last ?? ""]
      case .list:
        for value in values { prefix += ["--\(setting.name)", value] }
      }
    }
    for name in given { provenance[name] = "command line" }
    // Only settings the command line does not give are added, so where they go does not
    // decide which wins; at the end they follow any subcommand names (`user list`).
    return rest + prefix
  }

  /// A configuration file: `name = value` lines; a name given again adds to a list setting and
  /// replaces any other. Unknown names are refused with their line.
  static func read(_ path: String) throws -> [String: [String]] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw Problem(description: "--config: cannot read \(path)")
    }
    let kinds = Dictionary(uniqueKeysWithValues: settings.map { ($0.name, $0.kind) })
    var values: [String: [String]] = [:]
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
      guard let kind = kinds[parts[0]] else {
        problems.append(
          "\(path) line \(number + 1): unknown setting \"\(parts[0])\" (known: \(settings.map(\.name).joined(separator: ", ")))"
        )
        continue
      }
      values[parts[0]] = kind == .list ? (values[parts[0]] ?? []) + [value] : [value]
    }
    guard problems.isEmpty else { throw Problem(description: problems.joined(separator: "\n")) }
    return values
  }
}
