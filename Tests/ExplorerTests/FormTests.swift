import Foundation
import PlanhatKit
import Testing
import TerminalUI

@testable import Explorer

extension Driver {
    /// Opens a model through the models filter, then one of its operations through the operations filter.
    mutating func open(_ route: String, _ operation: ModelOperation) {
        state.stack = [.models(ModelsPage())]
        send(.character("/"))
        type(route)
        send(.enter, .character("/"))
        type(operation == .bulkUpsert ? "bulk" : operation.rawValue)
        send(.enter)
    }

    var form: FormPage? {
        if case .form(let page) = state.page { return page }
        return nil
    }

    /// Opens a company's create form with the owner picker loaded from the sandbox's users.
    mutating func openOwnerPicker() async {
        open("companies", .create)
        focus("owner")
        send(.enter)
        await run()
    }

    /// Tabs until the field at `key` has the focus.
    mutating func focus(_ key: String) {
        for _ in 0..<200 where form?.focused?.key != key { send(.tab) }
    }

    /// A record of the sandbox, straight from the service.
    func firstRecord(_ route: String) async throws -> JSONValue {
        let rows = try await context.service.perform(model: route, operation: "list", parameters: ["limit": 1])
        return rows.arrayValue?.first ?? .null
    }

    func screen() -> CellBuffer {
        ExplorerView.render(state, context: context, theme: .fallback)
    }
}

@Suite("Explorer forms")
struct FormTests {
    @Test("every model × operation of the catalog becomes a form: every property a field with a widget, rendered at 80×24 and 40×12")
    func everyOperation() throws {
        let context = try makeContext()
        for model in Catalog.shared.models {
            for operation in model.operations {
                let form = Form.build(model: model, operation: operation)
                let schema = SchemaBuilder.schema(for: model, operation: operation)
                let properties = Set(schema["properties"]?.objectValue?.keys.map { $0 } ?? [])
                #expect(Set(form.fields.map { $0.path[0] }) == properties, "\(model.route) \(operation)")
                for field in form.fields where field.widget == .json {
                    // The JSON editor is only the fallback: objects and arrays the mapping cannot render.
                    #expect(["object", "array"].contains(field.schema.schemaType ?? ""), "\(model.route).\(field.key) fell back to JSON")
                }
                let (parameters, problems) = form.parameters()
                #expect(problems.isEmpty)
                var copy = form
                #expect(copy.load(parameters).isEmpty)
                #expect(copy.states == form.states, "\(model.route) \(operation): defaults survive a round trip through JSON")
                for (width, height) in [(80, 24), (40, 12)] {
                    var state = ExplorerState(width: width, height: height)
                    state.stack.append(.form(FormPage(model: model, operation: operation)))
                    let buffer = ExplorerView.render(state, context: context, theme: .fallback)
                    for y in 0..<height { #expect(DisplayWidth.of(buffer.line(y)) <= width) }
                    #expect(buffer.text.contains(form.fields.first?.title.prefix(4) ?? ""), "\(model.route) \(operation) at \(width)×\(height)")
                }
            }
        }
    }

    @Test("widgets follow the schema: text, choice, reference, list, custom, number, date, day number, toggle, fixed value")
    func widgets() {
        let catalog = Catalog.shared
        func widget(_ route: String, _ operation: ModelOperation, _ key: String) -> FieldWidget? {
            guard let model = catalog.model(route: route) else { return nil }
            let form = Form.build(model: model, operation: operation)
            return form.index(of: key).map { form.fields[$0].widget }
        }
        #expect(widget("companies", .create, "name") == .text(format: nil))
        #expect(widget("companies", .create, "status") == .choice(["prospect", "coming", "customer", "canceled", "lost"]))
        #expect(widget("companies", .create, "owner") == .reference("users"))
        #expect(widget("companies", .create, "domains") == .list(itemType: "string"))
        #expect(widget("companies", .create, "custom") == .keyValue)
        #expect(widget("companies", .create, "csmScore") == .number(integer: false))
        #expect(widget("companies", .create, "customerFrom") == .date(withTime: false))
        #expect(widget("invoices", .create, "invoiceDate") == .dayNumber)
        #expect(widget("licenses", .create, "autoRenews") == .toggle)
        #expect(widget("notes", .create, "description") == .multiline)
        #expect(widget("companies", .bulkUpsert, "items") == .file)
        #expect(widget("companies", .update, "id") == .reference("companies"))
        let notes = Form.build(model: catalog.model(route: "notes")!, operation: .create)
        #expect(notes.parameters().parameters["type"] == "note", "a const is filled in")
        let checklist = FieldWidget.of(["type": "array", "items": ["type": "string", "enum": ["a", "b"]]])
        #expect(checklist == .checklist(["a", "b"]))
        #expect(FieldWidget.of(["type": ["string", "number"]]) == .json)
        #expect(FieldWidget.of(["type": ["string", "null"]]) == .text(format: nil), "null only makes a field clearable")
    }

    @Test("nested objects become sections whose fields fill the nested parameters")
    func sections() {
        let schema: JSONValue = [
            "type": "object", "required": ["name"],
            "properties": [
                "name": ["type": "string"],
                "address": ["type": "object", "title": "Address", "properties": ["city": ["type": "string"], "zip": ["type": "integer"]]],
            ],
        ]
        var form = Form.build(schema: schema, order: [])
        #expect(form.fields.map(\.key) == ["name", "address.city", "address.zip"])
        #expect(form.fields[1].section == "Address")
        form.fields[1].input = TextField("Lund")
        form.fields[2].input = TextField("22100")
        #expect(form.parameters().parameters == ["address": ["city": "Lund", "zip": 22100]])
    }

    @Test("values convert by widget and load back: day numbers as dates, custom entries, lists, toggles, bad JSON")
    func conversions() throws {
        let invoices = try #require(Catalog.shared.model(route: "invoices"))
        var form = Form.build(model: invoices, operation: .create)
        let date = try #require(form.index(of: "invoiceDate"))
        form.fields[date].input = TextField("2024-10-04")
        #expect(form.fields[date].outcome == .value(.integer(20000)))
        form.fields[date].load(.integer(20001))
        #expect(form.fields[date].input.text == "2024-10-05")

        let companies = try #require(Catalog.shared.model(route: "companies"))
        form = Form.build(model: companies, operation: .create)
        let custom = try #require(form.index(of: "custom"))
        form.fields[custom].items = ["Segment = Enterprise", "Seats = 40", "Trial = false", "Code = \"007\""]
        #expect(form.fields[custom].outcome == .value(["Segment": "Enterprise", "Seats": 40, "Trial": false, "Code": "007"]))
        form.fields[custom].items = ["no equals sign"]
        guard case .invalid(let reason) = form.fields[custom].outcome else { Issue.record("a row without = was accepted"); return }
        #expect(reason.contains("name = value"))
        form.fields[custom].load(["Code": "007", "Seats": 40, "Count": "42", "Flag": "TRUE"])
        #expect(form.fields[custom].items == ["Code = 007", "Count = \"42\"", "Flag = \"TRUE\"", "Seats = 40"], "a text that would read as a number or a Boolean is quoted; 007 reads as text anyway")
        #expect(form.fields[custom].outcome == .value(["Code": "007", "Seats": 40, "Count": "42", "Flag": "TRUE"]), "and reads back as it was")
        var loose = Form.build(schema: ["type": "object", "properties": ["meta": ["type": "object"]]], order: [])
        loose.fields[0].input = TextField("[{")
        #expect(loose.fields[0].widget == .json)
        #expect(loose.parameters().problems.map(\.path) == ["meta"])
    }

    @Test("an empty submit shows the required field first; a bad number names the field, the value and what was expected")
    func validation() throws {
        var driver = try Driver()
        driver.open("companies", .create)
        #expect(driver.form?.focused?.key == "name", "the form opens on its first field")
        driver.send(.control("s"))
        let form = try #require(driver.form)
        #expect(driver.state.overlay == nil, "nothing is previewed while a problem remains")
        #expect(form.form.fields[form.focus].key == "name")
        #expect(form.form.fields[form.focus].issue == "required: expected a string")
        #expect(form.summary?.hasPrefix("1 problem · Name: required") == true)
        #expect(driver.lastCall == nil)
        driver.focus("arr")
        driver.type("abc")
        driver.send(.tab)
        let arr = try #require(driver.form?.form.fields.first { $0.key == "arr" })
        #expect(arr.issue == "\"abc\" is not allowed; expected a number")
        let screen = driver.screen().text
        #expect(screen.contains("↳ \"abc\" is not allowed; expected a number"))
        #expect(screen.contains("2 problems"))
    }

    @Test("q types into a text field and quits from a toggle; Esc on a changed form asks first")
    func keysInFields() throws {
        var driver = try Driver()
        driver.open("companies", .create)
        driver.type("quiet?")
        #expect(driver.form?.focused?.input.text == "quiet?")
        #expect(!driver.state.quitting && driver.state.overlay == nil)
        driver.send(.escape)
        #expect(driver.state.overlay == .confirmDiscard)
        driver.send(.character("n"))
        #expect(driver.form != nil && driver.state.overlay == nil)
        driver.focus("status")
        driver.send(.character("?"))
        #expect(driver.state.overlay == .help, "outside text fields letters are commands")
        driver.send(.escape, .character("q"))
        #expect(driver.state.quitting && driver.effects.contains(.quit))
    }

    @Test("Esc on a changed form: y discards and leaves")
    func discard() throws {
        var driver = try Driver()
        driver.open("companies", .create)
        driver.type("Gone")
        driver.send(.escape, .character("y"))
        guard case .operations = driver.state.page else { Issue.record("did not leave the form"); return }
    }

    @Test("create through the form: preview with method, path, body and a masked curl; the record lands in the sandbox")
    func create() async throws {
        var driver = try Driver()
        driver.open("companies", .create)
        driver.type("Form Made AB")
        driver.focus("status")
        driver.send(.enter, .down, .down, .enter)
        #expect(driver.form?.focused?.input.text == "customer")
        driver.focus("domains")
        driver.send(.enter, .character("a"))
        driver.type("b.io")
        driver.send(.enter, .character("a"))
        driver.type("a.io")
        driver.send(.enter, .character("K"), .escape)
        driver.send(.control("s"))
        guard case .preview(let preview)? = driver.state.overlay else { Issue.record("no preview"); return }
        let text = PreviewText.lines(preview).map { $0.map(\.text).joined() }.joined(separator: "\n")
        #expect(text.hasPrefix("POST /companies"))
        #expect(text.contains("\"name\": \"Form Made AB\""))
        #expect(text.contains("\"a.io\""))
        #expect(preview.curl.contains("Bearer $PLANHAT_API_TOKEN") && preview.curl.hasPrefix("curl -sS -X POST 'https://api.planhat.com/companies'"))
        driver.send(.character("c"))
        #expect(driver.effects.contains(.copy(preview.curl)))
        driver.send(.enter)
        #expect(driver.lastCall == preview.request, "exactly the previewed request is sent")
        #expect(driver.lastCall?.body == ["name": "Form Made AB", "status": "customer", "domains": ["a.io", "b.io"]])
        await driver.run()
        guard case .record(let result) = driver.state.page else { Issue.record("no result page"); return }
        let id = try #require(result.record["_id"]?.stringValue)
        #expect(result.heading == "Created company Form Made AB (_id \(id))")
        #expect(driver.effects.contains(.deleteDraft("companies-create")))
        let stored = try await driver.context.service.perform(model: "companies", operation: "view", parameters: ["id": .string(id)])
        #expect(stored["domains"] == ["a.io", "b.io"])
    }

    @Test("update opens with the record's values, previews a diff and sends only the changed fields")
    func update() async throws {
        var driver = try Driver()
        let record = try await driver.firstRecord("companies")
        let id = try #require(record["_id"]?.stringValue)
        let name = try #require(record["name"]?.stringValue)
        driver.state.stack.append(.record(RecordPage(model: Catalog.shared.model(route: "companies")!, record: record)))
        driver.send(.character("u"))
        let form = try #require(driver.form)
        #expect(form.focused?.key == "name" && form.focused?.input.text == name)
        #expect(!form.isChanged)
        driver.send(.control("s"))
        #expect(driver.form?.summary?.hasPrefix("Nothing changed") == true)
        driver.send(.control("u"))
        driver.type("Renamed Co")
        driver.send(.control("s"))
        guard case .preview(let preview)? = driver.state.overlay else { Issue.record("no preview"); return }
        let text = PreviewText.lines(preview).map { $0.map(\.text).joined() }
        #expect(text.contains("  name: \(JSONValue.string(name).compactText()) → \"Renamed Co\""))
        #expect(text.first == "PUT /companies/\(id)")
        driver.send(.enter)
        #expect(driver.lastCall?.recordID == id && driver.lastCall?.body == ["name": "Renamed Co"])
        await driver.run()
        guard case .record(let result) = driver.state.page else { Issue.record("no result"); return }
        #expect(result.heading?.hasPrefix("Updated company Renamed Co") == true)
        #expect(driver.state.stack.count == 2, "the result replaced the record the update started from")
    }

    @Test("Esc from a page over a page of the same kind shows the one below, not a copy of the one left")
    func backBetweenSameKind() throws {
        var driver = try Driver()
        let model = try #require(Catalog.shared.model(route: "companies"))
        driver.state.stack += [.record(RecordPage(model: model, record: ["_id": "a", "name": "Below"])), .record(RecordPage(model: model, record: ["_id": "b", "name": "Above"]))]
        driver.send(.escape)
        guard case .record(let page) = driver.state.page else { Issue.record("not on a record"); return }
        #expect(page.record["name"] == "Below" && driver.state.stack.count == 2)
    }

    @Test("update from the operations list: leaving the id field loads the record")
    func updateByID() async throws {
        var driver = try Driver()
        let record = try await driver.firstRecord("companies")
        let id = try #require(record["_id"]?.stringValue)
        driver.open("companies", .update)
        #expect(driver.form?.focused?.key == "id")
        driver.type(id)
        driver.send(.tab)
        #expect(driver.lastCall?.operation == .view)
        await driver.run()
        let form = try #require(driver.form)
        #expect(form.form.fields.first { $0.key == "name" }?.input.text == record["name"]?.stringValue)
        #expect(form.original?["_id"]?.stringValue == id && !form.isChanged)
        #expect(form.draftKey == "companies-update-\(id)")
    }

    @Test("view and delete forms: pick the record from its own model; view opens it, delete asks first")
    func viewAndDeleteForms() async throws {
        var driver = try Driver()
        driver.open("companies", .view)
        driver.send(.enter)
        await driver.run()
        guard case .picker(let picker)? = driver.state.overlay else { Issue.record("no picker on the id"); return }
        #expect(picker.options.count == 12)
        driver.send(.down, .enter, .control("s"))
        #expect(driver.lastCall?.operation == .view)
        await driver.run()
        guard case .record(let record) = driver.state.page else { Issue.record("view did not open the record"); return }
        #expect(record.record["_id"]?.stringValue == picker.options[1].value)
        driver.send(.escape, .escape, .character("/"))
        driver.type("delete")
        driver.send(.enter)
        driver.type("000000000000000000000000")
        driver.send(.control("s"))
        await driver.run()
        guard case .error(let error)? = driver.state.overlay else { Issue.record("a missing record was not reported"); return }
        #expect(error.status == 404)
    }

    @Test("delete needs yes or the record's name; a wrong answer deletes nothing")
    func delete() async throws {
        var driver = try Driver()
        let record = try await driver.firstRecord("companies")
        let id = try #require(record["_id"]?.stringValue)
        driver.state.stack.append(.record(RecordPage(model: Catalog.shared.model(route: "companies")!, record: record)))
        driver.send(.character("d"))
        guard case .confirmDelete? = driver.state.overlay else { Issue.record("no confirmation"); return }
        driver.send(.enter)
        driver.type("y")
        driver.send(.enter)
        guard case .confirmDelete(let confirmation)? = driver.state.overlay else { Issue.record("the dialog closed"); return }
        #expect(confirmation.wrongAnswer && driver.lastCall == nil)
        let screen = driver.screen().text
        #expect(screen.contains("nothing was deleted"))
        driver.send(.control("u"))
        driver.type(record["name"]?.stringValue ?? "yes")
        driver.send(.enter)
        #expect(driver.lastCall?.operation == .delete)
        await driver.run()
        guard case .record(let result) = driver.state.page else { Issue.record("no result"); return }
        #expect(result.heading?.hasPrefix("Deleted company") == true)
        await #expect(throws: PlanhatError.self) {
            _ = try await driver.context.service.perform(model: "companies", operation: "view", parameters: ["id": .string(id)])
        }
    }

    @Test("a server 400 naming a field shows on that field, and the draft is kept; a 503 keeps it too")
    func serverErrors() throws {
        var driver = try Driver(drafts: DraftStore(directory: FileManager.default.temporaryDirectory.appendingPathComponent("drafts-\(UUID())")))
        driver.open("companies", .create)
        driver.type("Dup")
        driver.send(.control("s"), .enter)
        driver.answer(.failure(PlanhatError(status: 400, message: "name is taken", fieldIssues: [FieldIssue(path: "name", value: "\"Dup\"", expected: "a name no other company has")])))
        guard case .error(let error)? = driver.state.overlay else { Issue.record("no error dialog"); return }
        #expect(error.status == 400)
        let form = try #require(driver.form)
        #expect(form.form.fields[form.focus].issue == "\"Dup\" is not allowed; expected a name no other company has")
        #expect(form.form.fields[form.focus].input.text == "Dup", "typed data survives")
        #expect(driver.effects.contains { if case .saveDraft(let draft) = $0 { return draft.states["name"]?.text == "Dup" && draft.reason.contains("400") } else { return false } })
        driver.send(.escape, .control("s"), .enter)
        driver.answer(.failure(PlanhatError(status: 400, message: "Validation failed: name must be unique")))
        #expect(driver.form?.form.fields.first { $0.key == "name" }?.issue == "the server said: Validation failed: name must be unique")
        driver.send(.escape, .control("s"), .enter)
        driver.answer(.failure(PlanhatError(status: 503, message: "unavailable")))
        #expect(driver.effects.filter { if case .saveDraft = $0 { return true } else { return false } }.count == 3)
        let screen = driver.screen().text
        #expect(screen.contains("503"))
    }

    @Test("drafts: saved on quit with a changed form (0600), offered back when the form opens, restored")
    func drafts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drafts-\(UUID())")
        let store = DraftStore(directory: folder)
        var driver = try Driver(drafts: store)
        driver.open("companies", .create)
        driver.type("Half Typed Inc")
        driver.focus("custom")
        driver.send(.enter, .character("a"))
        driver.type("Tier = Gold")
        driver.send(.enter, .escape)
        let effects = ExplorerUpdate.update(&driver.state, .shutdown, context: driver.context)
        guard case .saveDraft(let draft)? = effects.first else { Issue.record("no draft on shutdown"); return }
        try store.save(draft)
        let path = store.path(for: "companies-create")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(store.load("companies-create") == draft)

        var again = try Driver(drafts: store)
        again.open("companies", .create)
        guard case .draftOffer? = again.state.overlay else { Issue.record("the draft was not offered"); return }
        again.send(.enter)
        let form = try #require(again.form)
        #expect(form.form.fields.first { $0.key == "name" }?.input.text == "Half Typed Inc")
        #expect(form.form.parameters().parameters["custom"] == ["Tier": "Gold"])
        again.send(.control("c"))
        #expect(again.effects.contains { if case .saveDraft = $0 { return true } else { return false } }, "Ctrl-C keeps it again")
        store.delete("companies-create")
        #expect(store.load("companies-create") == nil)
    }

    @Test("F4 edits the whole form as JSON, refuses unknown fields, and syncs back into the fields")
    func rawJSON() throws {
        var driver = try Driver()
        driver.open("companies", .create)
        driver.type("Before")
        driver.send(.function(4))
        #expect(driver.form?.raw?.text == "{\n  \"name\": \"Before\"\n}")
        driver.state.stack[driver.state.stack.count - 1] = {
            var page = driver.form!
            page.raw = TextArea("{\"name\": \"After\", \"arr\": 12, \"bogus\": 1}")
            return .form(page)
        }()
        driver.send(.function(4))
        #expect(driver.form?.raw != nil, "unknown fields keep the JSON open")
        #expect(driver.form?.summary == "Unknown field for create companies: bogus (F6 allows fields the schema does not know)")
        driver.send(.end)
        for _ in 0..<13 { driver.send(.backspace) }
        driver.type("}")
        #expect(driver.form?.raw?.text == "{\"name\": \"After\", \"arr\": 12}")
        driver.send(.function(4))
        let form = try #require(driver.form)
        #expect(form.raw == nil)
        #expect(form.form.parameters().parameters == ["name": "After", "arr": 12])
    }

    @Test("F6 allows an unknown field: kept from the JSON, previewed with a notice, kept by a draft, sent, and the result says Planhat did not store it")
    func unknownFieldToggle() async throws {
        var driver = try Driver()
        driver.open("companies", .create)
        driver.type("Toggle AB")
        driver.send(.function(6))
        #expect(driver.form?.allowsUnknownFields == true)
        #expect(driver.screen().text.contains("unknown fields allowed"))
        driver.send(.function(4))
        driver.state.stack[driver.state.stack.count - 1] = {
            var page = driver.form!
            page.raw = TextArea("{\"name\": \"Toggle AB\", \"nickname\": \"TAB\"}")
            return .form(page)
        }()
        driver.send(.function(4))
        let page = try #require(driver.form)
        #expect(page.raw == nil && page.form.extras == ["nickname": "TAB"])
        #expect(page.form.parameters().parameters == ["name": "Toggle AB", "nickname": "TAB"])
        #expect(driver.screen().text.contains("unknown fields allowed: nickname"))
        #expect(page.form.states["+nickname"] == FieldState(text: "\"TAB\""), "a draft keeps the extra field")
        var restored = Form.build(model: page.model, operation: .create)
        restored.restore(page.form.filledStates, clearingOthers: true)
        #expect(restored.extras == ["nickname": "TAB"])

        driver.send(.control("s"))
        guard case .preview(let preview)? = driver.state.overlay else { Issue.record("no preview"); return }
        let text = PreviewText.lines(preview).map { $0.map(\.text).joined() }.joined(separator: "\n")
        #expect(text.contains("! sent fields the catalog does not document (unknown fields allowed): nickname"))
        driver.send(.enter)
        #expect(driver.lastCall?.body?["nickname"] == "TAB")
        await driver.run()
        guard case .record(let result) = driver.state.page else { Issue.record("no result page"); return }
        #expect(result.warnings.contains("Planhat did not store: nickname"), "the sandbox drops it as Planhat does, and the check says so")
        #expect(driver.screen().text.contains("Planhat did not store: nickname"))

        var refused = try Driver()
        refused.open("companies", .create)
        refused.send(.function(6), .function(6))
        #expect(refused.form?.allowsUnknownFields == false)
        #expect(refused.form?.summary?.hasPrefix("Unknown fields refused again") == true)
    }

    @Test("the reference picker lists the referenced model and fills in the id")
    func referencePicker() async throws {
        var driver = try Driver()
        await driver.openOwnerPicker()
        #expect(driver.lastCall?.model.route == "users")
        guard case .picker(let picker)? = driver.state.overlay else { Issue.record("no picker"); return }
        #expect(picker.options.count == 8)
        driver.type("grace")
        driver.send(.enter)
        let owner = try #require(driver.form?.focused)
        #expect(owner.input.text.count == 24 && owner.issue == nil)
        #expect(owner.caption?.lowercased().hasPrefix("grace") == true, "the picked user shows by name")
        driver.send(.tab)
        #expect(driver.screen().text.contains("\(owner.input.text)  (\(owner.caption ?? ""))"), "the picked record's name shows beside its id")
    }

    @Test("bulk upsert from a CSV file: counts in the preview, chunks of 5 000, the merged summary")
    func bulkUpsert() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bulk-\(UUID()).csv")
        var csv = "name,externalId,arr,custom.Segment\n"
        for index in 0..<10_001 { csv += "Bulk \(index),BULK-\(index),\(index),SMB\n" }
        try csv.write(to: file, atomically: true, encoding: .utf8)
        var driver = try Driver()
        driver.open("companies", .bulkUpsert)
        driver.type(file.path)
        driver.send(.control("s"))
        #expect(driver.effects.last == .loadItems(path: file.path, model: Catalog.shared.model(route: "companies")!))
        let items = try BulkItems.read(path: file.path, model: Catalog.shared.model(route: "companies")!)
        driver.effects += ExplorerUpdate.update(&driver.state, .itemsLoaded(.success(items)), context: driver.context)
        guard case .preview(let preview)? = driver.state.overlay else { Issue.record("no preview"); return }
        let text = PreviewText.lines(preview).map { $0.map(\.text).joined() }.joined(separator: "\n")
        #expect(text.contains("10,001 items in 3 requests of at most 5,000"))
        #expect(text.contains("10,001 carry sourceId or externalId"))
        driver.send(.enter)
        var requests = 0
        while driver.state.pending != nil, requests < 5 {
            #expect(driver.state.pending?.label.contains("of 10,001 sent") == true)
            requests += 1
            await driver.run()
        }
        #expect(requests == 3)
        guard case .record(let result) = driver.state.page else { Issue.record("no summary"); return }
        #expect(result.heading == "Bulk upsert of 10,001 companies: created 10001, updated 0, 0 errors")
        #expect(result.record["insertsKeys"]?.arrayValue?.count == 10_001)
    }

    @Test("read-only: no write forms, and u and d on a record say why")
    func readOnly() async throws {
        var driver = try Driver(readOnly: true)
        let record = try await driver.firstRecord("companies")
        driver.state.stack.append(.record(RecordPage(model: Catalog.shared.model(route: "companies")!, record: record)))
        driver.send(.character("u"))
        #expect(driver.form == nil && driver.state.statusIsError)
        driver.send(.character("d"))
        #expect(driver.state.overlay == nil && driver.state.status?.contains("read-only") == true)
    }
}
