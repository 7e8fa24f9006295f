import Foundation
import PlanhatKit
import TerminalUI

/// A model's operations.
public struct OperationsPage: Hashable, Sendable {
    public var model: ModelDefinition
    public var operations: [ModelOperation]
    public var cursor = ListCursor()
    public var filter: FilterState?

    /// The operations the filter keeps.
    public var visibleOperations: [ModelOperation] {
        guard let query = filter?.query.lowercased(), !query.isEmpty else { return operations }
        return operations.filter { $0.rawValue.lowercased().contains(query) }
    }
}

extension ExplorerUpdate {
    // MARK: - Operations

    static func handleOperations(_ key: Key, _ page: inout OperationsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        if let outcome = listFilterKey(key, &page.filter, &page.cursor) {
            return outcome == .submitted ? openOperation(page, &state, context: context) : []
        }
        if page.cursor.handle(key, count: page.visibleOperations.count, visible: state.listRows) { return [] }
        switch key {
        case Keys.Operations.open: return openOperation(page, &state, context: context)
        case Keys.back: return back(&state)
        default: return []
        }
    }

    static func openOperation(_ page: OperationsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let operations = page.visibleOperations
        guard operations.indices.contains(page.cursor.selected) else { return [] }
        replaceTop(&state, .operations(page))
        let operation = operations[page.cursor.selected]
        if operation == .list {
            state.stack.append(.parameters(parametersPage(for: page.model)))
            return []
        }
        return openForm(FormPage(model: context.service.current(page.model), operation: operation), &state, context: context)
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
}
