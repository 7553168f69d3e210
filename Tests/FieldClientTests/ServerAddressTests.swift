import Foundation
import Model
import Testing

@testable import FieldClient

/// Two spellings of one server are one server; the token goes to that server only.
@Suite struct ServerAddressTests {
  @Test(
    "addresses compare normalised: host case, the IP address's form and the port's digits do not matter",
    arguments: [
      ("LocalHost:50051", "localhost:50051"), ("[0:0:0:0:0:0:0:1]:50051", "[::1]:50051"),
      ("127.0.0.1:050051", "127.0.0.1:50051"), ("Assure.Example.ORG:443", "assure.example.org:443"),
    ])
  func sameServer(typed: String, stored: String) throws {
    #expect(try ServerAddress(typed) == ServerAddress(stored))
    #expect(try ServerAddress(typed).description == ServerAddress(stored).description)
  }

  @Test(
    "a name and its address, another port or another host are other servers",
    arguments: [
      ("localhost:50051", "127.0.0.1:50051"), ("127.0.0.1:50052", "127.0.0.1:50051"),
      ("assure.example.org:443", "assure.example.org.evil.net:443"),
    ])
  func otherServer(typed: String, stored: String) throws {
    #expect(try ServerAddress(typed) != ServerAddress(stored))
  }

  @Test(
    "a host without a port is the server's default port, 50051; an IPv6 address may come without brackets",
    arguments: [
      ("assure.example.org", "assure.example.org:50051"), ("127.0.0.1", "127.0.0.1:50051"),
      ("[::1]", "[::1]:50051"), ("::1", "[::1]:50051"), ("0:0:0:0:0:0:0:1", "[::1]:50051"),
    ])
  func defaultPort(typed: String, stored: String) throws {
    #expect(try ServerAddress(typed) == ServerAddress(stored))
  }

  @Test(
    "an address that is not HOST, HOST:PORT or [IPv6]:PORT is refused, naming the option and the rule",
    arguments: ["", ":50051", "host:0", "host:65536", "host:port", "[::1]50051", "a:b:c", "[::1]:"])
  func refused(text: String) {
    let error = #expect(throws: (any Error).self) { try ServerAddress(text) }
    #expect("\(error.map { "\($0)" } ?? "")".contains("--server must be HOST:PORT"), "\(text)")
  }

  @Test("the token is given for the server signed in to only; for another, an error says how to sign in there")
  func tokenForServer() throws {
    let credentials = Credentials(
      server: "127.0.0.1:50051", token: "assure_secret", account: "pcc", displayName: "PCC", role: .commissioner,
      signInID: "id", deviceID: "device", issuedAt: Date(), expiresAt: Date().addingTimeInterval(3600), caFile: nil,
      tls: false, insecure: false)
    #expect(try credentials.token(for: ServerAddress("127.0.0.1:050051")) == "assure_secret")
    let error = #expect(throws: AccessError.self) { try credentials.token(for: ServerAddress("127.0.0.1:50052")) }
    #expect(error?.code == .unauthenticated)
    #expect(
      error?.message
        == "signed in to 127.0.0.1:50051; 127.0.0.1:50052 is another server: sign in to it first (assure login --server 127.0.0.1:50052)"
    )
  }
}
