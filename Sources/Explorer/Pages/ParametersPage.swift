import Foundation
import PlanhatKit
import TerminalUI

/// The editable parameters of a `list`.
public struct ParametersPage: Hashable, Sendable {
    public struct Field: Hashable, Sendable {
        public var name: String
        public var input: TextField
        public var help: String
        public var isInteger: Bool
    }

    public var model: ModelDefinition
    public var fields: [Field]
    public var focus = 0
}

extension ExplorerUpdate {
    // MARK: - List parameters

    static func handleParameters(_ key: Key, _ page: inout ParametersPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        switch key {
        case Keys.Parameters.back:
            return back(&state)
        case Keys.Parameters.next:
            page.focus = (page.focus + 1) % max(1, page.fields.count)
        case Keys.Parameters.previous:
            page.focus = (page.focus - 1 + page.fields.count) % max(1, page.fields.count)
        case Keys.Parameters.run:
            return runList(page, &state, context: context)
        default:
            if page.fields.indices.contains(page.focus) { _ = page.fields[page.focus].input.handle(key) }
        }
        return []
    }

    /// Runs the list; `scope` says what its filter keeps (`companyId = Acme`), shown in the breadcrumb.
    static func runList(_ page: ParametersPage, _ state: inout ExplorerState, context: ExplorerContext, scope: String? = nil) -> [Effect] {
        var parameters: [String: JSONValue] = [:]
        for field in page.fields where !field.input.text.trimmingCharacters(in: .whitespaces).isEmpty {
            let text = field.input.text.trimmingCharacters(in: .whitespaces)
            parameters[field.name] = field.isInteger ? (Int(text).map { .integer($0) } ?? .string(text)) : .string(text)
        }
        let pageSize = parameters["limit"]?.intValue ?? page.model.listLimit.default
        let kept = parameters["select"] == nil ? keptColumns(for: page.model, state) : nil
        let shown = kept?.tableColumns ?? columns(for: page.model, select: parameters["select"]?.stringValue)
        // Amounts show with their record's currency: the list asks for it too.
        let currency = Money.extraSelect(for: shown, in: page.model)
        if let kept, parameters["select"] == nil {
            // The columns chosen for the model: the list asks for exactly those fields.
            parameters["select"] = .string((ColumnLayout.select(for: kept.columns) + currency).joined(separator: ","))
        } else if parameters["select"] == nil, page.model.supports(.view) {
            // The table asks only for its columns (Enter fetches the whole record): less to send, parse and keep.
            parameters["select"] = .string((shown.filter { $0 != "_id" } + currency).joined(separator: ","))
        }
        // The first request carries the offset as typed (the core checks it); the page keeps where it starts.
        if parameters["offset"] == .integer(0) { parameters.removeValue(forKey: "offset") }
        var paging = parameters
        let offset = paging.removeValue(forKey: "offset")?.intValue ?? 0
        var results = ResultsPage(model: page.model, parameters: paging, columns: shown, pageSize: pageSize)
        results.startOffset = offset
        results.scope = scope
        if let kept {
            results.widths = kept.widths
            results.pinned = kept.pinned
            results.model = context.service.current(page.model)
        }
        return request(
            &state, label: "list \(page.model.route)", purpose: .openResults(results), model: page.model, operation: .list, parameters: .object(parameters),
            context: context)
    }

    static func columns(for model: ModelDefinition, select: String?) -> [String] {
        guard let select, !select.isEmpty else { return model.columns }
        let chosen = select.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "_id" }
        return chosen + ["_id"]
    }

    static func withOffset(_ parameters: [String: JSONValue], _ offset: Int) -> JSONValue {
        var copy = parameters
        if offset > 0 { copy["offset"] = .integer(offset) }
        return .object(copy)
    }

    /// Asks the core to check and build the request, then sends it; a refusal (a 400 naming the
    /// field, a read-only 403) shows in the error dialog and nothing is sent.
}
