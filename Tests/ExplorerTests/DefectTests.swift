import Foundation
import PlanhatKit
import PlanhatSandbox
import Testing
import TerminalUI

@testable import Explorer

extension Driver {
    /// Types text the way the terminal delivers it: one Unicode scalar per key.
    mutating func typeScalars(_ text: String) {
        for scalar in text.unicodeScalars { send(Key(scalar: scalar)) }
    }
}

/// Regressions of the defects found trying the explorer as a new user would (issue 19).
@Suite("Explorer defects stay fixed")
struct DefectTests {
    static let clusters = ["👩‍💻", "👨‍👩‍👧‍👦", "🇸🇪", "👍🏽", "e\u{301}", "1️⃣", "\u{1100}\u{1161}\u{11A8}", "क्ष"]

    @Test("multi-scalar characters in a form's text field, scalar by scalar, reach the parameters", arguments: clusters)
    func clusterInForm(cluster: String) throws {
        var driver = try Driver()
        driver.open("notes", .create)
        driver.focus("subject")
        driver.typeScalars("Hi " + cluster + "!")
        let field = try #require(driver.form?.focused)
        #expect(field.input.text == "Hi " + cluster + "!")
        #expect(driver.form?.form.parameters().parameters["subject"] == .string("Hi " + cluster + "!"))
        _ = driver.screen()
    }

    @Test("multi-scalar characters in the / filter, the : prompt and the record search", arguments: clusters)
    func clusterInPrompts(cluster: String) async throws {
        var driver = try Driver()
        driver.send(.character("/"))
        driver.typeScalars(cluster)
        _ = driver.screen()
        driver.send(.escape, .character(":"))
        driver.typeScalars(cluster)
        _ = driver.screen()
        guard case .prompt(let prompt)? = driver.state.overlay else { Issue.record("no prompt"); return }
        #expect(prompt.field.text == cluster)
        driver.send(.escape)
        let record = try await driver.firstRecord("companies")
        driver.state.stack.append(.record(RecordPage(model: try Catalog.shared.model(named: "companies"), record: record)))
        driver.send(.character("/"))
        driver.typeScalars(cluster + cluster)
        guard case .record(let page) = driver.state.page else { Issue.record("not on the record"); return }
        #expect(page.search?.query == cluster + cluster)
        _ = driver.screen()
    }
}

extension DefectTests {
    /// A driver whose `~` is a temporary home, on results of `route` loaded from the sandbox in pages of 5.
    static func onResults(_ route: String, home: String) async throws -> Driver {
        var driver = try Driver()
        let context = driver.context
        driver = try Driver(context: ExplorerContext(
            service: context.service, exportFolder: home, drafts: nil, directories: UserDirectories(environment: ["HOME": home]), now: context.now))
        driver.open(route, .list)
        driver.send(.control("u"))
        driver.type("5")
        driver.send(.control("s"))
        await driver.run()
        return driver
    }

    /// Feeds the effects an export asks for, running the export itself against the sandbox.
    static func runExport(_ driver: inout Driver, exists: Bool? = nil) async {
        guard case .checkExportTarget(let job)? = driver.effects.last else { Issue.record("no export was asked for: \(driver.effects.suffix(2))"); return }
        let present = exists ?? FileManager.default.fileExists(atPath: job.path)
        driver.effects += ExplorerUpdate.update(&driver.state, .exportTarget(job, exists: present), context: driver.context)
        guard case .export(let started)? = driver.effects.last else {
            if exists != true, !present { Issue.record("the export did not start: \(driver.effects.suffix(2))") }
            return
        }
        let done = await Exporter.run(started, service: driver.context.service) { _ in }
        driver.effects += ExplorerUpdate.update(&driver.state, done, context: driver.context)
    }

    @Test("e exports the whole list (every page, every field) to a path under the explorer's HOME, and asks before replacing a file")
    func exportWholeList() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID())").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        var driver = try await Self.onResults("endusers", home: home)
        guard case .results(let page) = driver.state.page else { Issue.record("no results"); return }
        #expect(page.rows.count == 5 && !page.exhausted, "only the first page is loaded")
        driver.send(.character("e"))
        guard case .prompt(var prompt)? = driver.state.overlay else { Issue.record("no prompt"); return }
        prompt.field.set("~/contacts.ndjson")
        driver.state.overlay = .prompt(prompt)
        driver.send(.enter)
        guard case .exportChoice(let plan)? = driver.state.overlay else { Issue.record("no choice"); return }
        #expect(plan.path == home + "/contacts.ndjson", "~ is the explorer's HOME")
        driver.send(.character("a"))
        await Self.runExport(&driver)
        let total = try await driver.context.service.perform(model: "endusers", operation: "list", parameters: ["limit": 2000]).arrayValue?.count ?? 0
        let lines = try String(contentsOfFile: home + "/contacts.ndjson", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == total && total > 5, "every record, not just the loaded page")
        #expect(try JSONValue.parse(String(lines[0]))["email"] != nil && (try JSONValue.parse(String(lines[0])).objectValue?.count ?? 0) > 5, "every field")
        #expect(driver.state.status?.hasPrefix("exported \(English.count(total, "record")) to ~/contacts.ndjson") == true, "\(driver.state.status ?? "")")

        // The file is there now: asked first; n keeps it as it was.
        driver.send(.character("e"))
        guard case .prompt(var again)? = driver.state.overlay else { Issue.record("no prompt"); return }
        again.field.set("~/contacts.ndjson")
        driver.state.overlay = .prompt(again)
        driver.send(.enter, .character("c"))
        await Self.runExport(&driver)
        guard case .confirmReplace? = driver.state.overlay else { Issue.record("no confirmation before replacing"); return }
        driver.send(.character("n"))
        #expect(try String(contentsOfFile: home + "/contacts.ndjson", encoding: .utf8).split(separator: "\n").count == total)
        #expect(driver.state.status?.hasPrefix("not exported") == true)
    }

    @Test("e: the columns only, the filtered rows only, and a name without a format")
    func exportChoices() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID())").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        var driver = try await Self.onResults("companies", home: home)
        driver.send(.character("/"))
        driver.type("customer")
        driver.send(.enter)
        guard case .results(let page) = driver.state.page else { Issue.record("no results"); return }
        let shown = page.visibleRows.count
        #expect(shown > 0 && shown <= 5)
        driver.send(.character("e"))
        guard case .prompt(var prompt)? = driver.state.overlay else { Issue.record("no prompt"); return }
        prompt.field.set(home + "/x")
        driver.state.overlay = .prompt(prompt)
        driver.send(.enter)
        guard case .prompt(let refused)? = driver.state.overlay else { Issue.record("a name without a format was taken"); return }
        #expect(refused.problem?.contains(".csv, .json or .ndjson") == true)
        prompt.field.set(home + "/x.csv")
        driver.state.overlay = .prompt(prompt)
        driver.send(.enter, .character("v"))
        await Self.runExport(&driver)
        let rows = try CSV.parse(try String(contentsOfFile: home + "/x.csv", encoding: .utf8))
        #expect(rows.count == shown + 1 && rows[0].contains("name"), "the filtered rows and a header")
        driver.send(.character("e"))
        prompt.field.set(home + "/columns.csv")
        driver.state.overlay = .prompt(prompt)
        driver.send(.enter, .character("c"))
        await Self.runExport(&driver)
        let columns = try CSV.parse(try String(contentsOfFile: home + "/columns.csv", encoding: .utf8))
        #expect(columns[0] == page.columns, "the table's columns")
        let companies = try await driver.context.service.perform(model: "companies", operation: "list", parameters: ["limit": 5000]).arrayValue?.count ?? 0
        #expect(columns.count == companies + 1, "every company of the list, not only the filter's")
    }
}

extension DefectTests {
    @Test("emptying a field in an update sends null and the preview says so; removing a custom entry sends it as null; the sandbox then holds neither")
    func clearInUpdate() async throws {
        var driver = try Driver(width: 90)
        let record = try await driver.firstRecord("companies")
        let id = try #require(record["_id"]?.stringValue)
        var withCustom = record.objectValue ?? [:]
        let phase = try #require(record["phase"]?.stringValue)
        withCustom["custom"] = ["Tier": "Gold", "Long note": .string(String(repeating: "long words ", count: 12))]
        _ = try await driver.context.service.perform(model: "companies", operation: "update", parameters: ["id": .string(id), "custom": withCustom["custom"] ?? .null])
        let stored = try await driver.context.service.perform(model: "companies", operation: "view", parameters: ["id": .string(id)])
        driver.state.stack.append(.record(RecordPage(model: try Catalog.shared.model(named: "companies"), record: stored)))
        driver.send(.character("u"))
        driver.focus("phase")
        driver.send(.control("u"))
        driver.focus("custom")
        driver.send(.enter)
        guard case .items(var editor)? = driver.state.overlay else { Issue.record("no custom editor"); return }
        editor.rows = editor.rows.filter { !$0.hasPrefix("Tier") }
        driver.state.overlay = .items(editor)
        driver.send(.escape, .control("s"))
        guard case .preview(let preview)? = driver.state.overlay else { Issue.record("no preview: \(driver.form?.summary ?? "")"); return }
        #expect(preview.request.body?["phase"] == .null, "an emptied field is sent, as null")
        #expect(preview.request.body?["custom"] == ["Tier": .null], "only the removed entry, as null")
        let lines = PreviewText.lines(preview, width: 80).map { $0.map(\.text).joined() }
        #expect(lines.contains("  phase: \(JSONValue.string(phase).compactText()) → null (cleared)"))
        #expect(lines.contains("  custom.Tier: \"Gold\" → null (cleared)"))
        #expect(!lines.contains { $0.contains("Long note") }, "an entry left as it was is not a change")
        driver.send(.enter)
        await driver.run()
        let after = try await driver.context.service.perform(model: "companies", operation: "view", parameters: ["id": .string(id)])
        #expect(after["phase"] == nil && after["custom"]?["Tier"] == nil && after["custom"]?["Long note"] != nil)
    }

    @Test("a long change wraps: the new value is never cut off")
    func longChangeWraps() {
        let change = FieldChange(path: ["custom", "A rather long custom field name"], old: .string(String(repeating: "old ", count: 20)), new: .string(String(repeating: "new ", count: 20)))
        let lines = PreviewText.changeLines(change, width: 60).map { $0.map(\.text).joined() }
        #expect(lines.count == 2 && lines[1].contains("→ \"new new"))
    }

    @Test("day numbers read as dates and identifiers without thousands separators, in tables and records")
    func datesAndIdentifiers() throws {
        let invoices = try Catalog.shared.model(named: "invoices")
        #expect(CellText.of(.integer(20749), field: "invoiceDate", in: invoices) == "2026-10-23")
        #expect(CellText.of(.integer(10041), field: "invoiceNo", in: invoices) == "10041")
        #expect(CellText.of(.integer(10041), field: "amountTotal", in: invoices) == "10,041")
        let timesheets = try Catalog.shared.model(named: "timesheets")
        #expect(CellText.of(.integer(20774), field: "dateFrom", in: timesheets) == "2026-11-17")
        let companies = try Catalog.shared.model(named: "companies")
        #expect(CellText.of("2026-11-29T09:30:00.000Z", field: "createDate", in: companies) == "2026-11-29 09:30")
        #expect(CellText.of(.integer(4321), field: "fiscalYear", in: companies) == "4321")
        let page = RecordPage(model: invoices, record: ["_id": "a", "invoiceNo": 10041, "invoiceDate": 20749])
        let text = page.lines.map { $0.map(\.text).joined() }
        #expect(text.contains("  \"invoiceDate\": 20749,  (2026-10-23)"))
    }

    @Test("after a delete, u and d say the record is gone; on a bulk summary they say it is not a record")
    func deletedAndSummary() throws {
        var driver = try Driver()
        let companies = try Catalog.shared.model(named: "companies")
        driver.state.stack.append(.record(RecordPage(model: companies, record: ["_id": "64b7a0c2e4b0a1b2c3d4e5f6", "name": "Gone"], heading: "Deleted company Gone", kind: .deleted)))
        driver.send(.character("u"))
        #expect(driver.form == nil && driver.state.status == "this company was deleted: there is nothing left to update")
        driver.send(.character("d"))
        #expect(driver.state.overlay == nil && driver.state.status == "this company was deleted: there is nothing left to delete")
        driver.state.stack.append(.record(RecordPage(model: companies, record: ["created": 3], heading: "Bulk upsert", kind: .bulkSummary)))
        driver.send(.character("d"))
        #expect(driver.state.status?.hasPrefix("this is the summary of a bulk upsert, not a record") == true)
    }

    @Test("a picker: Enter with nothing matching says so and stays open")
    func pickerNoMatch() async throws {
        var driver = try Driver()
        await driver.openOwnerPicker()
        driver.type("zzzz-nobody")
        driver.send(.enter)
        guard case .picker(let picker)? = driver.state.overlay else { Issue.record("the picker closed"); return }
        #expect(picker.problem == "nothing matches 'zzzz-nobody': type less, or Esc and type the id")
        #expect(driver.screen().text.contains("nothing matches 'zzzz-nobody'"))
    }

    @Test("the company form starts with the fields a person fills in, and shows no computed field")
    func companyFormOrder() throws {
        let form = Form.build(model: try Catalog.shared.model(named: "companies"), operation: .create)
        #expect(Array(form.fields.prefix(6).map(\.key)) == ["name", "owner", "status", "phase", "arr", "mrr"])
        let titles = form.fields.map(\.title)
        for hidden in ["Last updated", "Sunits", "Org path", "CSM score log", "H", "Mr", "C id"] { #expect(!titles.contains(hidden)) }
        #expect(titles.contains("Health"))
    }
}

extension DefectTests {
    @Test("Esc cancels an export in flight and says how far it got; a late answer of the cancelled job changes nothing")
    func cancelExport() throws {
        var driver = try Driver()
        driver.state.job = JobProgress(id: 41, label: "export of companies", done: 3_000)
        driver.send(.escape)
        #expect(driver.effects.last == .cancel(id: 41))
        #expect(driver.state.job == nil && driver.state.status == "cancelled export of companies after 3,000 records; the file holds those")
        driver.feed(.exported(id: 41, path: "/tmp/x.csv", count: 5_000))
        #expect(driver.state.status?.hasPrefix("cancelled") == true)
    }
}
