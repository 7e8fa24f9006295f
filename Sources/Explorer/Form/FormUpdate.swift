import Foundation
import PlanhatKit
import TerminalUI

/// The form's part of the update: editing fields, validating, previewing, submitting, drafts.
extension ExplorerUpdate {
    // MARK: - Opening

    /// Opens a form on top and asks for its draft (offered back when one was saved).
    static func openForm(_ page: FormPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        var page = page
        page.scroll = FormLayout.scroll(page, visible: FormLayout.visible(bodyHeight: state.bodyHeight))
        state.stack.append(.form(page))
        state.status = nil
        return context.drafts == nil ? [] : [.loadDraft(page.draftKey)]
    }

    /// A draft read for the form on top: offered when it is still that form's and nothing else is asked.
    static func draftLoaded(_ draft: FormDraft?, key: String, _ state: inout ExplorerState) {
        guard let draft, case .form(let page) = state.page, page.draftKey == key, state.overlay == nil else { return }
        state.overlay = .draftOffer(draft)
    }

    // MARK: - Keys on the form

    static func handleForm(_ key: Key, _ page: inout FormPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        if page.raw != nil { return handleRaw(key, &page, &state, context: context) }
        let visible = FormLayout.visible(bodyHeight: state.bodyHeight)
        switch key {
        case Keys.Form.submit:
            return submitForm(&page, &state, context: context)
        case Keys.Form.leave:
            if page.isChanged, page.operation.isWrite {
                state.overlay = .confirmDiscard
                return []
            }
            return back(&state)
        case Keys.Form.next:
            return moveFocus(&page, to: page.focus + 1, wrap: key == .tab, &state, context: context)
        case Keys.Form.previous:
            return moveFocus(&page, to: page.focus - 1, wrap: key == .backTab, &state, context: context)
        case Keys.Form.pageDown:
            return moveFocus(&page, to: page.focus + max(1, visible / 2), wrap: false, &state, context: context)
        case Keys.Form.pageUp:
            return moveFocus(&page, to: page.focus - max(1, visible / 2), wrap: false, &state, context: context)
        case Keys.Form.raw:
            page.raw = TextArea(page.form.parameters().parameters.prettyText())
            page.summary = nil
            return []
        case Keys.Form.unknownFields where page.operation.isWrite:
            toggleUnknownFields(&page)
            return []
        case Keys.Form.schema:
            let schema = context.schema(page.model, page.operation)
            replaceTop(&state, .form(page))
            state.stack.append(.schema(SchemaPage(model: page.model, operation: page.operation, lines: JSONLines.render(schema))))
            return []
        default:
            break
        }
        guard var field = page.focused else { return [] }
        var effects: [Effect] = []
        var changed = true
        switch field.widget {
        case .toggle:
            switch key {
            case Keys.Form.choose: field.flag = !(field.flag ?? false)
            case Keys.Form.clear: field.flag = nil
            default: changed = false
            }
        case .choice(let values):
            switch key {
            case Keys.Form.choose:
                var picker = Picker(title: field.title, field: page.focus, options: values.map { Picker.Option(label: $0, value: $0) }, multiple: false)
                picker.cursor.selected = values.firstIndex(of: field.input.text) ?? 0
                state.overlay = .picker(picker)
                changed = false
            case Keys.Form.step:
                let current = values.firstIndex(of: field.input.text) ?? (key == .right ? -1 : 0)
                let next = ((current + (key == .right ? 1 : -1)) % values.count + values.count) % values.count
                field.input = TextField(values[next])
            case Keys.Form.clear:
                field.input = TextField()
            default:
                changed = false
            }
        case .checklist(let values):
            switch key {
            case Keys.Form.choose:
                var picker = Picker(title: field.title, field: page.focus, options: values.map { Picker.Option(label: $0, value: $0) }, multiple: true)
                picker.chosen = Set(field.items)
                state.overlay = .picker(picker)
                changed = false
            case Keys.Form.clear:
                field.items = []
            default:
                changed = false
            }
        case .list, .keyValue:
            switch key {
            case Keys.Form.choose:
                state.overlay = .items(ItemsEditor(title: field.title, field: page.focus, rows: field.items, keyValue: field.widget == .keyValue))
                changed = false
            case Keys.Form.clear:
                field.items = []
            default:
                changed = false
            }
        case .reference(let route):
            if Keys.Form.pick.matches(key) {
                effects = openReferencePicker(route, field: page.focus, &state, context: context)
                changed = false
            } else {
                changed = field.input.handle(key)
                if changed { field.caption = nil }
            }
        case .date(let withTime):
            if Keys.Form.now.matches(key) {
                let now = context.now()
                field.input = TextField(withTime ? ISO8601DateFormatter.string(from: now, timeZone: .gmt, formatOptions: [.withInternetDateTime]) : CivilDate(now).iso)
            } else if Keys.Form.moveOn.matches(key) {
                return moveFocus(&page, to: page.focus + 1, wrap: false, &state, context: context)
            } else {
                changed = field.input.handle(key)
            }
        case .dayNumber:
            if Keys.Form.now.matches(key) {
                field.input = TextField(CivilDate(context.now()).iso)
            } else if Keys.Form.moveOn.matches(key) {
                return moveFocus(&page, to: page.focus + 1, wrap: false, &state, context: context)
            } else {
                changed = field.input.handle(key)
            }
        case .text, .multiline, .number, .json, .file:
            if Keys.Form.editor.matches(key), field.widget != .file {
                return [.edit(.field(page.focus), text: field.input.text, fileExtension: field.widget == .json ? "json" : "txt")]
            }
            if Keys.Form.moveOn.matches(key) {
                if field.widget == .file { return submitForm(&page, &state, context: context) }
                return moveFocus(&page, to: page.focus + 1, wrap: false, &state, context: context)
            }
            changed = field.input.handle(key)
        }
        page.form.fields[page.focus] = field
        if changed, !field.widget.isTextual {
            page.visited.insert(field.key)
            validate(&page, context: context)
        }
        return effects
    }

    /// Moves the focus, checking the field left; leaving an update's id loads that record.
    static func moveFocus(_ page: inout FormPage, to target: Int, wrap: Bool, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let count = page.form.fields.count
        guard count > 0 else { return [] }
        let leaving = page.form.fields[min(page.focus, count - 1)]
        page.visited.insert(leaving.key)
        page.focus = wrap ? ((target % count) + count) % count : max(0, min(count - 1, target))
        validate(&page, context: context)
        page.scroll = FormLayout.scroll(page, visible: FormLayout.visible(bodyHeight: state.bodyHeight))
        if page.operation == .update, leaving.key == "id", leaving.issue == nil, let id = page.recordID, id != page.loadedID {
            page.loadedID = id
            replaceTop(&state, .form(page))
            return request(&state, label: "load \(page.model.route) \(id)", purpose: .fillForm(id: id), model: page.model, operation: .view, parameters: ["id": .string(id)], context: context)
        }
        return []
    }

    // MARK: - Validation

    /// Runs the core's validator over the form. Problems show under the fields the user has left
    /// (all fields once a submit was tried).
    @discardableResult
    static func validate(_ page: inout FormPage, context: ExplorerContext) -> [FieldIssue] {
        let (parameters, problems) = page.form.parameters()
        var issues = problems
        if page.operation != .bulkUpsert {
            issues += checked(parameters, page: page, context: context)
        }
        let unplaced = page.form.show(issues, onlyFor: page.submitAttempted ? nil : page.visited)
        page.summary = summary(page.form, unplaced: page.submitAttempted ? unplaced : [])
        return issues
    }

    /// The core validator's problems with these parameters.
    static func checked(_ parameters: JSONValue, page: FormPage, context: ExplorerContext) -> [FieldIssue] {
        var parameters = parameters
        // A change of the marked rows is checked as an update of the first of them.
        if let first = page.bulk?.marked.ids.first, var members = parameters.objectValue {
            members["id"] = .string(first)
            parameters = .object(members)
        }
        do {
            _ = try context.service.prepare(model: page.model, operation: page.operation, parameters: parameters, unknownFields: page.unknownFieldsPolicy)
            return []
        } catch {
            return issues(of: error)
        }
    }

    /// The fields an error names, or one problem for the whole form.
    static func issues(of error: any Error) -> [FieldIssue] {
        if let error = error as? PlanhatError, !error.fieldIssues.isEmpty { return error.fieldIssues }
        let message = (error as? PlanhatError)?.message ?? "\(error)"
        return [FieldIssue(path: "", value: nil, expected: "valid parameters", problem: message)]
    }

    /// Shows `issues` under their fields and in the summary line, with the focus on the first.
    static func showProblems(_ issues: [FieldIssue], in page: inout FormPage, bodyHeight: Int) {
        let unplaced = page.form.show(issues)
        page.summary = summary(page.form, unplaced: unplaced)
        if let first = page.form.firstProblem { page.focus = first }
        page.scroll = FormLayout.scroll(page, visible: FormLayout.visible(bodyHeight: bodyHeight))
    }

    /// `2 problems · Name: required … · ARR: "x" is not allowed …`
    static func summary(_ form: Form, unplaced: [FieldIssue]) -> String? {
        let placed = form.fields.filter { $0.issue != nil }.map { "\($0.title): \($0.issue ?? "")" }
        let all = placed + unplaced.map(\.description)
        guard !all.isEmpty else { return nil }
        return "\(all.count) problem\(all.count == 1 ? "" : "s") · " + all.joined(separator: " · ")
    }

    // MARK: - Submit

    static func submitForm(_ page: inout FormPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        if page.bulk != nil { return submitBulkEdit(&page, &state, context: context) }
        page.submitAttempted = true
        if let focused = page.focused { page.visited.insert(focused.key) }
        if page.operation == .bulkUpsert {
            guard let index = page.form.index(of: "items"), case .value(.string(let path)) = page.form.fields[index].outcome else {
                page.form.fields[page.form.index(of: "items") ?? 0].issue = "required: a .json or .csv file of items"
                page.summary = "1 problem · Items: required: a .json or .csv file of items"
                return []
            }
            page.summary = "reading \(path)…"
            return [.loadItems(path: path, model: page.model)]
        }
        var changes: [FieldChange]?
        var built = page.form.parameters()
        if page.operation == .update, let original = page.original {
            let update = page.form.update(from: original)
            changes = update.changes
            built = (update.parameters, update.problems)
        }
        var issues = built.problems
        var prepared: PlanhatRequest?
        if changes?.isEmpty == true && issues.isEmpty {
            page.form.show([])
            page.summary = "Nothing changed: edit a field first (only changed fields are sent)"
            return []
        }
        do {
            prepared = try context.service.prepare(model: page.model, operation: page.operation, parameters: built.parameters, unknownFields: page.unknownFieldsPolicy)
        } catch {
            issues += Self.issues(of: error)
        }
        guard issues.isEmpty, let request = prepared else {
            showProblems(issues, in: &page, bodyHeight: state.bodyHeight)
            return []
        }
        page.form.show([])
        page.summary = nil
        replaceTop(&state, .form(page))
        switch page.operation {
        case .view:
            return send(&state, label: "view \(page.model.route)", purpose: .openRecord(page.model), request: request)
        case .delete:
            // The record is shown first: the delete is asked for, and built, once it is confirmed.
            return ExplorerUpdate.request(
                &state, label: "look up \(page.model.route) \(page.recordID ?? "")", purpose: .confirmDelete(draftKey: page.draftKey), model: page.model,
                operation: .view, parameters: built.parameters, context: context)
        default:
            var preview = RequestPreview(request: request, plan: .single, changes: changes, baseURL: baseURL(context))
            preview.names = state.names
            state.overlay = .preview(preview)
            return []
        }
    }

    static func baseURL(_ context: ExplorerContext) -> String {
        let info = context.service.backend.info
        return info.kind == .remote ? info.location : PlanhatAPI.defaultBaseURL
    }

    /// Bulk upsert items read from a file: checked by the core, then previewed with counts.
    static func itemsLoaded(_ result: Result<BulkItems.File, PlanhatError>, _ state: inout ExplorerState, context: ExplorerContext) {
        guard case .form(var page) = state.page, page.operation == .bulkUpsert else { return }
        let index = page.form.index(of: "items") ?? 0
        switch result {
        case .failure(let error):
            page.form.fields[index].issue = error.message
            page.summary = "1 problem · " + error.message
        case .success(let file):
            do {
                let request = try context.service.prepare(
                    model: page.model, operation: .bulkUpsert, parameters: ["items": .array(file.items)], unknownFields: page.unknownFieldsPolicy)
                page.form.fields[index].issue = nil
                page.summary = nil
                var preview = RequestPreview(request: request, plan: .bulk, changes: nil, baseURL: baseURL(context), keyables: page.model.keyables.filter { $0 != "_id" })
                preview.note = file.note
                state.overlay = .preview(preview)
            } catch let error as PlanhatError {
                let issues = error.fieldIssues
                page.form.fields[index].issue = "\(issues.count) problem\(issues.count == 1 ? "" : "s") in the file; the first: " + (issues.first?.description ?? error.message)
                page.summary = "\(issues.count) problems in the file · " + issues.prefix(5).map(\.description).joined(separator: " · ")
            } catch {
                page.summary = "\(error)"
            }
        }
        replaceTop(&state, .form(page))
    }

    /// Sends the next chunk of a bulk upsert: the previewed request, cut by ``BulkItems/chunks(_:)``.
    static func sendChunk(_ run: BulkRun, model: ModelDefinition, _ state: inout ExplorerState) -> [Effect] {
        var chunk = run.request
        chunk.body = .array(Array(run.chunks[run.next]))
        return send(
            &state, label: "bulk upsert \(model.route): \(CellText.grouped(run.sent)) of \(CellText.grouped(run.total)) sent", purpose: .bulkChunk(run),
            request: chunk)
    }

    // MARK: - Raw JSON mode

    private static func handleRaw(_ key: Key, _ page: inout FormPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard var raw = page.raw else { return [] }
        switch key {
        case .function(4), .escape:
            if applyRaw(&page, context: context) { page.raw = nil }
            return []
        case .control("s"):
            guard applyRaw(&page, context: context) else { return [] }
            page.raw = nil
            return submitForm(&page, &state, context: context)
        case .control("o"):
            return [.edit(.raw, text: raw.text, fileExtension: "json")]
        case Keys.Form.unknownFields where page.operation.isWrite:
            toggleUnknownFields(&page)
            return []
        default:
            _ = raw.handle(key, visible: FormLayout.visible(bodyHeight: state.bodyHeight))
            page.raw = raw
            return []
        }
    }

    /// Puts the raw JSON back into the fields; false (with the reason in the summary) when it is
    /// not a JSON object of the form's fields.
    static func applyRaw(_ page: inout FormPage, context: ExplorerContext) -> Bool {
        guard let raw = page.raw else { return true }
        let value: JSONValue
        do {
            value = try PlanhatService.parseParameters(raw.text)
        } catch let error as PlanhatError {
            page.summary = "The JSON cannot be used: \(error.message)"
            return false
        } catch {
            page.summary = "The JSON cannot be used: \(error)"
            return false
        }
        var copy = page.form
        let unknown = copy.load(value)
        guard unknown.isEmpty || page.allowsUnknownFields else {
            let hint = page.operation.isWrite ? " (F6 allows fields the schema does not know)" : ""
            page.summary = "Unknown field\(unknown.count == 1 ? "" : "s") for \(page.operation.rawValue) \(page.model.route): \(unknown.joined(separator: ", "))" + hint
            return false
        }
        copy.extras = Dictionary(uniqueKeysWithValues: unknown.compactMap { name in value[name].map { (name, $0) } })
        page.form = copy
        validate(&page, context: context)
        return true
    }

    /// F6: allows or refuses again fields the schema does not know. Extras already typed stay
    /// (nothing typed is lost); refused again, they are named as problems when the form is sent.
    static func toggleUnknownFields(_ page: inout FormPage) {
        page.allowsUnknownFields.toggle()
        page.summary = page.allowsUnknownFields
            ? "Unknown fields allowed: type them in the JSON (F4); what Planhat stores is checked after sending"
            : "Unknown fields refused again, unless this workspace's records carry them"
    }

    // MARK: - Drafts

    static func draft(of page: FormPage, reason: String, context: ExplorerContext) -> FormDraft {
        FormDraft(
            key: page.draftKey, model: page.model.route, operation: page.operation, savedAt: context.now(), states: page.form.filledStates, original: page.original,
            reason: reason, workspace: context.drafts?.workspace)
    }

    /// Drafts of every changed form on the stack, for a quit or a signal.
    static func draftsOnExit(_ state: ExplorerState, context: ExplorerContext) -> [Effect] {
        guard context.drafts != nil else { return [] }
        return changedForms(state).map { .saveDraft(draft(of: $0, reason: "the explorer was closed with the form changed", context: context)) }
    }

    /// The write forms on the stack with something typed in them.
    static func changedForms(_ state: ExplorerState) -> [FormPage] {
        state.stack.compactMap { page in
            guard case .form(let form) = page, form.isChanged, form.operation.isWrite else { return nil }
            return form
        }
    }
}
