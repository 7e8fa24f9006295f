import Foundation
import PlanhatTestSupport
import PlanhatKit
import Testing
import TerminalUI

@testable import Explorer

extension Driver {
    /// Answers the custom fields effects asked for, as the app does, from the context's sandbox.
    mutating func loadCustomFields() async {
        let asked = effects.compactMap { effect -> Bool? in
            if case .loadCustomFields(let refresh) = effect { return refresh }
            return nil
        }
        effects.removeAll { if case .loadCustomFields = $0 { return true } else { return false } }
        for refresh in asked {
            do {
                feed(.customFieldsLoaded(.success(try await context.service.customFieldsLoader.load(refresh: refresh)), refresh: refresh))
            } catch {
                feed(.customFieldsLoaded(.failure(error as? PlanhatError ?? PlanhatError(.internal, message: "\(error)")), refresh: refresh))
            }
        }
    }

    func widget(_ key: String) -> FieldWidget? {
        form.flatMap { page in page.form.index(of: key).map { page.form.fields[$0].widget } }
    }
}

@Suite("Explorer custom fields")
struct CustomFieldFormTests {
    @Test("opening a model reads the custom fields once; each gets the widget its type asks for; what was typed stays")
    func widgets() async throws {
        var driver = try Driver(height: 40)
        driver.send(.down, .up, .character("/"))
        #expect(driver.effects.isEmpty, "the models list does not read them")
        driver.open("companies", .create)
        #expect(driver.effects.filter { $0 == .loadCustomFields(refresh: false) }.count == 1)
        #expect(driver.widget("custom") == .keyValue, "until they arrive: name = value entries")
        driver.focus("name")
        driver.type("Acme")
        await driver.loadCustomFields()
        #expect(driver.widget("custom.Segment") == .choice(["Enterprise", "Mid-Market", "SMB"]))
        #expect(driver.widget("custom.Seats") == .number(integer: false))
        #expect(driver.widget("custom.Next QBR") == .date(withTime: false))
        #expect(driver.widget("custom.Products") == .checklist(["Platform", "Analytics", "Integrations", "Mobile"]))
        #expect(driver.widget("custom.Executive Sponsor") == .reference("users"))
        #expect(driver.widget("custom.Onboarded") == .toggle)
        #expect(driver.widget("custom.Billing Email") == .text(format: "email"))
        #expect(driver.widget("custom") == .keyValue, "names not defined: name = value entries")
        #expect(driver.form?.focused?.key == "name" && driver.form?.form.parameters().parameters["name"] == "Acme", "the typed name survives")
        #expect(driver.screen().text.contains("Other custom fields"))
        driver.open("endusers", .create)
        #expect(!driver.effects.contains(.loadCustomFields(refresh: false)), "read once")
        #expect(driver.widget("custom.Persona") == .choice(["Champion", "Decision maker", "User", "Detractor"]))

        driver.open("companies", .create)
        driver.focus("custom.Executive Sponsor")
        driver.send(.enter)
        await driver.run()
        guard case .picker(let picker)? = driver.state.overlay else {
            Issue.record("a team member field picks from users")
            return
        }
        #expect(picker.options.contains { $0.detail?.contains("@planhat-demo.io") == true }, "users by name, the email beside")
    }

    @Test("the form checks a custom number, list and date, and sends a list's choice and a multi-list's values")
    func checking() async throws {
        var driver = try Driver(height: 40)
        driver.open("companies", .create)
        await driver.loadCustomFields()
        driver.focus("name")
        driver.type("Acme")
        driver.focus("custom.Seats")
        driver.type("many")
        driver.focus("custom.Next QBR")
        driver.type("2026-13-01")
        driver.send(.tab)
        let page = try #require(driver.form)
        let issues = Dictionary(page.form.fields.compactMap { field in field.issue.map { (field.key, $0) } }, uniquingKeysWith: { first, _ in first })
        #expect(issues["custom.Seats"]?.contains("a number") == true, "\(issues)")
        #expect(issues["custom.Next QBR"]?.contains("YYYY-MM-DD") == true, "\(issues)")
        var form = page.form
        for (key, text) in [("custom.Seats", "40"), ("custom.Next QBR", "2026-02-03"), ("custom.Segment", "SMB")] {
            form.fields[try #require(form.index(of: key))].input = TextField(text)
        }
        form.fields[try #require(form.index(of: "custom.Products"))].items = ["Platform", "Mobile"]
        form.fields[try #require(form.index(of: "custom"))].items = ["Brand new = 1"]
        let parameters = form.parameters().parameters
        #expect(parameters["custom"] == ["Seats": 40, "Next QBR": "2026-02-03", "Segment": "SMB", "Products": ["Platform", "Mobile"], "Brand new": 1])
        #expect(driver.context.merging(driver.state.customFields).service.rejection("companies", "create", parameters) == nil)
    }

    @Test("an update sends only the custom field changed; the other entries are not touched")
    func update() async throws {
        var driver = try Driver(height: 40)
        let record = try await driver.firstRecord("companies")
        driver.open("companies", .create)
        await driver.loadCustomFields()
        let context = driver.context.merging(driver.state.customFields)
        let model = try #require(context.catalog.model(route: "companies"))
        var page = FormPage(model: model, operation: .update, record: record)
        #expect(page.form.update(from: record).changes.isEmpty, "nothing changed")
        let segment = try #require(page.form.index(of: "custom.Segment"))
        let other = record["custom"]?["Segment"] == "SMB" ? "Enterprise" : "SMB"
        page.form.fields[segment].input = TextField(other)
        let extra = try #require(page.form.index(of: "custom"))
        page.form.fields[extra].items = ["Brand new = yes"]
        let (parameters, changes, problems) = page.form.update(from: record)
        #expect(problems.isEmpty)
        #expect(changes.map(\.key) == ["custom.Segment", "custom.Brand new"])
        #expect(parameters["custom"] == ["Segment": .string(other), "Brand new": "yes"])
    }

    @Test("F5 reads them again on any page (typing or not); the answer is said, a failure too, and forms keep working")
    func refresh() async throws {
        var driver = try Driver(height: 40)
        driver.send(.function(5))
        #expect(driver.effects.last == .loadCustomFields(refresh: true))
        #expect(driver.state.status?.contains("reading") == true)
        await driver.loadCustomFields()
        #expect(driver.state.status?.hasPrefix("read 11 custom fields from the sandbox") == true, "\(driver.state.status ?? "")")
        driver.open("companies", .create)
        #expect(!driver.effects.contains(.loadCustomFields(refresh: false)), "already read")
        #expect(driver.widget("custom.Segment") != nil)
        driver.focus("name")
        driver.send(.function(5))
        #expect(driver.effects.last == .loadCustomFields(refresh: true), "in a text field too")
        driver.effects.removeAll()
        driver.feed(.customFieldsLoaded(.failure(PlanhatError(status: 403, message: "no access")), refresh: true))
        #expect(driver.state.status?.contains("custom fields left out: 403") == true && driver.state.statusIsError)
        #expect(driver.widget("custom.Segment") != nil, "the fields read before stay")
    }
}
