import PostgresStore
import Testing

@Suite struct PostgresLocationTests {
  @Test func readsAnAddress() throws {
    let location = try PostgresLocation(url: "postgres://assure@db.example:6543/office?sslmode=require")
    #expect(location.user == "assure")
    #expect(location.host == "db.example")
    #expect(location.port == 6543)
    #expect(location.database == "office")
    #expect(location.tls == .require)
    #expect(location.description == "postgres://assure@db.example:6543/office?sslmode=require")
    let v6 = try PostgresLocation(url: "postgresql://a@[::1]/b")
    #expect(v6.host == "::1" && v6.port == 5432 && v6.description == "postgres://a@[::1]:5432/b")
  }

  @Test(arguments: [
    ("mysql://a@h/d", "must start with postgres://"),
    ("postgres://a:secret@h/d", "must not hold a password"),
    ("postgres://h/d", "must name the user"),
    ("postgres://a@h", "must name the database"),
    ("postgres://a@h:0/d", "port as a number from 1 to 65535"),
    ("postgres://a@h:99999/d", "port as a number from 1 to 65535"),
    ("postgres://a@h/d?sslmode=maybe", "sslmode must be one of"),
    ("postgres://a@h/d?user=b", "takes only sslmode"),
  ])
  func refusesAMalformedAddress(text: String, rule: String) {
    #expect {
      try PostgresLocation(url: text)
    } throws: { error in
      guard let error = error as? LocationError else { return false }
      return error.field == "store" && error.rule.contains(rule) && !error.rule.contains("secret")
    }
  }
}
