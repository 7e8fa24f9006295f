import Foundation
import PlanhatTestSupport
import Testing

@testable import PlanhatKit

/// A backend that answers `GET /customfields` with the definitions it holds (Planhat's JSON),
/// counting the reads; it can be told to fail.
final class CustomFieldsBackend: PlanhatBackend, @unchecked Sendable {
    private let lock = NSLock()
    private var definitions: [JSONValue]
    private var failing: PlanhatError?
    private var count = 0
    let info: BackendInfo

    init(_ definitions: [JSONValue], kind: BackendInfo.Kind = .remote, location: String = "https://api.planhat.com") {
        self.definitions = definitions
        info = BackendInfo(kind: kind, location: location)
    }

    /// How many pages of custom fields were read.
    var reads: Int { lock.withLock { count } }

    func set(_ definitions: [JSONValue]) { lock.withLock { self.definitions = definitions } }
    func fail(with error: PlanhatError?) { lock.withLock { failing = error } }

    func execute(_ request: PlanhatRequest) async throws -> JSONValue {
        guard request.model.route == "customfields" else { return request.operation == .list ? [] : ["_id": "64b7a0c2e4b0a1b2c3d4e5f6"] }
        guard request.operation == .list else { return ["_id": "64b7a0c2e4b0a1b2c3d4e5f6"] }
        return try lock.withLock {
            count += 1
            if let failing { throw failing }
            return .array(definitions)
        }
    }
}

/// One definition of each type Planhat names, on companies, plus one on end users and one on
/// conversations.
let tenantDefinitions: [JSONValue] = [
    ["_id": "a1", "name": "Seats", "type": "number", "parent": "Company", "numberFormat": "0,0"],
    ["name": "Notes", "type": "text", "parent": "Company"],
    ["name": "Summary", "type": "rich text", "parent": "Company"],
    ["name": "Trial", "type": "checkbox", "parent": "Company"],
    ["name": "Kickoff", "type": "day", "parent": "Company"],
    ["name": "Next QBR", "type": "date", "parent": "Company"],
    ["name": "Tier", "type": "list", "parent": "Company", "listValues": ["Gold", "Silver"]],
    ["name": "Products", "type": "multipicklist", "parent": "Company", "listValues": ["Platform", "Mobile"]],
    ["name": "Sponsor", "type": "team member", "parent": "Company"],
    ["name": "Squad", "type": "team members", "parent": "Company"],
    ["name": "Stars", "type": "rating", "parent": "Company"],
    ["name": "Hotline", "type": "phone", "parent": "Company"],
    ["name": "Billing", "type": "email", "parent": "Company"],
    ["name": "Champion", "type": "enduser", "parent": "Company"],
    ["name": "Contacts", "type": "endusers", "parent": "Company"],
    ["name": "Plan", "type": "url", "parent": "Company"],
    ["name": "Hologram", "type": "hologram", "parent": "Company", "description": "A type from the future"],
    ["name": "Score", "type": "number", "parent": "Company", "isFormula": true],
    ["name": "Persona", "type": "list", "parent": "EndUser", "listValues": ["Champion", .integer(3), ["value": "Object"]]],
    ["name": "Topic", "type": "text", "parent": "Conversation"],
    ["name": "Mood", "type": "text", "parent": "Workspace of the future"],
    ["type": "text", "parent": "Company"],
]

func tenantFields() -> CustomFields {
    CustomFields(definitions: tenantDefinitions.compactMap(CustomFieldDefinition.init(planhat:)), readAt: Date(timeIntervalSince1970: 1_800_000_000), origin: "test")
}

@Suite("Custom fields")
struct CustomFieldsTests {
    let service = PlanhatService(backend: CustomFieldsBackend(tenantDefinitions)).merging(tenantFields())

    func customProperty(_ name: String, _ operation: ModelOperation = .create, model: String = "companies") throws -> JSONValue {
        let schema = try service.schema(model: model, operation: operation.rawValue)
        return try #require(schema["properties"]?["custom"]?["properties"]?[name], "\(name) in \(model) \(operation)")
    }

    @Test("definitions read from Planhat's JSON: options of any kind as text, a definition without a name or parent is skipped")
    func parsing() throws {
        let fields = tenantFields()
        #expect(fields.definitions.count == tenantDefinitions.count - 1)
        let persona = try #require(fields.definitions.first { $0.name == "Persona" })
        #expect(persona.options == ["Champion", "3", "Object"])
        #expect(persona.kind == .list)
        let seats = try #require(fields.definitions.first { $0.name == "Seats" })
        #expect(seats.id == "a1" && seats.numberFormat == "0,0")
        #expect(CustomFieldDefinition(planhat: seats.planhatJSON) == seats, "what the cache keeps reads back the same")
        #expect(CustomFieldKind(planhatType: "Rich Text") == .richText && CustomFieldKind(planhatType: "multi-picklist") == .multipicklist)
        #expect(CustomFieldKind(planhatType: "Team Member") == .teamMember && CustomFieldKind(planhatType: "") == .other)
    }

    /// The schema each custom field of ``tenantDefinitions`` gets (keys it must have).
    static let mappings: [(String, JSONValue)] = {
        var mappings: [(String, JSONValue)] = []
        mappings.append(("Seats", ["type": ["number", "null"]] as JSONValue))
        mappings.append(("Stars", ["type": ["number", "null"]] as JSONValue))
        mappings.append(("Notes", ["type": ["string", "null"], "maxLength": 65_535] as JSONValue))
        mappings.append(("Hotline", ["type": ["string", "null"], "maxLength": 65_535] as JSONValue))
        mappings.append(("Summary", ["type": ["string", "null"], "maxLength": 65_535, "x-multiline": true] as JSONValue))
        mappings.append(("Trial", ["type": ["boolean", "null"]] as JSONValue))
        mappings.append(("Next QBR", ["type": ["string", "null"], "anyOf": [["format": "date"], ["format": "date-time"]]] as JSONValue))
        mappings.append(("Kickoff", ["type": ["string", "null"], "anyOf": [["format": "date"], ["format": "date-time"]]] as JSONValue))
        mappings.append(("Tier", ["type": ["string", "null"], "enum": ["Gold", "Silver", nil]] as JSONValue))
        mappings.append(("Products", ["type": ["array", "null"], "items": ["type": "string", "enum": ["Platform", "Mobile"]]] as JSONValue))
        mappings.append(("Sponsor", ["type": ["string", "null"], "x-references": "users"] as JSONValue))
        mappings.append(("Champion", ["type": ["string", "null"], "x-references": "endusers"] as JSONValue))
        mappings.append(("Squad", ["type": ["array", "null"]] as JSONValue))
        mappings.append(("Contacts", ["type": ["array", "null"]] as JSONValue))
        mappings.append(("Billing", ["type": ["string", "null"], "format": "email"] as JSONValue))
        mappings.append(("Plan", ["type": ["string", "null"], "format": "uri"] as JSONValue))
        mappings.append(("Hologram", ["type": ["string", "number", "boolean", "null"]] as JSONValue))
        mappings.append(("Score", ["type": ["string", "number", "boolean", "null"], "readOnly": true] as JSONValue))
        return mappings
    }()

    @Test("every type maps to its schema", arguments: mappings)
    func mapping(name: String, expected: JSONValue) throws {
        let property = try customProperty(name)
        for (key, value) in expected.objectValue ?? [:] {
            #expect(property[key] == value, "\(name).\(key)")
        }
        #expect(property["title"] == .string(name))
        #expect(property["x-planhatType"]?.stringValue?.isEmpty == false)
        #expect(property["description"]?.stringValue?.contains("Custom field (") == true)
        if name == "Squad" { #expect(property["items"]?["x-references"] == "users" && property["items"]?["pattern"] != nil) }
        if name == "Contacts" { #expect(property["items"]?["x-references"] == "endusers") }
        if name == "Hologram" { #expect(property["description"]?.stringValue?.hasPrefix("A type from the future.") == true) }
        if name == "Seats" { #expect(property["description"]?.stringValue?.contains("0,0") == true) }
    }

    @Test("definitions go to the models their parent names (notes share conversations'); unknown parents are said")
    func parents() throws {
        let fields = tenantFields()
        let byRoute = fields.definitions(in: .shared)
        #expect(byRoute["companies"]?.count == 18)
        #expect(byRoute["endusers"]?.map(\.name) == ["Persona"])
        #expect(byRoute["conversations"]?.map(\.name) == ["Topic"] && byRoute["notes"]?.map(\.name) == ["Topic"])
        #expect(fields.unmatchedParents(in: .shared) == ["Workspace of the future"])
        let restricted = try Catalog.shared.restricted(to: ["notes"])
        #expect(fields.definitions(in: restricted).keys.sorted() == ["notes"], "a restricted catalog still finds a parent's path")
    }

    @Test("merging: a property per definition in every writing schema; the rest of the catalog is unchanged")
    func merging() throws {
        let merged = Catalog.shared.merging(tenantFields())
        for operation in [ModelOperation.create, .update] {
            let properties = merged.schema(for: try merged.model(named: "companies"), operation: operation)["properties"]?["custom"]?["properties"]?.objectValue
            #expect(properties?.count == 18, "\(operation)")
        }
        let item = merged.schema(for: try merged.model(named: "companies"), operation: .bulkUpsert)["properties"]?["items"]?["items"]
        #expect(item?["properties"]?["custom"]?["properties"]?["Tier"] != nil, "bulk upsert items too")
        #expect(merged.model(route: "licenses") == Catalog.shared.model(route: "licenses"))
        let empty = Catalog.shared.merging(CustomFields(definitions: [], readAt: Date(), origin: "none"))
        #expect(empty.models == Catalog.shared.models)
        let noCustom = try #require(Catalog.shared.models.first { model in !model.fields.contains(where: \.isCustom) && model.supports(.create) })
        let added = Catalog.shared.merging(CustomFields(
            definitions: [CustomFieldDefinition(name: "Extra", type: "text", parent: noCustom.name)], readAt: Date(), origin: "test"))
        let schema = added.schema(for: try #require(added.model(route: noCustom.route)), operation: .create)
        #expect(schema["properties"]?["custom"]?["properties"]?["Extra"] != nil, "a model without custom gets one for its tenant's fields")
    }

    @Test("validation: a number is a number, a list one of its options, a date a date, a multi-list its options, a user an id")
    func validation() throws {
        let valid: JSONValue = [
            "name": "Acme", "custom": [
                "Seats": 40, "Tier": "Gold", "Next QBR": "2026-02-03", "Kickoff": "2026-02-03T10:00:00.000Z",
                "Products": ["Platform", "Mobile"], "Sponsor": "64b7a0c2e4b0a1b2c3d4e5f6", "Trial": true, "Billing": "a@b.io",
                "Hologram": 3, "Score": "whatever Planhat computed", "Brand new": "accepted",
            ],
        ]
        #expect(service.rejection("companies", "create", valid) == nil)
        let error = try #require(service.rejection("companies", "create", [
            "name": "Acme", "custom": [
                "Seats": "forty", "Tier": "Bronze", "Next QBR": "2026-02-30", "Products": ["Platform", "Desktop"],
                "Sponsor": "ana", "Trial": "yes",
            ],
        ]))
        let paths = error.fieldIssues.map(\.path)
        #expect(paths == ["custom.Next QBR", "custom.Products[1]", "custom.Seats", "custom.Sponsor", "custom.Tier", "custom.Trial"])
        #expect(error.fieldIssues.first?.expected.contains("YYYY-MM-DD or an ISO 8601 date-time") == true)
        #expect(error.fieldIssues.first { $0.path == "custom.Tier" }?.expected.contains("Gold, Silver") == true)
        #expect(error.details.contains { $0.contains("planhat schema --refresh") && $0.contains("test") }, "how to read them again")
        #expect(PlanhatService(backend: CustomFieldsBackend([])).rejection("companies", "create", ["name": "A", "custom": ["Seats": "forty"]]) == nil,
                "without definitions any scalar goes")
        let id = "64b7a0c2e4b0a1b2c3d4e5f6"
        #expect(service.rejection("companies", "update", ["id": .string(id), "custom": ["Tier": nil, "Products": nil, "Seats": nil]]) == nil, "null clears")
        let item = try #require(service.rejection("companies", "bulkUpsert", ["items": [["name": "A", "custom": ["Seats": "x"]]]]))
        #expect(item.fieldIssues.map(\.path) == ["items[0].custom.Seats"])
        #expect(item.details.contains { $0.contains("--refresh") })
    }

    @Test("a model of the catalog the service was made with is checked as the merged one")
    func currentModel() throws {
        let base = try Catalog.shared.model(named: "companies")
        #expect(service.current(base) == service.catalog.model(route: "companies"))
        #expect(service.rejection("companies", "create", ["name": "A", "custom": ["Seats": "x"]]) != nil)
        #expect(throws: PlanhatError.self) { try service.prepare(model: base, operation: .create, parameters: ["name": "A", "custom": ["Seats": "x"]]) }
        let refreshed = service.merging(CustomFields(definitions: [CustomFieldDefinition(name: "Other", type: "number", parent: "Company")], readAt: Date(), origin: "again"))
        let stale = try #require(service.catalog.model(route: "companies"))
        #expect(refreshed.current(stale).fields.first(where: \.isCustom)?.customFields?.map(\.name) == ["Other"], "read again: the new ones")
    }

    @Test("the cache: one file per profile and host, read back as written; another profile, host, format or a corrupt file is no cache")
    func cache() throws {
        let folder = ProcessRunner.temporaryDirectory("custom-fields").path
        let work = CustomFieldsCache(folder: folder, profile: "work", baseURL: "https://api.planhat.com")
        let eu = CustomFieldsCache(folder: folder, profile: "work", baseURL: "https://api-eu.planhat.com")
        let local = CustomFieldsCache(folder: folder, profile: nil, baseURL: "http://127.0.0.1:4010")
        #expect(Set([work.path, eu.path, local.path]).count == 3)
        #expect(local.path.hasSuffix("/127.0.0.1_4010.json") && work.path.hasSuffix("/work@api.planhat.com.json"))
        #expect(CustomFieldsCache.fileName(profile: "../x", baseURL: "https://h") == "_._x@h.json", "no way out of the folder")
        let fields = tenantFields()
        try work.write(fields)
        let back = try #require(work.read())
        #expect(back.definitions == fields.definitions && back.readAt == fields.readAt)
        #expect(back.origin == "https://api.planhat.com (profile work)")
        #expect(eu.read() == nil, "another host")
        #expect(CustomFieldsCache(folder: folder, profile: "home", baseURL: "https://api.planhat.com").read() == nil)
        try FileManager.default.copyItem(atPath: work.path, toPath: CustomFieldsCache(folder: folder, profile: "home", baseURL: "https://api.planhat.com").path)
        #expect(CustomFieldsCache(folder: folder, profile: "home", baseURL: "https://api.planhat.com").read() == nil, "a file naming another profile")
        for corrupt in ["{", "[]", #"{"format": "other"}"#, String(decoding: Data([0xFF, 0xFE]), as: UTF8.self)] {
            try Data(corrupt.utf8).write(to: URL(fileURLWithPath: work.path))
            #expect(work.read() == nil, "\(corrupt)")
        }
        work.remove()
        #expect(!FileManager.default.fileExists(atPath: work.path))
        #expect(CustomFieldsCache.standard(for: BackendInfo(kind: .sandbox, location: "/s.sqlite")) == nil, "the sandbox is read every time")
        let standard = CustomFieldsCache.standard(
            for: BackendInfo(kind: .remote, location: "https://api.planhat.com", profile: "work"),
            directories: UserDirectories(environment: ["HOME": "/h", "XDG_CACHE_HOME": "/c"]))
        #expect(standard?.path == "/c/planhat-explorer/custom-fields/work@api.planhat.com.json")
        #expect(UserDirectories(environment: ["HOME": "/h"]).cacheHome == "/h/.cache")
    }

    @Test("the loader reads once per process, then from the cache; --refresh, a corrupt or old cache and a definitions write read again")
    func loader() async throws {
        let folder = ProcessRunner.temporaryDirectory("custom-fields").path
        let backend = CustomFieldsBackend(tenantDefinitions)
        let cache = CustomFieldsCache(folder: folder, profile: nil, baseURL: backend.info.location)
        let service = PlanhatService(backend: backend, customFieldsCache: cache)
        #expect(service.customFields == nil && service.catalog.models == Catalog.shared.models, "nothing is read at start")
        let merged = try await service.withCustomFields()
        _ = try await service.withCustomFields()
        #expect(backend.reads == 1, "once per process")
        #expect(merged.customFields?.definitions.count == tenantDefinitions.count - 1)
        #expect(try merged.schema(model: "companies", operation: "create")["properties"]?["custom"]?["properties"]?["Tier"] != nil)
        #expect(FileManager.default.fileExists(atPath: cache.path))

        let next = PlanhatService(backend: backend, customFieldsCache: cache)
        _ = try await next.withCustomFields()
        #expect(backend.reads == 1, "the next process reads the cache")
        backend.set([["name": "Fresh", "type": "number", "parent": "Company"]])
        let refreshed = try await next.withCustomFields(refresh: true)
        #expect(backend.reads == 2 && refreshed.customFields?.definitions.map(\.name) == ["Fresh"])
        #expect(cache.read()?.definitions.map(\.name) == ["Fresh"], "kept for the next commands")

        try Data("not json".utf8).write(to: URL(fileURLWithPath: cache.path))
        _ = try await PlanhatService(backend: backend, customFieldsCache: cache).withCustomFields()
        #expect(backend.reads == 3, "a corrupt cache is ignored and read again")
        #expect(cache.read() != nil, "and replaced")

        let old = CustomFields(definitions: [], readAt: Date().addingTimeInterval(-CustomFieldsLoader.maxAge - 60), origin: "old")
        try cache.write(old)
        _ = try await PlanhatService(backend: backend, customFieldsCache: cache).withCustomFields()
        #expect(backend.reads == 4, "a cache older than a day is read again")

        _ = try await service.perform(model: "customfields", operation: "create", parameters: ["name": "New", "type": "text", "parent": "Company", "isHidden": false])
        #expect(!FileManager.default.fileExists(atPath: cache.path), "a definitions write forgets the cache")
        _ = try await service.withCustomFields()
        #expect(backend.reads == 5, "and the next load reads again")
    }

    @Test("when the definitions cannot be read: an old cache answers; else the failure, remembered for a while")
    func failures() async throws {
        let folder = ProcessRunner.temporaryDirectory("custom-fields").path
        let backend = CustomFieldsBackend(tenantDefinitions)
        let cache = CustomFieldsCache(folder: folder, profile: nil, baseURL: backend.info.location)
        try cache.write(CustomFields(definitions: [CustomFieldDefinition(name: "Kept", type: "text", parent: "Company")],
                                     readAt: Date().addingTimeInterval(-CustomFieldsLoader.maxAge * 2), origin: "old"))
        backend.fail(with: PlanhatError(status: 403, message: "no access to custom fields"))
        let kept = try await PlanhatService(backend: backend, customFieldsCache: cache).withCustomFields()
        #expect(kept.customFields?.definitions.map(\.name) == ["Kept"])
        await #expect(throws: PlanhatError.self) { try await PlanhatService(backend: backend, customFieldsCache: cache).withCustomFields(refresh: true) }
        let bare = PlanhatService(backend: backend)
        await #expect(throws: PlanhatError.self) { try await bare.withCustomFields() }
        await #expect(throws: PlanhatError.self) { try await bare.withCustomFields() }
        #expect(backend.reads == 3, "a failure is not asked again at once")
    }
}
