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

    public init(
        service: PlanhatService, exportFolder: String = FileManager.default.currentDirectoryPath, drafts: DraftStore? = nil,
        directories: UserDirectories = UserDirectories(), now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.service = service
        self.exportFolder = exportFolder
        self.drafts = drafts
        self.directories = directories
        self.now = now
    }

    var catalog: Catalog { service.catalog }

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
        switch action {
        case .resize(let width, let height):
            state.width = width
            state.height = height
            clampCursors(&state, context: context)
            return []
        case .tick:
            if state.pending != nil { state.spinner += 1 }
            return []
        case .response(let id, let result):
            return receive(&state, id: id, result: result, context: context)
        case .exportTarget(let job, let exists):
            if exists {
                state.overlay = .confirmReplace(job)
                return []
            }
            return startExport(job, &state)
        case .jobProgress(let id, let done):
            if state.job?.id == id { state.job?.done = done }
            return []
        case .exported(let id, let path, let count):
            guard state.job?.id == id else { return [] }
            state.job = nil
            setStatus(&state, "exported \(English.count(count, "record")) to \(context.directories.abbreviate(path))")
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
        case .draftSaved(let path):
            if state.status == nil || !state.statusIsError { setStatus(&state, "draft kept in \(path)") }
            return []
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
        if key == .control("c") {
            state.quitting = true
            return draftsOnExit(state, context: context) + [.quit]
        }
        if key == .resize { return [] }
        if let overlay = state.overlay {
            return handleOverlay(overlay, key, &state, context: context)
        }
        if key == .escape, let pending = state.pending {
            state.pending = nil
            setStatus(&state, "cancelled \(pending.label)")
            return [.cancel(id: pending.id)]
        }
        if key == .escape, let job = state.job {
            state.job = nil
            setStatus(&state, "cancelled \(job.label) after \(English.count(job.done, "record")); the file holds those")
            return [.cancel(id: job.id)]
        }
        if !state.isTyping {
            switch key {
            case .character("q"):
                state.quitting = true
                return draftsOnExit(state, context: context) + [.quit]
            case .character("?"):
                state.overlay = .help
                return []
            case .character(":"):
                state.overlay = .prompt(Prompt(kind: .jump, field: TextField()))
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
        case .schema(var page):
            if isBack(key) { return back(&state) }
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

    static func isBack(_ key: Key) -> Bool {
        key == .escape || key == .backspace || key == .character("h") || key == .left
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
                if prompt.kind == .jump {
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
        }
    }

    private static func submit(_ prompt: Prompt, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let text = prompt.field.text.trimmingCharacters(in: .whitespaces)
        switch prompt.kind {
        case .jump:
            guard !text.isEmpty else { return [] }
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
            state.overlay = .exportChoice(ExportPlan(path: path, format: format, model: page.model, parameters: parameters, columns: page.columns, filteredRows: filtered))
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

    // MARK: - Models

    private static func modelRows(_ page: ModelsPage, context: ExplorerContext) -> [(model: ModelDefinition, operations: [ModelOperation])] {
        let all = context.models
        guard let query = page.filter?.query.lowercased(), !query.isEmpty else { return all }
        return all.filter { entry in
            [entry.model.route, entry.model.name, entry.model.plural].contains { $0.lowercased().contains(query) }
                || entry.model.aliases.contains { $0.lowercased().contains(query) }
        }
    }

    /// The models the page shows, filter applied.
    public static func visibleModels(_ page: ModelsPage, context: ExplorerContext) -> [(model: ModelDefinition, operations: [ModelOperation])] {
        modelRows(page, context: context)
    }

    /// What a key did to a filter being typed.
    enum FilterKey {
        case started, cleared, submitted, finished, edited
    }

    /// The filter keys every list shares: typing into the filter, `/` to start one, Esc to drop it;
    /// editing the text moves the cursor back to the first row. `nil`: the key is the page's.
    static func listFilterKey(_ key: Key, _ filter: inout FilterState?, _ cursor: inout ListCursor) -> FilterKey? {
        if let outcome = typeIntoFilter(&filter, key) {
            if outcome == .edited { cursor = ListCursor() }
            return outcome
        }
        if key == .character("/") {
            filter = FilterState()
            return .started
        }
        if key == .escape, filter != nil {
            filter = nil
            return .cleared
        }
        return nil
    }

    /// Feeds a key to the filter being typed; `nil` when none is (the key is then the page's).
    static func typeIntoFilter(_ filter: inout FilterState?, _ key: Key) -> FilterKey? {
        guard var current = filter, current.editing else { return nil }
        switch key {
        case .escape:
            filter = nil
            return .cleared
        case .enter, .down, .up, .tab:
            current.editing = false
            filter = current
            return key == .enter ? .submitted : .finished
        default:
            _ = current.field.handle(key)
            filter = current
            return .edited
        }
    }

    private static func handleModels(_ key: Key, _ page: inout ModelsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let visible = state.listRows
        if let outcome = listFilterKey(key, &page.filter, &page.cursor) {
            return outcome == .submitted ? openModel(page, &state, context: context) : []
        }
        if page.cursor.handle(key, count: modelRows(page, context: context).count, visible: visible) { return [] }
        if key == .enter || key == .character("l") || key == .right {
            return openModel(page, &state, context: context)
        }
        return []
    }

    private static func openModel(_ page: ModelsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let rows = modelRows(page, context: context)
        guard rows.indices.contains(page.cursor.selected) else { return [] }
        let entry = rows[page.cursor.selected]
        replaceTop(&state, .models(page))
        state.stack.append(.operations(OperationsPage(model: entry.model, operations: entry.operations)))
        state.status = nil
        return []
    }

    // MARK: - Operations

    private static func handleOperations(_ key: Key, _ page: inout OperationsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        if let outcome = listFilterKey(key, &page.filter, &page.cursor) {
            return outcome == .submitted ? openOperation(page, &state, context: context) : []
        }
        if isBack(key) { return back(&state) }
        if page.cursor.handle(key, count: page.visibleOperations.count, visible: state.listRows) { return [] }
        guard key == .enter || key == .character("l") || key == .right else { return [] }
        return openOperation(page, &state, context: context)
    }

    private static func openOperation(_ page: OperationsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let operations = page.visibleOperations
        guard operations.indices.contains(page.cursor.selected) else { return [] }
        replaceTop(&state, .operations(page))
        let operation = operations[page.cursor.selected]
        if operation == .list {
            state.stack.append(.parameters(parametersPage(for: page.model)))
            return []
        }
        return openForm(FormPage(model: page.model, operation: operation), &state, context: context)
    }

    /// The list parameters with their defaults.
    public static func parametersPage(for model: ModelDefinition) -> ParametersPage {
        var fields = [
            ParametersPage.Field(name: "limit", input: TextField(String(model.listLimit.default)), help: "records per page, 1 to \(model.listLimit.max)", isInteger: true),
            ParametersPage.Field(name: "offset", input: TextField("0"), help: "records to skip", isInteger: true),
            ParametersPage.Field(name: "sort", input: TextField(), help: "a field, -field for descending (e.g. -arr)", isInteger: false),
            ParametersPage.Field(name: "select", input: TextField(), help: "fields to return, comma-separated (empty: all)", isInteger: false),
        ]
        for filter in model.filters {
            fields.append(ParametersPage.Field(name: filter.name, input: TextField(), help: filter.description, isInteger: false))
        }
        return ParametersPage(model: model, fields: fields)
    }

    // MARK: - List parameters

    private static func handleParameters(_ key: Key, _ page: inout ParametersPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        switch key {
        case .escape:
            return back(&state)
        case .tab, .down:
            page.focus = (page.focus + 1) % max(1, page.fields.count)
        case .backTab, .up:
            page.focus = (page.focus - 1 + page.fields.count) % max(1, page.fields.count)
        case .control("s"), .enter:
            return runList(page, &state, context: context)
        default:
            if page.fields.indices.contains(page.focus) { _ = page.fields[page.focus].input.handle(key) }
        }
        return []
    }

    private static func runList(_ page: ParametersPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        var parameters: [String: JSONValue] = [:]
        for field in page.fields where !field.input.text.trimmingCharacters(in: .whitespaces).isEmpty {
            let text = field.input.text.trimmingCharacters(in: .whitespaces)
            parameters[field.name] = field.isInteger ? (Int(text).map { .integer($0) } ?? .string(text)) : .string(text)
        }
        let pageSize = parameters["limit"]?.intValue ?? page.model.listLimit.default
        let shown = columns(for: page.model, select: parameters["select"]?.stringValue)
        if parameters["select"] == nil, page.model.supports(.view) {
            // The table asks only for its columns (Enter fetches the whole record): less to send, parse and keep.
            parameters["select"] = .string(shown.filter { $0 != "_id" }.joined(separator: ","))
        }
        // The first request carries the offset as typed (the core checks it); the page keeps where it starts.
        if parameters["offset"] == .integer(0) { parameters.removeValue(forKey: "offset") }
        var paging = parameters
        let offset = paging.removeValue(forKey: "offset")?.intValue ?? 0
        var results = ResultsPage(model: page.model, parameters: paging, columns: shown, pageSize: pageSize)
        results.startOffset = offset
        return request(
            &state, label: "list \(page.model.route)", purpose: .openResults(results), model: page.model, operation: .list, parameters: .object(parameters),
            context: context)
    }

    static func columns(for model: ModelDefinition, select: String?) -> [String] {
        guard let select, !select.isEmpty else { return model.columns }
        let chosen = select.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "_id" }
        return chosen + ["_id"]
    }

    private static func withOffset(_ parameters: [String: JSONValue], _ offset: Int) -> JSONValue {
        var copy = parameters
        if offset > 0 { copy["offset"] = .integer(offset) }
        return .object(copy)
    }

    /// Asks the core to check and build the request, then sends it; a refusal (a 400 naming the
    /// field, a read-only 403) shows in the error dialog and nothing is sent.
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

    // MARK: - Results

    private static func handleResults(_ key: Key, _ page: inout ResultsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let visibleHeight = state.listRows
        if listFilterKey(key, &page.filter, &page.cursor) != nil {
            page.refilter()
            return []
        }
        let rows = page.visibleRows
        switch key {
        case .escape, .backspace:
            return back(&state)
        case .left, .character("h"):
            page.column = max(0, page.column - 1)
            return []
        case .right, .character("l"):
            page.column = min(page.columns.count - 1, page.column + 1)
            return []
        case .character("s"):
            return sortByColumn(&page, &state, context: context)
        case .character("r"):
            var fresh = page
            fresh.rows = []
            fresh.exhausted = false
            return request(&state, label: "refresh \(page.model.route)", purpose: .replaceRows(fresh), model: page.model, operation: .list, parameters: .object(page.parameters), context: context)
        case .character("y"):
            guard rows.indices.contains(page.cursor.selected) else { return [] }
            setStatus(&state, "copied the row's JSON to the clipboard (OSC 52)")
            return [.copy(page.record(at: rows[page.cursor.selected]).prettyText())]
        case .character("e"):
            let stamp = ISO8601DateFormatter.string(from: context.now(), timeZone: .gmt, formatOptions: [.withYear, .withMonth, .withDay, .withTime])
            let path = (context.exportFolder as NSString).appendingPathComponent("\(page.model.route)-\(stamp).csv")
            state.overlay = .prompt(Prompt(kind: .export, field: TextField(path)))
            return []
        case .enter:
            guard rows.indices.contains(page.cursor.selected) else { return [] }
            let row = page.record(at: rows[page.cursor.selected])
            guard page.model.supports(.view), let id = row["_id"]?.stringValue else {
                state.stack.append(.record(RecordPage(model: page.model, record: row)))
                return []
            }
            return request(&state, label: "view \(page.model.route) \(id)", purpose: .openRecord(page.model), model: page.model, operation: .view, parameters: ["id": .string(id)], context: context)
        default:
            break
        }
        if page.cursor.handle(key, count: rows.count, visible: visibleHeight) {
            return loadMoreIfNeeded(page, &state, context: context)
        }
        return []
    }

    private static func sortByColumn(_ page: inout ResultsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard page.columns.indices.contains(page.column) else { return [] }
        let field = page.columns[page.column]
        var fresh = page
        fresh.parameters["sort"] = .string(page.sort == "-" + field ? field : "-" + field)
        fresh.rows = []
        fresh.exhausted = false
        fresh.cursor = ListCursor()
        return request(&state, label: "sort \(page.model.route) by \(fresh.sort ?? field)", purpose: .replaceRows(fresh), model: page.model, operation: .list, parameters: .object(fresh.parameters), context: context)
    }

    /// At the last loaded row, fetches the next page (k9s-style paging on scroll).
    private static func loadMoreIfNeeded(_ page: ResultsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard !page.exhausted, state.pending == nil, page.filter == nil, page.cursor.selected >= page.rows.count - 1 else { return [] }
        return request(
            &state, label: "more \(page.model.route)", purpose: .appendPage, model: page.model, operation: .list,
            parameters: withOffset(page.parameters, page.startOffset + page.rows.count), context: context)
    }

    // MARK: - Record

    private static func handleRecord(_ key: Key, _ page: inout RecordPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let visible = state.listRows
        if var search = page.search, search.editing {
            switch key {
            case .escape: page.search = nil
            case .enter:
                search.editing = false
                page.search = search
                jump(&page, to: 0, visible: visible)
            default:
                _ = search.field.handle(key)
                page.search = search
                jump(&page, to: 0, visible: visible)
            }
            return []
        }
        switch key {
        case .escape where page.search != nil:
            page.search = nil
        case .escape, .backspace, .left, .character("h"):
            return back(&state)
        case .character("/"):
            page.search = FilterState()
        case .character("n"):
            jump(&page, to: page.match + 1, visible: visible)
        case .character("N"):
            jump(&page, to: page.match - 1, visible: visible)
        case .character("y"):
            setStatus(&state, "copied the record's JSON to the clipboard (OSC 52)")
            return [.copy(page.record.prettyText())]
        case .character("u") where page.kind != .stored, .character("d") where page.kind != .stored:
            let verb = key == .character("u") ? "update" : "delete"
            let name = page.model.name.lowercased()
            setStatus(&state, page.kind == .deleted
                ? "this \(name) was deleted: there is nothing left to \(verb)"
                : "this is the summary of a bulk upsert, not a record: open a \(name) from the list to \(verb) it", error: true)
            return []
        case .character("u"):
            guard context.service.operations(of: page.model).contains(.update), page.record["_id"] != nil else {
                setStatus(&state, "update is not offered for \(page.model.route)\(context.service.readOnly ? " (read-only)" : "")", error: true)
                return []
            }
            replaceTop(&state, .record(page))
            return openForm(FormPage(model: page.model, operation: .update, record: page.record), &state, context: context)
        case .character("d"):
            guard context.service.operations(of: page.model).contains(.delete), let id = page.record["_id"]?.stringValue else {
                setStatus(&state, "delete is not offered for \(page.model.route)\(context.service.readOnly ? " (read-only)" : "")", error: true)
                return []
            }
            state.overlay = .confirmDelete(DeleteConfirmation(model: page.model, record: page.record, id: id, draftKey: nil))
            return []
        case .character("r"):
            guard let id = page.record["_id"]?.stringValue, page.model.supports(.view) else { return [] }
            return request(&state, label: "refresh \(id)", purpose: .replaceRecord, model: page.model, operation: .view, parameters: ["id": .string(id)], context: context)
        default:
            page.offset = scroll(page.offset, key: key, count: page.lines.count, visible: visible)
        }
        return []
    }

    private static func jump(_ page: inout RecordPage, to index: Int, visible: Int) {
        let matches = page.matches
        guard !matches.isEmpty else { return }
        page.match = (index % matches.count + matches.count) % matches.count
        let line = matches[page.match]
        if line < page.offset || line >= page.offset + visible { page.offset = max(0, line - visible / 3) }
    }

    static func scroll(_ offset: Int, key: Key, count: Int, visible: Int) -> Int {
        var cursor = ListCursor(selected: offset, offset: 0)
        let maxOffset = max(0, count - visible)
        switch key {
        case .up, .character("k"): cursor.selected -= 1
        case .down, .character("j"): cursor.selected += 1
        case .pageUp: cursor.selected -= visible
        case .pageDown, .character(" "): cursor.selected += visible
        case .control("u"): cursor.selected -= visible / 2
        case .control("d"): cursor.selected += visible / 2
        case .home, .character("g"): cursor.selected = 0
        case .end, .character("G"): cursor.selected = maxOffset
        default: break
        }
        return max(0, min(cursor.selected, maxOffset))
    }

    // MARK: - Answers

    private static func receive(_ state: inout ExplorerState, id: Int, result: Result<JSONValue, PlanhatError>, context: ExplorerContext) -> [Effect] {
        guard let pending = state.pending, pending.id == id else { return [] }
        state.pending = nil
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
        case .fillForm, .pickerOptions, .confirmDelete, .submitted, .bulkChunk:
            break
        }
        return []
    }

    /// Adds a page of rows. Models with `view` keep only the table's columns, without their names
    /// (Enter fetches the full record), so 100 000 loaded rows stay small.
    private static func fill(_ page: inout ResultsPage, with rows: [JSONValue], replacing: Bool) {
        let columns = page.columns
        let keepRecords = !page.model.supports(.view)
        let kept = rows.map { ResultRow($0, columns: columns, keepRecord: keepRecords) }
        if replacing {
            page.rows = kept
        } else {
            page.rows += kept
        }
        page.exhausted = rows.count < page.pageSize
        page.matchedQuery = ""
        page.refilter()
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
