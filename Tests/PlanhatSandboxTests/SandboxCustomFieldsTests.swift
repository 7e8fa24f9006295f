import Foundation
import PlanhatTestSupport
import PlanhatKit
import Testing

@testable import PlanhatSandbox

/// The sandbox's custom field definitions: served like Planhat's, and matching its records.
@Suite("Sandbox custom fields")
struct SandboxCustomFieldsTests {
    @Test("GET /customfields defines every custom value of the records, each value fits its definition, and every definition is used")
    func definitionsMatchRecords() async throws {
        let (service, _) = try makeSandbox(companies: 40)
        let merged = try await service.withCustomFields()
        let fields = try #require(merged.customFields)
        #expect(fields.origin.hasPrefix("the sandbox"))
        #expect(Set(fields.definitions.map(\.kind)).isSuperset(of: [.list, .number, .checkbox, .date, .multipicklist, .teamMember, .url, .email]))
        let byRoute = fields.definitions(in: merged.catalog)
        let validator = SchemaValidator()
        for route in ["companies", "endusers"] {
            let model = try #require(merged.catalog.model(route: route))
            let defined = Set(byRoute[route]?.map(\.name) ?? [])
            #expect(!defined.isEmpty, "\(route) has definitions")
            let custom = try #require(merged.catalog.schema(for: model, operation: .create)["properties"]?["custom"])
            var used: Set<String> = []
            let records = try await service.call(route, "list", ["limit": 200, "select": "custom"]).arrayValue ?? []
            #expect(!records.isEmpty)
            for record in records {
                let values = try #require(record["custom"]?.objectValue, "\(route) \(record["_id"]?.stringValue ?? "")")
                #expect(Set(values.keys).isSubset(of: defined), "\(route): \(Set(values.keys).subtracting(defined)) not defined")
                used.formUnion(values.keys)
                let issues = validator.issues(in: .object(values), against: custom)
                #expect(issues.isEmpty, "\(route): \(issues)")
            }
            #expect(used == defined, "\(route): every definition has values")
        }
        let sponsors = try await service.call("companies", "list", ["limit": 20, "select": "custom"]).arrayValue?.compactMap { $0["custom"]?["Executive Sponsor"]?.stringValue } ?? []
        let users = Set(try await service.call("users", "list", ["limit": 100]).arrayValue?.compactMap { $0["_id"]?.stringValue } ?? [])
        #expect(!sponsors.isEmpty && Set(sponsors).isSubset(of: users), "a team member field holds users' ids")
    }

    @Test("the definitions are Planhat's shape, and a definition created in the sandbox is read on the next load")
    func servedLikePlanhat() async throws {
        let (service, _) = try makeSandbox(companies: 5)
        let listed = try #require(try await service.call("customfields", "list", ["limit": 100]).arrayValue)
        for definition in listed {
            for key in ["_id", "name", "type", "parent", "isHidden", "listValues"] { #expect(definition[key] != nil, "\(key) in \(definition.compactText())") }
        }
        let before = try await service.withCustomFields()
        _ = try await service.call("customfields", "create", ["name": "Churn Reason", "type": "list", "parent": "Company", "isHidden": false, "listValues": ["Price", "Product"]])
        let after = try await service.withCustomFields()
        #expect(before.customFields?.definitions.count == listed.count)
        #expect(after.customFields?.definitions.last?.name == "Churn Reason", "a definitions write makes the next load read again")
        #expect(after.rejection("companies", "update", ["id": "extid-ACC-00001", "custom": ["Churn Reason": "Weather"]]) != nil)
    }
}
