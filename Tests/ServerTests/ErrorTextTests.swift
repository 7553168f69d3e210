import GRPCCore
import Model
import Testing

@testable import Server

@Suite struct ErrorTextTests {
  @Test(
    "an error quoting a hostile value leaves the server short and with every control and bidirectional character escaped"
  )
  func bounded() throws {
    let hostile = "a" + String(repeating: "\u{301}", count: 1_000_000) + "\nforged\u{202e}"
    let error = ErrorText.bounded(ValidationError(field: "area", rule: "unknown area (got \"\(hostile)\")"))
    let rpc = try #require(error as? RPCError)
    #expect(rpc.code == .invalidArgument)
    #expect(rpc.message.unicodeScalars.count <= ErrorText.maxScalars + 20)
    #expect(rpc.message.hasPrefix("area: unknown area"))
    #expect(!rpc.message.unicodeScalars.contains { DisplayText.isUnsafe($0) })
    #expect(ErrorText.bounded("one\ntwo\u{202e}") == "one\\u{a}two\\u{202e}")
    // The violations still travel, each bounded.
    let entries = rpc.metadata[binaryValues: "assure-violation-bin"].map { $0 }
    #expect(entries.count == 1)
    #expect(entries.allSatisfy { $0.count <= 4 * ErrorText.maxScalars })
  }

  @Test(
    "a caller's x-request-id is taken only as a plain token",
    arguments: [
      ("abc-123.x_y:z", true), ("", false), ("a\nforged: line", false), (String(repeating: "a", count: 65), false),
      ("id\u{202e}", false), ("id with space", false),
    ])
  func requestIDs(id: String, plain: Bool) {
    #expect(CallObserver.isPlainRequestID(id) == plain)
  }
}
