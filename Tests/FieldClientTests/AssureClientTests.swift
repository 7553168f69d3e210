import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Model
import RPC
import Sync
import Testing

/// The typed client (`AssureClient`) against a real `assure-server` on 127.0.0.1: Model values
/// go in and come back, and every gRPC status comes out as the domain's error.
@Suite(.serialized) struct AssureClientTests {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("assure-client-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  /// A one-time code for a new user of the server in `dataDir`, from the administrator's command.
  func code(_ dataDir: URL, name: String, role: String) async throws -> String {
    let issued = try await runServerCommand(["user", "add", "--data-dir", dataDir.path, "--name", name, "--role", role])
    guard issued.status == 0 else { throw TestFailure("assure-server user add failed: \(issued)") }
    return issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Runs `body` with a typed client of the server on `port`, its calls carrying `token`.
  /// The whole suite shares two cores: a connection may wait longer than the default 10 s for
  /// its first call, which the server would count as a peer that never speaks; connection
  /// closes are logged (debug) so that a failure shows why.
  static let serverArguments = ["--handshake-timeout", "120", "--log-level", "debug"]

  func withClient<T: Sendable>(
    port: Int, token: String? = nil, timeout: Duration = .seconds(60),
    _ body: (AssureClient<HTTP2ClientTransport.Posix>) async throws -> T
  ) async throws -> T {
    let transport = try HTTP2ClientTransport.Posix(
      target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
    return try await withGRPCClient(transport: transport, interceptors: token.map { [BearerToken($0)] } ?? []) {
      grpc in
      try await body(AssureClient(client: grpc, server: "127.0.0.1:\(port)", timeout: timeout))
    }
  }

  /// Signs a device in as a new user with `role` and returns its token.
  func signIn(_ server: ServerProcess, port: Int, name: String, role: String) async throws -> String {
    let code = try await code(server.dataDir, name: name, role: role)
    let issued = try await withClient(port: port) { client in
      try await client.enrol(code: code, deviceID: "device-\(name)", label: "test")
    }
    #expect(issued.account.name == name)
    #expect(issued.account.role == Role(rawValue: role))
    #expect(issued.signIn.deviceID == "device-\(name)")
    #expect(issued.signIn.accountName == name)
    return issued.token
  }

  @Test("plan values make the round trip: what is sent comes back as the same Model values")
  func planRoundTrip() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let server = try ServerProcess(
      port: port, dataDir: root.appendingPathComponent("server"), extraArguments: Self.serverArguments)
    _ = try await server.waitUntilListening()
    do {
      let token = try await signIn(server, port: port, name: "governance-one", role: "governance")
      try await planCalls(port: port, token: token)
    } catch {
      // What the server said, to tell a failure of the call from one of the server.
      Issue.record("the server's log:\n\(server.output.suffix(4000))")
      throw error
    }
    _ = try await server.terminate()
  }

  func planCalls(port: Int, token: String) async throws {
    try await withClient(port: port, token: token) { client in
      // Who the server takes the caller to be
      let current = try await client.whoAmI()
      #expect(current.account.name == "governance-one")
      #expect(current.account.role == .governance)

      // An objective and an element go in as Model values and come back equal
      let objective = Objective(id: "7", title: "Keeping roads safe", description: "Fewer people hurt.", position: 0)
      let created = try await client.createObjective(objective)
      #expect(created.id == "7")
      #expect(created.title == objective.title)
      #expect(created.description == objective.description)
      #expect(created.position >= 1)

      let element = PlanElement(
        id: "7.1", objectiveID: "7", title: "Average speed cameras", opccLead: "Road Safety Lead",
        forceLead: "Roads Policing", status: .onTrack, startDate: LocalDate("2022-04-01"),
        dueDate: LocalDate("2023-03-31"), position: 0)
      let stored = try await client.createElement(element, effectiveOn: LocalDate("2022-04-01"))
      #expect(stored.id == element.id)
      #expect(stored.objectiveID == element.objectiveID)
      #expect(stored.title == element.title)
      #expect(stored.opccLead == element.opccLead)
      #expect(stored.forceLead == element.forceLead)
      #expect(stored.status == .onTrack)
      #expect(stored.startDate == element.startDate)
      #expect(stored.dueDate == element.dueDate)

      // What is listed is what was stored
      #expect(try await client.objectives().contains(created))
      #expect(try await client.elements(objectiveID: "7") == [stored])

      // A status change with a RAG set by hand comes back rated, and in the history
      let rated = try await client.setElementStatus(
        ElementStatusChange(
          elementID: "7.1", status: .atRisk, effectiveOn: LocalDate("2022-10-12"), note: "Supplier late",
          ragOverride: "red", ragOverrideReason: "Cameras not installed"))
      #expect(rated.element.status == .atRisk)
      #expect(rated.rag == .red)
      #expect(rated.element.ragOverride == RAGOverride(rag: .red, reason: "Cameras not installed"))
      let history = try await client.elementHistory(id: "7.1")
      #expect(history.map(\.status) == [.onTrack, .atRisk])
      #expect(history.last?.effectiveOn == LocalDate("2022-10-12"))
      #expect(history.last?.note == "Supplier late")

      // A milestone, completed
      let milestone = try await client.addMilestone(
        elementID: "7.1", title: "Sites chosen", dueDate: LocalDate("2022-09-30")!)
      #expect(milestone.elementID == "7.1")
      #expect(milestone.dueDate == LocalDate("2022-09-30"))
      #expect(milestone.completedOn == nil)
      let completed = try await client.completeMilestone(id: milestone.id, on: LocalDate("2022-09-28"))
      #expect(completed.completedOn == LocalDate("2022-09-28"))
      #expect(try await client.milestones(elementID: "7.1") == [completed])

      // A meeting with an action, and the action closed
      let recorded = try await client.recordMeeting(
        Meeting(date: LocalDate("2022-10-19")!, title: "October governance", attendees: ["PCC"], decisions: ["Go"]),
        actions: [MeetingAction(text: "Report on cameras", owner: "Road Safety Lead", dueDate: LocalDate("2022-11-30"))]
      )
      #expect(recorded.meeting.date == LocalDate("2022-10-19"))
      #expect(recorded.meeting.decisions == ["Go"])
      #expect(recorded.actions.count == 1)
      #expect(recorded.actions.first?.owner == "Road Safety Lead")
      #expect(recorded.actions.first?.dueDate == LocalDate("2022-11-30"))
      let action = try #require(recorded.actions.first)
      let closed = try await client.updateAction(
        id: action.id, ActionChanges(status: .done, closedOn: LocalDate("2022-11-02")))
      #expect(closed.status == .done)
      #expect(closed.closedOn == LocalDate("2022-11-02"))
      #expect(try await client.actions(status: .open).isEmpty)
      #expect(try await client.actions(status: nil).map(\.action) == [closed])

      // The month's review has them
      let review = try await client.monthlyReview(YearMonth("2022-10")!)
      #expect(review.month == YearMonth("2022-10"))
      #expect(review.meetings.map(\.id) == [recorded.meeting.id])
    }
  }

  @Test("an invalid value is a ValidationError naming each field; a missing record is StorageError.notFound")
  func errorsMapped() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let server = try ServerProcess(
      port: port, dataDir: root.appendingPathComponent("server"), extraArguments: Self.serverArguments)
    _ = try await server.waitUntilListening()
    let token = try await signIn(server, port: port, name: "governance-two", role: "governance")

    try await withClient(port: port, token: token) { client in
      _ = try await client.createObjective(Objective(id: "1", title: "Victims first", position: 0))

      // Given an element with no title and an unknown status, the server names both fields
      do {
        _ = try await client.createElement(
          PlanElement(id: "1.1", objectiveID: "1", title: "", status: ElementStatus(rawValue: "sideways"), position: 0))
        Issue.record("an invalid element was stored")
      } catch let error as Model.ValidationError {
        #expect(Set(error.violations.map(\.field)) == ["title", "status"], "\(error)")
        #expect(error.violations.contains { $0.rule.contains("sideways") }, "\(error)")
      }

      // A month that is not one is named too, with the rule the server gave
      do {
        _ = try await client.progressUpdates(month: "2022-13")
        Issue.record("a month 13 was accepted")
      } catch let error as Model.ValidationError {
        #expect(error.violations == [.init(field: "month", rule: "must be YYYY-MM (got \"2022-13\")")])
      }

      // A record that is not there
      do {
        _ = try await client.completeMilestone(id: "1.9-M9")
        Issue.record("a missing milestone was completed")
      } catch let error as StorageError {
        #expect(error.code == .notFound, "\(error)")
      }
      do {
        _ = try await client.updateObjective(id: "99", title: "Nothing")
        Issue.record("a missing objective was updated")
      } catch let error as StorageError {
        #expect(error.code == .notFound, "\(error)")
      }
    }

    // A token the server does not know is refused, and says which server refused it
    try await withClient(port: port, token: "not-a-token") { client in
      do {
        _ = try await client.objectives()
        Issue.record("an unknown token was accepted")
      } catch let error as AccessError {
        #expect(error.code == .unauthenticated)
        #expect(error.message.hasPrefix("the server at 127.0.0.1:\(port) refused this device's sign-in: "), "\(error)")
      }
    }
    _ = try await server.terminate()
  }

  @Test("a stopped server is SyncError offline, naming the server; never a raw RPCError")
  func stoppedServerIsOffline() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let server = try ServerProcess(
      port: port, dataDir: root.appendingPathComponent("server"), extraArguments: Self.serverArguments)
    _ = try await server.waitUntilListening()
    let token = try await signIn(server, port: port, name: "governance-three", role: "governance")
    #expect(try await server.terminate() == 0)

    try await withClient(port: port, token: token, timeout: .seconds(5)) { client in
      do {
        _ = try await client.forceProfile()
        Issue.record("a stopped server answered")
      } catch let error as SyncError {
        #expect(error.code == .offline)
        #expect(error.message.hasPrefix("cannot reach the server at 127.0.0.1:\(port) ("), "\(error)")
        #expect(error.message.contains("this command needs a connection"), "\(error)")
      } catch {
        Issue.record("expected SyncError offline, got \(type(of: error)): \(error)")
      }
    }
  }

  @Test("an administrator adds a user; the user's code signs a device in, which then signs out")
  func accounts() async throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let port = try freeLoopbackPort()
    let server = try ServerProcess(
      port: port, dataDir: root.appendingPathComponent("server"), extraArguments: Self.serverArguments)
    _ = try await server.waitUntilListening()
    do {
      try await accountCalls(server, port: port)
    } catch {
      Issue.record("the server's log:\n\(server.output.suffix(4000))")
      throw error
    }
    _ = try await server.terminate()
  }

  func accountCalls(_ server: ServerProcess, port: Int) async throws {
    let admin = try await signIn(server, port: port, name: "admin-one", role: "admin")

    let issued = try await withClient(port: port, token: admin) { client in
      let code = try await client.createUser(name: "analyst-one", displayName: "Ann Alyst", role: .analyst)
      #expect(code.account.name == "analyst-one")
      #expect(code.account.displayName == "Ann Alyst")
      #expect(code.account.role == .analyst)
      #expect(try await client.users().contains { $0.name == "analyst-one" })
      // A name taken already
      do {
        _ = try await client.createUser(name: "analyst-one", role: .analyst)
        Issue.record("a second analyst-one was added")
      } catch let error as StorageError {
        #expect(error.code == .alreadyExists, "\(error)")
      }
      return try await withClient(port: port) { anonymous in
        try await anonymous.enrol(code: code.code, deviceID: "analyst-laptop", label: "laptop")
      }
    }

    let renewed = try await withClient(port: port, token: issued.token) { client in
      #expect(try await client.whoAmI().signIn.id == issued.signIn.id)
      // A role that may not change the plan is refused, and says so
      do {
        _ = try await client.createObjective(Objective(id: "3", title: "Not mine", position: 0))
        Issue.record("an analyst changed the plan")
      } catch let error as AccessError {
        #expect(error.code == .permissionDenied, "\(error)")
      }
      // A refreshed token replaces the old one
      let renewed = try await client.refreshToken()
      #expect(renewed.account.name == "analyst-one")
      #expect(renewed.token != issued.token)
      return renewed
    }
    let devices = try await withClient(port: port, token: admin) { client in
      try await client.devices(accountName: "analyst-one")
    }
    #expect(Set(devices.map(\.deviceID)) == ["analyst-laptop"])
    #expect(devices.contains { $0.id == renewed.signIn.id })

    // Signed out, the token is refused
    try await withClient(port: port, token: renewed.token) { client in
      try await client.signOut()
      do {
        _ = try await client.whoAmI()
        Issue.record("a signed-out token was accepted")
      } catch let error as AccessError {
        #expect(error.code == .unauthenticated, "\(error)")
      }
    }
  }
}
