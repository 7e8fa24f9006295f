import Foundation
import PlanhatKit
import TerminalUI

/// The rows a person marked on a results table, by `_id`, in the order they were marked, each with
/// the row as it was loaded (its columns): what a bulk change previews as "before", what an export
/// of the marked rows writes. Marks outlive a refresh or a sort: they name records, not positions.
public struct MarkedRows: Hashable, Sendable {
    /// The marked ids, in marking order.
    public private(set) var ids: [String] = []
    /// Each marked id's row as loaded.
    public private(set) var records: [String: JSONValue] = [:]

    public init() {}

    public var count: Int { ids.count }
    public var isEmpty: Bool { ids.isEmpty }

    public func contains(_ id: String) -> Bool { records[id] != nil }

    /// Marks the row (or unmarks it, when marked); returns whether it is marked now.
    @discardableResult
    public mutating func toggle(_ id: String, record: JSONValue) -> Bool {
        if contains(id) {
            remove(id)
            return false
        }
        add(id, record: record)
        return true
    }

    public mutating func add(_ id: String, record: JSONValue) {
        guard records[id] == nil else { return }
        ids.append(id)
        records[id] = record
    }

    public mutating func remove(_ id: String) {
        guard records.removeValue(forKey: id) != nil else { return }
        ids.removeAll { $0 == id }
    }

    /// The marked rows as loaded, in marking order.
    public var rows: [JSONValue] { ids.compactMap { records[$0] } }
}

extension ResultsPage {
    /// The `_id` of the row at `index`, when it has one.
    public func rowID(_ index: Int) -> String? {
        record(at: index)["_id"]?.stringValue
    }
}

extension ExplorerUpdate {
    // MARK: - Marking rows

    /// Space: marks (or unmarks) the row under the cursor and moves to the next row.
    static func toggleMark(_ page: inout ResultsPage, _ state: inout ExplorerState) {
        let rows = page.visibleRows
        guard rows.indices.contains(page.cursor.selected) else { return }
        let index = rows[page.cursor.selected]
        guard let id = page.rowID(index) else {
            setStatus(&state, "this row has no _id: it cannot be marked", error: true)
            return
        }
        page.marked.toggle(id, record: page.record(at: index))
        page.cursor.selected += 1
        page.cursor.clamp(count: rows.count, visible: state.listRows)
        setStatus(&state, markedSummary(page))
    }

    /// `*`: marks every row the filter shows; when every one of them is marked already, unmarks them.
    static func toggleMarkAll(_ page: inout ResultsPage, _ state: inout ExplorerState) {
        let shown = page.visibleRows.compactMap { index in page.rowID(index).map { (index, $0) } }
        guard !shown.isEmpty else { return }
        if shown.allSatisfy({ page.marked.contains($0.1) }) {
            for (_, id) in shown { page.marked.remove(id) }
        } else {
            for (index, id) in shown where !page.marked.contains(id) { page.marked.add(id, record: page.record(at: index)) }
        }
        setStatus(&state, markedSummary(page))
    }

    /// `3 companies marked` (or `no rows marked`).
    static func markedSummary(_ page: ResultsPage) -> String {
        page.marked.isEmpty ? "no rows marked" : "\(English.count(page.marked.count, page.model.name.lowercased(), plural: page.model.plural.lowercased())) marked"
    }
}
