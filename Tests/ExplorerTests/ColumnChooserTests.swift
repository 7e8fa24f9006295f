import Foundation
import PlanhatKit
import PlanhatSandbox
import Testing
import TerminalUI

@testable import Explorer

extension Driver {
    var results: ResultsPage? {
        if case .results(let page) = state.page { return page }
        return nil
    }

    var chooser: ColumnChooser? {
        if case .columns(let chooser)? = state.overlay { return chooser }
        return nil
    }

    /// `:companies`, the custom fields read, the first page loaded.
    mutating func companiesWithCustomFields() async throws {
        send(.character(":"))
        type("companies")
        send(.enter)
        await loadCustomFields()
        await run()
        try await resolveNames()
    }

    /// In the open chooser: finds `path` with `/` and shows or hides it with Space.
    mutating func toggleColumn(_ path: String) {
        send(.character("/"))
        type(path)
        send(.enter, .character(" "), .escape)
    }
}

@Suite("Explorer: columns")
struct ColumnChooserTests {
    @Test("c offers documented and custom fields; a custom field added, one moved and one hidden; Enter asks for exactly those fields and keeps them")
    func chooseColumns() async throws {
        var driver = try Driver(width: 160, height: 40)
        try await driver.companiesWithCustomFields()
        let before = try #require(driver.results).columns
        driver.send(.character("c"))
        let chooser = try #require(driver.chooser)
        #expect(chooser.entries.filter(\.chosen).map(\.path) == before.filter { $0 != "_id" }, "the shown columns come first, in order")
        #expect(chooser.entries.contains { $0.path == "custom.Seats" && !$0.chosen })
        #expect(chooser.entries.contains { $0.path == "renewalDaysFromNow" })

        driver.toggleColumn("custom.Seats")
        driver.toggleColumn("renewalDaysFromNow")
        driver.toggleColumn("status")  // hide it
        let chosen = try #require(driver.chooser).entries.filter(\.chosen).map(\.path)
        #expect(!chosen.contains("status"))
        #expect(chosen.suffix(2) == ["custom.Seats", "renewalDaysFromNow"], "added columns go last until moved")
        // Move renewalDaysFromNow one to the left (the cursor is on the list's first row: go to it).
        driver.send(.end)
        for _ in 0..<200 where { () -> Bool in
            guard let chooser = driver.chooser else { return false }
            return chooser.entries[chooser.visible[chooser.cursor.selected]].path != "renewalDaysFromNow"
        }() { driver.send(.up) }
        driver.send(.character("K"), .character("+"), .character("+"), .character("p"))
        let moved = try #require(driver.chooser)
        #expect(moved.entries.filter(\.chosen).map(\.path).suffix(2) == ["renewalDaysFromNow", "custom.Seats"])
        #expect(moved.widths["renewalDaysFromNow"] == 16 && moved.pinned)

        driver.effects = []
        driver.send(.enter)
        #expect(driver.state.overlay == nil)
        let call = try #require(driver.lastCall)
        let select = try #require(call.query.first { $0.name == "select" }?.value).split(separator: ",").map(String.init)
        #expect(select == ColumnLayout.select(for: moved.layout.columns))
        #expect(select.contains("custom") && select.contains("renewalDaysFromNow") && !select.contains("status"))
        #expect(driver.effects.contains(.saveColumns(["companies": moved.layout])))
        await driver.run()
        let page = try #require(driver.results)
        #expect(page.columns == moved.layout.columns + ["_id"])
        #expect(page.pinned && page.widths["renewalDaysFromNow"] == 16)
        let seats = try #require(page.columns.firstIndex(of: "custom.Seats"))
        let rows = try await driver.context.service.perform(model: "companies", operation: "list", parameters: ["limit": 100])
        let first = try #require(rows.arrayValue?.first { $0["_id"] == page.value(at: 0, column: page.columns.count - 1) })
        #expect(page.value(at: 0, column: seats) == first["custom"]?["Seats"], "the nested value is read from the record")
        let days = try #require(page.columns.firstIndex(of: "renewalDaysFromNow"))
        if let value = first["renewalDaysFromNow"]?.doubleValue {
            #expect(page.cellTexts(0)[days] == CellText.relativeDays(Int(value.rounded())))
        }

        // The next list of the model shows the kept columns and asks for those fields only.
        driver.send(.escape)
        driver.send(.character(":"))
        driver.type("companies")
        driver.send(.enter)
        #expect(driver.lastCall?.query.first { $0.name == "select" }?.value == select.joined(separator: ","))
        await driver.run()
        #expect(driver.results?.columns == moved.layout.columns + ["_id"])
    }

    @Test("a nested path is typed in with a; Esc leaves the columns as they were; no column at all is refused")
    func nestedPathAndCancel() async throws {
        var driver = try Driver(width: 160, height: 40)
        try await driver.companiesWithCustomFields()
        let before = try #require(driver.results).columns
        driver.send(.character("c"), .character("a"))
        driver.type("custom.Region")
        driver.send(.enter)
        #expect(driver.chooser?.entries.contains { $0.path == "custom.Region" && $0.chosen } == true)
        driver.send(.escape)
        #expect(driver.state.overlay == nil && driver.results?.columns == before)

        driver.send(.character("c"))
        for column in before where column != "_id" { driver.toggleColumn(column) }
        driver.effects = []
        driver.send(.enter)
        #expect(driver.chooser != nil && driver.state.statusIsError, "no column: the chooser stays and says why")
        #expect(driver.effects.isEmpty)
    }

    @Test("column layouts are kept in a file of the workspace, read back the same")
    func store() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("columns-\(UUID())")
        let store = ColumnStore(file: folder.appendingPathComponent("w.json"))
        #expect(store.load().isEmpty)
        let layouts = ["companies": ColumnLayout(columns: ["name", "custom.Seats"], widths: ["name": 20], pinned: true)]
        try store.save(layouts)
        #expect(store.load() == layouts)
        let mode = try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test("nested values: objects by key, arrays element by element")
    func nestedValues() {
        let record: JSONValue = ["custom": ["Seats": 40], "users": [["id": "a"], ["id": "b"]]]
        #expect(ColumnLayout.value(of: "custom.Seats", in: record) == 40)
        #expect(ColumnLayout.value(of: "users.id", in: record) == ["a", "b"])
        #expect(ColumnLayout.value(of: "custom.Nope", in: record) == nil)
        #expect(ColumnLayout.select(for: ["name", "custom.Seats", "custom.Region", "_id"]) == ["name", "custom"])
    }

    @Test("readable values: days from now as words")
    func relativeDays() throws {
        let companies = try #require(Catalog.shared.model(route: "companies"))
        #expect(CellText.of(.integer(14), field: "renewalDaysFromNow", in: companies) == "in 14 days")
        #expect(CellText.of(.number(-3), field: "renewalDaysFromNow", in: companies) == "3 days ago")
        #expect(CellText.of(.integer(0), field: "renewalDaysFromNow", in: companies) == "today")
    }

    @Test("a pinned first column stays while the table scrolls right, at 120×40 and 80×24", arguments: [(120, 40), (80, 24)])
    func pinned(_ width: Int, _ height: Int) async throws {
        var driver = try Driver(width: width, height: height)
        try await driver.companiesWithCustomFields()
        driver.send(.character("c"), .character("p"), .enter)
        await driver.run()
        let page = try #require(driver.results)
        for _ in page.columns { driver.send(.right) }
        let buffer = ExplorerView.render(driver.state, context: driver.context, theme: .fallback)
        #expect(buffer.line(2).hasPrefix(" NAME"), "\(buffer.line(2))")
        #expect(buffer.line(2).contains("ID"), "the last column is on screen")
        for y in 0..<height { #expect(DisplayWidth.of(buffer.line(y)) <= width) }
        // Unpinned, the name scrolls away.
        driver.send(.character("c"), .character("p"), .enter)
        await driver.run()
        for _ in page.columns { driver.send(.right) }
        let unpinned = ExplorerView.render(driver.state, context: driver.context, theme: .fallback)
        if width == 80 { #expect(!unpinned.line(2).hasPrefix(" NAME"), "at 80 columns the table scrolls") }
    }

    @Test("the chooser renders at 120×40 and 80×24 without overflowing", arguments: [(120, 40), (80, 24)])
    func render(_ width: Int, _ height: Int) async throws {
        var driver = try Driver(width: width, height: height)
        try await driver.companiesWithCustomFields()
        driver.send(.character("c"))
        let buffer = ExplorerView.render(driver.state, context: driver.context, theme: .fallback)
        #expect(buffer.text.contains("Columns of companies"))
        #expect(buffer.text.contains("[x] name"))
        for y in 0..<height { #expect(DisplayWidth.of(buffer.line(y)) <= width) }
    }
}
