import Foundation
import Testing

@testable import PlanhatKit
@testable import PlanhatSandbox

/// Whatever Planhat returns can be written back: for every model, every record the sandbox returns,
/// sent back unchanged (the fields Planhat computes left out, and said so), passes the validator.
@Suite("Whatever the sandbox returns can be written back")
struct WriteBackTests {
    static let sandbox: PlanhatService? = try? makeSandbox(companies: 40).0

    /// Every model the sandbox lists.
    static var models: [String] { Catalog.shared.models.filter { $0.supports(.list) }.map(\.route) }

    /// Every record of `model`, page by page.
    func everyRecord(_ model: ModelDefinition, _ service: PlanhatService) async throws -> [JSONValue] {
        var records: [JSONValue] = []
        while true {
            let page = try await service.call(model.route, "list", ["limit": .integer(model.listLimit.max), "offset": .integer(records.count)]).arrayValue ?? []
            records += page
            if page.count < model.listLimit.max { return records }
        }
    }

    /// The writes a record can be sent back through, in the order tried.
    static func writes(of model: ModelDefinition) -> [ModelOperation] { [.update, .bulkUpsert, .create].filter(model.supports) }

    /// Every model the sandbox lists and can write (read-only models such as workflows have nothing to send back).
    static var writable: [String] { Catalog.shared.models.filter { $0.supports(.list) && !writes(of: $0).isEmpty }.map(\.route) }

    @Test("what is left out of a record sent back is only ever what Planhat computes, and the note says so", arguments: WriteBackTests.models)
    func leftOutIsComputed(route: String) async throws {
        let service = try #require(Self.sandbox)
        let model = try service.catalog.model(named: route)
        let file = BulkItems.withoutComputedFields(try await everyRecord(model, service), model: model)
        #expect(Set(file.ignored).isSubset(of: model.computedFieldNames), "\(route): \(file.note ?? "")")
        if !file.ignored.isEmpty { #expect(file.note?.contains("Planhat computes") == true) }
    }

    @Test("every record, sent back unchanged as an update (or the model's write), passes the validator", arguments: WriteBackTests.writable)
    func writeBack(route: String) async throws {
        let service = try #require(Self.sandbox)
        let model = try service.catalog.model(named: route)
        let records = try await everyRecord(model, service)
        let file = BulkItems.withoutComputedFields(records, model: model)
        let operation = try #require(Self.writes(of: model).first, "\(route): a writable model has a write")
        let schema = service.catalog.schema(for: model, operation: operation)
        var checked = 0
        for (record, item) in zip(records, file.items) {
            var fields = item.objectValue ?? [:]
            let id = fields.removeValue(forKey: "_id")
            let parameters: JSONValue
            switch operation {
            case .update:
                guard !fields.isEmpty else { continue }  // nothing to send back but the id
                fields["id"] = id ?? .null
                parameters = .object(fields)
            case .bulkUpsert:
                if !model.isPush, let id { fields["_id"] = id }
                parameters = ["items": [.object(fields)]]
            default:
                parameters = .object(fields)
            }
            let issues = SchemaValidator().issues(in: parameters, against: schema)
            #expect(issues.isEmpty, "\(route) \(record["_id"]?.stringValue ?? "") as \(operation.rawValue): \(issues.map(\.description))")
            checked += 1
        }
        #expect(records.isEmpty || checked > 0, "\(route): some record was sent back")
    }

    /// Every model whose records can be updated and read back.
    static var updatable: [String] { Catalog.shared.models.filter { $0.supports(.list) && $0.supports(.update) }.map(\.route) }

    @Test("a record sent back unchanged as an update is verified clean: the check never cries wolf", arguments: WriteBackTests.updatable)
    func verifiedWriteBack(route: String) async throws {
        let (service, _) = try makeSandbox(companies: 10)
        let model = try service.catalog.model(named: route)
        let records = try await service.call(route, "list", ["limit": 5]).arrayValue ?? []
        let file = BulkItems.withoutComputedFields(records, model: model)
        var verified = 0
        for item in file.items {
            var fields = item.objectValue ?? [:]
            guard let id = fields.removeValue(forKey: "_id"), !fields.isEmpty else { continue }
            fields["id"] = id
            let outcome = try await service.run(try service.prepare(model: route, operation: "update", parameters: .object(fields)))
            let verification = try #require(outcome.verification, "\(route): an update is verified")
            #expect(verification.isClean, "\(route) \(id.compactText()): \(verification.warning ?? "")")
            #expect(outcome.notices.isEmpty, "\(route): \(outcome.notices.map(\.message))")
            verified += 1
        }
        #expect(records.isEmpty || verified > 0, "\(route): some record was sent back")
    }

    @Test("records as Planhat answers them (hull-planhat's fixtures, the project page): their ISO timestamps are written back")
    func planhatAnswers() throws {
        let service = PlanhatService(backend: SandboxBackend(store: try SandboxStore(path: nil)))
        let id = "5df0b2346c7e8e21d74136e0"
        _ = try service.prepare(model: "licenses", operation: "update", parameters: [
            "id": .string(id), "fromDate": "2019-12-11T09:09:08.000Z", "toDate": "2020-12-11T09:09:08.000Z", "fixedPeriod": true,
            "mrr": 1250, "value": 15000, "_currency": "USD", "renewalStatus": "ongoing", "autoRenews": false, "noticePeriod": 30,
            "renewalUnit": "month", "noticeUnit": "day", "invoiceCycle": "yearly", "renewalPeriod": 12, "product": "License Fee",
        ])
        _ = try service.prepare(model: "companies", operation: "update", parameters: [
            "id": .string(id), "customerFrom": "2020-01-23T15:46:00.000Z", "lastRenewal": "2020-01-23T15:46:00.000Z", "status": "customer",
        ])
        _ = try service.prepare(model: "projects", operation: "update", parameters: ["id": .string(id), "startDate": "2021-05-12T03:00:00.000Z"])
        let wrong = try #require(throws: PlanhatError.self) {
            try service.prepare(model: "licenses", operation: "update", parameters: ["id": .string(id), "fromDate": "11/12/2019"])
        }
        #expect(wrong.fieldIssues.first?.expected.contains("YYYY-MM-DD or an ISO 8601 date-time") == true)
    }
}
