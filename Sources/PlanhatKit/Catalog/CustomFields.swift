import Foundation

/// The kind of a tenant's custom field, from the `type` Planhat names it with (`number`, `list`,
/// `team member`, …). Case, spaces and `-` are ignored; a type this program does not know is
/// ``other``, which takes any scalar: a type we do not know never refuses a value.
public enum CustomFieldKind: String, Sendable, Hashable, CaseIterable, Codable {
    case number, text
    case richText = "rich text"
    case checkbox, day, date, list
    case multipicklist
    case teamMember = "team member"
    case teamMembers = "team members"
    case rating, phone, email, enduser, endusers, url
    /// A type Planhat may add that this program does not know yet.
    case other

    /// The kind for a type as Planhat writes it.
    public init(planhatType: String) {
        switch NameKey.normalize(planhatType) {
        case "number", "numeric", "currency", "percent", "percentage": self = .number
        case "text", "string", "textarea": self = .text
        case "richtext", "html": self = .richText
        case "checkbox", "boolean", "bool": self = .checkbox
        case "day": self = .day
        case "date", "datetime": self = .date
        case "list", "picklist", "dropdown", "select": self = .list
        case "multipicklist", "multipick", "multilist", "multiselect", "multiplelist": self = .multipicklist
        case "teammember", "user", "owner": self = .teamMember
        case "teammembers", "users": self = .teamMembers
        case "rating", "stars": self = .rating
        case "phone", "phonenumber": self = .phone
        case "email", "emailaddress": self = .email
        case "enduser", "contact": self = .enduser
        case "endusers", "contacts": self = .endusers
        case "url", "link", "website": self = .url
        default: self = .other
        }
    }
}

/// One custom field a tenant defined in Planhat (`GET /customfields`): its name (the key under
/// `custom`), type, the model it belongs to and, for lists, its options.
public struct CustomFieldDefinition: Sendable, Codable, Hashable {
    /// Planhat's `_id` of the definition, when it has one.
    public var id: String?
    /// The field's name: the key of its value in a record's `custom` object.
    public var name: String
    /// The type as Planhat names it (`number`, `rich text`, `multipicklist`, …).
    public var type: String
    /// The model Planhat says it belongs to (`Company`, `EndUser`, …).
    public var parent: String
    /// The options of a `list` or `multipicklist` field.
    public var options: [String]
    /// Whether Planhat computes the value with a formula.
    public var isFormula: Bool
    /// Whether Planhat's app hides the field.
    public var isHidden: Bool
    /// Whether Planhat's app requires the field when a record is created.
    public var isMandatory: Bool
    /// How Planhat's app formats a number field.
    public var numberFormat: String?
    /// The tenant's own description of the field, when it has one.
    public var description: String?

    public init(
        id: String? = nil, name: String, type: String, parent: String, options: [String] = [], isFormula: Bool = false,
        isHidden: Bool = false, isMandatory: Bool = false, numberFormat: String? = nil, description: String? = nil
    ) {
        self.id = id
        self.name = name
        self.type = type
        self.parent = parent
        self.options = options
        self.isFormula = isFormula
        self.isHidden = isHidden
        self.isMandatory = isMandatory
        self.numberFormat = numberFormat
        self.description = description
    }

    /// A definition as Planhat answers it (`{"_id", "name", "type", "parent", "listValues", …}`);
    /// `nil` without a name or a parent. A missing type reads as an unknown one, and options that
    /// are not text are read as their text.
    public init?(planhat value: JSONValue) {
        guard let name = value["name"]?.stringValue, !name.isEmpty,
            let parent = value["parent"]?.stringValue, !parent.isEmpty
        else { return nil }
        self.init(
            id: value["_id"]?.stringValue, name: name, type: value["type"]?.stringValue ?? "", parent: parent,
            options: (value["listValues"]?.arrayValue ?? []).compactMap(Self.option),
            isFormula: value["isFormula"]?.boolValue ?? false, isHidden: value["isHidden"]?.boolValue ?? false,
            isMandatory: value["isMandatory"]?.boolValue ?? false, numberFormat: value["numberFormat"]?.stringValue,
            description: value["description"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The definition in Planhat's words, as ``init(planhat:)`` reads it back (what the cache keeps).
    public var planhatJSON: JSONValue {
        var members: [String: JSONValue] = [
            "name": .string(name), "type": .string(type), "parent": .string(parent),
            "listValues": .array(options.map { .string($0) }), "isFormula": .bool(isFormula),
            "isHidden": .bool(isHidden), "isMandatory": .bool(isMandatory),
        ]
        if let id { members["_id"] = .string(id) }
        if let numberFormat { members["numberFormat"] = .string(numberFormat) }
        if let description { members["description"] = .string(description) }
        return .object(members)
    }

    /// What the type means here.
    public var kind: CustomFieldKind { CustomFieldKind(planhatType: type) }

    /// A list option: text as it is, a number or Boolean as its JSON, an object by its `value`,
    /// `name` or `label`.
    private static func option(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .integer, .number, .bool: return value.compactText()
        case .object: return ["value", "name", "label"].lazy.compactMap { value[$0]?.stringValue }.first
        default: return nil
        }
    }
}

/// The custom fields a tenant defined, as read from one backend at one time.
public struct CustomFields: Sendable, Hashable {
    /// The definitions, in the order Planhat listed them.
    public var definitions: [CustomFieldDefinition]
    /// When they were read from the backend.
    public var readAt: Date
    /// Where they were read: the API's base URL (and profile), or the sandbox file.
    public var origin: String

    public init(definitions: [CustomFieldDefinition], readAt: Date, origin: String) {
        self.definitions = definitions
        self.readAt = readAt
        self.origin = origin
    }

    /// The definitions of each route of `catalog`. A definition belongs to every model its parent
    /// names and to the models that share that model's API path (a `Conversation` field is also
    /// a note's: notes are conversations). Definitions whose parent no model of `catalog` matches
    /// are left out, and so is a second definition of a name on the same model.
    public func definitions(in catalog: Catalog) -> [String: [CustomFieldDefinition]] {
        var byRoute: [String: [CustomFieldDefinition]] = [:]
        var seen: Set<String> = []
        for definition in definitions {
            for route in Self.routes(of: definition.parent, in: catalog) where seen.insert(route + "\u{0}" + definition.name).inserted {
                byRoute[route, default: []].append(definition)
            }
        }
        return byRoute
    }

    /// The parents no model of `catalog` matches (`Workspace` when the catalog has no workspaces).
    public func unmatchedParents(in catalog: Catalog) -> [String] {
        Array(Set(definitions.map(\.parent).filter { Self.routes(of: $0, in: catalog).isEmpty })).sorted()
    }

    /// The routes of `catalog` a parent name means: the model it names (in the full catalog, so a
    /// restricted catalog still finds the path), and every model of `catalog` on the same path.
    static func routes(of parent: String, in catalog: Catalog) -> [String] {
        guard let named = (try? catalog.model(named: parent)) ?? (try? Catalog.shared.model(named: parent)) else { return [] }
        return catalog.models.filter { $0.route == named.route || $0.path == named.path }.map(\.route)
    }
}

extension ModelDefinition {
    /// The model without its `custom` field: what merging custom fields leaves as it was.
    var withoutCustomField: ModelDefinition {
        var model = self
        model.fields.removeAll(where: \.isCustom)
        return model
    }

    /// The model with the tenant's custom fields on its `custom` field (added when the catalog has
    /// none: a tenant that defines custom fields on a model uses `custom` there).
    func withCustomFields(_ definitions: [CustomFieldDefinition]) -> ModelDefinition {
        var model = self
        if let index = model.fields.firstIndex(where: \.isCustom) {
            model.fields[index].customFields = definitions
        } else {
            model.fields.append(FieldDefinition(
                name: "custom", type: "object", custom: true, requiredOnCreate: false, readOnly: false,
                description: "The tenant's custom fields, by name.", customFields: definitions))
        }
        return model
    }
}

extension Catalog {
    /// The catalog with the tenant's custom fields merged into its models: each model's `custom`
    /// field knows its definitions, so every schema built from it (``schema(for:operation:)``, a
    /// form's, the validator's) has a property per field. The catalog itself when no definition
    /// matches a model (its schemas stay cached).
    public func merging(_ fields: CustomFields) -> Catalog {
        let byRoute = fields.definitions(in: self)
        guard !byRoute.isEmpty else { return self }
        return Catalog(models: models.map { model in byRoute[model.route].map(model.withCustomFields) ?? model })
    }
}
