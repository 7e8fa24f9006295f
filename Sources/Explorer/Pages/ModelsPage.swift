import Foundation
import PlanhatKit
import TerminalUI

/// The models screen.
public struct ModelsPage: Hashable, Sendable {
    public var cursor = ListCursor()
    public var filter: FilterState?
}

extension ExplorerUpdate {
    // MARK: - Models

    static func modelRows(_ page: ModelsPage, context: ExplorerContext) -> [(model: ModelDefinition, operations: [ModelOperation])] {
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

    static func handleModels(_ key: Key, _ page: inout ModelsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let visible = state.listRows
        if let outcome = listFilterKey(key, &page.filter, &page.cursor) {
            return outcome == .submitted ? openModel(page, &state, context: context) : []
        }
        if page.cursor.handle(key, count: modelRows(page, context: context).count, visible: visible) { return [] }
        if Keys.Models.open.matches(key) { return openModel(page, &state, context: context) }
        if Keys.Views.open.matches(key) { return offerViews(&state, context: context) }
        return []
    }

    static func openModel(_ page: ModelsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let rows = modelRows(page, context: context)
        guard rows.indices.contains(page.cursor.selected) else { return [] }
        let entry = rows[page.cursor.selected]
        replaceTop(&state, .models(page))
        state.stack.append(.operations(OperationsPage(model: entry.model, operations: entry.operations)))
        state.status = nil
        return []
    }
}
