import Foundation
import PlanhatTestSupport
import Testing

@testable import PlanhatKit
@testable import PlanhatRemote

/// The core's part of the defects found trying every face as a new user would.
@Suite("Core defects stay fixed")
struct CoreDefectTests {
    let service = PlanhatService(backend: RecordingBackend())

    func rejection(_ model: String, _ operation: String, _ parameters: JSONValue) -> PlanhatError? {
        service.rejection(model, operation, parameters)
    }

    // MARK: Clearing a field

    @Test("null clears a field in an update and in a bulk item, for every optional field of every model; an empty string for an enum says to send null")
    func nullClears() throws {
        for model in Catalog.shared.models {
            for operation in [ModelOperation.update, .bulkUpsert] where model.supports(operation) {
                for field in model.writableFields where !field.requiredOnCreate && model.fixedFields?[field.name] == nil {
                    let cleared = JSONValue.object([field.name: .null])
                    let parameters: JSONValue = operation == .update
                        ? .object(["id": "64b7a0c2e4b0a1b2c3d4e5f6", field.name: .null])
                        : .object(["items": .array([cleared])])
                    #expect(rejection(model.route, operation.rawValue, parameters) == nil, "\(model.route) \(operation) \(field.name): null")
                }
            }
        }
        let empty = try #require(rejection("companies", "update", ["id": "64b7a0c2e4b0a1b2c3d4e5f6", "status": ""]))
        #expect(empty.fieldIssues.first?.expected.hasSuffix("; to clear the field, send null") == true, "\(empty.report)")
        #expect(rejection("companies", "create", ["name": "A", "phase": .null]) != nil, "create has nothing to clear")
        let request = try service.prepare(model: "companies", operation: "update", parameters: ["id": "64b7a0c2e4b0a1b2c3d4e5f6", "phase": .null, "custom": ["Tier": .null]])
        #expect(request.body == ["phase": .null, "custom": ["Tier": .null]], "sent as null, as given")
    }

    // MARK: Messages

    @Test("_id on create says Planhat assigns it, not 'did you mean zip?'; computed fields say they are computed")
    func idOnCreate() throws {
        let error = try #require(rejection("companies", "create", ["name": "A", "_id": "64b7a0c2e4b0a1b2c3d4e5f6"]))
        #expect(error.report.contains("_id is assigned by Planhat"))
        #expect(!error.report.contains("zip"))
        let computed = try #require(rejection("companies", "update", ["id": "64b7a0c2e4b0a1b2c3d4e5f6", "renewalDaysFromNow": 4, "__v": 2]))
        #expect(computed.fieldIssues.map(\.path).sorted() == ["__v", "renewalDaysFromNow"])
        #expect(computed.fieldIssues.allSatisfy { $0.problem?.contains("computed by Planhat") == true })
        #expect(SchemaValidator.closeMatches("_id", among: ["zip", "id", "_ids"]) == ["_ids"], "short names need one edit and the same first letter")
        #expect(SchemaValidator.closeMatches("nmae", among: ["name", "phase"]) == ["name"], "a swap of neighbours is one edit")
    }

    @Test("1e999 says the number is too large, in plain words")
    func hugeNumber() throws {
        let error = try #require(throws: PlanhatError.self) { try PlanhatService.parseParameters(#"{"arr": 1e999}"#) }
        #expect(error.message.contains("the number 1e999 is too large"))
        #expect(!error.message.contains("Swift"))
    }

    @Test("titles and counts read as English: an end user, 1 item, 2 items")
    func grammar() throws {
        let endusers = try Catalog.shared.model(named: "endusers")
        #expect(SchemaBuilder.schema(for: endusers, operation: .create)["title"] == "Create an end user")
        #expect(SchemaBuilder.schema(for: try Catalog.shared.model(named: "companies"), operation: .create)["title"] == "Create a company")
        for model in Catalog.shared.models {
            for operation in model.operations {
                let title = SchemaBuilder.schema(for: model, operation: operation)["title"]?.stringValue ?? ""
                #expect(!title.contains(" a a") && !title.contains(" a e") && !title.contains(" a i") && !title.contains(" a o"), "\(title)")
            }
        }
        #expect(English.count(1, "item") == "1 item" && English.count(2, "item") == "2 items" && English.count(12_000, "company") == "12,000 companies")
    }

    @Test("a 429 whose Retry-After is beyond the budget names the budget and the wait asked for")
    func rateLimitBudget() {
        let report = RateLimitReport(attempts: 1, elapsed: 0, waited: 0, nextDelay: 120, policy: RetryPolicy(rateLimitAttempts: 5, rateLimitBudget: 60)).text
        #expect(report.contains("Planhat asked to wait 120.0 s") && report.contains("--rate-limit-budget of 60.0 s"))
        let attempts = RateLimitReport(attempts: 5, elapsed: 3, waited: 2, nextDelay: 1, policy: RetryPolicy(rateLimitAttempts: 5, rateLimitBudget: 60)).text
        #expect(attempts.contains("the most --rate-limit-attempts allows (5)"))
    }

    // MARK: Honesty: the README's claims

    @Test("NUL characters, invalid UTF-8 (with its byte offset) and a 10 MB name are refused with a clear 400, on every write")
    func hostileText() throws {
        let nul = try #require(rejection("companies", "create", ["name": "Ac\u{0}me"]))
        #expect(nul.status == 400 && nul.fieldIssues.first?.path == "name" && nul.report.contains("NUL character (U+0000) at position 2"))
        var bytes = Data(#"{"name":"caf"#.utf8)
        bytes.append(contentsOf: [0xFF, 0xFE])
        bytes.append(contentsOf: Data(#""}"#.utf8))
        let utf8 = try #require(throws: PlanhatError.self) { try PlanhatService.parseParameters(bytes) }
        #expect(utf8.status == 400 && utf8.message.contains("not valid UTF-8: byte 12 (0xFF)"))
        let huge = String(repeating: "x", count: 10 * 1_048_576)
        let long = try #require(rejection("companies", "create", ["name": .string(huge)]))
        #expect(long.status == 400 && long.fieldIssues.first?.path == "name" && long.fieldIssues.first?.expected == "at most 65535 characters")
        #expect(long.report.count < 2_000, "the value is shown in short")
        #expect(rejection("companies", "create", ["name": "A", "custom": ["Note": .string(huge)]])?.fieldIssues.first?.path == "custom.Note")
        #expect(rejection("companies", "create", ["name": "A", "description": .string(String(repeating: "d", count: 1_000_000))]) == nil, "long text has room")
    }

    // MARK: Forms

    @Test("create and update offer writable fields only, important ones first, with labels a person reads")
    func formFields() throws {
        let companies = try Catalog.shared.model(named: "companies")
        let properties = SchemaBuilder.schema(for: companies, operation: .create)["properties"]?.objectValue ?? [:]
        for computed in ["lastUpdated", "sunits", "orgPath", "csmScoreLog", "mr", "renewalDaysFromNow", "createDate"] {
            #expect(properties[computed] == nil, "\(computed) is computed by Planhat")
        }
        #expect(properties["h"]?["title"] == "Health")
        #expect(properties["nrr30"] == nil)
        #expect(Array((companies.primaryFields ?? []).prefix(6)) == ["name", "owner", "status", "phase", "arr", "mrr"])
        let nps = try Catalog.shared.model(named: "nps")
        #expect(SchemaBuilder.schema(for: nps, operation: .create)["properties"]?["cId"]?["title"] == "Company")
        #expect(SchemaBuilder.humanize("nrr30") == "NRR 30")
    }
}
