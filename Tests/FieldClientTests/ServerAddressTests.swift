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
