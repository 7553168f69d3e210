import ArgumentParser
import Foundation
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

  @Test("the administration commands take the data folder from the environment too")
  func administration() throws {
    let command = try AssureServer.parseAsRoot(["user", "list"])
    var data = try #require(command as? UserCommand.List).data
    try data.configure(environment: ["ASSURE_SERVER_DATA_DIR": "/srv/assure", "ASSURE_SERVER_PORT": "1"])
    #expect(data.dataDir == "/srv/assure")
    #expect(data.databasePath == "/srv/assure/assure-server.sqlite")
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
