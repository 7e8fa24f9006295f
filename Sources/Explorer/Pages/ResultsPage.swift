import Foundation
import PlanhatKit
import TerminalUI

/// One loaded row of a results table: its values in column order as one compact JSON text (one
/// allocation per row, searched by the filter as it is), and the whole record only for models
/// without `view`. 100 000 rows stay within a few tens of megabytes.
public struct ResultRow: Hashable, Sendable {
    /// `["Acme","customer",1200,null]`: the cells of the page's columns.
    public let text: String
    public let record: JSONValue?
    /// The record's currency code, kept when the table shows amounts (``ResultsPage/currencyField``).
    public let currency: String?
    /// The record's `_id` (marks name rows by it).
    public let id: String?

    public init(_ record: JSONValue, columns: [String], keepRecord: Bool, currencyField: String? = nil) {
        text = JSONValue.array(columns.map { ColumnLayout.value(of: $0, in: record) ?? .null }).compactText()
        self.record = keepRecord ? .some(record) : .none
        currency = currencyField.flatMap { Money.code(record[$0]) }
        id = record["_id"]?.stringValue
    }

    /// The row as JSON: the whole record, or its columns (with `_id`).
    public func json(columns: [String]) -> JSONValue {
        if let record { return record }
        var members: [String: JSONValue] = [:]
        for (column, value) in zip(columns, cells) where value != .null { members[column] = value }
        return .object(members)
    }

    /// The values in column order.
    public var cells: [JSONValue] {
        (try? JSONValue.parse(text))?.arrayValue ?? []
    }
}

/// A results table: the rows loaded so far and how to load more.
public struct ResultsPage: Hashable, Sendable {
    public var model: ModelDefinition
    /// The list parameters (without offset), sort included.
    public var parameters: [String: JSONValue]
    public var rows: [ResultRow] = []
    public var columns: [String]
    public var cursor = ListCursor()
    public var column = 0
    public var pageSize: Int
    /// The offset of the first row (the list's `offset` parameter).
    public var startOffset = 0
    public var exhausted = false
    public var filter: FilterState?
    /// The rows the filter keeps, computed when the filter or the rows change (nil: no filter).
    public var matches: [Int]?
    /// The query `matches` was computed for: a longer query narrows them instead of rescanning.
    public var matchedQuery = ""
    /// The names of the records the reference columns point to (owners, companies), as known now.
    public var names = ReferenceNames()
    /// The ``ReferenceNames/version`` taken, so newer names are taken once they arrive.
    var namesVersion = -1
    /// Whether reference columns show their ids instead of the names (`i`).
    public var showIDs = false
    /// Widths set in the column chooser, by column.
    public var widths: [String: Int] = [:]
    /// Whether the first column stays on screen while scrolling right.
    public var pinned = false
    /// The saved view the table shows (`r` runs it again).
    public var view: SavedView?
    /// The order the rows were put in here (`-owner`), when the server's sort would not give it.
    public var localSort: String?
    /// What the list was opened for (`companyId = Acme`, from a record's related lists).
    public var scope: String?
    /// Whether rows were changed since they loaded (a bulk change of the marked rows): coming back
    /// to the table reads it again.
    public var stale = false
    /// The rows marked (Space, `*`) for a bulk change, a delete or an export.
    public var marked = MarkedRows()

    /// The indexes of the rows the filter keeps.
    public var visibleRows: [Int] {
        matches ?? Array(rows.indices)
    }

    /// Recomputes ``matches`` for the current filter: a byte search (ASCII letters in any case) over
    /// each row's text, narrowing the previous matches when the query only grew.
    public mutating func refilter() {
        defer {
            let first = matches.map { Array($0.prefix(100)) } ?? Array(rows.indices.prefix(100))
            sample = first.map { index in cellTexts(index) }
        }
        let query = filter?.query.lowercased() ?? ""
        guard !query.isEmpty else {
            matches = nil
            matchedQuery = ""
            return
        }
        let candidates = (!matchedQuery.isEmpty && query.hasPrefix(matchedQuery) ? matches : nil) ?? Array(rows.indices)
        // A reference column matches by the referenced record's name too.
        let referenced = columns.indices.compactMap { index in ReferenceFields.route(of: columns[index], in: model).map { (index, $0) } }
        let ids = referenced.isEmpty ? [] : names.ids(matching: query, in: Set(referenced.map(\.1)))
        matches = candidates.filter { index in
            let text = rows[index].text
            if ByteSearch.containsIgnoringCase(text, query) { return true }
            guard !ids.isEmpty else { return false }
            if ids.count <= 32 { return ids.contains { ByteSearch.contains(text, $0) } }
            let cells = rows[index].cells
            return referenced.contains { column, _ in
                guard cells.indices.contains(column) else { return false }
                switch cells[column] {
                case .string(let id): return ids.contains(id)
                case .array(let items): return items.contains { $0.stringValue.map(ids.contains) ?? false }
                default: return false
                }
            }
        }
        matchedQuery = query
    }

    /// The texts of a row's cells, each as its field is read (dates as dates, identifiers without separators).
    public func cellTexts(_ index: Int) -> [String] {
        let currency = rows[index].currency
        return zip(columns, rows[index].cells).map { column, value in cellText(value, column: column, currency: currency) }
    }

    /// One cell's text: a reference's name, a value as its field is read, an amount with its currency.
    func cellText(_ value: JSONValue, column: String, currency: String?) -> String {
        if !showIDs, let route = ReferenceFields.route(of: column, in: model), let name = ReferenceFields.readable(value, route: route, names: names) {
            return name
        }
        let text = CellText.of(value, field: column, in: model)
        if let currency, !text.isEmpty, Money.isAmount(column, in: model) { return text + " " + currency }
        return text
    }

    /// The cell texts of the first 100 rows the filter keeps: column widths fit them, so scrolling far
    /// down never narrows a column. Kept by ``refilter()``.
    public var sample: [[String]] = []

    /// The sort in force: a field, `-field` for descending.
    public var sort: String? { parameters["sort"]?.stringValue }

    /// The row at `index` as JSON: the whole record, or its columns (with `_id`).
    public func record(at index: Int) -> JSONValue {
        rows[index].json(columns: columns)
    }

    /// The value of `column` in the row at `index`.
    public func value(at index: Int, column: Int) -> JSONValue? {
        let cells = rows[index].cells
        return cells.indices.contains(column) ? cells[column] : nil
    }
}

extension ExplorerUpdate {
    // MARK: - Results

    static func handleResults(_ key: Key, _ page: inout ResultsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let visibleHeight = state.listRows
        if let outcome = listFilterKey(key, &page.filter, &page.cursor) {
            page.refilter()
            if outcome == .started, !page.exhausted {
                setStatus(&state, "the filter covers the \(CellText.grouped(page.rows.count)) rows loaded; L loads the rest (every page)")
            }
            return []
        }
        let rows = page.visibleRows
        switch key {
        case Keys.Results.back:
            return back(&state)
        case Keys.Results.columnLeft:
            page.column = max(0, page.column - 1)
            return []
        case Keys.Results.columnRight:
            page.column = min(page.columns.count - 1, page.column + 1)
            return []
        case Keys.Results.sort:
            return sortByColumn(&page, &state, context: context)
        case Keys.Views.save:
            return promptSaveView(page, &state)
        case Keys.Results.mark:
            toggleMark(&page, &state)
            return loadMoreIfNeeded(page, &state, context: context)
        case Keys.Results.loadRest:
            return loadRest(page, &state, context: context)
        case Keys.Results.markAll:
            toggleMarkAll(&page, &state)
            return []
        case Keys.Results.changeMarked:
            return openBulkEdit(page, &state, context: context)
        case Keys.Results.deleteMarked:
            return confirmBulkDelete(page, &state, context: context)
        case Keys.refresh where page.view != nil:
            guard let view = page.view else { return [] }
            refreshNames(for: page, &state)
            var fresh = page
            fresh.rows = []
            return runView(view, purpose: .replaceRows(fresh), &state)
        case Keys.Columns.open:
            return openColumnChooser(page, &state, context: context)
        case Keys.Results.ids:
            page.showIDs.toggle()
            page.refilter()
            setStatus(&state, page.showIDs ? "references show their ids (i: names)" : "references show names (i: ids)")
            return []
        case Keys.refresh:
            return refreshResults(page, &state, context: context)
        case Keys.copy:
            guard rows.indices.contains(page.cursor.selected) else { return [] }
            setStatus(&state, "copied the row's JSON to the clipboard (OSC 52)")
            return [.copy(page.record(at: rows[page.cursor.selected]).prettyText())]
        case Keys.Results.export:
            let stamp = ISO8601DateFormatter.string(from: context.now(), timeZone: .gmt, formatOptions: [.withYear, .withMonth, .withDay, .withTime])
            let path = (context.exportFolder as NSString).appendingPathComponent("\(page.model.route)-\(stamp).csv")
            state.overlay = .prompt(Prompt(kind: .export, field: TextField(path)))
            return []
        case Keys.Results.open:
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

    /// Reads the list again (its first pages as far as loaded are replaced by the first page), marks kept.
    static func refreshResults(_ page: ResultsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        refreshNames(for: page, &state)
        var fresh = page
        fresh.rows = []
        fresh.exhausted = false
        fresh.stale = false
        return request(&state, label: "refresh \(page.model.route)", purpose: .replaceRows(fresh), model: page.model, operation: .list, parameters: .object(page.parameters), context: context)
    }

    static func sortByColumn(_ page: inout ResultsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard page.columns.indices.contains(page.column) else { return [] }
        let field = page.columns[page.column]
        if let reason = page.sortsLocally(field) {
            sortLocally(&page, field: field, reason: reason, &state)
            return []
        }
        var fresh = page
        fresh.localSort = nil
        fresh.parameters["sort"] = .string(page.sort == "-" + field ? field : "-" + field)
        fresh.rows = []
        fresh.exhausted = false
        fresh.cursor = ListCursor()
        let effects = request(&state, label: "sort \(page.model.route) by \(fresh.sort ?? field)", purpose: .replaceRows(fresh), model: page.model, operation: .list, parameters: .object(fresh.parameters), context: context)
        if state.pending != nil { setStatus(&state, "sorted by \(fresh.sort ?? field) on the server: the order of every record, not only the loaded ones") }
        return effects
    }

    /// At the last loaded row, fetches the next page (k9s-style paging on scroll).
    static func loadMoreIfNeeded(_ page: ResultsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard !page.exhausted, state.pending == nil, page.filter == nil, page.cursor.selected >= page.rows.count - 1 else { return [] }
        return request(
            &state, label: "more \(page.model.route)", purpose: .appendPage, model: page.model, operation: .list,
            parameters: withOffset(page.parameters, page.startOffset + page.rows.count), context: context)
    }


    /// Adds a page of rows. Models with `view` keep only the table's columns, without their names
    /// (Enter fetches the full record), so 100 000 loaded rows stay small.
    static func fill(_ page: inout ResultsPage, with rows: [JSONValue], replacing: Bool) {
        let columns = page.columns
        let keepRecords = !page.model.supports(.view)
        let currencyField = page.currencyField
        let kept = rows.map { ResultRow($0, columns: columns, keepRecord: keepRecords, currencyField: currencyField) }
        if replacing {
            page.rows = kept
        } else {
            page.rows += kept
        }
        page.exhausted = rows.count < page.pageSize
        page.matchedQuery = ""
        page.refilter()
        page.applyLocalSort()
    }
}
