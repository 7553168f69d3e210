import ArgumentParser
import Foundation
import PostgresStore
import Testing

@testable import Server

@Suite(.serialized) struct ConfigSourcesTests {
  func file(_ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("assure-config-\(UUID().uuidString)").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// The settings `serve` runs with, given `arguments` and `environment`.
  func settings(_ arguments: [String], environment: [String: String] = [:]) throws -> ServeSettings {
    try Serve.parse(arguments).settings(environment: environment)
  }

  /// The problem reading the settings throws.
  func problem(_ arguments: [String], environment: [String: String] = [:]) -> String {
    do {
      _ = try settings(arguments, environment: environment)
      Issue.record("no problem with \(arguments) \(environment)")
      return ""
    } catch let problem as ConfigSources.Problem {
      return problem.description
    } catch {
      Issue.record("not a configuration problem: \(error)")
      return ""
    }
  }

  @Test("command line over environment over file; a list on the command line replaces the others")
  func precedence() throws {
    let certificate = try file("-----BEGIN CERTIFICATE-----")
    let config = try file("port = 1000\nhost = 127.0.0.2 # a comment\narea = x-one\narea = y-two\ndemo = yes\n")
    let serve = try settings(
      ["--port", "3000", "--config", config],
      environment: [
        "ASSURE_SERVER_PORT": "2000", "ASSURE_SERVER_HOST": "127.0.0.3", "ASSURE_SERVER_TLS_CERT": certificate,
        "ASSURE_SERVER_TLS_KEY": certificate,
      ])
    #expect(serve.port == 3000)
    #expect(serve.host == "127.0.0.3")
    #expect(serve.tlsCert == certificate)
    #expect(serve.areas == ["x-one", "y-two"])
    #expect(serve.demo)
    #expect(serve.provenance["port"] == "command line")
    #expect(serve.provenance["host"] == "environment ASSURE_SERVER_HOST")
    #expect(serve.provenance["area"] == "file \(config)")

    let replaced = try settings(["--area", "z-three"], environment: ["ASSURE_SERVER_AREA": "a-one, b-two"])
    #expect(replaced.areas == ["z-three"])
    let fromEnvironment = try settings([], environment: ["ASSURE_SERVER_AREA": "a-one, b-two"])
    #expect(fromEnvironment.areas == ["a-one", "b-two"])
  }

  @Test("each source over the next: command line, environment, file, default")
  func eachPairOfSources() throws {
    let config = try file(
      "port = 1000\nhost = 127.0.0.2\ntombstone-days = 40\ntoken-days = 10\ndemo = on\ninsecure = false\n")
    let serve = try settings(
      ["--port", "3000", "--host", "127.0.0.4", "--insecure", "--config", config],
      environment: [
        "ASSURE_SERVER_PORT": "2000", "ASSURE_SERVER_TOMBSTONE_DAYS": "30", "ASSURE_SERVER_DEMO": "off",
        "ASSURE_SERVER_INSECURE": "no",
      ])
    // Command line over environment, and over file.
    #expect(serve.port == 3000)
    #expect(serve.provenance["port"] == "command line")
    #expect(serve.host == "127.0.0.4")
    #expect(serve.provenance["host"] == "command line")
    // A flag on the command line over a flag turned off elsewhere.
    #expect(serve.insecure)
    #expect(serve.provenance["insecure"] == "command line")
    // Environment over file, for a number and for a flag.
    #expect(serve.tombstoneDays == 30)
    #expect(serve.provenance["tombstone-days"] == "environment ASSURE_SERVER_TOMBSTONE_DAYS")
    #expect(serve.demo == false)
    #expect(serve.provenance["demo"] == "environment ASSURE_SERVER_DEMO")
    // File over default.
    #expect(serve.tokenDays == 10)
    #expect(serve.provenance["token-days"] == "file \(config)")
    // Default where no source gives it.
    #expect(serve.enrolmentHours == 72)
    #expect(serve.provenance["enrolment-hours"] == nil)
    #expect(serve.metricsPort == nil)
    #expect(serve.configFile == config)
    #expect(serve.provenance["config"] == "command line")

    // An empty variable counts as unset.
    let empty = try settings(["--config", config], environment: ["ASSURE_SERVER_HOST": ""])
    #expect(empty.host == "127.0.0.2")
    #expect(empty.provenance["host"] == "file \(config)")
  }

  @Test("the file from --config wins over the one ASSURE_SERVER_CONFIG names")
  func configFileLocation() throws {
    let first = try file("port = 1001\n")
    let second = try file("port = 1002\n")
    let fromEnvironment = try settings([], environment: ["ASSURE_SERVER_CONFIG": first])
    #expect(fromEnvironment.port == 1001)
    #expect(fromEnvironment.provenance["config"] == "environment ASSURE_SERVER_CONFIG")
    #expect(fromEnvironment.provenance["port"] == "file \(first)")
    let fromCommandLine = try settings(["--config", second], environment: ["ASSURE_SERVER_CONFIG": first])
    #expect(fromCommandLine.port == 1002)
    #expect(fromCommandLine.provenance["config"] == "command line")
  }

  @Test("--store takes a SQLite path or a postgres:// address without a password, from any source")
  func storeAddresses() throws {
    #expect(
      try settings([]).storeAddress() == .sqlite(path: URL(fileURLWithPath: "./assure-data/assure-server.sqlite").path))
    #expect(
      try settings(["--store", "sqlite:/srv/office.sqlite"]).storeAddress() == .sqlite(path: "/srv/office.sqlite"))
    let fromEnvironment = try settings(
      [], environment: ["ASSURE_SERVER_STORE": "postgres://assure@127.0.0.1:5433/office", "PGPASSWORD": "x"])
    #expect(fromEnvironment.provenance["store"] == "environment ASSURE_SERVER_STORE")
    #expect(
      try fromEnvironment.storeAddress()
        == .postgres(PostgresLocation(user: "assure", host: "127.0.0.1", port: 5433, database: "office")).withPassword(
          "x"))
    func refused(_ arguments: [String], _ rule: String) {
      do {
        _ = try settings(arguments)
        Issue.record("\(arguments) accepted")
      } catch {
        #expect("\(error)".contains(rule), "\(arguments): \(error)")
        #expect(!"\(error)".contains("hunter2"), "the password is not repeated")
      }
    }
    refused(["--store", "mysql://a@h/d"], "--store must be sqlite:PATH or postgres://USER@HOST:PORT/DATABASE")
    refused(["--store", "sqlite:"], "--store sqlite: must be followed by the database file's path")
    refused(["--store", "postgres://a:hunter2@h/d"], "--store must not hold a password")
    refused(["--store", "postgres://a@h:70000/d"], "--store must give the port as a number from 1 to 65535")
    refused(["--store-password-file", "/etc/hostname"], "--store-password-file is for a postgres:// store only")
    refused(
      ["--store", "postgres://a@h/d", "--store-password-file", "/nonexistent/pw"],
      "--store-password-file cannot read /nonexistent/pw")
  }

  @Test("every setting can come from each source, and says so")
  func everySettingFromEachSource() throws {
    let certificate = try file("-----BEGIN CERTIFICATE-----")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("assure-data-\(UUID().uuidString)").path
    let values: [String: String] = [
      "data-dir": folder, "host": "127.0.0.2", "port": "1234", "demo": "true", "area": "x-one",
      "tombstone-days": "10", "log-level": "debug", "log-format": "json", "metrics-port": "9100",
      "metrics-host": "127.0.0.5", "tls-cert": certificate, "tls-key": certificate, "insecure": "true",
      "token-days": "5", "enrolment-hours": "6", "max-request-bytes": "100000", "max-connections": "10",
      "handshake-timeout": "7", "idle-timeout": "60", "max-connection-age": "100",
      "store": "postgres://assure@db.example:6543/office", "store-password-file": certificate,
      "web-port": "8443", "public": "true", "web-session-hours": "4", "retention-notes-days": "730",
      "retention-contacts-days": "2190",
    ]
    #expect(Set(values.keys) == Set(ConfigSources.settings.map(\.name)))
    let arguments = ConfigSources.settings.flatMap { name, kind in
      kind == .flag ? ["--\(name)"] : ["--\(name)", values[name] ?? ""]
    }
    let environment = Dictionary(uniqueKeysWithValues: values.map { (ConfigSources.environmentName($0.key), $0.value) })
    let config = try file(values.map { "\($0.key) = \($0.value)" }.joined(separator: "\n"))
    for (serve, source) in [
      (try settings(arguments), "command line"), (try settings([], environment: environment), "environment"),
      (try settings(["--config", config]), "file"),
    ] {
      for (name, _) in ConfigSources.settings {
        let expected =
          switch source {
          case "environment": "environment \(ConfigSources.environmentName(name))"
          case "file": "file \(config)"
          default: source
          }
        #expect(serve.provenance[name] == expected, "\(name)")
      }
      #expect(serve.dataDir == folder)
      #expect(serve.port == 1234)
      #expect(serve.demo && serve.insecure)
      #expect(serve.areas == ["x-one"])
      #expect(serve.logFormat == "json")
      #expect(serve.metricsPort == 9100)
      #expect(serve.tlsKey == certificate)
      #expect(serve.maxConnectionAge == 100)
      #expect(serve.webPort == 8443 && serve.publicPage && serve.webSessionHours == 4)
      #expect(serve.retentionNotesDays == 730 && serve.retentionContactsDays == 2190)
      #expect(serve.store == "postgres://assure@db.example:6543/office")
      #expect(
        try serve.storeAddress()
          == .postgres(
            PostgresLocation(
              user: "assure", host: "db.example", port: 6543, database: "office",
              password: "-----BEGIN CERTIFICATE-----")))
    }
  }

  @Test("list settings: repeated in the file, comma-separated in the environment, one source only")
  func lists() throws {
    let config = try file("area = x-one\narea = \"y-two=Y Two\"\nport = 1\nport = 2\n")
    let fromFile = try settings(["--config", config])
    #expect(fromFile.areas == ["x-one", "y-two=Y Two"])
    // A setting that is not a list takes the last line that gives it.
    #expect(fromFile.port == 2)
    // The environment's list replaces the file's; empty entries are dropped.
    let fromEnvironment = try settings(["--config", config], environment: ["ASSURE_SERVER_AREA": " a-one ,, b-two,"])
    #expect(fromEnvironment.areas == ["a-one", "b-two"])
    #expect(fromEnvironment.provenance["area"] == "environment ASSURE_SERVER_AREA")
    // The command line's list replaces both.
    let fromCommandLine = try settings(
      ["--area", "c-three", "--area", "d-four", "--config", config], environment: ["ASSURE_SERVER_AREA": "a-one"])
    #expect(fromCommandLine.areas == ["c-three", "d-four"])
    #expect(fromCommandLine.provenance["area"] == "command line")
  }

  @Test("flag values: true, false, yes, no, 1, 0, on, off in any case, from the environment and the file")
  func flagValues() throws {
    for (text, value) in [
      ("true", true), ("false", false), ("yes", true), ("no", false), ("1", true), ("0", false), ("on", true),
      ("off", false), ("TRUE", true), ("Off", false),
    ] {
      #expect(try settings([], environment: ["ASSURE_SERVER_DEMO": text]).demo == value, "\(text)")
      #expect(try settings(["--config", try file("demo = \(text)\n")]).demo == value, "\(text)")
    }
  }

  @Test("a bad flag or number is refused naming the setting, the source and the rule")
  func badValues() throws {
    #expect(
      problem([], environment: ["ASSURE_SERVER_DEMO": "maybe"])
        == "demo from the environment ASSURE_SERVER_DEMO must be true or false (or yes, no, on, off, 1, 0) (got \"maybe\")"
    )
    let config = try file("# settings\ninsecure = sometimes\nport = eighty\n")
    let fromFile = problem(["--config", config])
    #expect(
      fromFile.contains(
        "insecure from the file \(config) line 2 must be true or false (or yes, no, on, off, 1, 0) (got \"sometimes\")"),
      "\(fromFile)")
    #expect(
      fromFile.contains("port from the file \(config) line 3 must be a whole number (got \"eighty\")"), "\(fromFile)")
    #expect(
      problem([], environment: ["ASSURE_SERVER_MAX_CONNECTIONS": "lots"])
        == "max-connections from the environment ASSURE_SERVER_MAX_CONNECTIONS must be a whole number (got \"lots\")")
    // A bad value that a higher source overrides is not read, so not refused.
    #expect(try settings(["--port", "5"], environment: ["ASSURE_SERVER_PORT": "eighty"]).port == 5)
  }

  @Test("a value out of range names where it came from")
  func outOfRange() throws {
    func refusal(_ arguments: [String], environment: [String: String] = [:]) -> String? {
      do {
        _ = try settings(arguments, environment: environment)
        return nil
      } catch {
        return (error as? ValidationError)?.message
      }
    }
    #expect(refusal(["--port", "70000"]) == "--port must be between 0 and 65535 (got 70000)")
    #expect(
      refusal([], environment: ["ASSURE_SERVER_PORT": "70000"])
        == "--port must be between 0 and 65535 (got 70000) (from the environment ASSURE_SERVER_PORT)")
  }

  @Test("the administration commands take the data folder from the environment too")
  func administration() throws {
    let command = try AssureServer.parseAsRoot(["user", "list"])
    var data = try #require(command as? UserCommand.List).data
    try data.configure(environment: ["ASSURE_SERVER_DATA_DIR": "/srv/assure", "ASSURE_SERVER_PORT": "1"])
    #expect(data.dataDir == "/srv/assure")
    #expect(data.databasePath == "/srv/assure/assure-server.sqlite")
    // Only the data folder is read: a bad serve setting does not stop them.
    try data.configure(environment: ["ASSURE_SERVER_DATA_DIR": "/srv/assure", "ASSURE_SERVER_PORT": "x"])
    #expect(data.dataDir == "/srv/assure")
    // From the file, and the command line over both.
    let config = try file("data-dir = /srv/from-file\nport = 1\n")
    var fromFile = try DataOptions.parse(["--config", config])
    try fromFile.configure(environment: [:])
    #expect(fromFile.dataDir == "/srv/from-file")
    var fromCommandLine = try DataOptions.parse(["--data-dir", "/srv/given"])
    try fromCommandLine.configure(environment: ["ASSURE_SERVER_CONFIG": config, "ASSURE_SERVER_DATA_DIR": "/srv/env"])
    #expect(fromCommandLine.dataDir == "/srv/given")
    // The area command is one of them.
    let area = try AssureServer.parseAsRoot(["area", "list", "--data-dir", "/srv/areas"])
    #expect(try #require(area as? AreaCommand.List).data.dataDir == "/srv/areas")
  }

  @Test("a bad file or flag value is refused naming the line or the variable")
  func problems() throws {
    let bad = try file("colour = blue\nport 5\n")
    #expect(throws: ConfigSources.Problem.self) { _ = try settings(["--config", bad]) }
    let described = problem(["--config", bad])
    #expect(described.contains("line 1: unknown setting \"colour\""))
    #expect(described.contains("line 2: expected name = value"))
    #expect(throws: ConfigSources.Problem.self) {
      _ = try settings([], environment: ["ASSURE_SERVER_DEMO": "maybe"])
    }
    #expect(throws: ConfigSources.Problem.self) {
      _ = try settings(["--config", "/no/such/file"])
    }
  }

  @Test("an unknown setting in the file is refused with its line, also for the administration commands")
  func unknownSetting() throws {
    let config = try file("port = 1\n\n# the folder\ndatadir = /srv/assure\n")
    #expect(
      problem(["--config", config]).hasPrefix(
        "\(config) line 4: unknown setting \"datadir\" (known: data-dir, store, store-password-file, host, "))
    var data = try DataOptions.parse([])
    #expect(throws: ConfigSources.Problem.self) { try data.configure(environment: ["ASSURE_SERVER_CONFIG": config]) }
    // An unknown variable is not refused: the environment holds more than the server's settings.
    #expect(try settings([], environment: ["ASSURE_SERVER_COLOUR": "blue"]).port == 50051)
  }

  @Test("--check-config prints each setting with where it came from")
  func provenanceLines() throws {
    let config = try file("token-days = 10\n")
    let serve = try settings(
      ["--port", "3000", "--config", config], environment: ["ASSURE_SERVER_HOST": "127.0.0.3"])
    let lines = try Serve.configurationLines(serve)
    #expect(lines.first == "config                  \(config)   (command line)")
    #expect(lines.contains("port                    3000   (command line)"))
    #expect(lines.contains("host                    127.0.0.3   (environment ASSURE_SERVER_HOST)"))
    #expect(lines.contains("token-days              10   (file \(config))"))
    #expect(lines.contains("enrolment-hours         72   (default)"))
    #expect(lines.contains("metrics-port            off   (default)"))
    #expect(lines.contains("retention-notes-days    kept for ever   (default)"))
    #expect(lines.contains("store-password-file     none (PGPASSWORD if set)   (default)"))
    #expect(lines.count == ConfigSources.settings.count + 1)
    #expect(try Serve.configurationLines(try settings([])).count == ConfigSources.settings.count)
  }

  @Test("every option of serve can come from the environment and the file")
  func everyOptionIsASetting() {
    let help = Serve.helpMessage(columns: 400)
    let options = Set(
      help.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," || $0 == "[" || $0 == "]" })
        .filter { $0.hasPrefix("--") }.map { String($0.dropFirst(2).prefix { $0.isLowercase || $0 == "-" }) })
    let settings = Set(ConfigSources.settings.map(\.name))
    #expect(
      options.subtracting(["help", "check-config", "config"]) == settings, "\(options.symmetricDifference(settings))")
  }
}
