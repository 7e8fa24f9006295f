import Foundation
import PlanhatKit
import TerminalUI

/// What the update needs besides the state: the service (catalog, read-only mode, validation)
/// and where exports go.
public struct ExplorerContext: Sendable {
    public let service: PlanhatService
    public let exportFolder: String
    public let now: @Sendable () -> Date
    /// Where unsent forms are kept (`nil`: drafts are not kept).
    public let drafts: DraftStore?
    /// Home and the XDG folders, for `~` in paths typed into the explorer.
    public let directories: UserDirectories
    /// Where the chosen columns are kept (`nil`: they last for the session).
    public let columns: ColumnStore?
    /// Where saved views are kept (`nil`: only the built-in ones).
    public let views: (any SavedViewStore)?
    /// How a record's page in the Planhat web app is addressed (`o`).
    public let webLinks: WebLinks

    public init(
        service: PlanhatService, exportFolder: String = FileManager.default.currentDirectoryPath, drafts: DraftStore? = nil,
        directories: UserDirectories = UserDirectories(), columns: ColumnStore? = nil, views: (any SavedViewStore)? = nil,
        webLinks: WebLinks = WebLinks(), now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.webLinks = webLinks
        self.columns = columns
        self.views = views
        self.service = service
        self.exportFolder = exportFolder
        self.drafts = drafts
        self.directories = directories
        self.now = now
    }

    var catalog: Catalog { service.catalog }

    /// The context with the tenant's custom fields merged into its service (itself for `nil`, or
    /// for the fields its service has already).
    func merging(_ fields: CustomFields?) -> ExplorerContext {
        guard let fields, fields != service.customFields else { return self }
        return ExplorerContext(
            service: service.merging(fields), exportFolder: exportFolder, drafts: drafts, directories: directories, columns: columns, views: views, webLinks: webLinks, now: now)
    }

    /// The parameters schema of `operation` on `model`, as the service's catalog has the model now.
    func schema(_ model: ModelDefinition, _ operation: ModelOperation) -> JSONValue {
        catalog.schema(for: service.current(model), operation: operation)
    }

    /// The models the session offers, with their operations, in catalog order.
    var models: [(model: ModelDefinition, operations: [ModelOperation])] {
        catalog.models.compactMap { model in
            let operations = service.operations(of: model)
            return operations.isEmpty ? nil : (model, operations)
        }
    }
}

/// The explorer's update: state + action → new state + effects. Pure, so every key is testable.
public enum ExplorerUpdate {
    public static func update(_ state: inout ExplorerState, _ action: Action, context: ExplorerContext) -> [Effect] {
        let context = context.merging(state.customFields)
        let effects = dispatch(&state, action, context: context)
        return effects + askForCustomFields(&state, context: context) + keepNames(&state, context: context)
    }

    /// The tenant's custom fields are asked for once the user opens a model (its operations, a form):
    /// read while the operations show, they are there when a form opens.
    private static func askForCustomFields(_ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard !state.customFieldsRequested, context.service.customFields == nil, !state.quitting,
            state.stack.contains(where: { if case .models = $0 { return false } else { return true } })
        else { return [] }
        state.customFieldsRequested = true
        return [.loadCustomFields(refresh: false)]
    }

    private static func dispatch(_ state: inout ExplorerState, _ action: Action, context: ExplorerContext) -> [Effect] {
        switch action {
        case .resize(let width, let height):
            state.width = width
            state.height = height
            clampCursors(&state, context: context)
            return []
        case .tick:
            if state.pending != nil { state.spinner += 1 }
            return []
        case .response(let id, let result, let notices):
            let handled = state.pending?.id == id
            let effects = receive(&state, id: id, result: result, context: context)
            if handled, !notices.isEmpty {
                // Said where it cannot be missed: the status line, and under a result's heading.
                setStatus(&state, "warning: " + notices.map(\.message).joined(separator: " · "), error: true)
                if case .record(var page) = state.page, page.heading != nil {
                    page.warn(notices)
                    replaceTop(&state, .record(page))
                }
            }
            return effects
        case .exportTarget(let job, let exists):
            if exists {
                state.overlay = .confirmReplace(job)
                return []
            }
            return startExport(job, &state)
        case .jobProgress(let id, let done):
            if state.job?.id == id { state.job?.done = done }
            return []
        case .exported(let id, let path, let count, let notices):
            guard state.job?.id == id else { return [] }
            state.job = nil
            let exported = "exported \(English.count(count, "record")) to \(context.directories.abbreviate(path))"
            if notices.isEmpty {
                setStatus(&state, exported)
            } else {
                setStatus(&state, exported + "; warning: " + notices.map(\.message).joined(separator: " · "), error: true)
            }
            return []
        case .jobFailed(let id, let error):
            guard state.job?.id == id else { return [] }
            state.job = nil
            state.overlay = .error(error)
            return []
        case .failed(let message):
            setStatus(&state, message, error: true)
            return []
        case .key(let key):
            return handle(key, &state, context: context)
        case .edited(let target, let result):
            edited(target, result, &state, context: context)
            return []
        case .itemsLoaded(let result):
            itemsLoaded(result, &state, context: context)
            return []
        case .draftLoaded(let key, let draft):
            draftLoaded(draft, key: key, &state)
            return []
        case .customFieldsLoaded(let result, let refresh):
            customFieldsLoaded(result, refresh: refresh, &state, context: context)
            return []
        case .viewsChanged(let result, let saved):
            viewsChanged(result, saved: saved, &state)
            return []
        case .namesLoaded(let route, let result):
            namesLoaded(route, result, &state)
            return []
        case .urlOpened(let url, let browser):
            urlOpened(url, browser: browser, &state)
            return []
        case .draftSaved(let path):
            if state.status == nil || !state.statusIsError { setStatus(&state, "draft kept in \(path)") }
            return []
        case .historyLoaded, .undoPlanned, .undone:
            return journalAction(action, &state, context: context)
        case .shutdown:
            state.quitting = true
            return draftsOnExit(state, context: context)
        }
    }

    /// Text back from `$EDITOR` goes into its field, or into the raw JSON.
    private static func edited(_ target: EditTarget, _ result: Result<String, PlanhatError>, _ state: inout ExplorerState, context: ExplorerContext) {
        guard case .form(var page) = state.page else { return }
        switch result {
        case .failure(let error):
            setStatus(&state, error.message, error: true)
        case .success(let text):
            switch target {
            case .field(let index) where page.form.fields.indices.contains(index):
                let kept = text.hasSuffix("\n") ? String(text.dropLast()) : text
                page.form.fields[index].input = TextField(kept)
                page.visited.insert(page.form.fields[index].key)
                validate(&page, context: context)
            case .field:
                break
            case .raw:
                page.raw = TextArea(text)
            }
        }
        replaceTop(&state, .form(page))
    }

    // MARK: - Keys

    private static func handle(_ key: Key, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        if Keys.interrupt.matches(key) {
            state.quitting = true
            return draftsOnExit(state, context: context) + [.quit]
        }
        if key == .resize { return [] }
        if case .mouse(let event) = key { return mouse(event, &state, context: context) }
        if let overlay = state.overlay {
            return handleOverlay(overlay, key, &state, context: context)
        }
        if Keys.cancel.matches(key), let pending = state.pending {
            state.pending = nil
            setStatus(&state, "cancelled \(pending.label)")
            return [.cancel(id: pending.id)]
        }
        if Keys.cancel.matches(key), let job = state.job {
            state.job = nil
            setStatus(&state, "cancelled \(job.label) after \(English.count(job.done, "record")); the file holds those")
            return [.cancel(id: job.id)]
        }
        if Keys.customFields.matches(key) {
            state.customFieldsRequested = true
            setStatus(&state, "reading the tenant's custom fields…")
            return [.loadCustomFields(refresh: true)]
        }
        if !state.isTyping {
            switch key {
            case Keys.quit:
                state.quitting = true
                return draftsOnExit(state, context: context) + [.quit]
            case Keys.help:
                state.overlay = .help
                return []
            case Keys.jump:
                var prompt = Prompt(kind: .jump, field: TextField())
                prompt.choices = jumpChoices("", context: context)
                state.overlay = .prompt(prompt)
                return []
            default:
                break
            }
        }
        switch state.page {
        case .models(let page): return step(page, Page.models, key, &state, context: context, handleModels)
        case .operations(let page): return step(page, Page.operations, key, &state, context: context, handleOperations)
        case .parameters(let page): return step(page, Page.parameters, key, &state, context: context, handleParameters)
        case .results(let page): return step(page, Page.results, key, &state, context: context, handleResults)
        case .record(let page): return step(page, Page.record, key, &state, context: context, handleRecord)
        case .form(let page): return step(page, Page.form, key, &state, context: context, handleForm)
        case .history(let page): return step(page, Page.history, key, &state, context: context, handleHistory)
        case .schema(var page):
            if Keys.back.matches(key) { return back(&state) }
            page.offset = scroll(page.offset, key: key, count: page.lines.count, visible: state.listRows)
            replaceTop(&state, .schema(page))
            return []
        }
    }

    /// Runs a page's key handler on a copy of the page, then writes the copy back on top, unless the
    /// handler went back or opened a page (the depth changed): the copy then belongs to a page that
    /// is gone, and writing it would overwrite the page now on top.
    private static func step<Screen>(
        _ page: Screen, _ wrap: (Screen) -> Page, _ key: Key, _ state: inout ExplorerState, context: ExplorerContext,
        _ handler: (Key, inout Screen, inout ExplorerState, ExplorerContext) -> [Effect]
    ) -> [Effect] {
        var page = page
        let depth = state.stack.count
        let effects = handler(key, &page, &state, context)
        let edited = wrap(page)
        if state.stack.count == depth, state.page.isSameKind(as: edited) { replaceTop(&state, edited) }
        return effects
    }

    static func back(_ state: inout ExplorerState) -> [Effect] {
        if state.stack.count > 1 { state.stack.removeLast() }
        state.status = nil
        return []
    }

    static func replaceTop(_ state: inout ExplorerState, _ page: Page) {
        if state.stack.isEmpty { state.stack = [page] } else { state.stack[state.stack.count - 1] = page }
    }

    static func setStatus(_ state: inout ExplorerState, _ text: String, error: Bool = false) {
        state.status = text
        state.statusIsError = error
        state.statusIsWide = false
    }

    private static func handleOverlay(_ overlay: Overlay, _ key: Key, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        switch overlay {
        case .help, .error:
            if [.escape, .enter, .character("?"), .character("q"), .backspace].contains(key) { state.overlay = nil }
            return []
        case .prompt(var prompt):
            switch key {
            case .escape:
                state.overlay = nil
                return []
            case .enter:
                state.overlay = nil
                return submit(prompt, &state, context: context)
            case .up where prompt.kind == .jump, .down where prompt.kind == .jump:
                if !prompt.choices.isEmpty { prompt.choice = (prompt.choice + (key == .down ? 1 : prompt.choices.count - 1)) % prompt.choices.count }
            case .tab where prompt.kind == .jump:
                if prompt.choices.indices.contains(prompt.choice) { prompt.field.set(prompt.choices[prompt.choice]) }
            default:
                _ = prompt.field.handle(key)
                prompt.problem = nil
                if prompt.kind == .jump, prompt.field.text.hasPrefix("view ") {
                    prompt.choices = viewChoices(String(prompt.field.text.dropFirst(5)), state)
                    prompt.choice = 0
                } else if prompt.kind == .jump {
                    prompt.choices = jumpChoices(prompt.field.text, context: context)
                    prompt.choice = 0
                }
            }
            state.overlay = .prompt(prompt)
            return []
        case .picker(let picker):
            return handlePicker(picker, key, &state, context: context)
        case .items(let editor):
            return handleItemsEditor(editor, key, &state, context: context)
        case .preview(let preview):
            return handlePreview(preview, key, &state, context: context)
        case .confirmDelete(let confirmation):
            return handleDeleteConfirmation(confirmation, key, &state, context: context)
        case .confirmBulkDelete(let confirmation):
            return handleBulkDeleteConfirmation(confirmation, key, &state, context: context)
        case .related(let menu):
            return handleRelated(menu, key, &state, context: context)
        case .confirmDiscard:
            return handleDiscard(key, &state, context: context)
        case .exportChoice(let plan):
            return handleExportChoice(plan, key, &state)
        case .confirmReplace(let job):
            switch key {
            case .character("y"):
                state.overlay = nil
                return startExport(job, &state)
            case .character("n"), .escape:
                state.overlay = nil
                setStatus(&state, "not exported: \(context.directories.abbreviate(job.path)) is left as it was")
            default:
                break
            }
            return []
        case .draftOffer(let draft):
            return handleDraftOffer(draft, key, &state, context: context)
        case .confirmUndo(let confirmation):
            return handleUndoConfirmation(confirmation, key, &state)
        case .columns(let chooser):
            return handleColumnChooser(chooser, key, &state, context: context)
        }
    }

    private static func submit(_ prompt: Prompt, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let text = prompt.field.text.trimmingCharacters(in: .whitespaces)
        switch prompt.kind {
        case .saveView:
            guard case .results(let page) = state.page else { return [] }
            return saveView(named: text, page, &state)
        case .jump where text.hasPrefix("view ") || text == "view":
            let chosen = prompt.choices.indices.contains(prompt.choice) ? prompt.choices[prompt.choice] : text
            let name = String(text.dropFirst(5)).trimmingCharacters(in: .whitespaces)
            let exact = state.views.contains { $0.name.lowercased() == name.lowercased() }
            return openView(named: exact || !chosen.hasPrefix("view ") ? name : String(chosen.dropFirst(5)), &state, context: context)
        case .jump:
            guard !text.isEmpty else { return [] }
            if text.lowercased() == "history" { return openHistory(recordID: nil, &state, context: context) }
            // An exact name jumps; so does the highlighted choice when the text is part of its name,
            // or once the close matches of an unknown name were offered. A typo alone never jumps.
            let exact = try? context.catalog.model(named: text)
            let selected = prompt.choices.indices.contains(prompt.choice) ? context.catalog.model(route: prompt.choices[prompt.choice]) : nil
            let typedPart = selected.map { model in
                ([model.route, model.name, model.plural] + model.aliases).contains { $0.lowercased().contains(text.lowercased()) }
            } ?? false
            guard let model = exact ?? (typedPart || prompt.problem != nil ? selected : nil) else {
                // Stay in the prompt: say what is unknown and offer what it may have meant.
                var again = prompt
                let suggestions = context.catalog.suggestions(for: text).filter { route in context.models.contains { $0.model.route == route } }
                again.problem = "unknown model '\(text)'" + (suggestions.isEmpty ? "; : then Tab lists the models" : "; did you mean \(suggestions.joined(separator: ", "))? ↑ ↓ choose, Enter jumps")
                again.choices = suggestions
                again.choice = 0
                state.overlay = .prompt(again)
                return []
            }
            return jump(to: model, &state, context: context)
        case .export:
            guard case .results(let page) = state.page, !text.isEmpty else { return [] }
            let path = context.directories.expand(text)
            guard let format = RecordFormat(path: path) else {
                var again = prompt
                again.problem = "name the file .csv, .json or .ndjson: the name says the format"
                state.overlay = .prompt(again)
                return []
            }
            var parameters = page.parameters
            for name in ["limit", "offset", "select"] { parameters.removeValue(forKey: name) }
            let filtered = page.filter.map { _ in page.visibleRows.map { page.record(at: $0) } }
            var plan = ExportPlan(path: path, format: format, model: page.model, parameters: parameters, columns: page.columns, filteredRows: filtered)
            plan.markedRows = page.marked.isEmpty ? nil : page.marked.rows
            state.overlay = .exportChoice(plan)
            return []
        }
    }

    /// The models a typed name may mean: those whose route, name or alias starts with it, then
    /// those that contain it, then close matches (typos).
    static func jumpChoices(_ text: String, context: ExplorerContext) -> [String] {
        let typed = text.lowercased().trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { return context.models.map(\.model.route) }
        func names(_ model: ModelDefinition) -> [String] { ([model.route, model.name, model.plural] + model.aliases).map { $0.lowercased() } }
        let offered = context.models.map(\.model)
        let starting = offered.filter { names($0).contains { $0.hasPrefix(typed) } }.map(\.route)
        let containing = offered.filter { names($0).contains { $0.contains(typed) } }.map(\.route)
        let close = context.catalog.suggestions(for: typed)
        var seen = Set<String>()
        return (starting + containing + close).filter { route in offered.contains { $0.route == route } && seen.insert(route).inserted }
    }

    /// `:companies` lands on the model's list: its operations below, the first page loading.
    static func jump(to model: ModelDefinition, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let operations = context.service.operations(of: model)
        var models = ModelsPage()
        if let index = context.models.firstIndex(where: { $0.model.route == model.route }) {
            models.cursor.selected = index
            models.cursor.clamp(count: context.models.count, visible: state.listRows)
        }
        var operationsPage = OperationsPage(model: model, operations: operations)
        operationsPage.cursor.selected = operations.firstIndex(of: .list) ?? 0
        state.stack = [.models(models), .operations(operationsPage)]
        state.status = nil
        guard operations.contains(.list) else { return [] }
        return runList(parametersPage(for: model), &state, context: context)
    }

    static func request(
        _ state: inout ExplorerState, label: String, purpose: PendingCall.Purpose, model: ModelDefinition,
        operation: ModelOperation, parameters: JSONValue, context: ExplorerContext
    ) -> [Effect] {
        do {
            let prepared = try context.service.prepare(model: model, operation: operation, parameters: parameters)
            return send(&state, label: label, purpose: purpose, request: prepared)
        } catch let error as PlanhatError {
            state.overlay = .error(error)
        } catch {
            state.overlay = .error(PlanhatError(.internal, message: "\(error)"))
        }
        return []
    }

    /// Sends a request the core built (cancelling the call in flight, if any).
    static func send(_ state: inout ExplorerState, label: String, purpose: PendingCall.Purpose, request: PlanhatRequest) -> [Effect] {
        var effects: [Effect] = []
        if let pending = state.pending { effects.append(.cancel(id: pending.id)) }
        let id = state.nextRequestID
        state.nextRequestID += 1
        state.pending = PendingCall(id: id, label: label, purpose: purpose)
        state.status = nil
        effects.append(.perform(id: id, request: request))
        return effects
    }

    // MARK: - Answers

    private static func receive(_ state: inout ExplorerState, id: Int, result: Result<JSONValue, PlanhatError>, context: ExplorerContext) -> [Effect] {
        guard let pending = state.pending, pending.id == id else { return [] }
        state.pending = nil
        if case .bulkDelete(let run) = pending.purpose { return continueBulkDelete(run, result, &state, context: context) }
        if let effects = receiveForForm(pending.purpose, result, &state, context: context) { return effects }
        let value: JSONValue
        switch result {
        case .failure(let error):
            state.overlay = .error(error)
            return []
        case .success(let answer):
            value = answer
        }
        switch pending.purpose {
        case .openResults(var page):
            fill(&page, with: value.arrayValue ?? [], replacing: true)
            state.stack.append(.results(page))
        case .replaceRows(var page):
            fill(&page, with: value.arrayValue ?? [], replacing: true)
            if case .results = state.page { replaceTop(&state, .results(page)) }
        case .loadRest(let load):
            return receiveRest(load, value, &state, context: context)
        case .appendPage:
            guard case .results(var page) = state.page else { return [] }
            fill(&page, with: value.arrayValue ?? [], replacing: false)
            replaceTop(&state, .results(page))
        case .openRecord(let model):
            state.stack.append(.record(RecordPage(model: model, record: value)))
        case .replaceRecord:
            guard case .record(let page) = state.page else { return [] }
            var fresh = RecordPage(model: page.model, record: value)
            fresh.offset = min(page.offset, max(0, fresh.lines.count - 1))
            replaceTop(&state, .record(fresh))
        case .fillForm, .pickerOptions, .confirmDelete, .submitted, .bulkChunk, .bulkDelete:
            break
        }
        return []
    }

    private static func clampCursors(_ state: inout ExplorerState, context: ExplorerContext) {
        let visible = state.listRows
        switch state.page {
        case .models(var page):
            page.cursor.clamp(count: modelRows(page, context: context).count, visible: visible)
            replaceTop(&state, .models(page))
        case .results(var page):
            page.cursor.clamp(count: page.visibleRows.count, visible: state.listRows)
            replaceTop(&state, .results(page))
        default:
            break
        }
    }
}

// MARK: - Export

extension ExplorerUpdate {
    /// `a` every record with every field, `c` every record with the table's columns, `v` the rows
    /// the filter keeps; then the file is checked (a file there is replaced only when confirmed).
    static func handleExportChoice(_ plan: ExportPlan, _ key: Key, _ state: inout ExplorerState) -> [Effect] {
        var job = ExportJob(id: state.nextRequestID, path: plan.path, format: plan.format, model: plan.model, parameters: plan.parameters)
        switch key {
        case .character("a"), .enter:
            break
        case .character("c"):
            job.columns = plan.columns.map { $0 }
        case .character("v") where plan.filteredRows != nil:
            job.rows = plan.filteredRows
            job.columns = plan.columns
        case .character("m") where plan.markedRows != nil:
            job.rows = plan.markedRows
            job.columns = plan.columns
        case .escape:
            state.overlay = nil
            return []
        default:
            return []
        }
        state.nextRequestID += 1
        state.overlay = nil
        return [.checkExportTarget(job)]
    }

    static func startExport(_ job: ExportJob, _ state: inout ExplorerState) -> [Effect] {
        state.job = JobProgress(id: job.id, label: "export of \(job.model.plural.lowercased())", done: 0)
        state.status = nil
        return [.export(job)]
    }
}
