import Foundation
import PlanhatKit
import TerminalUI

/// How a form shows and edits one field, chosen from the field's JSON Schema.
public enum FieldWidget: Hashable, Sendable {
    /// One line of text (`format` `email` or `uri` is checked by the validator).
    case text(format: String?)
    /// Long text: one line here, the whole text in `$EDITOR` (Ctrl-O).
    case multiline
    /// One of a fixed set of values (`enum`, or a `const` offered as its only choice).
    case choice([String])
    /// An ISO date (`YYYY-MM-DD`) or date-time; Ctrl-T fills in today or now.
    case date(withTime: Bool)
    /// A day number (days since 1970-01-01), typed and shown as an ISO date.
    case dayNumber
    /// A number, whole when `integer`; the schema's minimum and maximum are checked.
    case number(integer: Bool)
    /// true or false (or unset).
    case toggle
    /// Several of a fixed set of values (an array of `enum`).
    case checklist([String])
    /// An array of text, numbers or ids: add, edit, remove and reorder items.
    case list(itemType: String)
    /// Planhat's `custom` object: `name = value` entries.
    case keyValue
    /// The id of a record of another model, picked from that model's `list`.
    case reference(String)
    /// The items of a bulk upsert: a JSON or CSV file.
    case file
    /// Anything else: the field's value as JSON, validated.
    case json

    /// The widget for a property schema. Anything not mapped falls back to ``json``.
    public static func of(_ schema: JSONValue, name: String = "") -> FieldWidget {
        if let constant = schema["const"] { return .choice([CellText.of(constant)]) }
        if let values = schema["enum"]?.arrayValue { return .choice(values.filter { !$0.isNull }.map { CellText.of($0) }) }
        switch schema.schemaType {
        case "boolean": return .toggle
        case "integer": return schema["x-dayNumber"]?.boolValue == true ? .dayNumber : .number(integer: true)
        case "number": return .number(integer: false)
        case "string":
            if let route = schema["x-references"]?.stringValue { return .reference(route) }
            // A custom date takes a date or a date-time (`anyOf` of the two formats): the first is offered.
            switch schema["format"]?.stringValue ?? schema["anyOf"]?.arrayValue?.lazy.compactMap({ $0["format"]?.stringValue }).first {
            case "date", "iso-date": return .date(withTime: false)
            case "date-time", "iso-date-time": return .date(withTime: true)
            case let format: return schema["x-multiline"]?.boolValue == true ? .multiline : .text(format: format)
            }
        case "array":
            let items = schema["items"] ?? .object([:])
            if let values = items["enum"]?.arrayValue { return .checklist(values.filter { !$0.isNull }.map { CellText.of($0) }) }
            switch items.schemaType {
            case "string", "number", "integer", "boolean": return .list(itemType: items.schemaType ?? "string")
            case "object" where name == "items" && items["properties"] != nil: return .file
            default: return .json
            }
        case "object":
            if schema["properties"] == nil, schema["additionalProperties"]?.objectValue != nil { return .keyValue }
            return .json
        default:
            return .json
        }
    }

    /// Whether typing edits the field directly (otherwise letters are commands).
    public var isTextual: Bool {
        switch self {
        case .toggle, .choice, .checklist, .list, .keyValue: return false
        default: return true
        }
    }
}

/// The part of a field the user edits, as drafts keep it: text, a flag, items.
public struct FieldState: Hashable, Sendable, Codable {
    public var text: String = ""
    public var flag: Bool?
    public var items: [String] = []
}

/// What a field holds, ready for the parameters.
public enum FieldOutcome: Hashable, Sendable {
    /// Nothing entered: the field is not sent.
    case unset
    case value(JSONValue)
    /// The input cannot become a value (JSON that does not parse, a custom row without `=`).
    case invalid(String)
}

/// One field of a form: where it goes in the parameters, how it is edited, what it holds.
public struct FormField: Hashable, Sendable {
    /// The path in the parameters (`["name"]`; nested objects add a level).
    public var path: [String]
    public var title: String
    public var help: String
    public var required: Bool
    public var widget: FieldWidget
    /// The property's JSON Schema.
    public var schema: JSONValue
    /// The heading of the nested object the field belongs to, if any.
    public var section: String?
    public var input = TextField()
    public var flag: Bool?
    public var items: [String] = []
    /// The problem shown under the field, if any.
    public var issue: String?
    /// What a picked id stands for (the record's name), shown beside it.
    public var caption: String?

    /// The dotted path: `name`, `address.city`.
    public var key: String { path.joined(separator: ".") }

    /// What this field holds of a record or parameters object: the value at its path; for the
    /// entries of an object whose schema lists some names (the tenant's custom fields, which have
    /// fields of their own), the other names only.
    public func value(in object: JSONValue) -> JSONValue? {
        let value = object.value(at: path)
        guard widget == .keyValue, let listed = schema["properties"]?.objectValue, let members = value?.objectValue else { return value }
        let others = members.filter { listed[$0.key] == nil }
        return others.isEmpty ? nil : .object(others)
    }

    /// What the user has entered, as drafts keep it.
    public var state: FieldState {
        get { FieldState(text: input.text, flag: flag, items: items) }
        set {
            input = TextField(newValue.text)
            flag = newValue.flag
            items = newValue.items
        }
    }

    /// The field's value for the parameters. Text that does not fit the type is passed on as text,
    /// so the validator names the field, the value and what was expected.
    public var outcome: FieldOutcome {
        let text = input.text
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch widget {
        case .toggle:
            return flag.map { .value(.bool($0)) } ?? .unset
        case .checklist:
            return items.isEmpty ? .unset : .value(.array(items.map { .string($0) }))
        case .list(let itemType):
            return items.isEmpty ? .unset : .value(.array(items.map { Self.scalar($0, type: itemType) }))
        case .keyValue:
            guard !items.isEmpty else { return .unset }
            var object: [String: JSONValue] = [:]
            for row in items {
                guard let (name, value) = Self.entry(row) else {
                    return .invalid("\(row.debugDescription) is not an entry; expected name = value")
                }
                object[name] = BulkItems.inferred(value)
            }
            return .value(.object(object))
        case .json:
            guard !trimmed.isEmpty else { return .unset }
            do {
                return .value(try JSONValue.parse(trimmed))
            } catch let error as JSONParseError {
                return .invalid("not JSON (\(error.reason))")
            } catch {
                return .invalid("not JSON")
            }
        case .multiline, .text:
            return text.isEmpty ? .unset : .value(.string(text))
        case .number(let integer):
            guard !trimmed.isEmpty else { return .unset }
            return .value(Self.scalar(trimmed, type: integer ? "integer" : "number"))
        case .dayNumber:
            guard !trimmed.isEmpty else { return .unset }
            if let date = CivilDate(iso: trimmed) { return .value(.integer(date.dayNumber)) }
            return .value(Int(trimmed).map { .integer($0) } ?? .string(trimmed))
        case .choice, .date, .reference, .file:
            if let constant = schema["const"], trimmed == CellText.of(constant) { return .value(constant) }
            return trimmed.isEmpty ? .unset : .value(.string(trimmed))
        }
    }

    /// Fills the field from a value (a record's, a draft's or the raw JSON's); `nil` clears it.
    public mutating func load(_ value: JSONValue?) {
        input = TextField()
        caption = nil
        flag = nil
        items = []
        guard let value, !value.isNull else { return }
        switch widget {
        case .toggle:
            flag = value.boolValue
        case .checklist, .list:
            items = (value.arrayValue ?? [value]).map(Self.text)
        case .keyValue:
            let members = value.objectValue ?? [:]
            items = members.keys.sorted().map { name in
                let member = members[name] ?? .null
                var text = Self.text(member)
                if case .string = member, BulkItems.inferred(text) != member { text = member.compactText() }
                return "\(name) = \(text)"
            }
        case .dayNumber:
            input = TextField(value.intValue.map { CivilDate(dayNumber: $0).iso } ?? Self.text(value))
        case .json:
            input = TextField(value.compactText())
        default:
            input = TextField(Self.text(value))
        }
    }

    /// A value as the text a person types: strings as they are, the rest as compact JSON.
    static func text(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return value.compactText()
    }

    /// Text typed for an item of `type`: a number or Boolean when it reads as one, else the text.
    static func scalar(_ text: String, type: String) -> JSONValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch type {
        case "integer":
            return Int(trimmed).map { .integer($0) } ?? .string(text)
        case "number":
            if let number = Int(trimmed) { return .integer(number) }
            if let number = Double(trimmed), number.isFinite { return .number(number) }
            return .string(text)
        case "boolean":
            return trimmed == "true" ? .bool(true) : trimmed == "false" ? .bool(false) : .string(text)
        default:
            return .string(text)
        }
    }

    /// `Segment = Enterprise` → ("Segment", "Enterprise").
    static func entry(_ row: String) -> (String, String)? {
        guard let equals = row.firstIndex(of: "=") else { return nil }
        let name = row[..<equals].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return nil }
        return (name, row[row.index(after: equals)...].trimmingCharacters(in: .whitespaces))
    }

    /// One line describing what the field holds, for the form's value column.
    public var summary: String {
        switch widget {
        case .toggle: return flag.map { $0 ? "[x] true" : "[ ] false" } ?? "[ ] (not set)"
        case .checklist, .list: return items.isEmpty ? "(none)" : items.joined(separator: ", ")
        case .keyValue: return items.isEmpty ? "(none)" : items.joined(separator: "; ")
        case .choice: return input.text.isEmpty ? "(not set)" : input.text
        default: return input.text
        }
    }
}
