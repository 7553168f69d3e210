import Foundation
import Model
import Testing

@Suite struct AreaValueTests {
  @Test("an area logged before areas could be retired reads as active")
  func decodesOldPayload() throws {
    let area = try JSONDecoder().decode(Area.self, from: Data(#"{"code":"north","name":"North"}"#.utf8))
    #expect(area == Area(code: "north", name: "North", retired: false))
    let retired = Area(code: "south", name: "South", retired: true)
    #expect(try JSONDecoder().decode(Area.self, from: JSONEncoder().encode(retired)) == retired)
  }

  @Test(
    "with no areas known, any well-formed code passes and a malformed one is named",
    arguments: [
      ("north-2", true), ("Shire", false), ("a b", false), ("", false),
    ])
  func wellFormed(code: String, passes: Bool) {
    var engagement = Engagement(
      date: LocalDate("2022-07-14")!, who: .pcc, kind: .parishCouncil, organisation: "Hall", place: "Town", area: code,
      createdBy: "pcc", createdAt: Date())
    engagement.updatedBy = "pcc"
    #expect(((try? engagement.validate(in: .standalone)) != nil) == passes)
  }

  @Test("a retired area: refused for a new engagement or a move into it, allowed for one already in it")
  func retiredRule() throws {
    let context = ValidationContext(areas: ["north", "old"], retiredAreas: ["old"])
    var engagement = Engagement(
      date: LocalDate("2022-07-14")!, who: .pcc, kind: .parishCouncil, organisation: "Hall", place: "Town", area: "old",
      createdBy: "pcc", createdAt: Date())
    engagement.updatedBy = "pcc"
    #expect(throws: ValidationError.self) { try engagement.validate(in: context) }
    #expect(throws: ValidationError.self) { try engagement.validate(in: context, storedArea: "north") }
    try engagement.validate(in: context, storedArea: "old")
    do {
      try engagement.validate(in: context)
    } catch {
      #expect(error.description == "area: old is retired: a new engagement must be in one of north (got \"old\")")
    }
  }
}
