import Foundation
import GRDB
import PlanhatKit

/// The one statement a list request runs: its filters, sort, page and selection.
///
/// The model is written as a literal (catalog paths are plain words) so SQLite can use the
/// partial sort indexes, and ties keep insertion order in the sort's direction, so one index
/// serves the whole `ORDER BY`.
struct ListQuery: Sendable {
    /// `SELECT … FROM record WHERE … ORDER BY … LIMIT ? OFFSET ?`
    let sql: String
    /// The values of the statement's `?`s, in order.
    let arguments: [DatabaseValue]

    /// The list parameters that are not filters.
    static let pagingParameters: Set<String> = ["limit", "offset", "sort", "select"]

    /// Builds the statement for `request`, resolving keyed company ids with `lookup`.
    ///
    /// - Throws: ``PlanhatError`` 400 for a filter on a field the model does not have.
    init(_ request: PlanhatRequest, lookup: RecordLookup) throws {
        let model = request.model
        var filters = Filters(model: model, lookup: lookup)
        for item in request.query where !Self.pagingParameters.contains(item.name) {
            try filters.add(item)
        }
        let limit = request.queryValue("limit").flatMap(Int.init) ?? model.listLimit.default
        let offset = request.queryValue("offset").flatMap(Int.init) ?? 0
        // With `select`, SQLite builds the smaller documents: only they are parsed. A lean list
        // (`/leancompanies`) answers its lean fields whatever is selected.
        let lean = model.leanList.flatMap { $0.path == request.resource ? $0 : nil }
        let selection = lean.map { Selection($0.fields.joined(separator: ",")) }
            ?? request.queryValue("select").map(Selection.init).flatMap { $0.paths.isEmpty ? nil : $0 }
        let column = selection?.sqlExpression ?? "doc"
        let order = Self.order(request.queryValue("sort"))
        sql = "SELECT \(column) FROM record WHERE \(filters.conditions.joined(separator: " AND ")) ORDER BY \(order) LIMIT ? OFFSET ?"
        arguments = filters.arguments + [limit.databaseValue, offset.databaseValue]
    }

    /// Runs the statement: the documents, parsed.
    func documents(_ db: Database) throws -> JSONValue {
        let documents = try String.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
        return .array(try documents.map { try JSONValue.parse($0) })
    }

    /// Runs the statement: the stored documents (or SQLite's selections) as one JSON array, not
    /// parsed. Each is compact JSON the sandbox wrote (or SQLite built).
    func documentBytes(_ db: Database) throws -> Data {
        var bytes = Data([UInt8(ascii: "[")])
        var first = true
        let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(arguments))
        while let row = try rows.next() {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            try row.withUnsafeData(atIndex: 0) { data in bytes.append(data ?? Data("null".utf8)) }
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }

    /// `seq`, or `<field> DESC, seq DESC` for `sort=-field`.
    private static func order(_ sort: String?) -> String {
        guard let sort, !sort.isEmpty else { return "seq" }
        let descending = sort.hasPrefix("-")
        let field = descending ? String(sort.dropFirst()) : sort
        let expression = field == "_id" ? "id" : JSONPath.extract(field)
        return descending ? "\(expression) DESC, seq DESC" : "\(expression) ASC, seq ASC"
    }
}

/// A list request's `WHERE`: the model, then one condition per filter.
private struct Filters {
    let model: ModelDefinition
    let lookup: RecordLookup
    private(set) var conditions: [String]
    private(set) var arguments: [DatabaseValue] = []

    init(model: ModelDefinition, lookup: RecordLookup) {
        self.model = model
        self.lookup = lookup
        conditions = ["model = '\(model.path)'"]
    }

    mutating func add(_ item: QueryItem) throws {
        let filter = model.filters.first { $0.name == item.name }
        if let filter, filter.field == nil {
            // A text search: the text anywhere in the catalog's search fields.
            let clauses = (filter.searchFields ?? []).map { "\(JSONPath.extract($0)) LIKE ?" }
            guard !clauses.isEmpty else { return }
            conditions.append("(" + clauses.joined(separator: " OR ") + ")")
            arguments += Array(repeating: "%\(item.value)%".databaseValue, count: clauses.count)
            return
        }
        let name = filter?.field ?? item.name
        guard let field = model.field(named: name) else {
            throw PlanhatError(
                status: 400, message: "\(model.route) cannot be filtered on '\(item.name)'",
                fieldIssues: [FieldIssue(path: item.name, value: item.value, expected: "one of the list parameters")])
        }
        if let match = filter?.match {
            // A day number (days since 1970-01-01) the field's instant falls on or after / before.
            guard let day = Int(item.value) else {
                throw PlanhatError(
                    status: 400, message: "\(item.name) must be a day number",
                    fieldIssues: [FieldIssue(path: item.name, value: item.value, expected: "days since 1970-01-01, e.g. 20000")])
            }
            let dayOfField = "CAST(julianday(\(JSONPath.extract(name))) - 2440587.5 AS INTEGER)"
            conditions.append("\(dayOfField) \(match == "toDay" ? "<=" : ">=") ?")
            arguments.append(day.databaseValue)
        } else if filter != nil, let target = lookup.catalog.referencedModel(of: field) {
            // Ids of the referenced model, keyed ones (`extid-…`) resolved, separated by commas.
            let ids = try item.value.split(separator: ",").map { raw -> String in
                let key = raw.trimmingCharacters(in: .whitespaces)
                return try lookup.locate(target, key)?.id ?? key
            }
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            if field.type == "array" {
                conditions.append("EXISTS (SELECT 1 FROM json_each(doc, '\(JSONPath.path(name))') WHERE value IN (\(placeholders)))")
            } else {
                conditions.append("\(StoredRow.column(for: name, of: model)) IN (\(placeholders))")
            }
            arguments += ids.map(\.databaseValue)
        } else {
            conditions.append("\(JSONPath.extract(name)) = ?")
            arguments.append(item.value.databaseValue)
        }
    }
}

/// `select=name,arr`: keeps the named fields (dotted paths reach into objects) and always `_id`.
struct Selection {
    let paths: [[String]]

    init(_ text: String) {
        paths = text.split(separator: ",").map { field in
            field.trimmingCharacters(in: .whitespaces).split(separator: ".").map(String.init)
        }.filter { !$0.isEmpty }
    }

    /// The selected fields built by SQLite: `json_patch('{}', json_object('_id', doc -> '$._id', …))`,
    /// nested paths as nested objects; the merge patch leaves out fields the record lacks.
    var sqlExpression: String {
        final class Node {
            var children: [(String, Node)] = []
            func child(_ name: String) -> Node {
                if let existing = children.first(where: { $0.0 == name }) { return existing.1 }
                let node = Node()
                children.append((name, node))
                return node
            }
        }
        let root = Node()
        _ = root.child("_id")
        for path in paths {
            var node = root
            for segment in path { node = node.child(segment) }
        }
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        func build(_ node: Node, prefix: [String]) -> String {
            let members = node.children.map { name, child -> String in
                let path = prefix + [name]
                let value = child.children.isEmpty ? "doc -> '\(JSONPath.path(path.joined(separator: ".")))'" : build(child, prefix: path)
                return quoted(name) + ", " + value
            }
            return "json_object(" + members.joined(separator: ", ") + ")"
        }
        return "json_patch('{}', \(build(root, prefix: [])))"
    }
}
