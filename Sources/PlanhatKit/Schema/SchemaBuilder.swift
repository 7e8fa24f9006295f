import Foundation

/// Builds the JSON Schema (draft 2020-12) of every model × operation from the catalog.
///
/// The same schema is what `get_model_action_parameters` returns, what the validator checks and
/// what the explorer renders as a form. Besides standard keywords it carries a few annotations
/// (ignored by other validators): `x-references` (the model an id points to), `x-dayNumber`,
/// `x-multiline`, `x-canonical` (the spellings Planhat expects of a free-text value; see
/// ``FieldDefinition/canonical``), `x-expected` (how to describe a pattern to a person), `x-certainty` (a field or
/// filter only secondary sources show: offered, never required) and, on the tenant's custom
/// fields, `x-planhatType` (the field's type in Planhat's words; see ``CustomFieldSchema``).
public enum SchemaBuilder {
    /// The JSON Schema dialect every schema declares.
    public static let dialect = "https://json-schema.org/draft/2020-12/schema"

    /// A 24-hex Planhat id, or a keyed reference.
    static let idPattern = "^([0-9a-fA-F]{24}|extid-.+|srcid-.+)$"
    static let idExpectation = "a Planhat _id (24 hex characters), extid-<externalId> or srcid-<sourceId>"

    /// The parameters schema of `operation` on `model`, as `model` defines it.
    ///
    /// Served from the shared catalog's cache when `model` is that catalog's definition, built anew
    /// otherwise. Code that holds a catalog (a restricted one, a test's) asks it instead:
    /// ``Catalog/schema(for:operation:)``.
    public static func schema(for model: ModelDefinition, operation: ModelOperation) -> JSONValue {
        Catalog.shared.schema(for: model, operation: operation)
    }

    /// Builds the schema, uncached.
    static func build(_ model: ModelDefinition, _ operation: ModelOperation) -> JSONValue {
        var schema: [String: JSONValue] = [
            "$schema": .string(dialect),
            "type": "object",
            "title": .string(title(model, operation)),
            "description": .string(description(model, operation)),
        ]
        switch operation {
        case .list:
            schema["properties"] = .object(listProperties(model))
            schema["additionalProperties"] = false
        case .view, .delete:
            schema["properties"] = .object(["id": idProperty(model)])
            schema["required"] = ["id"]
            schema["additionalProperties"] = false
        case .create:
            let (properties, required) = recordProperties(model, forCreate: true)
            schema["properties"] = .object(properties)
            if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
            schema["additionalProperties"] = otherFields(model)
            schema["x-computed"] = computedNames(model)
        case .update:
            var (properties, _) = recordProperties(model, forCreate: false)
            properties["id"] = idProperty(model)
            schema["properties"] = .object(properties)
            schema["required"] = ["id"]
            schema["minProperties"] = 2
            schema["additionalProperties"] = otherFields(model)
            schema["x-computed"] = computedNames(model)
        case .bulkUpsert:
            var (properties, _) = recordProperties(model, forCreate: false)
            if !model.isPush { properties["_id"] = .object([
                "type": "string", "pattern": .string("^[0-9a-fA-F]{24}$"), "title": "Planhat id",
                "description": .string(
                    "Matches an existing record to update; leave out to match on "
                        + model.keyables.dropFirst().joined(separator: ", ") + " or to create."),
                "x-expected": "a Planhat _id (24 hex characters)",
            ]) }
            let item: JSONValue = .object([
                "type": "object", "properties": .object(properties), "additionalProperties": otherFields(model),
                "title": .string(model.name), "x-computed": computedNames(model, except: model.isPush ? [] : ["_id"]),
            ])
            let matching = model.isPush
                ? "The \(model.plural.lowercased()) to send: each is a new data point, never matched to an existing one."
                : "The \(model.plural.lowercased()) to create or update. Each is matched on "
                    + model.keyables.joined(separator: ", then ")
                    + "; a match is updated, anything else is created (with the fields required on create)."
            schema["properties"] = .object([
                "items": .object([
                    "type": "array", "minItems": 1, "items": item, "title": "Items",
                    "description": .string(matching + " Sent in chunks of at most 5000."),
                ])
            ])
            schema["required"] = ["items"]
            schema["additionalProperties"] = false
        }
        return .object(schema)
    }

    /// What a record may hold besides the catalog's fields: nothing, unless no source lists the
    /// model's fields (``ModelDefinition/openFields``), where the others are sent as given.
    private static func otherFields(_ model: ModelDefinition) -> JSONValue {
        .bool(model.openFields ?? false)
    }

    /// The fields Planhat computes, named so a validator can say why they cannot be sent.
    private static func computedNames(_ model: ModelDefinition, except: Set<String> = []) -> JSONValue {
        .array((["_id"] + model.computedFieldNames).filter { !except.contains($0) }.map { .string($0) })
    }

    private static func title(_ model: ModelDefinition, _ operation: ModelOperation) -> String {
        let one = English.withArticle(model.name.lowercased())
        switch operation {
        case .list: return "List \(model.plural.lowercased())"
        case .view: return "View \(one)"
        case .create: return "Create \(one)"
        case .update: return "Update \(one)"
        case .delete: return "Delete \(one)"
        case .bulkUpsert: return "Bulk upsert \(model.plural.lowercased())"
        }
    }

    private static func description(_ model: ModelDefinition, _ operation: ModelOperation) -> String {
        let path = "/\(model.path)"
        if let shape = model.requestShape(for: operation) {
            let request = PlanhatRequest(model: model, operation: operation)
            let tenant = request.needsTenant ? " ({tenantUUID}: the tenant's UUID, which authorises the call instead of the token)" : ""
            let what = operation == .bulkUpsert ? "one data point or an array of them" : "the record"
            return "\(request.method) \(request.target)\(tenant): sends \(what); Planhat answers 200 once it has received them."
                + (shape.host == nil ? "" : " Regardless of region the host is \(PlanhatAPI.analyticsBaseURL).")
        }
        switch operation {
        case .list:
            return "GET \(path): a page of \(model.plural.lowercased()) as a JSON array. Page with limit "
                + "(default \(model.listLimit.default), at most \(model.listLimit.max)) and offset; a page "
                + "shorter than limit is the last."
        case .view:
            return "GET \(path)/{id}: one \(model.name.lowercased())."
        case .create:
            return "POST \(path): creates \(English.withArticle(model.name.lowercased())) and answers with it, including its new _id."
        case .update:
            return "PUT \(path)/{id}: changes only the fields given (a partial update); custom fields merge. \(clearDescription)"
        case .delete:
            return "DELETE \(path)/{id}: deletes the \(model.name.lowercased())."
        case .bulkUpsert:
            return "PUT \(path) with an array: creates or updates many records and answers with a summary "
                + "(created, updated, insertsKeys, updatesKeys, errors)."
        }
    }

    private static func listProperties(_ model: ModelDefinition) -> [String: JSONValue] {
        var properties: [String: JSONValue] = [
            "limit": .object([
                "type": "integer", "minimum": 1, "maximum": .integer(model.listLimit.max),
                "default": .integer(model.listLimit.default), "title": "Limit",
                "description": .string(
                    "How many records to return (1 to \(model.listLimit.max), default \(model.listLimit.default))."),
            ]),
            "offset": .object([
                "type": "integer", "minimum": 0, "default": 0, "title": "Offset",
                "description": "How many records to skip: the index of the first record returned.",
            ]),
            "sort": .object([
                "type": "string", "pattern": "^-?[A-Za-z_$][A-Za-z0-9_.$ -]*$", "title": "Sort",
                "description": "A field to sort on; prefix it with - for descending order, e.g. -arr. Case sensitive.",
                "x-expected": "a field name, optionally prefixed with - (e.g. name or -arr)",
                "examples": .array(sortExamples(model)),
            ]),
            "select": .object([
                "type": "string", "pattern": "^[A-Za-z_$][A-Za-z0-9_.$ -]*(,[ ]*[A-Za-z_$][A-Za-z0-9_.$ -]*)*$",
                "title": "Select",
                "description": "Comma-separated fields to return (case sensitive); _id is always returned. Leave out for every field.",
                "x-expected": "field names separated by commas, e.g. name,arr",
                "examples": .array([.string(model.columns.filter { $0 != "_id" }.prefix(3).joined(separator: ","))]),
            ]),
        ]
        for filter in model.filters {
            var property: [String: JSONValue] = [
                "type": .string(filter.type ?? "string"), "title": .string(humanize(filter.name)), "description": .string(filter.description),
            ]
            if let certainty = filter.certainty { property["x-certainty"] = .string(certainty) }
            if filter.name == "companyId" { property["x-references"] = "companies" }
            if let field = filter.field.flatMap(model.field(named:)), let values = field.enum {
                property["enum"] = .array(values.map { .string($0) })
            }
            properties[filter.name] = .object(property)
        }
        return properties
    }

    private static func sortExamples(_ model: ModelDefinition) -> [JSONValue] {
        let numeric = model.fields.first { ["arr", "mrr", "score", "value", "amountTotal"].contains($0.name) }
        var examples: [JSONValue] = [.string(model.titleField)]
        if let numeric { examples.append(.string("-" + numeric.name)) }
        return examples
    }

    private static func idProperty(_ model: ModelDefinition) -> JSONValue {
        var pattern = "^([0-9a-fA-F]{24}"
        var expected = "a Planhat _id (24 hex characters)"
        var keyed: [String] = []
        if model.externalIdField != nil {
            pattern += "|extid-.+"
            keyed.append("extid-<\(model.externalIdField ?? "externalId")>")
        }
        if model.sourceIdField != nil {
            pattern += "|srcid-.+"
            keyed.append("srcid-<sourceId>")
        }
        pattern += ")$"
        if !keyed.isEmpty { expected += ", " + keyed.joined(separator: " or ") }
        return .object([
            "type": "string", "pattern": .string(pattern), "title": "Id",
            "description": .string("The record: \(expected)."),
            "x-expected": .string(expected),
            "x-references": .string(model.route),
        ])
    }

    private static func recordProperties(
        _ model: ModelDefinition, forCreate: Bool
    ) -> (properties: [String: JSONValue], required: [String]) {
        var properties: [String: JSONValue] = [:]
        var required: [String] = []
        for field in model.writableFields {
            if let fixed = model.fixedFields?[field.name] {
                properties[field.name] = .object([
                    "const": fixed, "default": fixed, "title": .string(humanize(field.name)),
                    "description": .string(field.description),
                ])
                continue
            }
            // In an update (and a bulk item, which may update), null clears a field.
            properties[field.name] = forCreate ? fieldSchema(field) : clearable(fieldSchema(field))
            if forCreate && field.requiredOnCreate { required.append(field.name) }
        }
        return (properties, required)
    }

    /// How a partial update clears a field: it sends `null` (Planhat's REST API stores what it is
    /// sent; an empty string would be a value, and is not even allowed for enums, dates and ids).
    public static let clearDescription = "Send null to clear the field."

    /// A field's schema that also accepts `null`, meaning "clear this field".
    static func clearable(_ schema: JSONValue) -> JSONValue {
        guard var members = schema.objectValue, let type = members["type"]?.stringValue else { return schema }
        members["type"] = .array([.string(type), "null"])
        if let values = members["enum"]?.arrayValue { members["enum"] = .array(values + [.null]) }
        return .object(members)
    }

    /// The schema of one field.
    public static func fieldSchema(_ field: FieldDefinition) -> JSONValue {
        var schema: [String: JSONValue] = [
            "title": .string(field.title ?? humanize(field.name)),
            "description": .string(field.description),
        ]
        switch field.format {
        case "planhat-id":
            schema["type"] = "string"
            schema["pattern"] = .string(idPattern)
            schema["x-expected"] = .string(idExpectation)
        case "day-number":
            schema["type"] = "integer"
            schema["x-dayNumber"] = true
            schema["description"] = .string(field.description + " Days since 1970-01-01 (e.g. 20000 is 2024-10-04).")
        case let format?:
            schema["type"] = .string(field.type)
            schema["format"] = .string(format)
        case nil:
            schema["type"] = .string(field.type)
        }
        if let references = field.references { schema["x-references"] = .string(references) }
        if let values = field.enum { schema["enum"] = .array(values.map { .string($0) }) }
        if let minimum = field.minimum { schema["minimum"] = number(minimum) }
        if let maximum = field.maximum { schema["maximum"] = number(maximum) }
        if let exclusiveMinimum = field.exclusiveMinimum { schema["exclusiveMinimum"] = number(exclusiveMinimum) }
        if let value = field.default { schema["default"] = value }
        if let maxLength = field.maxLength { schema["maxLength"] = .integer(maxLength) }
        if field.multiline == true { schema["x-multiline"] = true }
        if let certainty = field.certainty { schema["x-certainty"] = .string(certainty) }
        if let spellings = field.canonical {
            // Not an enum: tenants define their own values. The spellings are said, and the core respells a near match.
            schema["x-canonical"] = .array(spellings.map { .string($0) })
            schema["examples"] = .array(spellings.map { .string($0) })
            let description = schema["description"]?.stringValue ?? ""
            schema["description"] = .string(
                (description.isEmpty ? "" : description + " ") + "Planhat expects one of " + spellings.joined(separator: ", ")
                    + ": a near match (case, spaces, dashes) is sent in that spelling; a value this workspace's records hold is sent as it is.")
        }
        if let items = field.items {
            var item: [String: JSONValue] = ["type": .string(items.type)]
            if items.format == "planhat-id" {
                item["pattern"] = .string(idPattern)
                item["x-expected"] = .string(idExpectation)
            }
            if let references = items.references { item["x-references"] = .string(references) }
            schema["items"] = .object(item)
        }
        if field.isCustom {
            // Any name the tenant's definitions do not cover: a scalar, or a list of them (a
            // multi-picklist read back from Planhat must be writable without its definition).
            schema["additionalProperties"] = .object([
                "type": ["string", "number", "boolean", "null", "array"], "maxLength": .integer(SchemaBuilder.maxCustomTextLength),
                "items": ["type": ["string", "number", "boolean"], "maxLength": .integer(SchemaBuilder.maxCustomTextLength)],
                "description": "A custom field value: text, number, Boolean, date string, or a list of those (a multi-picklist).",
            ])
            schema["description"] = .string(
                field.description + " Custom fields by name, e.g. {\"Segment\": \"Enterprise\"}; one level only.")
            if let definitions = field.customFields, !definitions.isEmpty {
                let names = definitions.map(\.name)
                schema["properties"] = .object(Dictionary(
                    definitions.map { ($0.name, CustomFieldSchema.property($0)) }, uniquingKeysWith: { first, _ in first }))
                schema["description"] = .string(
                    field.description + " The tenant's custom fields (" + names.prefix(6).joined(separator: ", ")
                        + (names.count > 6 ? ", …" : "") + ") are its properties; other names are taken too, as text, "
                        + "a number or a Boolean. One level only; null clears a field.")
            }
        }
        return .object(schema)
    }

    private static func number(_ value: Double) -> JSONValue {
        value.rounded() == value ? .integer(Int(value)) : .number(value)
    }

    /// The most characters a custom field's text may have (our limit; Planhat documents none).
    public static let maxCustomTextLength = 65_535

    /// `companyId` → `Company id`, `_currency` → `Currency`, `arr` → `ARR`, `nrr30` → `NRR 30`.
    public static func humanize(_ name: String) -> String {
        let acronyms: Set<String> = ["arr", "mrr", "nrr", "nps", "id", "url", "csm"]
        let trimmed = name.drop { $0 == "_" }
        if acronyms.contains(trimmed.lowercased()) { return trimmed.uppercased() }
        var words: [String] = []
        var current = ""
        for character in trimmed {
            let startsNumber = character.isNumber && !(current.last?.isNumber ?? true)
            if (character.isUppercase && !current.isEmpty && !(current.last?.isUppercase ?? false)) || startsNumber {
                words.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(current) }
        let text = words.map { word -> String in
            acronyms.contains(word.lowercased()) && word.count > 2 ? word.uppercased() : word.lowercased()
        }.joined(separator: " ")
        return text.prefix(1).uppercased() + text.dropFirst()
    }
}

/// The schemas one catalog has built, by route and operation (validation asks for one on every
/// request). Each catalog holds its own, so two catalogs with different definitions for a route
/// never share one.
final class SchemaCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (model: ModelDefinition, schema: JSONValue)] = [:]

    /// The cached schema when it was built from a definition equal to `model` (cheap for a copy of
    /// the catalog's own: equal arrays and strings that share storage compare at once); otherwise
    /// `build()`, kept only when `isOwn(model)`.
    func schema(
        for model: ModelDefinition, operation: ModelOperation, isOwn: (ModelDefinition) -> Bool, build: () -> JSONValue
    ) -> JSONValue {
        let key = model.route + "/" + operation.rawValue
        if let entry = lock.withLock({ entries[key] }), entry.model == model { return entry.schema }
        let schema = build()
        if isOwn(model) { lock.withLock { entries[key] = (model, schema) } }
        return schema
    }
}
