import Configuration
import Foundation
import Synchronization

/// Where the server's settings come from, behind one swift-configuration `ConfigReader`: the
/// command line, else the environment (`ASSURE_SERVER_<NAME>`, e.g. `ASSURE_SERVER_TLS_CERT`;
/// a list comma-separated), else a configuration file (`--config FILE` or
/// `ASSURE_SERVER_CONFIG`: `name = value` lines, see `ConfigFile`), else the default the caller
/// gives.
///
/// swift-argument-parser parses the command line; what it parsed is the first provider (an
/// `InMemoryProvider` named "command line"), so a setting given there wins, and a list given
/// there replaces the list from elsewhere. The reader reports every access to a
/// `SourceRecorder`, which keeps where each setting came from (`provenance`, printed by
/// `--check-config`) and the values that are not what their setting takes (`check()`).
struct ConfigSources {
  enum Kind {
    /// Text as given.
    case text
    /// A whole number.
    case number
    /// true, false, yes, no, 1, 0, on or off.
    case flag
    /// Repeatable: repeated on the command line and in the file, comma-separated in the environment.
    case list
  }

  /// Every setting of `serve`; `data-dir`, `store` and `store-password-file` also apply to
  /// the administration commands.
  static let settings: [(name: String, kind: Kind)] = [
    ("data-dir", .text), ("store", .text), ("store-password-file", .text), ("host", .text), ("port", .number),
    ("demo", .flag), ("area", .list),
    ("tombstone-days", .number), ("log-level", .text), ("log-format", .text), ("metrics-port", .number),
    ("metrics-host", .text), ("tls-cert", .text), ("tls-key", .text), ("insecure", .flag),
    ("token-days", .number), ("enrolment-hours", .number), ("max-request-bytes", .number),
    ("max-connections", .number), ("handshake-timeout", .number), ("idle-timeout", .number),
    ("max-connection-age", .number), ("web-port", .number), ("public", .flag), ("web-session-hours", .number),
    ("retention-notes-days", .number), ("retention-contacts-days", .number),
  ]

  static let kinds = Dictionary(uniqueKeysWithValues: settings.map { ($0.name, $0.kind) })

  /// A configuration that cannot be used: a file that cannot be read or has bad lines, a value
  /// that is not what its setting takes. Names the setting, where it came from and the rule.
  struct Problem: Error, CustomStringConvertible {
    let description: String
  }

  /// The environment variable of `setting`: `ASSURE_SERVER_` and its name in capitals with
  /// underscores. swift-configuration's environment provider derives the same name from the
  /// key `assure.server.<setting>`.
  static func environmentName(_ setting: String) -> String {
    "ASSURE_SERVER_" + setting.uppercased().replacingOccurrences(of: "-", with: "_")
  }

  /// The environment read (`PGPASSWORD` is taken from it too).
  let environment: [String: String]
  /// All the settings in force, in precedence order.
  let reader: ConfigReader
  /// The configuration file read, if one was given.
  let file: ConfigFile?
  private let recorder: SourceRecorder

  /// The sources for `commandLine` (the settings swift-argument-parser parsed, by name; `config`
  /// for the file) and `environment`. Reads the configuration file, from `--config` or else
  /// `ASSURE_SERVER_CONFIG`. An empty environment variable counts as unset.
  init(commandLine: [String: ConfigContent], environment: [String: String]) throws(Problem) {
    self.environment = environment
    let commandLineProvider = InMemoryProvider(
      name: "command line",
      values: Dictionary(
        uniqueKeysWithValues: commandLine.map { (AbsoluteConfigKey([$0.key]), ConfigValue($0.value, isSecret: false)) })
    )
    // The variables named for Assure's server only: the provider reads `assure.server.port` as
    // ASSURE_SERVER_PORT.
    let environmentProvider = EnvironmentVariablesProvider(
      environmentVariables: environment.filter { $0.key.hasPrefix("ASSURE_SERVER_") && !$0.value.isEmpty }
    ).prefixKeys(with: ["assure", "server"])
    let recorder = SourceRecorder(sources: [
      commandLineProvider.providerName: .commandLine, environmentProvider.providerName: .environment,
    ])
    let location = ConfigReader(providers: [commandLineProvider, environmentProvider], accessReporter: recorder)
    var providers: [any ConfigProvider] = [commandLineProvider, environmentProvider]
    if let path = location.string(forKey: "config") {
      let file = try ConfigFile(path: path)
      let fileProvider = InMemoryProvider(name: "file \(path)", values: file.configValues)
      providers.append(fileProvider)
      recorder.add(.file(file), providerName: fileProvider.providerName)
      self.file = file
    } else {
      self.file = nil
    }
    self.recorder = recorder
    self.reader = ConfigReader(providers: providers, accessReporter: recorder)
  }

  // Each read passes on its caller's place, which the access log
  // (CONFIG_ACCESS_LOG_FILE) shows.

  /// Text as given, or nil where no source gives it.
  func text(_ name: String, fileID: String = #fileID, line: UInt = #line) -> String? {
    reader.string(forKey: ConfigKey([name]), fileID: fileID, line: line)
  }

  /// A whole number, or nil where no source gives it (or it is not a whole number: see `check()`).
  func number(_ name: String, fileID: String = #fileID, line: UInt = #line) -> Int? {
    reader.string(forKey: ConfigKey([name]), as: WholeNumber.self, fileID: fileID, line: line)?.value
  }

  /// A flag, or nil where no source gives it (or it is not a flag value: see `check()`).
  func flag(_ name: String, fileID: String = #fileID, line: UInt = #line) -> Bool? {
    reader.string(forKey: ConfigKey([name]), as: FlagValue.self, fileID: fileID, line: line)?.value
  }

  /// A list, from the one source that gives it, without empty entries; nil where none does.
  func list(_ name: String, fileID: String = #fileID, line: UInt = #line) -> [String]? {
    reader.stringArray(forKey: ConfigKey([name]), fileID: fileID, line: line)?.filter { !$0.isEmpty }
  }

  /// Where each setting read so far came from ("command line", "environment NAME",
  /// "file PATH"); a setting missing here has its default.
  var provenance: [String: String] { recorder.provenance }

  /// Throws naming every value read so far that is not what its setting takes.
  func check() throws(Problem) {
    let problems = recorder.problems
    guard problems.isEmpty else { throw Problem(description: problems.joined(separator: "\n")) }
  }
}

/// Records swift-configuration's access events: for each setting, the source whose value the
/// reader returned, or why that value could not be used.
final class SourceRecorder: AccessReporter {
  enum Source {
    case commandLine, environment
    case file(ConfigFile)
  }

  private struct Records {
    /// The sources by their providers' names.
    var sources: [String: Source]
    var provenance: [String: String] = [:]
    var problems: [String] = []
  }

  private let records: Mutex<Records>

  init(sources: [String: Source]) {
    records = Mutex(Records(sources: sources))
  }

  /// Names one more provider's source.
  func add(_ source: Source, providerName: String) {
    records.withLock { $0.sources[providerName] = source }
  }

  var provenance: [String: String] { records.withLock { $0.provenance } }
  var problems: [String] { records.withLock { $0.problems } }

  func report(_ event: AccessEvent) {
    let name = event.metadata.key.components.joined(separator: ".")
    // The providers in precedence order up to the one that answered: the first with a value, or
    // the first that failed.
    for answer in event.providerResults {
      let source = records.withLock { $0.sources[answer.providerName] }
      switch answer.result {
      case .failure(let error):
        record(name, problem: "\(name) from \(phrase(source, name)): \(error)")
        return
      case .success(let lookup):
        guard let value = lookup.value else { continue }
        if event.conversionError != nil {
          let given = if case .string(let text) = value.content { text } else { "\(value.content)" }
          record(name, problem: "\(name) from \(phrase(source, name)) \(Self.rule(name)) (got \"\(given)\")")
        } else {
          records.withLock { $0.provenance[name] = label(source, name) }
        }
        return
      }
    }
  }

  private func record(_ name: String, problem: String) {
    records.withLock {
      $0.provenance[name] = nil
      if !$0.problems.contains(problem) { $0.problems.append(problem) }
    }
  }

  /// How `--check-config` names a source.
  private func label(_ source: Source?, _ name: String) -> String {
    switch source {
    case .commandLine: "command line"
    case .environment: "environment \(ConfigSources.environmentName(name))"
    case .file(let file): "file \(file.path)"
    case nil: "unknown source"
    }
  }

  /// How a problem names a source.
  private func phrase(_ source: Source?, _ name: String) -> String {
    switch source {
    case .file(let file): "the file \(file.path)" + (file.lines[name].map { " line \($0)" } ?? "")
    default: "the " + label(source, name)
    }
  }

  private static func rule(_ name: String) -> String {
    switch ConfigSources.kinds[name] {
    case .number: "must be a whole number"
    case .flag: "must be true or false (or yes, no, on, off, 1, 0)"
    default: "is not usable"
    }
  }
}

/// A whole number given as text.
struct WholeNumber: ExpressibleByConfigString {
  let value: Int
  init?(configString: String) {
    guard let value = Int(configString.trimmingCharacters(in: .whitespaces)) else { return nil }
    self.value = value
  }
  var description: String { "\(value)" }
}

/// A flag given as text: true, yes, 1 or on; false, no, 0 or off (in any case).
struct FlagValue: ExpressibleByConfigString {
  let value: Bool
  init?(configString: String) {
    switch configString.trimmingCharacters(in: .whitespaces).lowercased() {
    case "true", "yes", "1", "on": value = true
    case "false", "no", "0", "off": value = false
    default: return nil
    }
  }
  var description: String { "\(value)" }
}
