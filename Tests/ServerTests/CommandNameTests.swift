import ArgumentParser
import Testing

@testable import Server

/// Every command gives its name: a derived name costs a conformance scan of the whole binary
/// at every start (Docs/Decisions.md, "Every command names itself").
@Suite struct CommandNameTests {
  @Test("every assure-server command names itself in its configuration")
  func everyCommandIsNamed() {
    #expect(unnamed(AssureServer.self).isEmpty, "commands without a commandName: \(unnamed(AssureServer.self))")
  }

  /// The commands under `root` (itself included) whose configuration gives no name.
  func unnamed(_ root: any ParsableCommand.Type) -> [String] {
    let here = root.configuration.commandName == nil ? ["\(root)"] : []
    return here + root.configuration.subcommands.flatMap { unnamed($0) }
  }
}
