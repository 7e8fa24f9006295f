import Foundation
import PlanhatKit
import TerminalUI

/// Loading every remaining page of a results table (`L`), so the `/` filter covers the whole list.
public struct RestLoad: Hashable, Sendable {
    /// The records each request asks for: the model's page maximum.
    public var pageSize: Int
}

extension ExplorerUpdate {
    // MARK: - Loading the rest of a list

    /// `L` on results: every remaining page, the model's largest pages one after the other, the
    /// count in the footer; Esc stops and keeps what was loaded.
    static func loadRest(_ page: ResultsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard !page.exhausted else {
            setStatus(&state, "every record of the list is loaded (\(CellText.grouped(page.rows.count)))")
            return []
        }
        guard page.view == nil else {
            setStatus(&state, "a saved view is read whole already", error: true)
            return []
        }
        return requestRest(page, RestLoad(pageSize: page.model.listLimit.max), &state, context: context)
    }

    static func requestRest(_ page: ResultsPage, _ load: RestLoad, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        var parameters = page.parameters
        parameters["limit"] = .integer(load.pageSize)
        return request(
            &state, label: "loading every \(page.model.name.lowercased()): \(CellText.grouped(page.rows.count)) loaded", purpose: .loadRest(load), model: page.model,
            operation: .list, parameters: withOffset(parameters, page.startOffset + page.rows.count), context: context)
    }

    /// A page of the rest: added, then the next asked for until a page comes back short.
    static func receiveRest(_ load: RestLoad, _ value: JSONValue, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard case .results(var page) = state.page else { return [] }
        let rows = value.arrayValue ?? []
        let pageSize = page.pageSize
        fill(&page, with: rows, replacing: false)
        page.exhausted = rows.count < load.pageSize
        if page.exhausted { page.pageSize = pageSize }
        replaceTop(&state, .results(page))
        if page.exhausted {
            let kept = page.filter.map { _ in "; the filter keeps \(CellText.grouped(page.visibleRows.count))" } ?? ""
            setStatus(&state, "loaded every \(page.model.name.lowercased()): \(CellText.grouped(page.rows.count))\(kept)")
            return []
        }
        return requestRest(page, load, &state, context: context)
    }
}
