import Foundation
import PlanhatKit
import TerminalUI

/// Sorting a results table here, over the rows loaded, where the server's sort would not give the
/// order the table shows: a reference column reads names, but Planhat sorts it by id; a nested
/// path (`usage.logins`, `custom.Seats`) is not a property Planhat documents sorting by.
extension ResultsPage {
    /// Whether `s` on the column sorts here rather than on the server, and why.
    func sortsLocally(_ column: String) -> String? {
        if !showIDs, ReferenceFields.route(of: column, in: model) != nil { return "Planhat sorts it by id, the table shows names" }
        if column.contains(".") { return "Planhat documents sorting by a property, not a nested path" }
        return nil
    }

    /// Puts the loaded rows in the order of ``localSort`` (stable: equal values keep their order);
    /// empty values go last either way.
    public mutating func applyLocalSort() {
        guard let sort = localSort else { return }
        let descending = sort.hasPrefix("-")
        let field = descending ? String(sort.dropFirst()) : sort
        guard let column = columns.firstIndex(of: field) else { return }
        let numeric = ["number", "integer"].contains(model.field(named: field)?.type ?? "")
        let keyed = rows.indices.map { index -> (Int, Double?, String) in
            let cells = rows[index].cells
            let value = cells.indices.contains(column) ? cells[column] : .null
            let text = cellText(value, column: field, currency: nil)
            return (index, numeric ? value.doubleValue : nil, text.lowercased())
        }
        let ordered = keyed.sorted { a, b in
            let aEmpty = a.2.isEmpty, bEmpty = b.2.isEmpty
            if aEmpty != bEmpty { return bEmpty }
            if let x = a.1, let y = b.1, x != y { return descending ? x > y : x < y }
            if a.2 != b.2 { return descending ? a.2 > b.2 : a.2 < b.2 }
            return a.0 < b.0
        }
        rows = ordered.map { rows[$0.0] }
        matchedQuery = ""
        refilter()
    }
}

extension ExplorerUpdate {
    /// `s` on a column Planhat would not sort as shown: the loaded rows sorted here, and said so.
    static func sortLocally(_ page: inout ResultsPage, field: String, reason: String, _ state: inout ExplorerState) {
        page.localSort = page.localSort == "-" + field ? field : "-" + field
        page.applyLocalSort()
        page.cursor = ListCursor()
        let more = page.exhausted ? "" : "; L loads the rest, sorted as it comes"
        setStatus(&state, "sorted the \(CellText.grouped(page.rows.count)) loaded rows by \(field) here (\(reason))\(more)")
    }
}
