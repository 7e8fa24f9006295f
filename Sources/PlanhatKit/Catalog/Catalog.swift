import Foundation

/// An operation Planhat offers on a model: list, view, create, update, delete or bulkUpsert.
public enum ModelOperation: String, Sendable, Codable, CaseIterable, Hashable {
    case list, view, create, update, delete, bulkUpsert

    /// Whether the operation changes data. Read-only mode refuses these.
    public var isWrite: Bool {
        switch self {
        case .list, .view: return false
        case .create, .update, .delete, .bulkUpsert: return true
        }
    }

    /// Whether the operation sends records (create, update, bulk upsert): what the tenant's custom
    /// fields are checked on.
    public var sendsRecords: Bool {
        switch self {
        case .create, .update, .bulkUpsert: return true
        case .list, .view, .delete: return false
        }
    }

    /// The operation for a name typed by a person or a model: case, `_` and `-` are ignored, and
    /// `get`/`read` mean `view`, `upsert`/`bulk` mean `bulkUpsert`.
    public init?(forgiving name: String) {
        let key = NameKey.normalize(name)
        switch key {
        case "list", "getlist", "find", "search": self = .list
        case "view", "get", "read", "getbyid", "show": self = .view
        case "create", "post", "add", "insert": self = .create
        case "update", "put", "edit", "patch": self = .update
        case "delete", "remove", "destroy": self = .delete
        case "bulkupsert", "upsert", "bulk", "bulkupdate": self = .bulkUpsert
        default: return nil
        }
    }
}

/// One field of a Planhat model, as the catalog describes it.
public struct FieldDefinition: Sendable, Codable, Hashable {
    /// The field's JSON name, e.g. `arr` or `_currency`.
    public var name: String
    /// The JSON Schema type: `string`, `number`, `integer`, `boolean`, `array` or `object`.
    public var type: String
    /// `planhat-id`, `iso-date`, `iso-date-time`, `email`, `uri` or `day-number`, when the value has
    /// one. Both ISO formats take `YYYY-MM-DD` and a full ISO 8601 timestamp, as Planhat does; they
    /// differ in what a person is offered (a day, or a moment).
    public var format: String?
    /// The allowed values, when the field is an enumeration.
    public var `enum`: [String]?
    /// The element schema of an array field.
    public var items: ItemDefinition?
    public var minimum: Double?
    public var maximum: Double?
    public var exclusiveMinimum: Double?
    public var `default`: JSONValue?
    /// The route of the model an id field points to (`companyId` → `companies`).
    public var references: String?
    /// Whether this is Planhat's free-form `custom` object (one level of strings, numbers, Booleans).
    public var custom: Bool?
    /// Whether the text is long enough to deserve a multi-line editor.
    public var multiline: Bool?
    /// The label people read (`Health` for `h`), when the name does not say it.
    public var title: String?
    /// The most characters a text may have (our limit where Planhat documents none).
    public var maxLength: Int?
    public var requiredOnCreate: Bool
    /// Whether Planhat computes the field: shown, never sent.
    public var readOnly: Bool
    public var description: String
    /// The spellings Planhat expects of a value it stores as free text without checking it (a
    /// task's `To Do`, `Done`): a case-insensitive match is sent in this spelling.
    public var canonical: [String]?
    /// The tenant's custom fields, on the `custom` field of a catalog merged with them
    /// (``Catalog/merging(_:)``); `nil` in the embedded catalog.
    public var customFields: [CustomFieldDefinition]?
    /// How sure the sources are of the field, when not documented on Planhat's own API page:
    /// `uncertain` (offered, never required), `observed` (seen in real answers), `help-center`.
    public var certainty: String?

    /// Whether the field is Planhat's `custom` object.
    public var isCustom: Bool { custom ?? false }
    /// Whether the value is a day number (days since 1970-01-01) rather than an ISO date.
    public var isDayNumber: Bool { format == "day-number" }
}

/// The element schema of an array field.
public struct ItemDefinition: Sendable, Codable, Hashable {
    public var type: String
    public var format: String?
    public var references: String?
}

/// A list filter the API accepts besides `limit`, `offset`, `sort` and `select`.
public struct FilterDefinition: Sendable, Codable, Hashable {
    /// The query parameter, e.g. `companyId`.
    public var name: String
    /// The record field it matches (`cId` for the `companyId` filter on NPS), or `nil` for a text search.
    public var field: String?
    /// The fields a text search (`field` nil) looks for the text in (`title`, `description` on tickets).
    public var searchFields: [String]?
    public var description: String
    /// The path Planhat documents the filter on when it is not the model's (`leancompanies` for a
    /// company's `status`): a list that uses it goes there.
    public var path: String?
    /// How the value compares with the field: `fromDay` or `toDay` (a day number, days since
    /// 1970-01-01, on or before/after the field's instant); equality when nil.
    public var match: String?
    /// The value's JSON type, when not text (`integer` for day numbers).
    public var type: String?
    /// `uncertain` when only secondary sources use the filter (Planhat may ignore it).
    public var certainty: String?
}

/// Where and how an operation is sent when it is not the usual REST call on the model's path.
public struct RequestShape: Sendable, Codable, Hashable {
    /// The HTTP method (`POST` for a metrics push, where a bulk upsert is usually `PUT`).
    public var method: String?
    /// `analytics` for Planhat's tracking and metrics host; the API host when nil.
    public var host: String?
    /// The path below the host, `{tenantUUID}` standing for the tenant's UUID (`dimensiondata/{tenantUUID}`).
    public var path: String?
}

/// Planhat's lean company list: a lighter list at its own path, with the filters documented there.
public struct LeanList: Sendable, Codable, Hashable {
    /// `leancompanies`.
    public var path: String
    /// The fields each lean record has.
    public var fields: [String]
}

/// How Planhat finds a record's company when the write names none: the fields it reads.
public struct CompanyLookup: Sendable, Codable, Hashable {
    /// A field holding the company's externalId (`companyExternalId`; a metric's `externalId`).
    public var externalIdField: String?
    /// A field holding an email address whose domain is among the company's `domains`.
    public var emailField: String?
    /// A field holding domains, one of which is among the company's `domains`.
    public var domainsField: String?
    /// Whether a record whose company cannot be found is not kept (Planhat ignores such an end user).
    public var requiresCompany: Bool?
}

/// The instant a data point happened: `field` takes the value of `from` as sent, or the time it
/// was received (a metric's `time` from its `date`).
public struct EventTime: Sendable, Codable, Hashable {
    public var field: String
    public var from: String
}

/// A field Planhat computes from other fields on every write: copied from the record a reference
/// names (`companyName` from the company `companyId` names), or joined from the record's own fields
/// (an end user's `name` from `firstName` and `lastName`).
public struct DerivedField: Sendable, Codable, Hashable {
    /// The computed field, e.g. `companyName`.
    public var name: String
    /// The reference field whose record the value is copied from (`companyId`); a cleared
    /// reference clears the copy.
    public var reference: String?
    /// The field of that record the value copies (`name`).
    public var copies: String?
    /// The record's own fields joined with spaces, those it has, in order (`firstName`, `lastName`).
    public var joins: [String]?
}

/// The fields Planhat stamps with the time: at creation (when the record has none), and on every write.
public struct TimestampFields: Sendable, Codable, Hashable {
    /// Stamped when a record is created without one (`createDate`).
    public var created: [String]
    /// Stamped on every write (`lastUpdated`); a write that changes only these changes nothing.
    public var updated: [String]
}

/// A key no two records of a model may share, so a keyed id (`srcid-…`, `extid-…`) names one record.
public struct UniqueKey: Sendable, Codable, Hashable {
    /// The key field (`sourceId`, `externalId`, `extId`).
    public var field: String
    /// Whether the key is unique only among one company's records.
    public var perCompany: Bool?
}

/// The default and maximum page size of a model's `list`.
public struct ListLimit: Sendable, Codable, Hashable {
    public var `default`: Int
    public var max: Int
}

/// One Planhat model: its route, operations, fields and quirks.
public struct ModelDefinition: Sendable, Codable, Hashable, Identifiable {
    /// The catalog's name for the model, used as `MODEL_ROUTE` (`companies`, `notes`, …).
    public var route: String
    /// The API path under the base URL (`conversations` for notes).
    public var path: String
    /// The singular display name (`Company`).
    public var name: String
    /// The plural display name (`Companies`).
    public var plural: String
    /// Other names people use for the model (`contacts` for end users).
    public var aliases: [String]
    public var operations: [ModelOperation]
    /// Whether the research could not confirm every listed operation.
    public var operationsUncertain: Bool
    public var listLimit: ListLimit
    /// The keys bulk upsert matches on, in order (`_id`, `sourceId`, `externalId`, …).
    public var keyables: [String]
    /// The field `extid-…` ids look up (`extId` on invoices), when the model has one.
    public var externalIdField: String?
    /// The field `srcid-…` ids look up, when the model has one.
    public var sourceIdField: String?
    /// The field that links a record to its company (`companyId`, `cId` or `companyIds`).
    public var companyField: String?
    /// `single` for one company id, `multiple` for an array of them.
    public var companyFieldKind: String?
    /// The field that names a record for people (`name`, `title`, `subject`, …).
    public var titleField: String
    /// The columns a results table shows first.
    public var columns: [String]
    /// The fields a person fills in first, in order (forms show them first).
    public var primaryFields: [String]?
    /// Every field Planhat computes on the model's records, listed among `fields` or not
    /// (`companyName`, `__v`).
    public var computed: [String]?
    public var filters: [FilterDefinition]
    public var fields: [FieldDefinition]
    /// Values the model always has (notes are conversations of `type` `note`).
    public var fixedFields: [String: JSONValue]?
    /// What the research says about the model's quirks.
    public var notes: String
    /// The fields Planhat computes from other fields on every write (`companyName`, an end user's `name`).
    public var derivedFields: [DerivedField]?
    /// The fields Planhat stamps with the creation time and the time of every write.
    public var timestamps: TimestampFields?
    /// The keys no two records may share, in the order they are checked.
    public var uniqueKeys: [UniqueKey]?
    /// The item keys a bulk upsert answer echoes for each item besides `_id` (`externalId`, `sourceId`, `email`).
    public var upsertEchoKeys: [String]?
    /// The field holding the record's email address, which lookups by email read (`email` on end users).
    public var emailField: String?
    /// The fields the sandbox keeps a sort index for: the sorts people use most on large workspaces.
    public var sortIndexes: [String]?
    /// The operations sent another way than the usual REST call, by operation name
    /// (`bulkUpsert` on metrics: `POST` to the analytics host).
    public var requests: [String: RequestShape]?
    /// Whether the model's items are data points Planhat takes in (metrics, user activities): never
    /// matched on a key, answered with a count of what was processed.
    public var push: Bool?
    /// The lean list of the model, when it has one (companies).
    public var leanList: LeanList?
    /// What a delete answers: `document` (the deleted record) or `counts` (`{n, ok, deletedCount}`).
    public var deleteAnswer: String?
    /// Whether no source lists the model's fields: fields the catalog does not know are sent as given.
    public var openFields: Bool?
    /// How Planhat finds the company of a record written without one.
    public var companyLookup: CompanyLookup?
    /// The instant each data point of a push model happened.
    public var eventTime: EventTime?

    public var id: String { route }

    /// How `operation` is sent, when not the usual way.
    public func requestShape(for operation: ModelOperation) -> RequestShape? {
        requests?[operation.rawValue]
    }

    /// Whether the model's items are data points (``push``).
    public var isPush: Bool { push ?? false }

    /// The field named `name`.
    public func field(named name: String) -> FieldDefinition? {
        fields.first { $0.name == name }
    }

    /// The fields a client may send (everything not computed by Planhat).
    public var writableFields: [FieldDefinition] {
        fields.filter { !$0.readOnly }
    }

    /// The fields Planhat computes: shown, never sent.
    public var computedFields: [FieldDefinition] {
        fields.filter(\.readOnly)
    }

    /// The names of the fields Planhat computes, `__v` (the database's version key, on every
    /// record Planhat answers with) included.
    public var computedFieldNames: [String] {
        computed ?? (computedFields.map(\.name).filter { $0 != "_id" } + ["__v"])
    }

    /// Whether the model offers `operation`.
    public func supports(_ operation: ModelOperation) -> Bool {
        operations.contains(operation)
    }
}

/// Every Planhat model the program knows, loaded once from the embedded catalog document.
public struct Catalog: Sendable {
    /// The models in catalog order.
    public let models: [ModelDefinition]
    private let byKey: [String: ModelDefinition]
    /// The schemas built for this catalog's models.
    private let schemas = SchemaCache()

    /// The catalog built from Planhat's documented models.
    ///
    /// Built from the values `scripts/catalog-to-swift.py` generates from the embedded document
    /// (``embeddedModels()``): decoding the document took about a fifth of a command's start-up.
    /// A test checks that the document decodes to exactly these values.
    public static let shared = Catalog(models: embeddedModels())

    /// The catalog decoded from the embedded document (``embeddedJSON``), the generated values'
    /// source: what the tests compare ``shared`` with, and what the bench times against it.
    public static func decodedFromDocument() throws -> Catalog {
        try Catalog(json: Data(embeddedJSON.utf8))
    }

    /// Builds a catalog from a catalog document (`{"models": [...]}`).
    public init(json: Data) throws {
        struct Document: Decodable { var models: [ModelDefinition] }
        let document = try JSONDecoder().decode(Document.self, from: json)
        self.init(models: document.models)
    }

    /// Builds a catalog from model definitions.
    public init(models: [ModelDefinition]) {
        self.models = models
        var keys: [String: ModelDefinition] = [:]
        for model in models {
            for key in NameKey.keys(for: model) where keys[key] == nil {
                keys[key] = model
            }
        }
        byKey = keys
    }

    /// The model for a name as people type it: `Companies`, `companies`, `company`, `End users`,
    /// `endusers` and `contacts` all resolve.
    ///
    /// - Throws: ``PlanhatError`` (404) listing close matches when nothing fits.
    public func model(named name: String) throws -> ModelDefinition {
        if let model = byKey[NameKey.normalize(name)] { return model }
        throw PlanhatError.unknownModel(name, suggestions: suggestions(for: name))
    }

    /// The model with exactly this route, if any.
    public func model(route: String) -> ModelDefinition? {
        models.first { $0.route == route }
    }

    /// Up to three routes that look like `name`.
    public func suggestions(for name: String) -> [String] {
        let key = NameKey.normalize(name)
        guard !key.isEmpty else { return [] }
        var best: [String: Int] = [:]
        for (candidate, model) in byKey {
            var distance = NameKey.editDistance(key, candidate)
            if candidate.hasPrefix(key) || key.hasPrefix(candidate) { distance = min(distance, 1) }
            if distance <= max(2, key.count / 3) {
                best[model.route] = min(best[model.route] ?? .max, distance)
            }
        }
        return best.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.prefix(3).map(\.key)
    }

    /// The parameters schema of `operation` on `model`, built once per catalog, route and operation.
    ///
    /// A definition this catalog does not hold (another catalog's, or one changed since) gets a
    /// schema built from it, which is not kept.
    public func schema(for model: ModelDefinition, operation: ModelOperation) -> JSONValue {
        schemas.schema(for: model, operation: operation, isOwn: { self.model(route: $0.route) == $0 }) {
            SchemaBuilder.build(model, operation)
        }
    }

    /// A catalog limited to `routes` (for `--models`).
    ///
    /// - Throws: ``PlanhatError`` (404) naming the first unknown model.
    public func restricted(to names: [String]) throws -> Catalog {
        let wanted = try Set(names.map { try model(named: $0).route })
        return Catalog(models: models.filter { wanted.contains($0.route) })
    }
}

/// How model and operation names are compared: lower case, without spaces, `_` or `-`.
enum NameKey {
    static func normalize(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) })
    }

    static func keys(for model: ModelDefinition) -> [String] {
        ([model.route, model.name, model.plural] + model.aliases).map(normalize)
    }

    /// Edit distance between two short names, a swap of two neighbours counting as one edit
    /// (`nmae` is one edit from `name`), as people mistype.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { current[j] = min(current[j], beforePrevious[j - 2] + 1) }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
