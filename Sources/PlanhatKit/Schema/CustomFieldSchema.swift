import Foundation

/// The JSON Schema of one of the tenant's custom fields, the property it gets under `custom`.
///
/// | Planhat type | Schema |
/// |---|---|
/// | number, rating | `number` |
/// | text, phone | `string` (at most ``SchemaBuilder/maxCustomTextLength`` characters) |
/// | rich text | `string`, `x-multiline` |
/// | checkbox | `boolean` |
/// | date, day | `string`: a date as YYYY-MM-DD or an ISO 8601 date-time (`anyOf` of the two formats) |
/// | list | `string`, `enum` of its options |
/// | multipicklist | `array` of `string`, each one of its options |
/// | team member, enduser | `string`: a Planhat id, `x-references` `users` or `endusers` |
/// | team members, endusers | `array` of those ids |
/// | email, url | `string`, `format` `email` or `uri` |
/// | anything else | any scalar: a type this program does not know refuses nothing |
///
/// Every property also takes `null` (an update clears the field with it); a formula field is
/// `readOnly` and takes any scalar (Planhat computes it). Each carries `x-planhatType`, the type
/// in Planhat's words.
public enum CustomFieldSchema {
    /// The property schema of `definition`.
    public static func property(_ definition: CustomFieldDefinition) -> JSONValue {
        var schema: [String: JSONValue] = [
            "title": .string(definition.name),
            "description": .string(description(definition)),
            "x-planhatType": .string(definition.type),
        ]
        if definition.isFormula {
            schema["type"] = scalarTypes
            schema["readOnly"] = true
            return .object(schema)
        }
        for (key, value) in typeSchema(definition) { schema[key] = value }
        return .object(schema)
    }

    /// What any custom value may be: text, a number, a Boolean, or `null` to clear it.
    static let scalarTypes: JSONValue = ["string", "number", "boolean", "null"]

    private static func typeSchema(_ definition: CustomFieldDefinition) -> [String: JSONValue] {
        let text: [String: JSONValue] = ["type": ["string", "null"], "maxLength": .integer(SchemaBuilder.maxCustomTextLength)]
        switch definition.kind {
        case .number, .rating:
            return ["type": ["number", "null"]]
        case .text, .phone:
            return text
        case .richText:
            return text.merging(["x-multiline": true]) { _, new in new }
        case .checkbox:
            return ["type": ["boolean", "null"]]
        case .date, .day:
            return [
                "type": ["string", "null"],
                "anyOf": [["format": "date"], ["format": "date-time"]],
                "x-expected": .string(dateExpectation),
            ]
        case .list:
            guard !definition.options.isEmpty else { return text }
            return ["type": ["string", "null"], "enum": .array(definition.options.map { .string($0) } + [.null])]
        case .multipicklist:
            let item: JSONValue = definition.options.isEmpty
                ? ["type": "string"] : ["type": "string", "enum": .array(definition.options.map { .string($0) })]
            return ["type": ["array", "null"], "items": item]
        case .teamMember:
            return reference("users")
        case .enduser:
            return reference("endusers")
        case .teamMembers:
            return ["type": ["array", "null"], "items": .object(reference("users").merging(["type": "string"]) { _, new in new })]
        case .endusers:
            return ["type": ["array", "null"], "items": .object(reference("endusers").merging(["type": "string"]) { _, new in new })]
        case .email:
            return ["type": ["string", "null"], "format": "email"]
        case .url:
            return ["type": ["string", "null"], "format": "uri"]
        case .other:
            return ["type": scalarTypes, "maxLength": .integer(SchemaBuilder.maxCustomTextLength)]
        }
    }

    /// How a custom date is described when it does not fit.
    static let dateExpectation = "a date as YYYY-MM-DD or an ISO 8601 date-time such as 2026-11-29T09:30:00Z"

    private static func reference(_ route: String) -> [String: JSONValue] {
        [
            "type": ["string", "null"], "pattern": .string(SchemaBuilder.idPattern),
            "x-expected": .string(SchemaBuilder.idExpectation), "x-references": .string(route),
        ]
    }

    /// The tenant's description, then what the type takes and what Planhat's app does with it.
    private static func description(_ definition: CustomFieldDefinition) -> String {
        var parts: [String] = []
        if let own = definition.description { parts.append(own.hasSuffix(".") ? own : own + ".") }
        parts.append("Custom field (\(definition.type.isEmpty ? "no type" : definition.type)) of \(definition.parent): \(takes(definition)).")
        if definition.isFormula { parts.append("Planhat computes it with a formula: shown, not sent.") }
        if definition.isMandatory { parts.append("Planhat's app requires it on new records.") }
        if definition.isHidden { parts.append("Hidden in Planhat's app.") }
        return parts.joined(separator: " ")
    }

    private static func takes(_ definition: CustomFieldDefinition) -> String {
        let options = definition.options.joined(separator: ", ")
        switch definition.kind {
        case .number: return "a number" + (definition.numberFormat.map { " (shown as \($0))" } ?? "")
        case .rating: return "a rating (a number)"
        case .text: return "text"
        case .phone: return "a phone number as text"
        case .richText: return "rich text (HTML)"
        case .checkbox: return "true or false"
        case .date, .day: return dateExpectation
        case .list: return options.isEmpty ? "text" : "one of " + options
        case .multipicklist: return options.isEmpty ? "a list of text" : "a list of values, each one of " + options
        case .teamMember: return "a team member's user id"
        case .teamMembers: return "a list of team members' user ids"
        case .enduser: return "an end user's id"
        case .endusers: return "a list of end users' ids"
        case .email: return "an email address"
        case .url: return "an absolute URL"
        case .other: return "text, a number or a Boolean"
        }
    }
}
