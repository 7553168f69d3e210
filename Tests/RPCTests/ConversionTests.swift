import Foundation
import Model
import RPC
import SwiftProtobuf
import Testing

@Suite struct ConversionTests {
  @Test("an engagement survives the wire unchanged, timestamps to the millisecond")
  func engagementRoundTrip() throws {
    let engagement = Engagement(
      date: LocalDate("2022-09-27")!, who: .dpcc, kind: .publicMeeting, organisation: "Hindlip residents",
      place: "Hindlip", area: "worcestershire", attendees: 0, topics: ["estates"], objectiveID: "3",
      elementID: "3.3", followUpActions: ["Reply on the SWDP consultation"], notes: "£ and – survive",
      createdBy: "dpcc", createdAt: Date(timeIntervalSince1970: 1_664_272_800.123456).truncatedToMilliseconds)
    let bytes: [UInt8] = try engagement.proto.serializedBytes()
    let decoded = try Engagement(proto: try Assure_V1_Engagement(serializedBytes: bytes))
    #expect(decoded == engagement)
  }

  @Test("an absent attendee count stays absent; zero stays zero")
  func optionalAttendees() throws {
    var engagement = Engagement(
      date: LocalDate("2022-07-01")!, who: .pcc, kind: .media, organisation: "BBC Hereford and Worcester",
      place: "Worcester", area: "worcestershire", createdBy: "pcc")
    #expect(try Engagement(proto: engagement.proto).attendees == nil)
    engagement.attendees = 0
    #expect(try Engagement(proto: engagement.proto).attendees == 0)
  }

  @Test("an unreadable id or date names its field")
  func unreadable() {
    let proto = Assure_V1_Engagement.with {
      $0.id = "abc"
      $0.date = "31/07/2022"
    }
    do {
      _ = try Engagement(proto: proto)
      Issue.record("expected a validation error")
    } catch {
      #expect(error.violations.map(\.field) == ["id", "date"])
    }
  }

  /// Decodes a message whose id is `id`, as each type with an id read from the wire does.
  static let idReaders: [(String, @Sendable (String) throws -> Void)] = [
    ("account.id", { id in _ = try Account(proto: .with { $0.id = id }) }),
    ("sign_in.id", { id in _ = try DeviceToken(proto: .with { $0.id = id }) }),
    (
      "update.id",
      { id in
        _ = try ProgressUpdate(
          proto: .with {
            $0.id = id
            $0.date = "2022-10-05"
          })
      }
    ),
  ]

  @Test(
    "an id from the wire that is not a UUID is refused naming its field, never replaced by a new one",
    arguments: 0..<idReaders.count, ["", "not-a-uuid", "6f1c2a4e-93b7-4d0a-8c1e-2b5d7f9a0c3"])
  func unreadableWireID(index: Int, id: String) throws {
    // Given a message whose id does not parse
    let (field, read) = Self.idReaders[index]
    // When it is read, then a validation error names the field and quotes the id
    let error = #expect(throws: ValidationError.self, "\(field)") { try read(id) }
    #expect(error?.violations.map(\.field) == [field])
    #expect(error?.violations.first?.rule.hasPrefix("must be a UUID (got") == true)
  }

  @Test("accounts, sign-ins and progress updates keep their ids over the wire")
  func idRoundTrip() throws {
    let now = Date().truncatedToMilliseconds
    let account = Account(
      id: UUID(), name: "pcc", displayName: "John Campion", role: .commissioner, createdAt: now, createdBy: "admin")
    #expect(try Account(proto: account.proto) == account)
    let signIn = DeviceToken(
      id: UUID(), accountName: "pcc", deviceID: "laptop", label: "Laptop", createdAt: now,
      expiresAt: now.addingTimeInterval(3600))
    #expect(try DeviceToken(proto: signIn.proto) == signIn)
    let update = ProgressUpdate(
      id: UUID(), elementID: "2.3", date: LocalDate("2022-10-05")!, narrative: "Done", author: "governance",
      status: .onTrack, recordedAt: now)
    #expect(try ProgressUpdate(proto: update.proto) == update)
  }

  @Test("mutations and changes round-trip, including deletes without payload")
  func syncRoundTrip() throws {
    let engagement = Engagement(
      date: LocalDate("2022-07-20")!, who: .apcc, kind: .event, organisation: "Ludlow Food Festival",
      place: "Ludlow", area: "shropshire", createdBy: "apcc", createdAt: Date().truncatedToMilliseconds)
    let upsert = Mutation.upsert(engagement, by: "apcc", at: Date().truncatedToMilliseconds)
    #expect(try Mutation(proto: upsert.proto) == upsert)
    let delete = Mutation.delete(engagement: engagement.id, by: "apcc", at: Date().truncatedToMilliseconds)
    #expect(try Mutation(proto: delete.proto) == delete)

    let change = Change(
      cursor: 42, entityType: .element, entityID: "2.3", operation: .upsert,
      payload: .element(
        PlanElement(
          id: "2.3", objectiveID: "2", title: "Road safety", status: .atRisk, dueDate: LocalDate("2023-03-31"),
          position: 3)),
      changedAt: Date().truncatedToMilliseconds)
    #expect(try Change(proto: change.proto) == change)
    #expect(change.proto.element.rag == "red", "served as at today: at risk and past its due date")
    guard case .element(let element)? = change.payload else { return }
    #expect(element.proto(on: LocalDate("2022-10-01")!).rag == "amber")
  }
}
