import Foundation
import PlanhatKit
import TerminalUI

/// A form that changes fields of the marked rows: what it was opened on.
public struct BulkEdit: Hashable, Sendable {
    /// The rows marked when the form opened.
    public var marked: MarkedRows
    /// The fields the rows were loaded with (the table's columns): the "before" of a change is
    /// known for these only, unless the rows are whole records.
    public var loadedFields: Set<String>
    /// Whether each marked row is the whole record (models without `view` keep them).
    public var wholeRecords: Bool

    /// Whether the row's value of `field` was loaded.
    public func isLoaded(_ field: String) -> Bool {
        wholeRecords || loadedFields.contains(field)
    }
}

/// One record of a bulk change as the preview lists it: its name and each field, before → after.
public struct RecordDiff: Hashable, Sendable {
    public var id: String
    public var name: String?
    public var changes: [FieldChange]
    /// The changed fields whose value before was not loaded (not among the table's columns).
    public var unloaded: Set<String>
}

/// The dialog that must be answered before the marked rows are deleted: the count typed.
public struct BulkDeleteConfirmation: Hashable, Sendable {
    public var model: ModelDefinition
    public var ids: [String]
    /// The names of the first rows, shown in the dialog.
    public var names: [String]
    public var answer = TextField()
    public var wrongAnswer = false

    /// Whether the typed answer is the number of rows.
    public var confirmed: Bool {
        answer.text.trimmingCharacters(in: .whitespaces) == String(ids.count)
    }
}

/// The marked rows being deleted one request at a time, and what each answer said.
public struct BulkDeleteRun: Hashable, Sendable {
    public var model: ModelDefinition
    public var ids: [String]
    /// The id whose delete is in flight.
    public var next = 0
    public var deleted: [String] = []
    /// `{_id, error}` of each delete that failed.
    public var failures: [JSONValue] = []

    /// `{deleted, deletedIds, errors}`: what the summary page shows.
    public var summary: JSONValue {
        ["deleted": .integer(deleted.count), "deletedIds": .array(deleted.map { .string($0) }), "errors": .array(failures)]
    }
}

extension ExplorerUpdate {
    // MARK: - Changing the marked rows

    /// `u` on results: a form of the model's fields; what is filled is set on every marked row.
    static func openBulkEdit(_ page: ResultsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard !page.marked.isEmpty else {
            setStatus(&state, "no rows marked: Space marks the row, * every row the filter shows", error: true)
            return []
        }
        guard context.service.operations(of: page.model).contains(.bulkUpsert) else {
            setStatus(&state, "bulk upsert is not offered for \(page.model.route)\(context.service.readOnly ? " (read-only)" : ""): the marked rows cannot be changed here", error: true)
            return []
        }
        var form = FormPage(model: context.service.current(page.model), operation: .update)
        form.form.fields.removeAll { $0.key == "id" }
        form.initial = form.form.states
        form.focus = 0
        form.bulk = BulkEdit(marked: page.marked, loadedFields: Set(page.columns), wholeRecords: !page.model.supports(.view))
        form.summary = "Fill the fields to set on the \(English.count(page.marked.count, "marked row")); empty fields are left as they are. Ctrl-S previews."
        return openForm(form, &state, context: context)
    }

    /// The bulk change checked by the core (as one update, then as the bulk upsert it is sent as)
    /// and previewed record by record.
    static func submitBulkEdit(_ page: inout FormPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard let bulk = page.bulk else { return [] }
        page.submitAttempted = true
        let built = page.form.parameters()
        let fields = built.parameters.objectValue ?? [:]
        var issues = built.problems
        if fields.isEmpty, issues.isEmpty {
            page.form.show([])
            page.summary = "Nothing to change: fill the fields to set on every marked row"
            return []
        }
        issues += checked(built.parameters, page: page, context: context)
        var prepared: PlanhatRequest?
        if issues.isEmpty {
            let items = bulk.marked.ids.map { id -> JSONValue in
                var item = fields
                item["_id"] = .string(id)
                return .object(item)
            }
            do {
                prepared = try context.service.prepare(model: page.model, operation: .bulkUpsert, parameters: ["items": .array(items)], unknownFields: page.unknownFieldsPolicy)
            } catch {
                issues += Self.issues(of: error)
            }
        }
        guard issues.isEmpty, let request = prepared else {
            showProblems(issues, in: &page, bodyHeight: state.bodyHeight)
            return []
        }
        page.form.show([])
        page.summary = nil
        replaceTop(&state, .form(page))
        var preview = RequestPreview(request: request, plan: .bulk, changes: nil, baseURL: baseURL(context), keyables: page.model.keyables.filter { $0 != "_id" })
        preview.recordDiffs = recordDiffs(bulk, setting: fields, model: page.model)
        preview.names = state.names
        state.overlay = .preview(preview)
        return []
    }

    /// Each marked record with the fields the change sets: before (as loaded) → after.
    static func recordDiffs(_ bulk: BulkEdit, setting fields: [String: JSONValue], model: ModelDefinition) -> [RecordDiff] {
        var paths: [([String], JSONValue)] = []
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            if let members = value.objectValue, model.field(named: key)?.isCustom == true {
                for (name, inner) in members.sorted(by: { $0.key < $1.key }) { paths.append(([key, name], inner)) }
            } else {
                paths.append(([key], value))
            }
        }
        return bulk.marked.ids.map { id in
            let record = bulk.marked.record(id) ?? .object([:])
            var unloaded: Set<String> = []
            let changes = paths.map { path, value -> FieldChange in
                let key = path.joined(separator: ".")
                if !bulk.isLoaded(key) { unloaded.insert(key) }
                return FieldChange(path: path, old: ColumnLayout.value(of: key, in: record), new: value)
            }
            return RecordDiff(id: id, name: record[model.titleField].map { CellText.of($0) }, changes: changes, unloaded: unloaded)
        }
    }

    /// The results of `model` under the page on top hold rows a bulk change just wrote: coming
    /// back to them reads them again.
    static func markResultsStale(model: ModelDefinition, _ state: inout ExplorerState) {
        guard let index = state.stack.indices.dropLast().last(where: { if case .results = state.stack[$0] { return true } else { return false } }),
            case .results(var page) = state.stack[index], page.model.route == model.route
        else { return }
        page.stale = true
        state.stack[index] = .results(page)
    }

    // MARK: - Deleting the marked rows

    /// `D` on results: asks for the number of marked rows to be typed.
    static func confirmBulkDelete(_ page: ResultsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard !page.marked.isEmpty else {
            setStatus(&state, "no rows marked: Space marks the row, * every row the filter shows", error: true)
            return []
        }
        guard context.service.operations(of: page.model).contains(.delete) else {
            setStatus(&state, "delete is not offered for \(page.model.route)\(context.service.readOnly ? " (read-only)" : "")", error: true)
            return []
        }
        let names = page.marked.rows.prefix(5).map { row in
            row[page.model.titleField].map { CellText.of($0) } ?? row["_id"]?.stringValue ?? ""
        }
        state.overlay = .confirmBulkDelete(BulkDeleteConfirmation(model: page.model, ids: page.marked.ids, names: Array(names)))
        return []
    }

    static func handleBulkDeleteConfirmation(_ confirmation: BulkDeleteConfirmation, _ key: Key, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        var confirmation = confirmation
        switch key {
        case .escape:
            state.overlay = nil
            setStatus(&state, "nothing was deleted")
            return []
        case .enter:
            guard confirmation.confirmed else {
                confirmation.wrongAnswer = true
                state.overlay = .confirmBulkDelete(confirmation)
                return []
            }
            state.overlay = nil
            return deleteNext(BulkDeleteRun(model: confirmation.model, ids: confirmation.ids), &state, context: context)
        default:
            _ = confirmation.answer.handle(key)
            confirmation.wrongAnswer = false
            state.overlay = .confirmBulkDelete(confirmation)
            return []
        }
    }

    /// Sends the delete of the next marked row (one request each: Planhat has no bulk delete), through
    /// the core, so the journal records every one.
    static func deleteNext(_ run: BulkDeleteRun, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let label = "delete \(run.model.route): \(run.next) of \(run.ids.count) done"
        return request(&state, label: label, purpose: .bulkDelete(run), model: run.model, operation: .delete, parameters: ["id": .string(run.ids[run.next])], context: context)
    }

    /// One delete answered: the next is sent; after the last, the summary shows and the deleted
    /// rows leave the table and the marks.
    static func continueBulkDelete(_ run: BulkDeleteRun, _ result: Result<JSONValue, PlanhatError>, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        var run = run
        let id = run.ids[run.next]
        switch result {
        case .success: run.deleted.append(id)
        case .failure(let error): run.failures.append(["_id": .string(id), "error": .string(error.message)])
        }
        run.next += 1
        if run.next < run.ids.count { return deleteNext(run, &state, context: context) }
        let gone = Set(run.deleted)
        for index in state.stack.indices {
            guard case .results(var page) = state.stack[index], page.model.route == run.model.route else { continue }
            let kept = page.rows.indices.filter { page.rowID($0).map { !gone.contains($0) } ?? true }
            if kept.count != page.rows.count {
                page.rows = kept.map { page.rows[$0] }
                page.matchedQuery = ""
                page.refilter()
                page.cursor.clamp(count: page.visibleRows.count, visible: state.listRows)
            }
            for id in gone { page.marked.remove(id) }
            state.stack[index] = .results(page)
        }
        let noun = { (count: Int) in English.count(count, run.model.name.lowercased(), plural: run.model.plural.lowercased()) }
        let heading = "Deleted \(run.deleted.count) of \(noun(run.ids.count)); \(English.count(run.failures.count, "error"))"
        state.stack.append(.record(RecordPage(model: run.model, record: run.summary, heading: heading, kind: .bulkSummary)))
        setStatus(&state, heading, error: !run.failures.isEmpty)
        return []
    }
}
