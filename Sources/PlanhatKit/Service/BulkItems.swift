import Foundation

/// Items for a bulk upsert, read from a JSON, NDJSON or CSV file, and how their summaries add up.
public enum BulkItems {
    /// The most items Planhat takes in one bulk upsert request.
    public static let chunkSize = 5_000

    /// Items read from a file, and the columns left out because Planhat computes them.
    public struct File: Sendable, Hashable {
        public var items: [JSONValue]
        /// Fields the file holds that Planhat computes (`__v`, `createDate`, `companyName`…): an export
        /// carries them, an upsert cannot set them, so they are left out, and said so.
        public var ignored: [String]

        public init(items: [JSONValue], ignored: [String] = []) {
            self.items = items
            self.ignored = ignored
        }

        /// `left out 3 fields Planhat computes: __v, companyName, createDate`, or nil.
        public var note: String? {
            ignored.isEmpty ? nil : "left out \(English.count(ignored.count, "field")) Planhat computes: " + ignored.joined(separator: ", ")
        }
    }

    /// The items of the file at `path` (`~` is home), in the format its name says (`.csv`, `.json`,
    /// `.ndjson`, `.jsonl`), else by its first bytes.
    ///
    /// - Throws: ``PlanhatError`` naming the file, the line or the row and column, and what was expected.
    public static func read(path: String, model: ModelDefinition, directories: UserDirectories = UserDirectories()) throws -> File {
        let expanded = directories.expand(path)
        guard let data = FileManager.default.contents(atPath: expanded) else {
            throw PlanhatError(.file, message: "cannot read \(expanded): no such file, or it is not readable",
                               fieldIssues: [FieldIssue(path: "items", value: path, expected: "a readable .csv, .json or .ndjson file")])
        }
        return try read(data: data, name: expanded, format: RecordFormat(path: expanded), model: model)
    }

    /// The items in `data` (a file's or stdin's bytes) named `name` in messages.
    ///
    /// CSV: the header names the fields; cells take the field's type (see ``CellValue``);
    /// `custom.Name` columns fill `custom`; array fields take JSON (`["a","b"]`) or `;`-separated
    /// text; empty cells are left out. JSON: an array of objects, or `{"items": [...]}`. NDJSON: one
    /// object a line. Fields Planhat computes are left out (``File/ignored``).
    public static func read(data: Data, name: String, format: RecordFormat?, model: ModelDefinition) throws -> File {
        guard let text = String(data: data, encoding: .utf8) else {
            let offset = UTF8Check.firstInvalidByte(in: data) ?? 0
            throw PlanhatError(.invalidParameters, message: "\(name) is not UTF-8 text: byte \(offset) cannot start or continue a character",
                               fieldIssues: [FieldIssue(path: "items", value: name, expected: "a UTF-8 .csv, .json or .ndjson file")])
        }
        let items: [JSONValue]
        switch format ?? sniff(text) {
        case .json: items = try json(text.trimmingCharacters(in: .whitespacesAndNewlines), name: name)
        case .ndjson: items = try ndjson(text, name: name)
        case .csv: items = try csv(text, name: name, model: model)
        }
        return withoutComputedFields(items, model: model)
    }

    /// JSON when the text starts like JSON: NDJSON when its first line is a whole object and more follow.
    private static func sniff(_ text: String) -> RecordFormat {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{") || trimmed.hasPrefix("[") else { return .csv }
        let lines = trimmed.split(separator: "\n", maxSplits: 1)
        if trimmed.hasPrefix("{"), lines.count == 2, (try? JSONValue.parse(String(lines[0])))?.objectValue != nil { return .ndjson }
        return .json
    }

    /// `items` as they can be written back: the fields Planhat computes left out (``File/ignored``
    /// names them, ``File/note`` says so), everything else as it is.
    public static func withoutComputedFields(_ items: [JSONValue], model: ModelDefinition) -> File {
        let computed = Set(model.computedFieldNames).subtracting(["_id"])
        var ignored = Set<String>()
        let kept = items.map { item -> JSONValue in
            guard var members = item.objectValue else { return item }
            for name in members.keys where computed.contains(name) {
                members.removeValue(forKey: name)
                ignored.insert(name)
            }
            return .object(members)
        }
        return File(items: kept, ignored: ignored.sorted())
    }

    private static func json(_ text: String, name: String) throws -> [JSONValue] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch let error as JSONParseError {
            throw PlanhatError(.invalidParameters, message: "\(name) is not valid JSON: \(error.reason)",
                               fieldIssues: [FieldIssue(path: "items", value: name, expected: "a JSON array of objects")])
        }
        if let items = value.arrayValue ?? value["items"]?.arrayValue { return items }
        throw PlanhatError(.invalidParameters, message: "\(name) holds a JSON \(value.typeName), not an array of items",
                           fieldIssues: [FieldIssue(path: "items", value: name, expected: "a JSON array of objects, or {\"items\": [...]}")])
    }

    private static func ndjson(_ text: String, name: String) throws -> [JSONValue] {
        var items: [JSONValue] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            do {
                items.append(try JSONValue.parse(trimmed))
            } catch let error as JSONParseError {
                throw PlanhatError(.invalidParameters, message: "\(name), line \(index + 1) is not a JSON object: \(error.reason)",
                                   fieldIssues: [FieldIssue(path: "items[\(items.count)]", value: String(trimmed.prefix(60)), expected: "one JSON object a line")])
            }
        }
        return items
    }

    private static func csv(_ text: String, name: String, model: ModelDefinition) throws -> [JSONValue] {
        let rows: [[CSV.Cell]]
        do {
            rows = try CSV.parseCells(text)
        } catch let error as CSV.ParseError {
            throw PlanhatError(.invalidParameters, message: "\(name) is not valid CSV: \(error)",
                               fieldIssues: [FieldIssue(path: "items", value: name, expected: "CSV with a header line of field names")])
        }
        guard let header = rows.first else { return [] }
        let names = header.map { $0.text.trimmingCharacters(in: .whitespaces) }
        let definitions = Dictionary(
            (model.fields.first(where: \.isCustom)?.customFields ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return try rows.dropFirst().enumerated().map { index, cells in
            var item: [String: JSONValue] = [:]
            var custom: [String: JSONValue] = [:]
            for (column, columnName) in names.enumerated() where column < cells.count && !columnName.isEmpty {
                let cell = cells[column]
                guard !cell.text.isEmpty || cell.quoted else { continue }
                if columnName.hasPrefix("custom.") {
                    let customName = String(columnName.dropFirst("custom.".count))
                    custom[customName] = customValue(cell, definitions[customName])
                    continue
                }
                do {
                    item[columnName] = try value(cell, field: model.field(named: columnName))
                } catch let problem as CellProblem {
                    throw PlanhatError(.invalidParameters, message: "\(name), row \(index + 2), column \(columnName): \(problem.expected), got \(cell.text.debugDescription)",
                                       fieldIssues: [FieldIssue(path: "items[\(index)].\(columnName)", value: cell.text, expected: problem.expected)])
                }
            }
            if !custom.isEmpty { item["custom"] = .object(custom) }
            return .object(item)
        }
    }

    private struct CellProblem: Error {
        var expected: String
    }

    /// A CSV cell as its field's type says. A column the catalog does not know reads as a custom
    /// field's would (``CellValue/inferred(_:quoted:)``), so the validator can name it.
    private static func value(_ cell: CSV.Cell, field: FieldDefinition?) throws -> JSONValue {
        guard let field else { return CellValue.inferred(cell.text, quoted: cell.quoted) }
        let text = cell.text.trimmingCharacters(in: .whitespaces)
        switch field.type {
        case "integer":
            if field.isDayNumber, let date = CivilDate(iso: text) { return .integer(date.dayNumber) }
            guard let number = Int(text) else { throw CellProblem(expected: field.isDayNumber ? "a date (YYYY-MM-DD) or a day number" : "a whole number") }
            return .integer(number)
        case "number":
            if let number = Int(text) { return .integer(number) }
            guard let number = Double(text), number.isFinite else { throw CellProblem(expected: "a number") }
            return .number(number)
        case "boolean":
            switch text.lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: throw CellProblem(expected: "true or false")
            }
        case "array":
            if text.hasPrefix("["), let array = (try? JSONValue.parse(text))?.arrayValue { return .array(array) }
            let itemType = field.items?.type ?? "string"
            return .array(try text.split(separator: ";").map { part in
                let element = part.trimmingCharacters(in: .whitespaces)
                switch itemType {
                case "integer", "number":
                    guard let number = Double(element) else { throw CellProblem(expected: "numbers separated by ;") }
                    return Int(element).map { .integer($0) } ?? .number(number)
                default:
                    return .string(element)
                }
            })
        case "object":
            do {
                return try JSONValue.parse(text)
            } catch {
                throw CellProblem(expected: "a JSON object")
            }
        default:
            return .string(cell.text)
        }
    }

    /// A `custom.<name>` cell: as the tenant's definition of the field says (text stays text, a
    /// number field's cell is a number, a multi-list's is its values separated by `;`), or as a cell
    /// of unknown type reads (``CellValue/inferred(_:quoted:)``) for a field without one. A cell
    /// that does not fit stays text, so the validator names it.
    private static func customValue(_ cell: CSV.Cell, _ definition: CustomFieldDefinition?) -> JSONValue {
        let type: String?
        switch definition?.kind {
        case .number?, .rating?: type = "number"
        case .checkbox?: type = "boolean"
        case .multipicklist?, .teamMembers?, .endusers?: type = "array"
        case .other?, nil: type = nil
        case .text?, .richText?, .phone?, .email?, .url?, .list?, .date?, .day?, .teamMember?, .enduser?: type = "string"
        }
        guard let definition, let type, !definition.isFormula else { return CellValue.inferred(cell.text, quoted: cell.quoted) }
        let field = FieldDefinition(name: definition.name, type: type, requiredOnCreate: false, readOnly: false, description: "")
        return (try? value(cell, field: field)) ?? .string(cell.text)
    }

    /// A custom field value as typed in a form's `name = value` entry: surrounding double quotes
    /// keep it text (`"007"`), a JSON array is a list (a multi-list's values), else as a CSV cell of
    /// unknown type reads.
    public static func inferred(_ text: String) -> JSONValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") { return .string(String(trimmed.dropFirst().dropLast())) }
        if trimmed.hasPrefix("["), trimmed.hasSuffix("]"), let list = try? JSONValue.parse(trimmed), list.arrayValue != nil { return list }
        return CellValue.inferred(trimmed, quoted: false)
    }

    /// The lists of refused items a bulk answer may carry: Planhat's summary (`createdErrors`,
    /// `updatedErrors`, `permissionErrors`, `validationErrors`) and a push's `errors`.
    public static let errorLists = ["createdErrors", "updatedErrors", "permissionErrors", "validationErrors", "errors"]

    /// How many items a bulk answer reports refused.
    public static func errorCount(_ summary: JSONValue) -> Int {
        errorLists.reduce(0) { $0 + (summary[$1]?.arrayValue?.count ?? 0) }
    }

    /// Whether `body` is Planhat's bulk upsert summary, which it sends with 200, 206 (some items
    /// failed), 400 (a required key missing or duplicated) and 403 (permission errors) alike: the
    /// answer says item by item what happened, so the failures are in it, not in the status.
    public static func isSummary(_ body: JSONValue) -> Bool {
        ["createdErrors", "updatedErrors", "permissionErrors"].contains { body[$0]?.arrayValue != nil }
    }

    /// The status Planhat answers a bulk upsert with (its HTTP response codes page): 200 when every
    /// item was applied, 206 when some were refused, 400 when all were, 403 when only permission
    /// errors stopped them. A push (`processed`, a "data sink") is always 200.
    public static func status(of summary: JSONValue) -> Int {
        guard summary["processed"] == nil, errorCount(summary) > 0 else { return 200 }
        let applied = ["created", "updated", "nonupdates"].reduce(0) { $0 + (summary[$1]?.intValue ?? 0) }
        if applied > 0 { return 206 }
        let permissions = summary["permissionErrors"]?.arrayValue?.count ?? 0
        return permissions == errorCount(summary) ? 403 : 400
    }

    /// The items in chunks of at most `size` (``chunkSize`` unless told), each keeping its indexes
    /// in the whole list: the one place any face cuts a bulk upsert.
    public static func chunks(_ items: [JSONValue], size: Int = chunkSize) -> [ArraySlice<JSONValue>] {
        let size = max(1, size)
        return stride(from: 0, to: items.count, by: size).map { items[$0..<min(items.count, $0 + size)] }
    }

    /// Adds the summary of a chunk starting at `offset` to the total so far: counts summed, lists
    /// joined, error indexes shifted to positions in the whole input.
    public static func merge(_ total: JSONValue, _ part: JSONValue, offset: Int) -> JSONValue {
        guard var merged = total.objectValue, let members = part.objectValue else { return part }
        for (key, value) in members {
            switch (merged[key], value) {
            case (.integer(let a)?, .integer(let b)):
                merged[key] = .integer(a + b)
            case (.array(let a)?, .array(let b)):
                merged[key] = .array(a + shifted(b, by: offset))
            case (nil, .array(let b)):
                merged[key] = .array(shifted(b, by: offset))
            default:
                merged[key] = value
            }
        }
        return .object(merged)
    }

    private static func shifted(_ entries: [JSONValue], by offset: Int) -> [JSONValue] {
        entries.map { entry in
            guard var object = entry.objectValue, let index = object["index"]?.intValue else { return entry }
            object["index"] = .integer(index + offset)
            return .object(object)
        }
    }
}
