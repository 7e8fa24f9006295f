import Foundation

/// Checks a JSON value against the JSON Schema subset the catalog's schemas use.
///
/// Keywords: `type` (a name or a list), `enum`, `const`, `properties`, `required`,
/// `additionalProperties` (Boolean or schema), `minProperties`, `items`, `minItems`, `maxItems`,
/// `minimum`, `maximum`, `exclusiveMinimum`, `minLength`, `maxLength`, `pattern`, `format`
/// (`date`, `date-time`, `email`, `uri`, and Planhat's ISO dates `iso-date` and `iso-date-time`,
/// each of which takes `YYYY-MM-DD` and a full ISO 8601 timestamp) and `anyOf`. Every problem becomes a ``FieldIssue`` that names the
/// field, the value and what was expected; validation never stops at the first one.
public struct SchemaValidator: Sendable {
    /// Where a problem is reported when the document is too deep to walk.
    public static let maximumDepth = 64

    public init() {}

    /// The problems of `value` against `schema`; empty when it is valid.
    public func issues(in value: JSONValue, against schema: JSONValue) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        check(value, schema, path: "", depth: 0, into: &issues)
        return issues
    }

    private func check(_ value: JSONValue, _ schemaValue: JSONValue, path: String, depth: Int, into issues: inout [FieldIssue]) {
        guard let schema = schemaValue.objectValue else { return }
        if depth > Self.maximumDepth {
            issues.append(FieldIssue(path: path, value: nil, expected: "at most \(Self.maximumDepth) levels of nesting"))
            return
        }
        if let constant = schema["const"], value != constant {
            issues.append(FieldIssue(path: path, value: value.preview(), expected: "exactly \(constant.preview())"))
            return
        }
        if let types = schema["type"], !matches(value, types) {
            issues.append(FieldIssue(path: path, value: value.preview(), expected: expectation(schema)))
            return
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            issues.append(FieldIssue(path: path, value: value.preview(), expected: expectation(schema) + clearingHint(value, schema)))
            return
        }
        if let options = schema["anyOf"]?.arrayValue, !options.contains(where: { fits(value, $0, path: path, depth: depth) }) {
            issues.append(FieldIssue(path: path, value: value.preview(), expected: expectation(schema) + clearingHint(value, schema)))
            return
        }
        switch value {
        case .string(let text):
            checkString(text, schema, path: path, into: &issues)
        case .integer, .number:
            checkNumber(value, schema, path: path, into: &issues)
        case .array(let elements):
            checkArray(elements, schema, path: path, depth: depth, into: &issues)
        case .object(let members):
            checkObject(members, schema, path: path, depth: depth, into: &issues)
        case .null, .bool:
            break
        }
    }

    /// Whether `value` passes `schema` (one alternative of an `anyOf`).
    private func fits(_ value: JSONValue, _ schema: JSONValue, path: String, depth: Int) -> Bool {
        var found: [FieldIssue] = []
        check(value, schema, path: path, depth: depth + 1, into: &found)
        return found.isEmpty
    }

    private func matches(_ value: JSONValue, _ types: JSONValue) -> Bool {
        let names = types.arrayValue?.compactMap(\.stringValue) ?? [types.stringValue].compactMap { $0 }
        return names.contains { name in
            switch (name, value) {
            case ("integer", .integer): return true
            case ("integer", .number(let number)): return number.rounded() == number
            case ("number", .integer), ("number", .number): return true
            case ("string", .string), ("boolean", .bool), ("null", .null): return true
            case ("array", .array), ("object", .object): return true
            default: return false
            }
        }
    }

    private func checkString(_ text: String, _ schema: [String: JSONValue], path: String, into issues: inout [FieldIssue]) {
        if let nul = text.unicodeScalars.firstIndex(of: "\u{0}") {
            let position = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: nul)
            issues.append(FieldIssue(
                path: path, value: JSONValue.string(text).preview(), expected: "text without NUL characters",
                problem: "holds a NUL character (U+0000) at position \(position)"))
            return
        }
        // Counting characters walks the text: its UTF-8 length is an upper bound that settles most cases.
        let count = text.utf8.count <= (schema["maxLength"]?.intValue ?? .max) && schema["minLength"] == nil ? 0 : text.count
        if let minimum = schema["minLength"]?.intValue, count < minimum {
            issues.append(FieldIssue(path: path, value: JSONValue.string(text).preview(), expected: "at least \(minimum) characters"))
        }
        if let maximum = schema["maxLength"]?.intValue, count > maximum {
            issues.append(FieldIssue(path: path, value: JSONValue.string(text).preview(), expected: "at most \(maximum) characters"))
        }
        if let pattern = schema["pattern"]?.stringValue, !PatternCache.shared.matches(text, pattern: pattern) {
            issues.append(FieldIssue(path: path, value: JSONValue.string(text).preview(), expected: expectation(schema) + clearingHint(.string(text), schema)))
            return
        }
        if let format = schema["format"]?.stringValue, let problem = FormatCheck.problem(text, format: format) {
            issues.append(FieldIssue(path: path, value: JSONValue.string(text).preview(), expected: problem + clearingHint(.string(text), schema)))
        }
    }

    private func checkNumber(_ value: JSONValue, _ schema: [String: JSONValue], path: String, into issues: inout [FieldIssue]) {
        guard let number = value.doubleValue else { return }
        let tooSmall = schema["minimum"]?.doubleValue.map { number < $0 } ?? false
        let tooLarge = schema["maximum"]?.doubleValue.map { number > $0 } ?? false
        let notAbove = schema["exclusiveMinimum"]?.doubleValue.map { number <= $0 } ?? false
        if tooSmall || tooLarge || notAbove || !number.isFinite {
            issues.append(FieldIssue(path: path, value: value.preview(), expected: expectation(schema)))
        }
    }

    private func checkArray(_ elements: [JSONValue], _ schema: [String: JSONValue], path: String, depth: Int, into issues: inout [FieldIssue]) {
        if let minimum = schema["minItems"]?.intValue, elements.count < minimum {
            issues.append(FieldIssue(
                path: path, value: "\(elements.count) items",
                expected: "at least \(minimum) item\(minimum == 1 ? "" : "s")"))
        }
        if let maximum = schema["maxItems"]?.intValue, elements.count > maximum {
            issues.append(FieldIssue(path: path, value: "\(elements.count) items", expected: "at most \(maximum) items"))
        }
        guard let itemSchema = schema["items"] else { return }
        for (index, element) in elements.enumerated() {
            check(element, itemSchema, path: "\(path)[\(index)]", depth: depth + 1, into: &issues)
            if issues.count > 50 { return }
        }
    }

    private func checkObject(_ members: [String: JSONValue], _ schema: [String: JSONValue], path: String, depth: Int, into issues: inout [FieldIssue]) {
        let properties = schema["properties"]?.objectValue ?? [:]
        for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
            let expected = properties[name].flatMap { $0.objectValue }.map(expectation) ?? "a value"
            issues.append(FieldIssue(path: join(path, name), value: nil, expected: "\(expected) (required)"))
        }
        if let minimum = schema["minProperties"]?.intValue, members.count < minimum {
            let others = properties.keys.filter { !(schema["required"]?.arrayValue ?? []).contains(.string($0)) }
            issues.append(FieldIssue(
                path: path, value: members.isEmpty ? "{}" : "only " + members.keys.sorted().joined(separator: ", "),
                expected: "at least one field to change besides the required ones, e.g. "
                    + others.sorted().prefix(4).joined(separator: ", ")))
        }
        for name in members.keys.sorted() {
            guard let member = members[name] else { continue }
            if let propertySchema = properties[name] {
                check(member, propertySchema, path: join(path, name), depth: depth + 1, into: &issues)
            } else if let additional = schema["additionalProperties"] {
                if additional == .bool(false) {
                    issues.append(unknownField(name, member, path: join(path, name), schema: schema, properties: properties))
                } else if additional.objectValue != nil {
                    check(member, additional, path: join(path, name), depth: depth + 1, into: &issues)
                }
            }
            if issues.count > 50 { return }
        }
    }

    /// A field the schema does not take: computed by Planhat (and named as such), or unknown with
    /// the close matches a person may have meant.
    private func unknownField(_ name: String, _ member: JSONValue, path: String, schema: [String: JSONValue], properties: [String: JSONValue]) -> FieldIssue {
        let computed = Set(schema["x-computed"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        if computed.contains(name) {
            let why = name == "_id"
                ? "assigned by Planhat when the record is created; to change an existing record, use update with its id"
                : "computed by Planhat, so it cannot be set"
            return FieldIssue(path: path, value: member.preview(), expected: "to leave it out", problem: "\(name) is \(why)")
        }
        return FieldIssue(path: path, value: member.preview(), expected: unknownFieldExpectation(name, properties), problem: "unknown field")
    }

    /// Names close enough to be a typo of `name`: one edit for short names, a third of the length for long ones.
    static func closeMatches(_ name: String, among known: [String]) -> [String] {
        let typed = name.lowercased()
        let allowed = typed.count <= 4 ? 1 : max(2, typed.count / 3)
        return known.filter { candidate in
            let lowered = candidate.lowercased()
            return NameKey.editDistance(lowered, typed) <= allowed && (typed.count > 4 || lowered.first == typed.first)
        }
    }

    private func unknownFieldExpectation(_ name: String, _ properties: [String: JSONValue]) -> String {
        let known = properties.keys.sorted()
        let close = Self.closeMatches(name, among: known)
        var text: String
        if !close.isEmpty {
            text = "a known field; did you mean " + close.prefix(3).joined(separator: " or ") + "?"
        } else {
            text = "one of " + known.prefix(12).joined(separator: ", ")
            if known.count > 12 { text += " and \(known.count - 12) more" }
        }
        if properties["custom"] != nil { text += "; custom fields go under custom, e.g. {\"custom\": {\"Name\": value}}" }
        return text
    }

    /// For `""` where a field can be cleared: how to clear it (`null`), since an empty string is a value.
    private func clearingHint(_ value: JSONValue, _ schema: [String: JSONValue]) -> String {
        guard value == .string(""), schema["type"]?.arrayValue?.contains(.string("null")) == true else { return "" }
        return "; to clear the field, send null"
    }

    private func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : "\(path).\(name)"
    }

    /// How a person would say what a schema allows: "an integer from 1 to 5000", "one of a, b".
    func expectation(_ schema: [String: JSONValue]) -> String {
        if let expected = schema["x-expected"]?.stringValue { return expected }
        if let options = schema["anyOf"]?.arrayValue?.compactMap(\.objectValue), !options.isEmpty {
            return options.map(expectation).joined(separator: " or ")
        }
        if let values = schema["enum"]?.arrayValue {
            return "one of " + values.map { $0.stringValue ?? $0.preview() }.joined(separator: ", ")
        }
        let names = schema["type"]?.arrayValue?.compactMap(\.stringValue) ?? [schema["type"]?.stringValue].compactMap { $0 }
        var text = names.map(Self.article).joined(separator: " or ")
        if text.isEmpty { text = "a value" }
        if let format = schema["format"]?.stringValue, let formatName = FormatCheck.names[format] {
            text = formatName
        }
        let minimum = schema["minimum"]?.preview(), maximum = schema["maximum"]?.preview()
        if let exclusive = schema["exclusiveMinimum"]?.preview() {
            text += " greater than \(exclusive)"
        } else if let minimum, let maximum {
            text += " from \(minimum) to \(maximum)"
        } else if let minimum {
            text += " of at least \(minimum)"
        } else if let maximum {
            text += " of at most \(maximum)"
        }
        return text
    }

    private static func article(_ type: String) -> String {
        switch type {
        case "integer": return "an integer"
        case "object": return "an object"
        case "array": return "an array"
        case "boolean": return "a Boolean (true or false)"
        case "null": return "null"
        default: return "a \(type)"
        }
    }
}

/// Checks of the `format` keyword.
enum FormatCheck {
    static let names: [String: String] = [
        "date": "a date as YYYY-MM-DD",
        "date-time": "an ISO 8601 date-time such as 2026-11-29T09:30:00Z",
        "iso-date": "a date as YYYY-MM-DD or an ISO 8601 date-time such as 2019-12-11T09:09:08.000Z",
        "iso-date-time": "an ISO 8601 date-time such as 2026-11-29T09:30:00Z, or a date as YYYY-MM-DD",
        "email": "an email address such as ana@example.com",
        "uri": "an absolute URL such as https://example.com",
    ]

    /// What the text should have been, or `nil` when it fits the format.
    static func problem(_ text: String, format: String) -> String? {
        switch format {
        case "date": return isDate(text) ? nil : names[format]
        case "date-time": return isDateTime(text) ? nil : names[format]
        case "iso-date", "iso-date-time": return isDate(text) || isDateTime(text) ? nil : names[format]
        case "email": return isEmail(text) ? nil : names[format]
        case "uri": return isURI(text) ? nil : names[format]
        default: return nil
        }
    }

    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1
        else { return false }
        let days = [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    static func isDateTime(_ text: String) -> Bool {
        guard text.count >= 20, let separator = text.firstIndex(where: { $0 == "T" || $0 == "t" || $0 == " " }),
            isDate(String(text[..<separator]))
        else { return false }
        let time = text[text.index(after: separator)...]
        let pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
        return PatternCache.shared.matches(String(time), pattern: pattern)
    }

    static func isEmail(_ text: String) -> Bool {
        PatternCache.shared.matches(text, pattern: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")
    }

    static func isURI(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme, !scheme.isEmpty else { return false }
        return url.host != nil || scheme == "mailto"
    }
}

/// Compiled regular expressions, shared by every validation.
final class PatternCache: @unchecked Sendable {
    static let shared = PatternCache()
    private let lock = NSLock()
    private var compiled: [String: NSRegularExpression] = [:]

    func matches(_ text: String, pattern: String) -> Bool {
        guard let expression = expression(pattern) else { return true }
        let range = NSRange(text.startIndex..., in: text)
        return expression.firstMatch(in: text, options: [], range: range) != nil
    }

    private func expression(_ pattern: String) -> NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if let cached = compiled[pattern] { return cached }
        let expression = try? NSRegularExpression(pattern: pattern)
        compiled[pattern] = expression
        return expression
    }
}
