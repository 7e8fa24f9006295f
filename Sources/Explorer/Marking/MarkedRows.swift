import Foundation
import PlanhatKit
import TerminalUI

/// The rows a person marked on a results table, by `_id`, in the order they were marked, each with
/// the row as it was loaded (its columns): what a bulk change previews as "before", what an export
/// of the marked rows writes. Marks outlive a refresh or a sort: they name records, not positions.
/// Marking every one of 100 000 rows keeps the rows as loaded (no copy of their text) and stays linear.
public struct MarkedRows: Hashable, Sendable {
    struct Entry: Hashable, Sendable {
        var sequence: Int
        var row: ResultRow
        var columns: [String]
    }

    private var entries: [String: Entry] = [:]
    private var sequence = 0

    public init() {}

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    public func contains(_ id: String) -> Bool { entries[id] != nil }

    /// The marked ids, in marking order.
    public var ids: [String] {
        entries.sorted { $0.value.sequence < $1.value.sequence }.map(\.key)
    }

    /// Marks the row (or unmarks it, when marked); returns whether it is marked now.
    @discardableResult
    public mutating func toggle(_ id: String, row: ResultRow, columns: [String]) -> Bool {
        if contains(id) {
            remove(id)
            return false
        }
        add(id, row: row, columns: columns)
        return true
    }

    public mutating func add(_ id: String, row: ResultRow, columns: [String]) {
        guard entries[id] == nil else { return }
        entries[id] = Entry(sequence: sequence, row: row, columns: columns)
        sequence += 1
    }

    public mutating func remove(_ id: String) {
        entries.removeValue(forKey: id)
    }

    /// The marked row as loaded: the whole record, or its columns (with `_id`).
    public func record(_ id: String) -> JSONValue? {
        guard let entry = entries[id] else { return nil }
        return entry.row.json(columns: entry.columns)
    }

    /// The marked rows as loaded, in marking order.
    public var rows: [JSONValue] { ids.compactMap(record) }
}

extension ResultsPage {
    /// The `_id` of the row at `index`, when it has one.
    public func rowID(_ index: Int) -> String? {
        rows[index].id
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
        page.marked.toggle(id, row: page.rows[index], columns: page.columns)
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
            for (index, id) in shown where !page.marked.contains(id) { page.marked.add(id, row: page.rows[index], columns: page.columns) }
        }
        setStatus(&state, markedSummary(page))
    }

    /// `3 companies marked` (or `no rows marked`).
    static func markedSummary(_ page: ResultsPage) -> String {
        page.marked.isEmpty ? "no rows marked" : "\(English.count(page.marked.count, page.model.name.lowercased(), plural: page.model.plural.lowercased())) marked"
    }
}
