import Foundation
import Model
import SQLiteStore
import Stores
import Testing

/// Stored text shown by the real binaries: a control or bidirectional character in it is
/// escaped in every table and listing, so it can neither forge nor hide output; JSON keeps it
/// exact.
@Suite(.serialized) struct DisplayTextEndToEndTests {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-display-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  /// An organisation that clears the screen and shows what follows it backwards.
  static let hostileOrganisation = "Ludlow\u{1B}[2J Town\u{202E} Council"

  /// Whether `text` holds a character that a terminal acts on rather than shows (a line break
  /// only where the output itself breaks lines).
  static func rawUnsafe(_ text: String) -> [Unicode.Scalar] {
    text.unicodeScalars.filter { $0 != "\n" && DisplayText.isUnsafe($0) }
  }

  @Test("an error that quotes what it was given shows control and bidirectional characters as codes")
  func hostileErrorText() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: "127.0.0.1:1")
    let refused = try await device.run([
      "engagement", "add", "--date", "2022-10-04", "--by", "pcc", "--kind", "school", "--organisation", "Ludlow",
      "--place", "Ludlow", "--area", "shrop\u{1B}[2J\u{202E}shire",
    ])
    #expect(refused.status == 65, "\(refused)")
    #expect(refused.stderr.contains("area"), "\(refused)")
    #expect(Self.rawUnsafe(refused.stderr).isEmpty, "\(refused.stderr.debugDescription)")
    #expect(refused.stderr.contains(#"shrop\u{1b}[2j\u{202e}shire"#), "\(refused.stderr.debugDescription)")
  }

  @Test("an engagement whose organisation holds ESC [2J and U+202E is listed and shown escaped; JSON keeps it exact")
  func hostileEngagement() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    // Given an engagement stored on the device with control and bidirectional characters in
    // its organisation and notes (as another device's data or an old database may hold them:
    // the command line refuses them)
    let device = FieldDevice(home: root.appendingPathComponent("device"), server: "127.0.0.1:1")
    let added = try await device.run([
      "engagement", "add", "--date", "2022-10-04", "--by", "pcc", "--kind", "school", "--organisation", "Placeholder",
      "--place", "Ludlow", "--area", "shropshire",
    ])
    #expect(added.status == 0, "\(added)")
    let id = try #require(UUID(uuidString: added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    let database = try ClientDatabase(path: device.home.appendingPathComponent("assure.sqlite").path)
    try await database.write { db in
      guard var engagement = try db.engagement(id: id) else { throw TestFailure("the engagement was not stored") }
      engagement.organisation = Self.hostileOrganisation
      engagement.notes = "first line\nsecond line\r\u{8}\u{8}forged"
      try db.saveEngagement(engagement)
    }

    // When the device lists it, then no raw ESC or bidirectional control reaches the terminal,
    // and the escaped form shows what is there
    let list = try await device.run(["engagement", "list"])
    #expect(list.status == 0, "\(list)")
    #expect(Self.rawUnsafe(list.stdout).isEmpty, "\(list.stdout.debugDescription)")
    #expect(list.stdout.contains(#"Ludlow\u{1b}[2J Town\u{202e} Council"#), "\(list.stdout.debugDescription)")

    // And the one-engagement view escapes likewise, keeping the notes' line break as an
    // indented line and escaping the carriage return and backspaces
    let show = try await device.run(["engagement", "show", id.uuidString.lowercased()])
    #expect(show.status == 0, "\(show)")
    #expect(Self.rawUnsafe(show.stdout).isEmpty, "\(show.stdout.debugDescription)")
    #expect(show.stdout.contains(#"Ludlow\u{1b}[2J Town\u{202e} Council"#), "\(show.stdout.debugDescription)")
    #expect(
      show.stdout.contains("first line\n              second line\\u{d}\\u{8}\\u{8}forged"),
      "\(show.stdout.debugDescription)")

    // And JSON carries the exact text (its own escaping makes it safe)
    let json = try await device.run(["engagement", "list", "--format", "json"])
    let objects = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
    #expect(objects?.first?["organisation"] as? String == Self.hostileOrganisation)
    #expect(!json.stdout.contains("\u{1B}"))
  }

  @Test("the server's user list escapes a display name holding ESC [2J and U+202E")
  func hostileDisplayName() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    // Given an account whose display name holds an escape sequence and a bidirectional override
    let dataDir = root.appendingPathComponent("server").path
    let added = try await runServerCommand([
      "user", "add", "--data-dir", dataDir, "--name", "hostile", "--role", "analyst", "--display-name",
      Self.hostileOrganisation,
    ])
    #expect(added.status == 0, "\(added)")
    // When the administrator lists users, then the name is shown escaped, with nothing raw
    let list = try await runServerCommand(["user", "list", "--data-dir", dataDir])
    #expect(list.status == 0, "\(list)")
    #expect(Self.rawUnsafe(list.stdout).isEmpty, "\(list.stdout.debugDescription)")
    #expect(list.stdout.contains(#"Ludlow\u{1b}[2J Town\u{202e} Council"#), "\(list.stdout.debugDescription)")
  }
}
