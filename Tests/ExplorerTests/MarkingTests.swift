import Foundation
import PlanhatKit
import PlanhatRemote
import PlanhatTestSupport
import Testing
import TerminalUI

@testable import Explorer

extension Driver {
    /// The first model (companies) listed from the sandbox, on the results page.
    mutating func listCompanies() async {
        runCompanies(limit: "100")
        await run()
    }

    /// Runs every call the update sends, one after the other (a bulk run's chunks, a delete per row).
    mutating func runAll(limit: Int = 50) async {
        var calls = 0
        while state.pending != nil, calls < limit {
            calls += 1
            await run()
        }
    }
}

@Suite("Explorer: marking rows and acting on them")
struct MarkingTests {
    @Test("Space marks the row and moves on, again unmarks; * marks every row the filter shows, again unmarks; the info line counts")
    func marking() async throws {
        var driver = try Driver(width: 120, height: 40)
        await driver.listCompanies()
        let rows = try #require(driver.results).rows.count
        #expect(rows == 12)
        driver.send(.character(" "))
        var page = try #require(driver.results)
        #expect(page.marked.count == 1 && page.cursor.selected == 1)
        #expect(driver.state.status == "1 company marked")
        driver.send(.character(" "))
        #expect(driver.results?.marked.count == 2)
        driver.send(.up, .character(" "))
        page = try #require(driver.results)
        #expect(page.marked.count == 1, "Space on a marked row unmarks it")
        #expect(page.marked.contains(try #require(page.rowID(0))))
        driver.send(.character("*"))
        #expect(driver.results?.marked.count == 12)
        #expect(driver.state.status == "12 companies marked")
        driver.send(.character("*"))
        #expect(driver.results?.marked.isEmpty == true, "* again unmarks every row shown")

        // A filter narrows what * marks.
        let name = try #require(driver.results?.cellTexts(3).first)
        driver.send(.character("/"))
        driver.type(name)
        driver.send(.enter, .character("*"))
        page = try #require(driver.results)
        #expect(page.marked.count == page.visibleRows.count && page.visibleRows.count < 12)
        let screen = ExplorerView.render(driver.state, context: driver.context, theme: .fallback)
        #expect(screen.text.contains("\(page.marked.count) marked (u change · D delete · e export)"))
    }

    @Test("marked rows carry a glyph in the margin (no colour needed) at 120×40 and 80×24", arguments: [(120, 40), (80, 24)])
    func markGlyph(_ width: Int, _ height: Int) async throws {
        var driver = try Driver(width: width, height: height)
        await driver.listCompanies()
        driver.send(.character(" "), .down, .character(" "))
        let theme = Theme.fallback.adapted(colors: 0, noColor: true)
        let screen = ExplorerView.render(driver.state, context: driver.context, theme: theme)
        // Rows start under the header, the breadcrumb and the table's heading.
        #expect(screen.line(3).hasPrefix(ExplorerView.markGlyph), "the first row is marked: \(screen.line(3))")
        #expect(!screen.line(4).hasPrefix(ExplorerView.markGlyph), "the second is not")
        #expect(screen.line(5).hasPrefix(ExplorerView.markGlyph), "the third is")
        #expect(screen.text.contains("2 marked"))
        for y in 0..<height { #expect(DisplayWidth.of(screen.line(y)) <= width) }
    }

    @Test("u on marked rows: a form; the preview lists each record's field diff; Enter sends one bulk upsert by _id; the sandbox has the new phase")
    func bulkChange() async throws {
        var driver = try Driver(width: 120, height: 40)
        await driver.listCompanies()
        driver.send(.character("u"))
        #expect(driver.form == nil && driver.state.statusIsError, "nothing marked: u says so")
        driver.send(.character(" "), .character(" "), .character(" "))
        let page = try #require(driver.results)
        let marked = page.marked.ids
        driver.send(.character("u"))
        let form = try #require(driver.form)
        #expect(form.bulk?.marked.ids == marked)
        #expect(!form.form.fields.contains { $0.key == "id" }, "no id: every marked row is changed")
        #expect(form.form.fields.prefix(4).map(\.key) == ["name", "owner", "status", "phase"], "the tmux test tabs three times to the phase")
        #expect(ExplorerView.render(driver.state, context: driver.context, theme: .fallback).text.contains("Change 3 marked companies"))
        driver.focus("phase")
        driver.type("Renewal")
        driver.send(.control("s"))
        guard case .preview(let preview)? = driver.state.overlay else { Issue.record("no preview: \(driver.form?.summary ?? "")"); return }
        #expect(preview.plan == .bulk && preview.request.operation == .bulkUpsert)
        let items = try #require(preview.request.body?.arrayValue)
        #expect(items.map { $0["_id"]?.stringValue } == marked.map { Optional($0) })
        #expect(items.allSatisfy { $0["phase"] == "Renewal" && $0.objectValue?.count == 2 })
        let text = PreviewText.lines(preview).map { $0.map(\.text).joined() }.joined(separator: "\n")
        #expect(text.contains("3 records × 1 field (before as loaded → after):"))
        for id in marked { #expect(text.contains("_id \(id)")) }
        #expect(text.components(separatedBy: "→ \"Renewal\"").count - 1 == 3, "\(text)")
        driver.send(.enter)
        #expect(driver.state.pending?.label == "bulk upsert companies: 0 of 3 sent")
        await driver.runAll()
        guard case .record(let summary) = driver.state.page else { Issue.record("no summary"); return }
        #expect(summary.heading == "Bulk upsert of 3 companies: created 0, updated 3, 0 errors")
        for id in marked {
            let record = try await driver.context.service.perform(model: "companies", operation: "view", parameters: ["id": .string(id)])
            #expect(record["phase"] == "Renewal")
        }
        driver.send(.escape)
        #expect(driver.lastCall?.operation == .list, "back on the table, the changed rows are read again")
        await driver.run()
        let reloaded = try #require(driver.results)
        let phase = try #require(reloaded.columns.firstIndex(of: "phase"))
        #expect(reloaded.rows.indices.filter { marked.contains(reloaded.rowID($0) ?? "") }.allSatisfy { reloaded.cellTexts($0)[phase] == "Renewal" })
        #expect(reloaded.marked.ids == marked, "the marks are kept")
        let unmarked = try #require(page.rowID(5))
        let other = try await driver.context.service.perform(model: "companies", operation: "view", parameters: ["id": .string(unmarked)])
        #expect(other["phase"] != "Renewal")
    }

    @Test("a bulk change with a bad value names the field and sends nothing")
    func bulkChangeInvalid() async throws {
        var driver = try Driver(width: 120, height: 40)
        await driver.listCompanies()
        driver.send(.character(" "), .character(" "), .character("u"))
        driver.focus("arr")
        driver.type("lots")
        driver.send(.control("s"))
        #expect(driver.state.overlay == nil)
        #expect(driver.form?.summary?.contains("ARR") == true, "\(driver.form?.summary ?? "")")
        #expect(driver.state.pending == nil)
    }

    @Test("D on marked rows: the count must be typed; then one delete each, the summary, the rows leave the table")
    func bulkDelete() async throws {
        var driver = try Driver(width: 80, height: 24)
        await driver.listCompanies()
        driver.send(.character(" "), .character(" "))
        let marked = try #require(driver.results).marked.ids
        driver.send(.character("D"))
        guard case .confirmBulkDelete(let confirmation)? = driver.state.overlay else { Issue.record("no confirmation"); return }
        #expect(confirmation.ids == marked)
        let dialog = ExplorerView.render(driver.state, context: driver.context, theme: .fallback).text
        #expect(dialog.contains("Delete 2 companies?") && dialog.contains("Type 2 (the number of rows)"))
        driver.type("yes")
        driver.send(.enter)
        guard case .confirmBulkDelete(let wrong)? = driver.state.overlay else { Issue.record("the dialog closed"); return }
        #expect(wrong.wrongAnswer && driver.state.pending == nil, "yes is not the count: nothing is sent")
        driver.send(.control("u"))
        driver.type("2")
        driver.send(.enter)
        #expect(driver.state.pending?.label == "delete companies: 0 of 2 done")
        await driver.runAll()
        guard case .record(let summary) = driver.state.page else { Issue.record("no summary"); return }
        #expect(summary.heading == "Deleted 2 of 2 companies; 0 errors")
        #expect(summary.record["deletedIds"]?.arrayValue?.compactMap(\.stringValue) == marked)
        driver.send(.escape)
        let page = try #require(driver.results)
        #expect(page.rows.count == 10 && page.marked.isEmpty)
        let left = try await driver.context.service.perform(model: "companies", operation: "list", parameters: ["limit": 100])
        #expect(left.arrayValue?.count == 10)
    }

    @Test("Esc while the marked rows are deleted sends no more deletes")
    func bulkDeleteCancel() async throws {
        var driver = try Driver(width: 80, height: 24)
        await driver.listCompanies()
        driver.send(.character(" "), .character(" "), .character(" "), .character("D"))
        driver.type("3")
        driver.send(.enter)
        await driver.run()
        #expect(driver.state.pending?.label == "delete companies: 1 of 3 done")
        let sent = driver.effects.filter { if case .perform = $0 { return true } else { return false } }.count
        driver.send(.escape)
        #expect(driver.state.pending == nil && driver.state.status == "cancelled delete companies: 1 of 3 done")
        #expect(driver.effects.filter { if case .perform = $0 { return true } else { return false } }.count == sent, "nothing more is sent")
        let left = try await driver.context.service.perform(model: "companies", operation: "list", parameters: ["limit": 100])
        #expect(left.arrayValue?.count == 11, "the first delete was applied, the others never sent")
    }

    @Test("e with rows marked offers the marked rows; m writes exactly them with the table's columns")
    func exportMarked() async throws {
        var driver = try Driver(width: 120, height: 40)
        await driver.listCompanies()
        driver.send(.character(" "), .character(" "), .character("e"), .enter)
        guard case .exportChoice(let plan)? = driver.state.overlay else { Issue.record("no export choice"); return }
        #expect(plan.markedRows?.count == 2)
        #expect(ExplorerView.render(driver.state, context: driver.context, theme: .fallback).text.contains("m  the 2 marked rows, the table's columns"))
        driver.send(.character("m"))
        let job = try #require(driver.effects.compactMap { effect -> ExportJob? in
            if case .checkExportTarget(let job) = effect { return job }
            return nil
        }.last)
        #expect(job.rows?.count == 2 && job.columns == driver.results?.columns)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("marked-\(UUID()).json").path
        var written = job
        written.path = path
        written.format = .json
        _ = await Exporter.run(written, service: driver.context.service) { _ in }
        let rows = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [[String: Any]] ?? []
        #expect(rows.compactMap { $0["_id"] as? String } == driver.results?.marked.ids)
    }

    @Test("read-only: u and D on marked rows say why and send nothing")
    func readOnly() async throws {
        var driver = try Driver(width: 120, height: 40, readOnly: true)
        await driver.listCompanies()
        driver.send(.character(" "), .character("u"))
        #expect(driver.form == nil && driver.state.statusIsError && driver.state.status?.contains("(read-only)") == true)
        driver.send(.character("D"))
        #expect(driver.state.overlay == nil && driver.state.status == "delete is not offered for companies (read-only)")
        #expect(driver.state.pending == nil)
    }

    @Test("? on results lists the marking keys")
    func help() async throws {
        var driver = try Driver(width: 120, height: 40)
        await driver.listCompanies()
        driver.send(.character("?"))
        let text = ExplorerView.render(driver.state, context: driver.context, theme: .fallback).text
        for words in ["mark / unmark the row", "mark every row the filter shows", "change fields of the marked rows", "delete the marked rows"] {
            #expect(text.contains(words), "\(words)")
        }
    }
}

@Suite("Explorer: related records and the web app")
struct RelatedRecordsTests {
    /// The first company of the sandbox, opened from the list.
    func openCompany(_ driver: inout Driver) async throws -> Explorer.RecordPage {
        await driver.listCompanies()
        driver.send(.enter)
        await driver.run()
        guard case .record(let page) = driver.state.page else { throw PlanhatError(.internal, message: "no record") }
        return page
    }

    @Test("R on a company: its owner, and the lists that point at it (end users, licenses, tasks, conversations, opportunities, NPS, invoices)")
    func menu() async throws {
        var driver = try Driver(width: 120, height: 40)
        let company = try await openCompany(&driver)
        driver.send(.character("R"))
        guard case .related(let menu)? = driver.state.overlay else { Issue.record("no menu: \(driver.state.status ?? "")"); return }
        let lists = menu.entries.compactMap { entry -> String? in
            if case .list(let route, _, _) = entry { return route }
            return nil
        }
        for route in ["endusers", "licenses", "tasks", "conversations", "opportunities", "nps", "invoices"] { #expect(lists.contains(route), "\(route)") }
        #expect(!lists.contains("users"), "users carry no company")
        if let owner = company.record["owner"]?.stringValue {
            #expect(menu.entries.contains(.reference(field: "owner", route: "users", id: owner, name: company.names.name(owner, in: "users")?.name)))
        }
        let text = ExplorerView.render(driver.state, context: driver.context, theme: .fallback).text
        #expect(text.contains("Related to Company"))
        #expect(text.contains("← End users"))
        driver.send(.escape)
        #expect(driver.state.overlay == nil)
    }

    @Test("Enter on End users opens them filtered to the company on the server; Esc comes back to the record where it was")
    func endUsers() async throws {
        var driver = try Driver(width: 120, height: 40)
        let company = try await openCompany(&driver)
        let id = try #require(company.record["_id"]?.stringValue)
        driver.send(.pageDown)
        let offset = try #require({ if case .record(let page) = driver.state.page { return page.offset } else { return nil } }())
        driver.send(.enter)
        guard case .related(let menu)? = driver.state.overlay else { Issue.record("no menu"); return }
        let index = try #require(menu.entries.firstIndex(of: .list(route: "endusers", field: "companyId", filter: "companyId")))
        for _ in 0..<index { driver.send(.down) }
        driver.send(.enter)
        let call = try #require(driver.lastCall)
        #expect(call.model.route == "endusers" && call.operation == .list)
        #expect(call.pathAndQuery.contains("companyId=\(id)"), "\(call.pathAndQuery)")
        await driver.run()
        let users = try #require(driver.results)
        #expect(users.model.route == "endusers")
        #expect(ExplorerView.breadcrumb(driver.state).hasSuffix("results (companyId = \(company.record["name"]?.stringValue ?? ""))"))
        let all = try await driver.context.service.perform(model: "endusers", operation: "list", parameters: ["limit": 2000])
        let expected = (all.arrayValue ?? []).filter { $0["companyId"]?.stringValue == id }.count
        #expect(users.rows.count == expected && expected > 0)
        driver.send(.escape)
        guard case .record(let back) = driver.state.page else { Issue.record("not back on the record"); return }
        #expect(back.record["_id"]?.stringValue == id && back.offset == offset)
    }

    @Test("Enter on a reference opens the referenced record (the owner)")
    func reference() async throws {
        var driver = try Driver(width: 120, height: 40)
        let company = try await openCompany(&driver)
        let owner = try #require(company.record["owner"]?.stringValue)
        driver.send(.character("R"))
        guard case .related(let menu)? = driver.state.overlay else { Issue.record("no menu"); return }
        let index = try #require(menu.entries.firstIndex { if case .reference("owner", _, _, _) = $0 { return true } else { return false } })
        for _ in 0..<index { driver.send(.down) }
        driver.send(.enter)
        await driver.run()
        guard case .record(let user) = driver.state.page else { Issue.record("no user"); return }
        #expect(user.model.route == "users" && user.record["_id"]?.stringValue == owner)
        driver.send(.escape)
        guard case .record(let back) = driver.state.page else { Issue.record("not back"); return }
        #expect(back.model.route == "companies")
    }

    @Test("Tab on a record focuses its reference fields in turn; Enter opens the focused one's record; Esc comes back")
    func enterOnReference() async throws {
        var driver = try Driver(width: 120, height: 40)
        let company = try await openCompany(&driver)
        let references = company.referenceLines
        #expect(references.map(\.field).contains("owner"), "\(references)")
        let ownerIndex = try #require(references.firstIndex { $0.field == "owner" })
        for _ in 0...ownerIndex { driver.send(.tab) }
        guard case .record(let focused) = driver.state.page else { Issue.record("left the record"); return }
        #expect(focused.referenceFocus == references[ownerIndex].line)
        #expect(driver.state.status == "owner → users: Enter opens it")
        let screen = ExplorerView.render(driver.state, context: driver.context, theme: .fallback)
        let y = 3 + references[ownerIndex].line - focused.offset
        #expect(screen.line(y).contains("\"owner\""))
        #expect(screen[2, y].style == Theme.fallback[.selection], "the focused reference is highlighted")
        driver.send(.enter)
        let call = try #require(driver.lastCall)
        #expect(call.model.route == "users" && call.operation == .view && call.pathAndQuery.contains(references[ownerIndex].id))
        await driver.run()
        guard case .record(let user) = driver.state.page else { Issue.record("no user"); return }
        #expect(user.record["_id"]?.stringValue == references[ownerIndex].id)
        driver.send(.escape)
        guard case .record(let back) = driver.state.page else { Issue.record("not back"); return }
        #expect(back.model.route == "companies" && back.referenceFocus == references[ownerIndex].line, "the focus is where it was")
        driver.send(.backTab)
        guard case .record(let previous) = driver.state.page else { Issue.record("Shift-Tab left the record"); return }
        #expect(previous.referenceFocus == references[(ownerIndex - 1 + references.count) % references.count].line)
    }

    @Test("o on a sandbox record says plainly that it has no web page, and copies nothing")
    func webSandbox() async throws {
        var driver = try Driver(width: 120, height: 40)
        _ = try await openCompany(&driver)
        let before = driver.effects.count
        driver.send(.character("o"))
        #expect(driver.state.status?.hasPrefix("this is the local sandbox: its records have no page in the Planhat web app") == true)
        #expect(!driver.effects.dropFirst(before).contains { if case .openURL = $0 { return true } else { return false } })
    }

    @Test("the web-app address: the documented default with the tenant, a profile's own pattern, and what is missing")
    func webLinks() throws {
        let companies = try #require(Catalog.shared.model(route: "companies"))
        let endusers = try #require(Catalog.shared.model(route: "endusers"))
        let id = "64b7c0ffee0000000000abcd"
        #expect(try WebLinks(tenant: "acme").url(model: companies, id: id).get() == "https://ws.planhat.com/acme/home/data-explorer/companies?preview=Company.\(id)")
        #expect(try WebLinks(pattern: "https://app.example.com/{model}/{id}").url(model: endusers, id: id).get() == "https://app.example.com/enduser/\(id)")
        #expect(try WebLinks(tenant: "acme").url(model: endusers, id: id).get() == "https://ws.planhat.com/acme/home/data-explorer/endusers?preview=EndUser.\(id)")
        guard case .failure(let missing) = WebLinks().url(model: companies, id: id) else { Issue.record("built without a tenant"); return }
        #expect(missing.message.contains("tenant_slug"))
    }

    @Test("o on a record of a tenant: the address from the profile's tenant and the default pattern, copied and opened (or said when no browser is there)")
    func webRemote() async throws {
        let server = try InProcessSandbox(companies: 3)
        let backend = RemoteBackend(
            baseURL: "https://api.planhat.com", token: APIToken("test-token")!, timeout: 30,
            retry: RetryPolicy(rateLimitAttempts: 1, rateLimitBudget: 1, serverErrorAttempts: 1, baseDelay: 0.01, maximumDelay: 0.02),
            limiter: RequestLimiter(limits: .init(perMinute: 10_000)), transport: server.transport(timeout: 30))
        let context = ExplorerContext(service: PlanhatService(backend: backend), webLinks: WebLinks(tenant: "acme"))
        var driver = Driver(width: 120, height: 40, context: context)
        let company = try await openCompany(&driver)
        let id = try #require(company.record["_id"]?.stringValue)
        let url = "https://ws.planhat.com/acme/home/data-explorer/companies?preview=Company.\(id)"
        driver.send(.character("o"))
        #expect(driver.effects.last == .openURL(url))
        #expect(driver.state.status == "\(url) · copied (OSC 52)")
        driver.feed(.urlOpened(url, browser: false))
        #expect(driver.state.status == "\(url) · copied (OSC 52); no browser here to open it")
        let footer = ExplorerView.render(driver.state, context: driver.context, theme: .fallback).line(39)
        #expect(footer.contains(url), "the footer shows the whole address: \(footer)")
        driver.feed(.resize(width: 160, height: 40))
        #expect(ExplorerView.render(driver.state, context: driver.context, theme: .fallback).line(39).contains("no browser here to open it"))

        var untenanted = Driver(width: 120, height: 40, context: ExplorerContext(service: PlanhatService(backend: backend)))
        _ = try await openCompany(&untenanted)
        untenanted.send(.character("o"))
        #expect(untenanted.state.statusIsError && untenanted.state.status?.contains("tenant_slug") == true)
    }
}

@Suite("Explorer: the filter over the whole list")
struct LoadRestTests {
    @Test("/ on a partly loaded list says it covers the loaded rows; L loads every page in the model's largest pages; the info line says which")
    func loadRest() async throws {
        var driver = try Driver(width: 120, height: 40)
        driver.runCompanies(limit: "5")
        await driver.run()
        #expect(driver.results?.rows.count == 5 && driver.results?.exhausted == false)
        driver.send(.character("/"))
        #expect(driver.state.status == "the filter covers the 5 rows loaded; L loads the rest (every page)")
        driver.type("a")
        driver.send(.enter)
        var text = ExplorerView.render(driver.state, context: driver.context, theme: .fallback).text
        #expect(text.contains("of 5 loaded · L loads the rest"))
        driver.send(.character("L"))
        let call = try #require(driver.lastCall)
        #expect(call.pathAndQuery.contains("limit=5000") && call.pathAndQuery.contains("offset=5"), "\(call.pathAndQuery)")
        #expect(driver.state.pending?.label == "loading every company: 5 loaded")
        await driver.runAll()
        let page = try #require(driver.results)
        #expect(page.rows.count == 12 && page.exhausted)
        let all = try await driver.context.service.perform(model: "companies", operation: "list", parameters: ["limit": 100])
        #expect(page.rows.indices.map { page.rowID($0) } == (all.arrayValue ?? []).map { $0["_id"]?.stringValue }, "every record once, in order")
        #expect(driver.state.status == "loaded every company: 12; the filter keeps \(page.visibleRows.count)")
        text = ExplorerView.render(driver.state, context: driver.context, theme: .fallback).text
        #expect(text.contains("of 12, the whole list"))
        driver.send(.character("L"))
        #expect(driver.state.pending == nil && driver.state.status == "every record of the list is loaded (12)")
    }

    @Test("Esc stops loading the rest and keeps what was loaded")
    func cancel() async throws {
        var driver = try Driver(width: 80, height: 24)
        driver.runCompanies(limit: "5")
        await driver.run()
        driver.send(.character("L"))
        #expect(driver.state.pending != nil)
        driver.send(.escape)
        #expect(driver.state.pending == nil && driver.state.status == "cancelled loading every company: 5 loaded")
        #expect(driver.results?.rows.count == 5)
    }
}

@Suite("Explorer: sorting on the server or here")
struct SortWhereTests {
    @Test("s on a plain field sorts on the server and says so; on a reference column (names shown, ids stored) it sorts the loaded rows here by name and says so")
    func sortWhere() async throws {
        var driver = try Driver(width: 160, height: 40)
        await driver.listCompanies()
        var page = try #require(driver.results)
        let arr = try #require(page.columns.firstIndex(of: "arr"))
        for _ in 0..<arr { driver.send(.right) }
        driver.send(.character("s"))
        #expect(driver.lastCall?.queryValue("sort") == "-arr")
        #expect(driver.state.status == "sorted by -arr on the server: the order of every record, not only the loaded ones")
        await driver.run()
        #expect(driver.results?.localSort == nil)

        page = try #require(driver.results)
        let owner = try #require(page.columns.firstIndex(of: "owner"))
        for _ in 0..<abs(owner - page.column) { driver.send(owner > page.column ? .right : .left) }
        let calls = driver.effects.count
        driver.send(.character("s"))
        #expect(!driver.effects.dropFirst(calls).contains { if case .perform = $0 { return true } else { return false } }, "nothing is sent")
        page = try #require(driver.results)
        #expect(page.localSort == "-owner")
        #expect(driver.state.status == "sorted the 12 loaded rows by owner here (Planhat sorts it by id, the table shows names)")
        let names = page.rows.indices.map { page.cellTexts($0)[owner].lowercased() }
        #expect(names == names.sorted(by: >), "\(names)")
        #expect(ExplorerView.render(driver.state, context: driver.context, theme: .fallback).text.contains("OWNER ▼"))
        #expect(ExplorerView.breadcrumb(driver.state).hasSuffix("results (sorted here by -owner)"))
        driver.send(.character("s"))
        page = try #require(driver.results)
        let again = page.rows.indices.map { page.cellTexts($0)[owner].lowercased() }
        #expect(page.localSort == "owner" && again == again.sorted())
    }

    @Test("pages loaded after a sort here are sorted in as they come")
    func sortedAsTheyCome() async throws {
        var driver = try Driver(width: 160, height: 40)
        driver.runCompanies(limit: "5")
        await driver.run()
        let owner = try #require(driver.results?.columns.firstIndex(of: "owner"))
        for _ in 0..<owner { driver.send(.right) }
        driver.send(.character("s"), .character("s"))
        #expect(driver.results?.localSort == "owner")
        driver.send(.character("L"))
        await driver.runAll()
        let page = try #require(driver.results)
        #expect(page.rows.count == 12)
        let names = page.rows.indices.map { page.cellTexts($0)[owner].lowercased() }
        #expect(names == names.sorted(), "\(names)")
    }
}

@Suite("Explorer: the mouse")
struct MouseTests {
    @Test("on results a click selects the row under it, the wheel moves the selection, a click on a header sorts by that column")
    func results() async throws {
        var driver = try Driver(width: 120, height: 40)
        await driver.listCompanies()
        driver.send(.mouse(MouseEvent(.click, x: 10, y: 3 + 4)))
        #expect(driver.results?.cursor.selected == 4)
        driver.send(.mouse(MouseEvent(.wheelDown, x: 10, y: 10)))
        #expect(driver.results?.cursor.selected == 7)
        driver.send(.mouse(MouseEvent(.wheelUp, x: 10, y: 10)), .mouse(MouseEvent(.wheelUp, x: 10, y: 10)))
        #expect(driver.results?.cursor.selected == 1)
        driver.send(.mouse(MouseEvent(.click, x: 10, y: 3 + 30)))
        #expect(driver.results?.cursor.selected == 1, "a click below the last row selects nothing")
        let page = try #require(driver.results)
        let screen = ExplorerView.render(driver.state, context: driver.context, theme: .fallback)
        let header = screen.line(2)
        let arr = try #require(page.columns.firstIndex(of: "arr"))
        let x = try #require(header.range(of: "ARR").map { header.distance(from: header.startIndex, to: $0.lowerBound) })
        driver.send(.mouse(MouseEvent(.click, x: x + 1, y: 2)))
        #expect(driver.results?.column == arr)
        #expect(driver.lastCall?.queryValue("sort") == "-arr", "the header's column, sorted on the server")
        await driver.run()
        #expect(ExplorerView.render(driver.state, context: driver.context, theme: .fallback).line(2).contains("ARR ▼"))
    }

    @Test("on the models list a click selects; on a record the wheel scrolls; over a dialog the mouse does nothing")
    func elsewhere() async throws {
        var driver = try Driver(width: 80, height: 24)
        driver.send(.mouse(MouseEvent(.click, x: 5, y: 3 + 2)))
        guard case .models(let models) = driver.state.page else { Issue.record("not on models"); return }
        #expect(models.cursor.selected == 2)
        driver.send(.character("?"), .mouse(MouseEvent(.click, x: 5, y: 3)))
        guard case .models(let still) = driver.state.page else { Issue.record("a click over the help left the models list"); return }
        #expect(still.cursor.selected == 2 && driver.state.overlay == .help)
        driver.send(.escape, .home)
        await driver.listCompanies()
        driver.send(.enter)
        await driver.run()
        driver.send(.mouse(MouseEvent(.wheelDown, x: 5, y: 10)))
        guard case .record(let record) = driver.state.page else { Issue.record("no record"); return }
        #expect(record.offset == 3)
    }
}

@Suite("Explorer: money with its currency")
struct MoneyTests {
    @Test("a license's MRR shows with its record's currency (asked for beside the columns); a company's ARR stays a number")
    func currency() async throws {
        var driver = try Driver(width: 120, height: 40)
        driver.send(.character(":"))
        driver.type("licenses")
        driver.send(.enter)
        let call = try #require(driver.lastCall)
        #expect(call.queryValue("select")?.split(separator: ",").contains("_currency") == true, "\(call.pathAndQuery)")
        await driver.run()
        let page = try #require(driver.results)
        let mrr = try #require(page.columns.firstIndex(of: "mrr"))
        let all = try await driver.context.service.perform(model: "licenses", operation: "list", parameters: ["limit": 100, "select": "mrr,_currency"])
        let first = try #require(all.arrayValue?.first)
        let code = try #require(Money.code(first["_currency"]))
        #expect(page.cellTexts(0)[mrr] == CellText.of(first["mrr"], field: "mrr", in: page.model) + " " + code)
        #expect(ExplorerView.render(driver.state, context: driver.context, theme: .fallback).text.contains(" \(code)"))
        #expect(!page.columns.contains("_currency"), "the currency is kept beside the columns, not shown as one")

        var companies = try Driver(width: 120, height: 40)
        await companies.listCompanies()
        let list = try #require(companies.results)
        let arr = try #require(list.columns.firstIndex(of: "arr"))
        #expect(list.cellTexts(0)[arr].allSatisfy { $0.isNumber || $0 == "," || $0 == "." || $0 == "-" }, "companies carry no currency: \(list.cellTexts(0)[arr])")
        #expect(Money.code(["_id": "EUR", "symbol": "€"]) == "EUR" && Money.code("SEK") == "SEK" && Money.code(nil) == nil)
    }
}

@Suite("Explorer: opening a web address")
struct BrowserTests {
    @Test("xdg-open only with a display; PLANHAT_BROWSER names another opener (given the address), none turns opening off")
    func opener() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("browser-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let opener = folder.appendingPathComponent("opener").path
        let written = folder.appendingPathComponent("opened").path
        try "#!/bin/sh\nprintf '%s' \"$1\" > \(written)\n".write(toFile: opener, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: opener)
        let url = "https://ws.planhat.com/acme/home/data-explorer/companies?preview=Company.1"
        #expect(Browser.open(url, environment: ["PATH": folder.path]) == false, "no display: xdg-open is not tried")
        #expect(Browser.open(url, environment: ["PATH": folder.path, "DISPLAY": ":0"]) == false, "no xdg-open on the PATH")
        #expect(Browser.open(url, environment: ["PLANHAT_BROWSER": "none", "DISPLAY": ":0"]) == false)
        #expect(Browser.open(url, environment: ["PLANHAT_BROWSER": opener]))
        var text: String?
        for _ in 0..<100 where text?.isEmpty ?? true {
            text = try? String(contentsOfFile: written, encoding: .utf8)
            if text?.isEmpty ?? true { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(text == url)
    }
}
