import Foundation
import PlanhatTestSupport
import Testing

@testable import PlanhatKit

@Suite("Catalog")
struct CatalogTests {
    let catalog = Catalog.shared

    @Test("holds every model the issue and the research name")
    func completeness() throws {
        let required = [
            "companies", "endusers", "licenses", "conversations", "notes", "tasks", "assets", "opportunities",
            "projects", "churn", "nps", "issues", "invoices", "sales", "campaigns", "objectives", "customfields",
            "users", "tickets", "deals", "timeentries", "timesheets", "dimensiondata", "workflows",
        ]
        for route in required {
            #expect(catalog.model(route: route) != nil, "missing \(route)")
        }
        #expect(Set(catalog.models.map(\.route)).count == catalog.models.count, "routes must be unique")
    }

    @Test("the generated model values (CatalogModels.swift) are exactly what the embedded document decodes to")
    func generatedValuesMatchTheDocument() throws {
        let decoded = try Catalog.decodedFromDocument()
        #expect(decoded.models.count == catalog.models.count)
        #expect(decoded.models.map(\.route) == catalog.models.map(\.route))
        for (fromDocument, generated) in zip(decoded.models, catalog.models) {
            #expect(fromDocument == generated, "\(generated.route) differs from the document")
            for (field, value) in zip(fromDocument.fields, generated.fields) where field != value {
                Issue.record("\(generated.route).\(field.name): document \(field), generated \(value)")
            }
        }
        // Names resolve the same way in both (the lookup table is built from the values).
        for name in ["Companies", "contacts", "End users", "accounts", "notes"] {
            #expect(try decoded.model(named: name) == catalog.model(named: name))
        }
    }

    @Test("matches the project's facts (catalog/planhat-models.json) model for model")
    func matchesResearch() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.factsPath))
        let research = try JSONValue.parse(data).arrayValue ?? []
        #expect(research.count == catalog.models.count)
        for entry in research {
            let path = entry["route"]?.stringValue ?? ""
            let name = entry["name"]?.stringValue ?? ""
            // Notes are conversations in the API and user activities are posted to /analytics: the
            // catalog gives them routes of their own (build-catalog.py's ROUTE_OVERRIDES).
            let route = ["Note": "notes", "User activity": "useractivities"][name] ?? path
            let found = try #require(catalog.model(route: route), "no catalog model for \(name) at /\(path)")
            #expect(found.path == path)
            let documented = Set(entry["operations"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let operations = Set(found.operations.map(\.rawValue))
            #expect(operations.isSubset(of: documented), "\(found.route) offers undocumented operations")
            let fieldNames = Set(found.fields.map(\.name))
            for field in entry["fields"]?.arrayValue ?? [] {
                #expect(fieldNames.contains(field["name"]?.stringValue ?? ""), "\(found.route) lacks \(field["name"]?.preview() ?? "")")
            }
        }
    }

    /// The project's copy of the facts, which the catalog is generated from.
    static var factsPath: String {
        ProcessRunner.packageRoot.appendingPathComponent("catalog/planhat-models.json").path
    }

    /// The research the facts were copied from (outside the repository; the test using it is skipped without it).
    static var researchPath: String {
        ProcessRunner.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference/planhat-models.json").path
    }

    @Test("every fact added or changed since the research copy names its source", .enabled(if: FileManager.default.fileExists(atPath: CatalogTests.researchPath)))
    func changedFactsHaveSources() throws {
        func models(_ path: String) throws -> [String: JSONValue] {
            let entries = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: path))).arrayValue ?? []
            return Dictionary(entries.map { ("\($0["route"]?.stringValue ?? "")/\($0["name"]?.stringValue ?? "")", $0) }) { first, _ in first }
        }
        let research = try models(Self.researchPath), facts = try models(Self.factsPath)
        for (key, model) in facts {
            guard let original = research[key] else {
                #expect(model["source"]?.stringValue?.isEmpty == false, "new model \(key) names no source")
                for field in model["fields"]?.arrayValue ?? [] {
                    #expect(field["source"] != nil, "\(key).\(field["name"]?.stringValue ?? "")")
                }
                continue
            }
            let before = Dictionary((original["fields"]?.arrayValue ?? []).map { ($0["name"]?.stringValue ?? "", $0) }) { first, _ in first }
            for field in model["fields"]?.arrayValue ?? [] {
                let name = field["name"]?.stringValue ?? ""
                guard before[name] != field else { continue }
                #expect(field["source"]?.stringValue?.isEmpty == false, "\(key).\(name) changed without a source")
            }
            for filter in model["filters"]?.arrayValue ?? [] {
                #expect(filter["source"]?.stringValue?.isEmpty == false, "\(key) filter \(filter["name"]?.stringValue ?? "")")
            }
            for (operation, shape) in model["requests"]?.objectValue ?? [:] {
                #expect(shape["source"]?.stringValue?.isEmpty == false, "\(key) \(operation) request")
            }
        }
    }

    @Test("every model is self-consistent", arguments: Catalog.shared.models)
    func consistency(_ model: ModelDefinition) throws {
        #expect(!model.operations.isEmpty)
        #expect(model.listLimit.default >= 1 && model.listLimit.default <= model.listLimit.max)
        #expect(model.field(named: "_id")?.readOnly == true)
        #expect(model.titleField == "_id" || model.field(named: model.titleField) != nil)
        for column in model.columns { #expect(model.field(named: column) != nil, "\(model.route) column \(column)") }
        if let companyField = model.companyField { #expect(model.field(named: companyField) != nil) }
        for field in model.fields {
            if let target = field.references ?? field.items?.references {
                #expect(catalog.model(route: target) != nil, "\(model.route).\(field.name) → \(target)")
            }
            #expect(!(field.readOnly && field.requiredOnCreate), "\(model.route).\(field.name) is read-only and required")
            #expect(["string", "number", "integer", "boolean", "array", "object"].contains(field.type))
        }
        for filter in model.filters {
            if let field = filter.field { #expect(model.field(named: field) != nil, "\(model.route) filter \(filter.name)") }
        }
    }

    @Test("Planhat's quirks are data")
    func quirks() throws {
        #expect(catalog.model(route: "nps")?.companyField == "cId")
        let invoices = try #require(catalog.model(route: "invoices"))
        #expect(invoices.companyField == "cId")
        #expect(invoices.externalIdField == "extId")
        #expect(invoices.field(named: "invoiceDate")?.isDayNumber == true)
        #expect(catalog.model(route: "timesheets")?.field(named: "dateFrom")?.isDayNumber == true)
        let issues = try #require(catalog.model(route: "issues"))
        #expect(issues.companyField == "companyIds" && issues.companyFieldKind == "multiple")
        let notes = try #require(catalog.model(route: "notes"))
        #expect(notes.path == "conversations")
        #expect(notes.fixedFields?["type"] == "note")
        #expect(catalog.model(route: "churn")?.path == "churn")
        #expect(catalog.model(route: "customfields")?.supports(.bulkUpsert) == false)
        #expect(catalog.model(route: "tickets")?.operations == [.list, .delete, .bulkUpsert])
        #expect(catalog.model(route: "companies")?.listLimit == ListLimit(default: 100, max: 5000))
        #expect(catalog.model(route: "endusers")?.keyables == ["_id", "sourceId", "externalId", "email"])
        let status = catalog.model(route: "companies")?.field(named: "status")
        #expect(status?.enum == ["prospect", "coming", "customer", "canceled", "lost"])
        #expect(status?.readOnly == false)
    }

    @Test("model names are forgiving", arguments: [
        ("Companies", "companies"), ("companies", "companies"), ("company", "companies"), ("Company", "companies"),
        ("End users", "endusers"), ("endusers", "endusers"), ("EndUser", "endusers"), ("contacts", "endusers"),
        ("end_users", "endusers"), ("Opportunities", "opportunities"), ("opportunity", "opportunities"),
        ("NPS", "nps"), ("Notes", "notes"), ("Custom fields", "customfields"), ("metrics", "dimensiondata"),
        ("Time entries", "timeentries"), ("churn", "churn"),
    ])
    func forgivingNames(_ name: String, _ route: String) throws {
        #expect(try catalog.model(named: name).route == route)
    }

    @Test("an unknown model is a 404 listing close matches")
    func unknownModel() {
        do {
            _ = try catalog.model(named: "compnies")
            Issue.record("expected an error")
        } catch let error as PlanhatError {
            #expect(error.status == 404)
            #expect(error.message.contains("compnies"))
            #expect(error.message.contains("did you mean companies"))
            #expect(error.guidance.contains("get_model_actions"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("operation names are forgiving")
    func forgivingOperations() {
        #expect(ModelOperation(forgiving: "bulk_upsert") == .bulkUpsert)
        #expect(ModelOperation(forgiving: "BulkUpsert") == .bulkUpsert)
        #expect(ModelOperation(forgiving: "get") == .view)
        #expect(ModelOperation(forgiving: "LIST") == .list)
        #expect(ModelOperation(forgiving: "explode") == nil)
    }

    @Test("--models restricts the catalog and rejects unknown names")
    func restriction() throws {
        let restricted = try catalog.restricted(to: ["Companies", "contacts"])
        #expect(restricted.models.map(\.route) == ["companies", "endusers"])
        #expect(throws: PlanhatError.self) { try catalog.restricted(to: ["companies", "nope"]) }
    }
}
