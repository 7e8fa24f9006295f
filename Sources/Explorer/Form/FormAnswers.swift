import Foundation
import PlanhatKit
import TerminalUI

/// What the backend answers to a form's calls: a record to edit, picker options, a result.
extension ExplorerUpdate {
    // MARK: - Answers for forms

    /// An answer for a form's call. Returns nil when the purpose is not a form's.
    static func receiveForForm(_ purpose: PendingCall.Purpose, _ result: Result<JSONValue, PlanhatError>, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect]? {
        switch purpose {
        case .fillForm(let id):
            guard case .form(var page) = state.page else { return [] }
            switch result {
            case .success(let record):
                let typed = page.form.states
                page.form.load(record)
                if let index = page.form.index(of: "id") { page.form.fields[index].input = TextField(id) }
                page.original = record
                page.initial = page.form.states
                // Values typed before the record loaded are kept on top of it (and count as changes).
                let blank = FormPage(model: page.model, operation: page.operation).form.states
                var merged = page.form.states
                for (key, value) in typed where key != "id" && value != blank[key] { merged[key] = value }
                page.form.restore(merged)
                page.summary = "Loaded \(record[page.model.titleField].map { CellText.of($0) } ?? id): change fields, then Ctrl-S"
                replaceTop(&state, .form(page))
                return context.drafts == nil ? [] : [.loadDraft(page.draftKey)]
            case .failure(let error):
                if let index = page.form.index(of: "id") { page.form.fields[index].issue = error.headline }
                page.summary = error.headline
                replaceTop(&state, .form(page))
            }
            return []
        case .pickerOptions(let target):
            guard case .picker(var picker)? = state.overlay, let value = succeeded(result, &state) else { return [] }
            let rows = value.arrayValue ?? []
            let lookup = NameLookup(model: target)
            picker.options = rows.compactMap { row in
                guard let id = row["_id"]?.stringValue else { return nil }
                guard let (_, name) = lookup.name(of: row) else { return Picker.Option(label: id, value: id) }
                return Picker.Option(label: name.name, value: id, detail: name.detail)
            }
            picker.loading = false
            let limit = Picker.limit(for: target)
            picker.note = rows.count >= limit ? "the first \(CellText.grouped(limit)); type the id if it is not here" : "\(rows.count) \(target.plural.lowercased())"
            state.overlay = .picker(picker)
            return []
        case .confirmDelete(let draftKey):
            guard let record = succeeded(result, &state), case .form(let page) = state.page else { return [] }
            let id = record["_id"]?.stringValue ?? page.recordID ?? ""
            state.overlay = .confirmDelete(DeleteConfirmation(model: page.model, record: record, id: id, draftKey: draftKey))
            return []
        case .submitted(let submission):
            switch result {
            case .success(let value):
                let kind: RecordPage.Kind = submission.operation == .delete ? .deleted : .stored
                showResult(value, heading: heading(for: submission, value: value), model: submission.model, kind: kind, &state)
                return submission.draftKey.map { [.deleteDraft($0)] } ?? []
            case .failure(let error):
                state.overlay = .error(error)
                guard case .form(var page) = state.page else { return [] }
                page.form.show(error.fieldIssues.isEmpty ? namedFields(in: error, form: page.form) : error.fieldIssues)
                page.summary = "Not \(pastTense(submission.operation)): \(error.headline)"
                if let first = page.form.firstProblem { page.focus = first }
                replaceTop(&state, .form(page))
                guard context.drafts != nil else { return [] }
                return [.saveDraft(draft(of: page, reason: "not sent: \(error.label)", context: context))]
            }
        case .bulkChunk(var run):
            guard case .form(let page) = state.page else { return [] }
            switch result {
            case .success(let value):
                run.summary = BulkItems.merge(run.summary, value, offset: run.sent)
                run.next += 1
                if run.next < run.chunks.count { return sendChunk(run, model: page.model, &state) }
                let summary = run.summary
                let errors = BulkItems.errorCount(summary)
                let heading = "Bulk upsert of \(English.count(run.total, page.model.name.lowercased(), plural: page.model.plural.lowercased())): created \(summary["created"]?.intValue ?? 0), updated \(summary["updated"]?.intValue ?? 0), \(English.count(errors, "error"))"
                showResult(summary, heading: heading, model: page.model, kind: .bulkSummary, &state)
                if page.bulk != nil { markResultsStale(model: page.model, &state) }
                return [.deleteDraft(run.draftKey)]
            case .failure(var error):
                if run.sent > 0 {
                    error.message += " — stopped after \(CellText.grouped(run.sent)) of \(English.count(run.total, "item")); those were applied (created \(run.summary["created"]?.intValue ?? 0), updated \(run.summary["updated"]?.intValue ?? 0))"
                }
                state.overlay = .error(error)
                guard context.drafts != nil else { return [] }
                return [.saveDraft(draft(of: page, reason: "not sent: \(error.label)", context: context))]
            }
        default:
            return nil
        }
    }

    /// The answer's value; a failure shows in the error dialog instead (and gives nil).
    static func succeeded(_ result: Result<JSONValue, PlanhatError>, _ state: inout ExplorerState) -> JSONValue? {
        switch result {
        case .success(let value): return value
        case .failure(let error):
            state.overlay = .error(error)
            return nil
        }
    }

    /// The fields a server's message names (`"email is invalid"`), for a 400 without field details.
    static func namedFields(in error: PlanhatError, form: Form) -> [FieldIssue] {
        guard error.status == 400 else { return [] }
        let words = Set(error.message.split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ".")) })
        return form.fields.filter { $0.key.count >= 3 && words.contains($0.key) }.map { field in
            FieldIssue(path: field.key, value: nil, expected: "", problem: "the server said: \(error.message)")
        }
    }

    private static func pastTense(_ operation: ModelOperation) -> String {
        switch operation {
        case .create: return "created"
        case .update: return "updated"
        case .delete: return "deleted"
        case .bulkUpsert: return "upserted"
        case .list, .view: return "loaded"
        }
    }

    private static func heading(for submission: Submission, value: JSONValue) -> String {
        let model = submission.model
        let name = value[model.titleField].map { CellText.of($0) } ?? submission.name ?? ""
        let id = value["_id"]?.stringValue.map { " (_id \($0))" } ?? ""
        let verb = pastTense(submission.operation).prefix(1).uppercased() + pastTense(submission.operation).dropFirst()
        return "\(verb) \(model.name.lowercased()) \(name)\(id)".replacingOccurrences(of: "  ", with: " ")
    }

    /// Replaces the form (or the deleted record) on top with the result.
    private static func showResult(_ value: JSONValue, heading: String, model: ModelDefinition, kind: RecordPage.Kind, _ state: inout ExplorerState) {
        let page = Page.record(RecordPage(model: model, record: value, heading: heading, kind: kind))
        // An update opened from a record replaces that record, so going back never shows stale values.
        if case .form = state.page, state.stack.count >= 2, case .record(let below) = state.stack[state.stack.count - 2],
            let id = value["_id"]?.stringValue, below.record["_id"]?.stringValue == id {
            state.stack.removeLast()
        }
        switch state.page {
        case .form, .record: replaceTop(&state, page)
        default: state.stack.append(page)
        }
        setStatus(&state, heading)
    }
}
