import Foundation

/// A schema with what repeats said once: the keyed-id pattern and its wording (`keyedId`), the
/// plain `_id` (`objectId`), the date-or-date-time choice (`dateOrDateTime`), each moved to `$defs`
/// and named by `$ref` where it recurs (JSON Schema 2020-12 applies `$ref` beside the keywords it
/// sits with).
///
/// Only the keywords that repeat verbatim move (`pattern` and `x-expected`, and the date `anyOf`);
/// every property keeps its own `type`, `title`, `description` and `x-references`, so nothing a
/// reader or a model uses is dropped and a nullable property stays nullable. A piece found once
/// stays where it is. For answers (`get_model_action_parameters`); the validator checks the full
/// schema, and tool input schemas keep no `$ref` (not every model provider resolves one).
public enum SchemaSharing {
    /// The keywords that may move to a shared definition.
    static let movable: Set<String> = ["pattern", "x-expected"]

    /// The schema with its repeated pieces in `$defs`; the schema itself when nothing repeats.
    public static func shared(_ schema: JSONValue) -> JSONValue {
        guard case .object(var root) = schema, root["$defs"] == nil else { return schema }
        var counts: [JSONValue: Int] = [:]
        visit(schema, isRoot: true) { piece in counts[piece, default: 0] += 1 }
        let repeated = counts.filter { $0.value >= 2 }.keys
        guard !repeated.isEmpty else { return schema }
        var names: [JSONValue: String] = [:]
        var taken = Set<String>()
        for piece in repeated.sorted(by: { $0.compactText() < $1.compactText() }) {
            var name = Self.name(of: piece)
            var suffix = 2
            while taken.contains(name) {
                name = Self.name(of: piece) + String(suffix)
                suffix += 1
            }
            taken.insert(name)
            names[piece] = name
        }
        var rewritten = rewrite(.object(root), isRoot: true, names: names).objectValue ?? root
        rewritten["$defs"] = .object(Dictionary(uniqueKeysWithValues: names.map { ($0.value, $0.key) }))
        root = rewritten
        return .object(root)
    }

    /// The shareable piece of a property schema: its movable keywords (two at least, or a date choice).
    static func piece(of members: [String: JSONValue]) -> JSONValue? {
        var piece = members.filter { movable.contains($0.key) }
        if let anyOf = members["anyOf"], isDateChoice(anyOf) { piece["anyOf"] = anyOf }
        guard piece.count >= 2 || piece["anyOf"] != nil else { return nil }
        return .object(piece)
    }

    static func isDateChoice(_ value: JSONValue) -> Bool {
        value == [["format": "date"], ["format": "date-time"]]
    }

    /// `keyedId` (an `_id`, `extid-…` or `srcid-…`), `objectId` (an `_id`), `dateOrDateTime`, else `shared`.
    static func name(of piece: JSONValue) -> String {
        if piece["anyOf"] != nil { return "dateOrDateTime" }
        let pattern = piece["pattern"]?.stringValue ?? ""
        return pattern.contains("extid") ? "keyedId" : pattern == "^[0-9a-fA-F]{24}$" ? "objectId" : "shared"
    }

    /// Keywords whose value is not a schema (nor holds one).
    static let opaque: Set<String> = ["enum", "const", "default", "examples", "required", "$defs"]
    /// Keywords whose value maps names to schemas.
    static let schemaMaps: Set<String> = ["properties", "patternProperties"]

    /// Calls `found` for the piece of every schema below the root.
    static func visit(_ schema: JSONValue, isRoot: Bool, found: (JSONValue) -> Void) {
        guard case .object(let members) = schema else { return }
        if !isRoot, let piece = piece(of: members) { found(piece) }
        for (key, value) in members where !opaque.contains(key) {
            if schemaMaps.contains(key) {
                for (_, property) in value.objectValue ?? [:] { visit(property, isRoot: false, found: found) }
            } else if let items = value.arrayValue {
                for item in items { visit(item, isRoot: false, found: found) }
            } else {
                visit(value, isRoot: false, found: found)
            }
        }
    }

    static func rewrite(_ schema: JSONValue, isRoot: Bool, names: [JSONValue: String]) -> JSONValue {
        guard case .object(var members) = schema else { return schema }
        if !isRoot, let piece = piece(of: members), let name = names[piece] {
            for key in (piece.objectValue ?? [:]).keys { members.removeValue(forKey: key) }
            members["$ref"] = .string("#/$defs/\(name)")
        }
        for (key, value) in members where !opaque.contains(key) {
            if schemaMaps.contains(key), let map = value.objectValue {
                members[key] = .object(map.mapValues { rewrite($0, isRoot: false, names: names) })
            } else if let items = value.arrayValue {
                members[key] = .array(items.map { rewrite($0, isRoot: false, names: names) })
            } else if value.objectValue != nil {
                members[key] = rewrite(value, isRoot: false, names: names)
            }
        }
        return .object(members)
    }
}
