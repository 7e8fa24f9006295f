import Foundation
import PlanhatTestSupport
import Testing

@testable import PlanhatKit

/// A backend that records what it was asked and answers with an empty array.
final class RecordingBackend: PlanhatBackend, @unchecked Sendable {
    private let lock = NSLock()
    private var received: [PlanhatRequest] = []
    var info: BackendInfo { BackendInfo(kind: .sandbox, location: ":memory:") }

    var requests: [PlanhatRequest] {
        lock.withLock { received }
    }

    func execute(_ request: PlanhatRequest) async throws -> JSONValue {
        lock.withLock { received.append(request) }
        return []
    }
}

@Suite("Validation")
struct ValidationTests {
    let backend = RecordingBackend()
    var service: PlanhatService { PlanhatService(backend: backend) }

    func rejection(_ model: String, _ operation: String, _ parameters: JSONValue) -> PlanhatError? {
        service.rejection(model, operation, parameters)
    }

    @Test("a missing required field names the field")
    func missingRequired() throws {
        let error = try #require(rejection("companies", "create", [:]))
        #expect(error.status == 400)
        #expect(error.fieldIssues.map(\.path) == ["name"])
        #expect(error.message.contains("name: missing"))
        #expect(error.guidance.contains("get_model_action_parameters"))
    }

    @Test("a wrong type names the field, the value and the type expected")
    func wrongType() throws {
        let error = try #require(rejection("companies", "create", ["name": 42]))
        #expect(error.fieldIssues == [FieldIssue(path: "name", value: "42", expected: "a string")])
        #expect(error.message.contains("name: 42 is not allowed; expected a string"))
    }

    @Test("an enum miss lists the allowed values")
    func enumMiss() throws {
        let error = try #require(rejection("companies", "create", ["name": "Acme", "status": "zombie"]))
        #expect(error.fieldIssues.first?.path == "status")
        #expect(error.fieldIssues.first?.expected == "one of prospect, coming, customer, canceled, lost")
    }

    @Test("limits outside 1…max are rejected", arguments: [JSONValue.integer(-1), 0, 5001, 2.5, "10"])
    func limits(_ limit: JSONValue) throws {
        let error = try #require(rejection("companies", "list", ["limit": limit]))
        #expect(error.fieldIssues.first?.path == "limit")
        #expect(error.fieldIssues.first?.expected == "an integer from 1 to 5000")
    }

    @Test("a negative offset is rejected")
    func negativeOffset() throws {
        let error = try #require(rejection("endusers", "list", ["offset": -5]))
        #expect(error.fieldIssues.first == FieldIssue(path: "offset", value: "-5", expected: "an integer of at least 0"))
    }

    @Test("unknown top-level fields are rejected, pointing custom fields to custom")
    func unknownField() throws {
        let error = try #require(rejection("companies", "create", ["name": "Acme", "Segment": "SMB"]))
        #expect(error.fieldIssues.first?.path == "Segment")
        #expect(error.fieldIssues.first?.problem == "unknown field")
        #expect(error.message.contains("custom fields go under custom"))
        let typo = try #require(rejection("companies", "create", ["nmae": "Acme"]))
        #expect(typo.report.contains("nmae: unknown field; expected a known field; did you mean name?"))
    }

    @Test("custom fields go under custom, one level of plain values")
    func customFields() throws {
        #expect(rejection("companies", "create", ["name": "Acme", "custom": ["Segment": "SMB", "Seats": 40, "Onboarded": true]]) == nil)
        let nested = try #require(rejection("companies", "create", ["name": "Acme", "custom": ["Deep": ["a": 1]]]))
        #expect(nested.fieldIssues.first?.path == "custom.Deep")
    }

    @Test("formats are checked", arguments: [
        ("endusers", "create", "email", JSONValue.string("not-an-email")),
        ("licenses", "create", "fromDate", "2026-02-30"),
        ("tasks", "create", "startTime", "yesterday"),
        ("companies", "create", "web", "www.example"),
        ("endusers", "create", "companyId", "123"),
    ])
    func formats(_ model: String, _ operation: String, _ field: String, _ value: JSONValue) throws {
        var parameters: [String: JSONValue] = [field: value]
        if field != "companyId" { parameters["companyId"] = "extid-ACC-00001" }
        let error = try #require(rejection(model, operation, .object(parameters)))
        #expect(error.fieldIssues.contains { $0.path == field })
    }

    @Test("valid values of each format pass")
    func validFormats() {
        #expect(rejection("licenses", "create", [
            "_currency": "USD", "companyId": "extid-ACC-00001", "fromDate": "2024-02-29",
        ]) == nil)
        #expect(rejection("tasks", "create", [
            "mainType": "task", "companyId": "64b7a0c2e4b0a1b2c3d4e5f6", "startTime": "2026-11-29T09:30:00.000Z",
        ]) == nil)
        #expect(rejection("companies", "create", ["name": "Ünïcode 東京", "web": "https://example.com"]) == nil)
    }

    @Test("ids must be a Planhat _id or a keyed id")
    func ids() throws {
        #expect(rejection("companies", "view", ["id": "64b7a0c2e4b0a1b2c3d4e5f6"]) == nil)
        #expect(rejection("companies", "view", ["id": "extid-SF-1"]) == nil)
        #expect(rejection("companies", "view", ["id": "srcid-001"]) == nil)
        let error = try #require(rejection("companies", "view", ["id": "acme"]))
        #expect(error.fieldIssues.first?.expected.contains("extid-") == true)
        let missing = try #require(rejection("companies", "delete", [:]))
        #expect(missing.fieldIssues.first?.path == "id")
    }

    @Test("an update needs at least one field besides id")
    func emptyUpdate() throws {
        let error = try #require(rejection("companies", "update", ["id": "extid-ACC-00001"]))
        #expect(error.fieldIssues.first?.expected.contains("at least one field") == true)
    }

    @Test("bulk upsert needs a non-empty items array")
    func bulkItems() throws {
        #expect(rejection("companies", "bulkUpsert", ["items": []])?.fieldIssues.first?.path == "items")
        let nested = try #require(rejection("companies", "bulkUpsert", ["items": [["name": "A"], ["name": 5]]]))
        #expect(nested.fieldIssues.first?.path == "items[1].name")
    }

    @Test("parameters that are not a JSON object are a 400")
    func malformed() throws {
        #expect(throws: PlanhatError.self) { try PlanhatService.parseParameters("{not json") }
        #expect(throws: PlanhatError.self) { try PlanhatService.parseParameters("[1,2]") }
        #expect(try PlanhatService.parseParameters("") == [:])
        #expect(try PlanhatService.parseParameters("null") == [:])
        do {
            _ = try PlanhatService.parseParameters("\"text\"")
        } catch let error as PlanhatError {
            #expect(error.status == 400 && error.message.contains("string"))
        }
    }

    @Test("schema-valid examples pass for every create")
    func everyCreateAcceptsItsRequiredFields() throws {
        for model in Catalog.shared.models where model.supports(.create) {
            var parameters: [String: JSONValue] = [:]
            for field in model.fields where field.requiredOnCreate {
                parameters[field.name] = Self.example(for: field)
            }
            let issues = SchemaValidator().issues(in: .object(parameters), against: SchemaBuilder.schema(for: model, operation: .create))
            #expect(issues.isEmpty, "\(model.route): \(issues)")
        }
    }

    /// A value every field's schema accepts.
    static func example(for field: FieldDefinition) -> JSONValue {
        if let first = field.enum?.first { return .string(first) }
        switch (field.type, field.format) {
        case ("string", "planhat-id"): return "64b7a0c2e4b0a1b2c3d4e5f6"
        case ("string", "email"): return "ana@example.com"
        case ("string", "iso-date"): return "2026-11-29"
        case ("string", "iso-date-time"): return "2026-11-29T09:30:00Z"
        case ("string", "uri"): return "https://example.com"
        case ("string", _): return "text"
        case ("integer", _), ("number", _): return .integer(Int(max(field.minimum ?? 1, (field.exclusiveMinimum ?? 0) + 1)))
        case ("boolean", _): return true
        case ("array", _): return []
        default: return [:]
        }
    }

    @Test("read-only mode refuses writes with a 403 and hides them from discovery")
    func readOnly() async throws {
        let service = PlanhatService(backend: backend, readOnly: true)
        #expect(service.discover().allSatisfy { $0.operations.allSatisfy { !$0.isWrite } })
        #expect(!service.discover().contains { $0.route == "dimensiondata" && $0.operations.contains(.bulkUpsert) })
        await #expect(throws: PlanhatError.self) {
            _ = try await service.perform(model: "companies", operation: "create", parameters: ["name": "X"])
        }
        do {
            _ = try service.prepare(model: "companies", operation: "delete", parameters: ["id": "extid-1"])
        } catch let error as PlanhatError {
            #expect(error.status == 403)
            #expect(error.message.contains("read-only"))
        }
        #expect(backend.requests.isEmpty, "nothing reaches the backend")
    }
}
