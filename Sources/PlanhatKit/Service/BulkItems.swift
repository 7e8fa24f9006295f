import Foundation

/// Items for a bulk upsert, read from a JSON or CSV file, and how their summaries add up.
public enum BulkItems {
    /// The most items Planhat takes in one bulk upsert request.
    public static let chunkSize = 5_000

    /// The items in the file at `path`: a JSON array of objects (or `{"items": [...]}`), or a CSV
    /// file whose header names the fields. CSV cells are converted by the model's field types
    /// (numbers, Booleans, day numbers, `;`-separated arrays); `custom.Name` columns fill `custom`;
    /// empty cells are left out.
    ///
    /// - Throws: ``PlanhatError`` 400 naming the file, the line or column and what was expected.
    public static func load(path: String, model: ModelDefinition, directories: UserDirectories = UserDirectories()) throws -> [JSONValue] {
        let expanded = directories.expand(path)
        guard let data = FileManager.default.contents(atPath: expanded) else {
            throw PlanhatError(.file, message: "cannot read \(expanded): no such file, or it is not readable",
                               fieldIssues: [FieldIssue(path: "items", value: path, expected: "a readable .json or .csv file")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PlanhatError(status: 400, message: "\(expanded) is not UTF-8 text",
                               fieldIssues: [FieldIssue(path: "items", value: path, expected: "a UTF-8 .json or .csv file")])
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if expanded.lowercased().hasSuffix(".json") || trimmed.hasPrefix("[") || trimmed.hasPrefix("{") {
            return try json(trimmed, path: expanded)
        }
        return try csv(text, path: expanded, model: model)
    }

    private static func json(_ text: String, path: String) throws -> [JSONValue] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch let error as JSONParseError {
            throw PlanhatError(status: 400, message: "\(path) is not valid JSON: \(error.reason)",
                               fieldIssues: [FieldIssue(path: "items", value: path, expected: "a JSON array of objects")])
        }
        if let items = value.arrayValue ?? value["items"]?.arrayValue { return items }
        throw PlanhatError(status: 400, message: "\(path) holds a JSON \(value.typeName), not an array of items",
                           fieldIssues: [FieldIssue(path: "items", value: path, expected: "a JSON array of objects, or {\"items\": [...]}")])
    }

    private static func csv(_ text: String, path: String, model: ModelDefinition) throws -> [JSONValue] {
        let rows: [[String]]
        do {
            rows = try CSV.parse(text)
        } catch let error as CSV.ParseError {
            throw PlanhatError(status: 400, message: "\(path) is not valid CSV: \(error)",
                               fieldIssues: [FieldIssue(path: "items", value: path, expected: "CSV with a header line of field names")])
        }
        guard let header = rows.first else { return [] }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        return try rows.dropFirst().enumerated().map { index, cells in
            var item: [String: JSONValue] = [:]
            var custom: [String: JSONValue] = [:]
            for (column, name) in names.enumerated() where column < cells.count && !cells[column].isEmpty && !name.isEmpty {
                let cell = cells[column]
                if name.hasPrefix("custom.") {
                    custom[String(name.dropFirst("custom.".count))] = inferred(cell)
                    continue
                }
                do {
                    item[name] = try value(cell, field: model.field(named: name))
                } catch let problem as CellProblem {
                    throw PlanhatError(status: 400, message: "\(path), row \(index + 2), column \(name): \(problem.expected), got \(cell.debugDescription)",
                                       fieldIssues: [FieldIssue(path: "items[\(index)].\(name)", value: cell, expected: problem.expected)])
                }
            }
            if !custom.isEmpty { item["custom"] = .object(custom) }
            return .object(item)
        }
    }

    private struct CellProblem: Error {
        var expected: String
    }

    /// A CSV cell as the field's type. Unknown fields stay text (the validator then names them).
    private static func value(_ cell: String, field: FieldDefinition?) throws -> JSONValue {
        guard let field else { return .string(cell) }
        let text = cell.trimmingCharacters(in: .whitespaces)
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
            return .array(text.split(separator: ";").map { .string($0.trimmingCharacters(in: .whitespaces)) })
        case "object":
            do {
                return try JSONValue.parse(text)
            } catch {
                throw CellProblem(expected: "a JSON object")
            }
        default:
            return .string(cell)
        }
    }

    /// A custom field cell: a number, `true`/`false`, or text.
    public static func inferred(_ text: String) -> JSONValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default: break
        }
        if let number = Int(trimmed) { return .integer(number) }
        if let number = Double(trimmed), number.isFinite, trimmed.first?.isNumber == true || trimmed.first == "-" { return .number(number) }
        if trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") { return .string(String(trimmed.dropFirst().dropLast())) }
        return .string(text)
    }

    /// The items in chunks of at most ``chunkSize``.
    public static func chunks(_ items: [JSONValue]) -> [ArraySlice<JSONValue>] {
        stride(from: 0, to: items.count, by: chunkSize).map { items[$0..<min(items.count, $0 + chunkSize)] }
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
