import Foundation
import GRDB
import Testing

@testable import PlanhatKit
@testable import PlanhatSandbox

/// The sandbox follows the catalog's facts (derived fields, time stamps, unique keys, echoed keys,
/// search fields, sort indexes): change a fact and the sandbox changes with it.
@Suite("Sandbox rules from the catalog")
struct CatalogRulesTests {
    /// The shared catalog with `change` applied to the model at `route`.
    func catalog(_ route: String, _ change: (inout ModelDefinition) -> Void) -> Catalog {
        Catalog(models: Catalog.shared.models.map { model in
            var model = model
            if model.route == route { change(&model) }
            return model
        })
    }

    /// A seeded in-memory sandbox served with `catalog`.
    func sandbox(_ catalog: Catalog) throws -> PlanhatService {
        let store = try SandboxStore(path: nil)
        try DemoData(companies: 3).seed(into: store, catalog: catalog)
        return PlanhatService(catalog: catalog, backend: SandboxBackend(store: store, catalog: catalog))
    }

    @Test("the catalog script emits the facts the sandbox used to hard-code")
    func emittedFacts() throws {
        let endusers = try Catalog.shared.model(named: "endusers")
        #expect(endusers.derivedFields == [
            DerivedField(name: "companyName", reference: "companyId", copies: "name"),
            DerivedField(name: "name", joins: ["firstName", "lastName"]),
        ])
        #expect(endusers.upsertEchoKeys == ["externalId", "sourceId", "email"])
        #expect(endusers.emailField == "email")
        #expect(endusers.uniqueKeys == [UniqueKey(field: "sourceId"), UniqueKey(field: "externalId", perCompany: true)])
        let invoices = try Catalog.shared.model(named: "invoices")
        #expect(invoices.derivedFields == [DerivedField(name: "cName", reference: "cId", copies: "name")])
        #expect(invoices.upsertEchoKeys == ["extId", "sourceId"])
        #expect(invoices.timestamps == TimestampFields(created: [], updated: ["lastUpdated"]))
        #expect(try Catalog.shared.model(named: "users").derivedFields == nil, "users keep the name they are sent")
        #expect(try Catalog.shared.model(named: "tickets").filters.first { $0.name == "search" }?.searchFields == ["title", "description", "name", "subject"])
        #expect(try Catalog.shared.model(named: "companies").sortIndexes == ["arr", "mrr", "name", "h", "lastUpdated"])
        #expect(SortIndex.fields(in: .shared).map { "\($0.model).\($0.field)" } == [
            "companies.arr", "companies.mrr", "companies.name", "companies.h", "companies.lastUpdated", "endusers.lastActive",
        ])
    }

    @Test("derived fields: copied and joined as the catalog says")
    func derivedFields() async throws {
        let service = try sandbox(catalog("endusers") {
            $0.derivedFields = [DerivedField(name: "name", joins: ["lastName", "firstName"])]
        })
        let company = try #require(try await service.call("companies", "list", ["limit": 1]).arrayValue?.first)
        let created = try await service.call("endusers", "create", [
            "email": "ana@example.com", "companyId": company["_id"] ?? .null, "firstName": "Ana", "lastName": "Lopez",
        ])
        #expect(created["name"] == "Lopez Ana")
        #expect(created["companyName"] == nil, "no copy without the fact")
        let standard = try sandbox(.shared)
        let copied = try await standard.call("endusers", "create", [
            "email": "ana@example.com", "companyId": company["_id"] ?? .null, "firstName": "Ana", "lastName": "Lopez",
        ])
        #expect(copied["name"] == "Ana Lopez" && copied["companyName"] == company["name"])
    }

    @Test("time stamps, unique keys and echoed keys follow the catalog")
    func writeRules() async throws {
        let service = try sandbox(catalog("companies") {
            $0.timestamps = TimestampFields(created: [], updated: [])
            $0.uniqueKeys = []
            $0.upsertEchoKeys = ["sourceId"]
        })
        let created = try await service.call("companies", "create", ["name": "A", "sourceId": "S-1", "externalId": "E-1"])
        #expect(created["createDate"] == nil && created["lastUpdated"] == nil)
        _ = try await service.call("companies", "create", ["name": "B", "sourceId": "S-1"])
        let summary = try await service.call("companies", "bulkUpsert", ["items": [["name": "C", "sourceId": "S-2", "externalId": "E-2"]]])
        #expect(summary["insertsKeys"]?.arrayValue?.first?.objectValue?.keys.sorted() == ["_id", "sourceId"])

        let standard = try sandbox(.shared)
        let first = try await standard.call("companies", "create", ["name": "A", "sourceId": "S-1", "externalId": "E-1"])
        #expect(first["createDate"] != nil && first["lastUpdated"] != nil)
        #expect(await standard.failure("companies", "create", ["name": "B", "sourceId": "S-1"])?.message.contains("already used") == true)
        let echoed = try await standard.call("companies", "bulkUpsert", ["items": [["name": "C", "sourceId": "S-2", "externalId": "E-2"]]])
        #expect(echoed["insertsKeys"]?.arrayValue?.first?.objectValue?.keys.sorted() == ["_id", "externalId", "sourceId"])
    }

    @Test("the search filter looks in the catalog's search fields")
    func search() async throws {
        let titleOnly = catalog("tickets") { model in
            model.filters = model.filters.map { filter in
                var filter = filter
                if filter.field == nil { filter.searchFields = ["title"] }
                return filter
            }
        }
        for (catalog, smoke) in [(Catalog.shared, 1), (titleOnly, 0)] {
            let service = try sandbox(catalog)
            let company = try #require(try await service.call("companies", "list", ["limit": 1]).arrayValue?.first?["_id"])
            _ = try await service.call("tickets", "bulkUpsert", ["items": [["companyId": company, "sourceId": "T-1", "email": "a@example.com", "title": "Printer on fire", "description": "Smoke everywhere"]]])
            #expect(try await service.call("tickets", "list", ["search": "Smoke"]).arrayValue?.count == smoke)
            #expect(try await service.call("tickets", "list", ["search": "Printer on"]).arrayValue?.count == 1)
        }
    }
}
