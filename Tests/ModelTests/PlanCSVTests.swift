import Foundation
import Model
import Testing

@Suite struct PlanCSVTests {
  static let stored = [Objective(id: "1", title: "Putting victims and survivors first", position: 1)]
  static let storedElements = [
    PlanElement(id: "1.1", objectiveID: "1", title: "Prevention Fund", status: .onTrack, position: 1)
  ]

  @Test("quoted fields keep commas, quotes and line breaks, and rows keep the line they start on")
  func quoting() throws {
    let text =
      "\u{FEFF}objective,element,title,description\r\n1,1.2,\"Victims, survivors\",\"He said \"\"yes\"\"\nand more\"\r\n\r\n1,1.3,Plain,\n"
    let rows = try PlanCSV.parse(text)
    #expect(rows.count == 2)
    #expect(rows[0]["title"] == "Victims, survivors")
    #expect(rows[0]["description"] == "He said \"yes\"\nand more")
    #expect(rows[1].line == 5)
  }

  @Test("an unknown column, a missing objective column or a short row is refused with its line")
  func badShape() {
    #expect(throws: ValidationError.self) { try PlanCSV.parse("objective,colour\n1,red\n") }
    #expect(throws: ValidationError.self) { try PlanCSV.parse("element,title\n1.1,x\n") }
    do {
      _ = try PlanCSV.parse("objective,element,title\n1,1.1,ok\n1,1.2\n")
      Issue.record("expected an error")
    } catch let error as ValidationError {
      #expect(error.violations.map(\.field) == ["line 3"])
    } catch {
      Issue.record("\(error)")
    }
  }

  @Test("every bad row is reported with its line number and rule, and nothing is returned")
  func everyBadRow() {
    let text = """
      objective,element,title,status,due_date,start_date
      1,1.2,Good row,on-track,2023-03-31,2022-04-01
      1,1.3,,on-track,2023-03-31,
      9,9.1,Unknown objective,on-track,,
      1,1.4,Bad status,sideways,2022-02-30,
      1,1.5,Backwards,on-track,2022-01-01,2022-06-01
      """
    do {
      _ = try PlanImport.merge(
        try PlanCSV.parse(text), objectives: Self.stored, elements: Self.storedElements)
      Issue.record("expected an error")
    } catch let error as ValidationError {
      let fields = error.violations.map(\.field)
      #expect(fields.contains("line 3, title"))
      #expect(fields.contains("line 4, objective"))
      #expect(fields.contains("line 5, status"))
      #expect(fields.contains("line 5, due_date"))
      #expect(fields.contains("line 6, due_date"))
      #expect(!fields.contains { $0.hasPrefix("line 2") })
    } catch {
      Issue.record("\(error)")
    }
  }

  @Test("blank cells keep stored values; a new objective row can precede its elements")
  func merge() throws {
    let text = """
      objective,objective_title,element,title,status,opcc_lead
      5,Keeping roads safe,,,,
      5,,5.1,Road safety partnership,on-track,Road Safety Lead
      1,,1.1,,at-risk,
      """
    let plan = try PlanImport.merge(try PlanCSV.parse(text), objectives: Self.stored, elements: Self.storedElements)
    #expect(plan.objectives.map(\.id) == ["5"])
    #expect(plan.objectives.first?.position == 2)
    #expect(plan.elements.map(\.id) == ["5.1", "1.1"])
    #expect(plan.elements[1].title == "Prevention Fund")
    #expect(plan.elements[1].status == .atRisk)
    #expect(plan.elements[0].opccLead == "Road Safety Lead")
  }

  @Test("export then import gives back the same plan, formula-like cells included")
  func roundTrip() throws {
    let objectives = [Objective(id: "1", title: "Victims, first", description: "Line one\nline two", position: 1)]
    let elements = [
      PlanElement(
        id: "1.1", objectiveID: "1", title: "=HYPERLINK(\"x\")", description: "He said \"no\"", opccLead: "Lead",
        status: .atRisk, startDate: LocalDate("2022-04-01"), dueDate: LocalDate("2023-03-31"), position: 1,
        ragOverride: RAGOverride(rag: .red, reason: "Funding gap"))
    ]
    let text = PlanCSV.format(objectives: objectives, elements: elements)
    #expect(text.contains("'=HYPERLINK"))
    let plan = try PlanImport.merge(try PlanCSV.parse(text), objectives: [], elements: [])
    #expect(plan.objectives == objectives)
    #expect(plan.elements == elements)
  }
}
