import Foundation
import Glibc
import Testing

@testable import FieldClient

/// The device's data folder holds its token: nobody but its owner may be able to change it,
/// and the token's temporary file cannot be redirected.
@Suite(.serialized) struct DataFolderTests {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-folder-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  @Test("a data folder writable by other users is refused, naming the folder and the rule, and nothing is written")
  func worldWritableFolderIsRefused() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    // Given a data folder anyone may write to
    let home = root.appendingPathComponent("shared")
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    chmod(home.path, 0o777)
    let device = FieldDevice(home: home, server: "127.0.0.1:1")
    // When a command opens it
    let status = try await device.run(["status"])
    let add = try await device.run([
      "engagement", "add", "--date", "2022-10-04", "--by", "pcc", "--kind", "school", "--organisation", "X School",
      "--place", "Ludlow", "--area", "shropshire",
    ])
    // Then it is refused with the folder and the rule named, and no database is made there
    for result in [status, add] {
      #expect(result.status == 77, "\(result)")
      #expect(result.stderr.contains(home.path) && result.stderr.contains("writable by other users"), "\(result)")
    }
    #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("assure.sqlite").path))
    // Made the owner's only, it works.
    chmod(home.path, 0o700)
    await #expect(try device.run(["status"]).status == 0)
  }

  @Test(
    "a data folder owned by another user is refused", .enabled(if: geteuid() == 0, "needs root to give a folder away"))
  func foreignFolderIsRefused() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let home = root.appendingPathComponent("theirs")
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    chmod(home.path, 0o700)
    chown(home.path, 65534, 65534)
    let result = try await FieldDevice(home: home, server: "127.0.0.1:1").run(["status"])
    #expect(result.status == 77, "\(result)")
    #expect(result.stderr.contains(home.path) && result.stderr.contains("owned by another user"), "\(result)")
  }

  @Test("the credentials' temporary file is created new and never through a symbolic link")
  func temporaryFileIsNewAndNotALink() throws {
    defer { try? FileManager.default.removeItem(at: root) }
    // Given a file someone else wants overwritten, and a link to it where a temporary file goes
    let target = root.appendingPathComponent("victim.txt")
    try Data("keep me".utf8).write(to: target)
    let link = root.appendingPathComponent(".credentials.json.planted")
    try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
    // When the file is created there
    let descriptor = Credentials.createNew(link.path)
    if descriptor >= 0 { close(descriptor) }
    // Then creation fails and the target is untouched
    #expect(descriptor < 0)
    #expect(try String(contentsOf: target, encoding: .utf8) == "keep me")
    // A plain file already there is not reused either.
    let existing = root.appendingPathComponent(".credentials.json.existing")
    try Data("old".utf8).write(to: existing)
    let second = Credentials.createNew(existing.path)
    if second >= 0 { close(second) }
    #expect(second < 0)
  }
}
