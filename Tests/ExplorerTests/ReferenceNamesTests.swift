import Foundation
import PlanhatKit
import PlanhatSandbox
import Testing
import TerminalUI

@testable import Explorer

extension Driver {
    /// The name lookups asked for so far, run against the context's sandbox and answered, as the app does.
    mutating func resolveNames() async throws {
        var done = Set<String>()
        while let lookup = effects.compactMap({ effect -> NameLookup? in
            if case .lookUpNames(let lookup) = effect, !done.contains(lookup.model.route) { return lookup }
            return nil
        }).first {
            done.insert(lookup.model.route)
            effects.removeAll { $0 == .lookUpNames(lookup) }
            feed(.namesLoaded(route: lookup.model.route, .success(try await lookup.run(service: context.service))))
        }
    }

    /// `:companies` with the first page loaded and the names of its references looked up.
    mutating func companiesWithNames() async throws {
        send(.character(":"))
        type("companies")
        send(.enter)
        await run()
        try await resolveNames()
    }

    /// The users of the sandbox by id: `First Last`.
    func userNames() async throws -> [String: String] {
        let users = try await context.service.perform(model: "users", operation: "list", parameters: ["limit": 1000])
        var names: [String: String] = [:]
        for user in users.arrayValue ?? [] {
            guard let id = user["_id"]?.stringValue else { continue }
            names[id] = [user["firstName"]?.stringValue, user["lastName"]?.stringValue].compactMap { $0 }.joined(separator: " ")
        }
        return names
    }
}

@Suite("Explorer: names, not ids")
struct ReferenceNamesTests {
    @Test("the catalog knows where references point: owner → users, companyId → companies, followers[] → users")
    func catalogReferences() throws {
        let companies = try #require(Catalog.shared.model(route: "companies"))
        #expect(ReferenceFields.route(of: "owner", in: companies) == "users")
        #expect(ReferenceFields.route(of: "coOwner", in: companies) == "users")
        #expect(ReferenceFields.route(of: "name", in: companies) == nil)
        let endusers = try #require(Catalog.shared.model(route: "endusers"))
        #expect(ReferenceFields.route(of: "companyId", in: endusers) == "companies")
    }

    @Test("a company list asks once for the users' names; the owner column shows them, i shows the ids, r reads them again")
    func ownerNames() async throws {
        var driver = try Driver(width: 160, height: 30)
        try await driver.companiesWithNames()
        guard case .results(let page) = driver.state.page else { Issue.record("not on results"); return }
        let owner = try #require(page.columns.firstIndex(of: "owner"))
        let names = try await driver.userNames()
        let ownerID = try #require(page.value(at: 0, column: owner)?.stringValue)
        #expect(page.cellTexts(0)[owner] == names[ownerID], "the owner shows by name")
        #expect(driver.state.names.requested.contains("users"))
        #expect(driver.screen().text.contains(try #require(names[ownerID])))
        #expect(!driver.screen().text.contains(ownerID))

        driver.send(.character("i"))
        guard case .results(let ids) = driver.state.page else { Issue.record("not on results"); return }
        #expect(ids.cellTexts(0)[owner] == ownerID, "i shows the id")
        driver.send(.character("i"))

        // A second list of the same model asks for nothing more: the names are cached.
        driver.effects = []
        driver.send(.escape)
        driver.send(.character(":"))
        driver.type("companies")
        driver.send(.enter)
        await driver.run()
        #expect(!driver.effects.contains { if case .lookUpNames = $0 { return true } else { return false } })

        // A refresh reads them again.
        driver.send(.character("r"))
        #expect(driver.effects.contains { if case .lookUpNames(let lookup) = $0 { return lookup.model.route == "users" } else { return false } })
    }

    @Test("the filter finds rows by the owner's name")
    func filterByName() async throws {
        var driver = try Driver(width: 160, height: 30)
        try await driver.companiesWithNames()
        guard case .results(let page) = driver.state.page else { Issue.record("not on results"); return }
        let owner = try #require(page.columns.firstIndex(of: "owner"))
        let names = try await driver.userNames()
        let ownerID = try #require(page.value(at: 0, column: owner)?.stringValue)
        let last = try #require(names[ownerID]?.split(separator: " ").last.map(String.init))
        driver.send(.character("/"))
        driver.type(last)
        guard case .results(let filtered) = driver.state.page else { Issue.record("not on results"); return }
        let expected = page.rows.indices.filter { index in
            (page.value(at: index, column: owner)?.stringValue).flatMap { names[$0] }?.contains(last) == true
                || page.rows[index].text.lowercased().contains(last.lowercased())
        }
        #expect(!expected.isEmpty)
        #expect(filtered.visibleRows == expected)
    }

    @Test("an id no lookup found shows as the id; a failed lookup says so and the ids stay")
    func unresolved() async throws {
        var driver = try Driver(width: 160, height: 30)
        driver.send(.character(":"))
        driver.type("companies")
        driver.send(.enter)
        await driver.run()
        driver.feed(.namesLoaded(route: "users", .success(["000000000000000000000000": ReferenceName(name: "Nobody")])))
        guard case .results(let page) = driver.state.page else { Issue.record("not on results"); return }
        let owner = try #require(page.columns.firstIndex(of: "owner"))
        #expect(page.cellTexts(0)[owner] == page.value(at: 0, column: owner)?.stringValue)
        driver.feed(.namesLoaded(route: "users", .failure(PlanhatError(status: 500, message: "boom"))))
        #expect(driver.state.status?.contains("names of users not read") == true)
    }

    @Test("a record says the owner's name beside the id; i shows the id alone")
    func recordNames() async throws {
        var driver = try Driver(width: 160, height: 40)
        try await driver.companiesWithNames()
        driver.send(.enter)
        await driver.run()
        try await driver.resolveNames()
        guard case .record(let record) = driver.state.page else { Issue.record("not on a record"); return }
        let ownerID = try #require(record.record["owner"]?.stringValue)
        let name = try #require(try await driver.userNames()[ownerID])
        let line = record.lines.map { $0.map(\.text).joined() }.first { $0.contains("\"owner\"") }
        #expect(line?.contains("\"\(ownerID)\",  (\(name))") == true, "\(line ?? "no owner line")")
        driver.send(.character("i"))
        guard case .record(let bare) = driver.state.page else { Issue.record("not on a record"); return }
        #expect(bare.lines.map { $0.map(\.text).joined() }.first { $0.contains("\"owner\"") }?.contains(name) == false)
    }

    @Test("the update preview names the old and the new owner")
    func diffNames() throws {
        let companies = try #require(Catalog.shared.model(route: "companies"))
        var names = ReferenceNames()
        names.store(["a": ReferenceName(name: "Ada Lovelace"), "b": ReferenceName(name: "Grace Hopper")], for: "users")
        let change = FieldChange(path: ["owner"], old: "a", new: "b")
        let text = PreviewText.changeLines(change, width: 120, model: companies, names: names).map { $0.map(\.text).joined() }.joined()
        #expect(text == "  owner: \"a\" (Ada Lovelace) → \"b\" (Grace Hopper)")
    }

    @Test("the user picker shows names with the emails beside them, and finds a user by email")
    func userPicker() async throws {
        var driver = try Driver()
        await driver.openOwnerPicker()
        guard case .picker(let picker)? = driver.state.overlay else { Issue.record("no picker"); return }
        let first = try #require(picker.options.first)
        let names = try await driver.userNames()
        #expect(first.label == names[first.value])
        #expect(first.detail?.contains("@") == true)
        #expect(driver.screen().text.contains(try #require(first.detail)))
        driver.type(String(try #require(first.detail).prefix(while: { $0 != "@" })))
        guard case .picker(let filtered)? = driver.state.overlay else { Issue.record("no picker"); return }
        #expect(filtered.visible.contains(first))
    }

    @Test("names render at 120×40 and 80×24 without overflowing", arguments: [(120, 40), (80, 24)])
    func render(_ width: Int, _ height: Int) async throws {
        var driver = try Driver(width: width, height: height)
        try await driver.companiesWithNames()
        guard case .results(let page) = driver.state.page else { Issue.record("not on results"); return }
        let owner = try #require(page.columns.firstIndex(of: "owner"))
        for _ in 0..<owner { driver.send(.right) }
        let buffer = ExplorerView.render(driver.state, context: driver.context, theme: .fallback)
        #expect(buffer.text.contains("OWNER"))
        let names = Set(try await driver.userNames().values)
        #expect(names.contains { buffer.text.contains($0) }, "an owner's name is on screen")
        for y in 0..<height { #expect(DisplayWidth.of(buffer.line(y)) <= width) }
    }
}
