import Foundation
import PlanhatKit
import TerminalUI

/// An operation's parameters as fields, built from the operation's JSON Schema (the one
/// `get_model_action_parameters` returns). Pure data: the update edits it, the view draws it.
public struct Form: Hashable, Sendable {
    public var fields: [FormField]
    /// Top-level fields no schema property takes, sent as given: typed in the raw JSON (F4) with
    /// unknown fields allowed (F6). Drafts keep them under ``extraPrefix`` keys.
    public var extras: [String: JSONValue] = [:]

    /// The draft key prefix of an extra field: `+nickname`.
    static let extraPrefix = "+"

    public init(fields: [FormField], extras: [String: JSONValue] = [:]) {
        self.fields = fields
        self.extras = extras
    }

    /// The form of `operation` on `model`: the record id first, then the required fields, then the
    /// fields the catalog says a person fills in first, then the rest in the catalog's order.
    /// Computed fields are not in the schema, so never in a form. Defaults are filled in; nested
    /// objects become sections.
    public static func build(model: ModelDefinition, operation: ModelOperation) -> Form {
        build(schema: SchemaBuilder.schema(for: model, operation: operation), order: (model.primaryFields ?? []) + model.fields.map(\.name))
    }

    /// The form of any object schema; `order` ranks property names (the rest follow by name).
    public static func build(schema: JSONValue, order: [String]) -> Form {
        let order = ["id"] + (schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? []) + order
        var fields = Self.fields(of: schema, path: [], section: nil, order: order)
        for index in fields.indices {
            if let value = fields[index].schema["default"] ?? fields[index].schema["const"] { fields[index].load(value) }
        }
        return Form(fields: fields)
    }

    private static func fields(of schema: JSONValue, path: [String], section: String?, order: [String]) -> [FormField] {
        let properties = schema["properties"]?.objectValue ?? [:]
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let names = properties.keys.sorted { (rank[$0] ?? .max, $0) < (rank[$1] ?? .max, $1) }
        return names.flatMap { name -> [FormField] in
            let property = properties[name] ?? .object([:])
            // What Planhat computes (a formula custom field) is shown in records, never sent.
            if property["readOnly"]?.boolValue == true { return [] }
            let title = property["title"]?.stringValue ?? SchemaBuilder.humanize(name)
            if property.schemaType == "object", property["properties"] != nil {
                let heading = (section.map { $0 + " › " } ?? "") + title
                var nested = fields(of: property, path: path + [name], section: heading, order: [])
                if property["additionalProperties"]?.objectValue != nil {
                    // Names the schema does not list (a custom field added since they were read): name = value entries.
                    nested.append(FormField(
                        path: path + [name], title: "Other \(title.lowercased()) fields",
                        help: "Fields not listed above, as name = value entries.", required: false, widget: .keyValue,
                        schema: property, section: heading))
                }
                return nested
            }
            return [FormField(
                path: path + [name], title: title, help: property["description"]?.stringValue ?? "",
                required: required.contains(name), widget: FieldWidget.of(property, name: name), schema: property, section: section)]
        }
    }

    /// The index of the field at `key` (`name`, `address.city`).
    public func index(of key: String) -> Int? {
        fields.firstIndex { $0.key == key }
    }

    /// The parameters the fields make, leaving out unset fields, and the fields whose input cannot
    /// become a value.
    public func parameters(only keys: Set<String>? = nil) -> (parameters: JSONValue, problems: [FieldIssue]) {
        var root = JSONValue.object([:])
        var problems: [FieldIssue] = []
        for field in fields where keys?.contains(field.key) ?? true {
            switch field.outcome {
            case .unset: continue
            case .value(let value): root = Self.setting(value, at: field.path[...], in: root)
            case .invalid(let reason): problems.append(FieldIssue(path: field.key, value: field.input.text.isEmpty ? nil : field.summary, expected: field.widget == .keyValue ? "name = value entries" : "JSON", problem: reason))
            }
        }
        if keys == nil { root = withExtras(root) }
        return (root, problems)
    }

    /// `object` with `value` at `path`. Entries set at a path that holds entries already join them
    /// (the fields listed under `custom` and its other entries), the fields set first winning.
    private static func setting(_ value: JSONValue, at path: ArraySlice<String>, in object: JSONValue) -> JSONValue {
        guard let first = path.first else {
            guard let entries = value.objectValue, let existing = object.objectValue, !existing.isEmpty else { return value }
            return .object(entries.merging(existing) { _, first in first })
        }
        var members = object.objectValue ?? [:]
        members[first] = setting(value, at: path.dropFirst(), in: members[first] ?? .object([:]))
        return .object(members)
    }

    /// Fills every field from a parameters or record object (fields it does not hold are cleared).
    /// - Returns: the keys of the object no field takes.
    @discardableResult
    public mutating func load(_ object: JSONValue) -> [String] {
        for index in fields.indices {
            fields[index].load(fields[index].value(in: object))
        }
        let known = Set(fields.map { $0.path[0] })
        return (object.objectValue ?? [:]).keys.filter { !known.contains($0) }.sorted()
    }

    /// `root` with the extra fields set (a documented field of the same name wins).
    private func withExtras(_ root: JSONValue) -> JSONValue {
        guard !extras.isEmpty, var members = root.objectValue else { return root }
        for (name, value) in extras where members[name] == nil { members[name] = value }
        return .object(members)
    }

    /// What the user has entered, by field key, as drafts keep it (extra fields as their JSON).
    public var states: [String: FieldState] {
        var states = Dictionary(fields.map { ($0.key, $0.state) }, uniquingKeysWith: { first, _ in first })
        for (name, value) in extras { states[Self.extraPrefix + name] = FieldState(text: value.compactText()) }
        return states
    }

    /// What the user has entered, leaving out empty fields (what a draft keeps).
    public var filledStates: [String: FieldState] {
        states.filter { $0.value != FieldState() }
    }

    /// Restores entered values. With `clearingOthers` (a draft), fields `states` leaves out are emptied.
    public mutating func restore(_ states: [String: FieldState], clearingOthers: Bool = false) {
        if clearingOthers { extras = [:] }
        for (key, state) in states where key.hasPrefix(Self.extraPrefix) {
            extras[String(key.dropFirst(Self.extraPrefix.count))] = (try? JSONValue.parse(Data(state.text.utf8))) ?? .string(state.text)
        }
        for index in fields.indices {
            if let state = states[fields[index].key] {
                fields[index].state = state
            } else if clearingOthers {
                fields[index].state = FieldState()
            }
        }
    }

    /// Puts each problem under the field it names (the longest matching key) and clears the rest.
    /// - Returns: the problems no field takes (shown in the summary only).
    @discardableResult
    public mutating func show(_ issues: [FieldIssue], onlyFor keys: Set<String>? = nil) -> [FieldIssue] {
        for index in fields.indices where keys?.contains(fields[index].key) ?? true { fields[index].issue = nil }
        var unplaced: [FieldIssue] = []
        for issue in issues {
            let owner = fields.indices
                .filter { Self.path(issue.path, belongsTo: fields[$0].key) }
                .max { fields[$0].key.count < fields[$1].key.count }
            guard let owner else {
                unplaced.append(issue)
                continue
            }
            guard keys?.contains(fields[owner].key) ?? true else { continue }
            if fields[owner].issue == nil { fields[owner].issue = Self.text(of: issue, under: fields[owner].key) }
        }
        return unplaced
    }

    static func path(_ path: String, belongsTo key: String) -> Bool {
        path == key || path.hasPrefix(key + ".") || path.hasPrefix(key + "[")
    }

    /// The problem as shown under its field: the field's own name left out.
    static func text(of issue: FieldIssue, under key: String) -> String {
        let rest = String(issue.path.dropFirst(key.count)).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        let subject = rest.isEmpty ? "" : rest + ": "
        if let problem = issue.problem { return subject + problem + (issue.expected.isEmpty ? "" : "; expected \(issue.expected)") }
        guard let value = issue.value else { return "\(subject)required: expected \(issue.expected.replacingOccurrences(of: " (required)", with: ""))" }
        return "\(subject)\(value) is not allowed; expected \(issue.expected)"
    }

    /// The index of the first field showing a problem.
    public var firstProblem: Int? {
        fields.firstIndex { $0.issue != nil }
    }

    /// What an update sends: only the fields whose value differs from `original` (a record); a
    /// field emptied is sent as `null`, which clears it (the core's rule for clearing); `custom`
    /// as the entries changed, an entry removed as `null`. Each change names its path, the old
    /// value and the new one (`nil`: cleared), in the order of the form.
    public func update(from original: JSONValue) -> (parameters: JSONValue, changes: [FieldChange], problems: [FieldIssue]) {
        var root = JSONValue.object([:])
        var changes: [FieldChange] = []
        var problems: [FieldIssue] = []
        for field in fields where field.key != "id" {
            let old = field.value(in: original)
            switch field.outcome {
            case .invalid(let reason):
                problems.append(FieldIssue(path: field.key, value: field.input.text.isEmpty ? nil : field.summary, expected: field.widget == .keyValue ? "name = value entries" : "JSON", problem: reason))
            case .unset:
                guard let old, !old.isNull, !Self.isEmpty(old) else { continue }
                if field.widget == .keyValue, let members = old.objectValue {
                    var patch: [String: JSONValue] = [:]
                    for name in members.keys.sorted() {
                        patch[name] = .null
                        changes.append(FieldChange(path: field.path + [name], old: members[name], new: nil))
                    }
                    root = Self.setting(.object(patch), at: field.path[...], in: root)
                } else {
                    root = Self.setting(.null, at: field.path[...], in: root)
                    changes.append(FieldChange(path: field.path, old: old, new: nil))
                }
            case .value(let value):
                if field.widget == .keyValue, let new = value.objectValue {
                    let before = old?.objectValue ?? [:]
                    var patch: [String: JSONValue] = [:]
                    for name in Set(before.keys).union(new.keys).sorted() {
                        let newEntry = new[name]
                        guard !(newEntry.map { Self.same($0, before[name]) } ?? (before[name] == nil)) else { continue }
                        patch[name] = newEntry ?? .null
                        changes.append(FieldChange(path: field.path + [name], old: before[name], new: newEntry))
                    }
                    if !patch.isEmpty { root = Self.setting(.object(patch), at: field.path[...], in: root) }
                } else if !Self.same(value, old) {
                    root = Self.setting(value, at: field.path[...], in: root)
                    changes.append(FieldChange(path: field.path, old: old, new: value))
                }
            }
        }
        for name in extras.keys.sorted() where root[name] == nil && index(of: name) == nil {
            guard let value = extras[name], !Self.same(value, original[name]) else { continue }
            root = Self.setting(value, at: [name], in: root)
            changes.append(FieldChange(path: [name], old: original[name], new: value.isNull ? nil : value))
        }
        if let index = index(of: "id"), case .value(let id) = fields[index].outcome { root = Self.setting(id, at: ["id"], in: root) }
        return (root, changes, problems)
    }

    /// The keys of the fields whose value differs from `original` (a record), for `update`.
    public func changedKeys(from original: JSONValue) -> [String] {
        fields.compactMap { field in
            guard field.key != "id" else { return nil }
            let old = field.value(in: original)
            switch field.outcome {
            case .unset: return old == nil || old == .null || Self.isEmpty(old) ? nil : field.key
            case .invalid: return field.key
            case .value(let value): return Self.same(value, old) ? nil : field.key
            }
        }
    }

    private static func isEmpty(_ value: JSONValue?) -> Bool {
        switch value {
        case .array(let items)?: return items.isEmpty
        case .object(let members)?: return members.isEmpty
        case .string(let text)?: return text.isEmpty
        default: return false
        }
    }

    private static func same(_ new: JSONValue, _ old: JSONValue?) -> Bool {
        guard let old else { return false }
        if new == old { return true }
        // 5 and 5.0 are the same number.
        if let a = new.doubleValue, let b = old.doubleValue, new.isNumber, old.isNumber { return a == b }
        return false
    }
}

/// One change an update makes: the field's path (`["custom", "Tier"]`), what it held and what it
/// will hold (`nil`: cleared, sent as `null`).
public struct FieldChange: Hashable, Sendable {
    public var path: [String]
    public var old: JSONValue?
    public var new: JSONValue?

    /// `phase`, `custom.Tier`.
    public var key: String { path.joined(separator: ".") }
}

extension JSONValue {
    /// A schema's type, leaving out the `null` that makes a field clearable: `string` for
    /// `"string"` and for `["string", "null"]`.
    var schemaType: String? {
        if let name = self["type"]?.stringValue { return name }
        let types = self["type"]?.arrayValue?.compactMap(\.stringValue).filter { $0 != "null" } ?? []
        return types.count == 1 ? types[0] : nil
    }

    /// The value at a path of object keys (`["custom", "Segment"]`), if there is one.
    func value(at path: some Sequence<String>) -> JSONValue? {
        path.reduce(Optional(self)) { value, key in value?[key] }
    }

    var isNumber: Bool {
        switch self {
        case .integer, .number: return true
        default: return false
        }
    }
}
