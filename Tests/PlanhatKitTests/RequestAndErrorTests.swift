import Foundation
import Testing

@testable import PlanhatKit

@Suite("Requests")
struct RequestTests {
    let service = PlanhatService(backend: RecordingBackend())

    @Test("list parameters become Planhat's query string")
    func listQuery() throws {
        let request = try service.prepare(model: "Companies", operation: "list", parameters: [
            "limit": 3, "sort": "-arr", "select": "name,arr", "offset": 0, "status": "customer",
        ])
        #expect(request.method == "GET")
        // status is documented on GET /leancompanies only (/companies would ignore it): the list goes there.
        #expect(request.pathAndQuery == "/leancompanies?limit=3&offset=0&sort=-arr&select=name,arr&status=customer")
        let plain = try service.prepare(model: "Companies", operation: "list", parameters: ["limit": 3, "sort": "-arr"])
        #expect(plain.pathAndQuery == "/companies?limit=3&sort=-arr")
    }

    @Test("notes are conversations of type note")
    func notes() throws {
        let list = try service.prepare(model: "notes", operation: "list", parameters: ["limit": 5])
        #expect(list.pathAndQuery == "/conversations?limit=5&type=note")
        let create = try service.prepare(model: "notes", operation: "create", parameters: [
            "companyId": "extid-ACC-00001", "subject": "QBR",
        ])
        #expect(create.method == "POST")
        #expect(create.body?["type"] == "note")
    }

    @Test("update sends only the changed fields, without id, to the record's path")
    func update() throws {
        let request = try service.prepare(model: "endusers", operation: "update", parameters: [
            "id": "extid-ACC 1/U1", "position": "CFO",
        ])
        #expect(request.method == "PUT")
        #expect(request.path == "/endusers/extid-ACC%201%2FU1")
        #expect(request.body == ["position": "CFO"])
    }

    @Test("bulk upsert sends the items array with PUT to the collection")
    func bulk() throws {
        let request = try service.prepare(model: "companies", operation: "bulkUpsert", parameters: [
            "items": [["name": "A", "externalId": "A1"], ["_id": "64b7a0c2e4b0a1b2c3d4e5f6", "phase": "Renewal"]],
        ])
        #expect(request.method == "PUT")
        #expect(request.path == "/companies")
        #expect(request.body?.arrayValue?.count == 2)
    }

    @Test("curl previews never hold a token and quote the body")
    func curl() throws {
        let request = try service.prepare(model: "companies", operation: "create", parameters: ["name": "O'Brien & Co"])
        let command = request.curlCommand(baseURL: "https://api.planhat.com")
        #expect(command.contains("-H \"Authorization: Bearer $PLANHAT_API_TOKEN\""))
        #expect(command.contains("'https://api.planhat.com/companies'"))
        #expect(command.contains(#"--data-binary '{"name":"O'\''Brien & Co"}'"#))
    }
}

@Suite("Errors")
struct ErrorTests {
    @Test("every status carries Planhat's guidance", arguments: [
        (400, "get_model_action_parameters"), (401, "Authorization: Bearer"), (403, "App Center"),
        (404, "get_model_actions"), (429, "Retry-After"), (500, "report it to the Planhat team"),
        (503, "Retry the request"),
    ])
    func guidance(_ status: Int, _ phrase: String) {
        let error = PlanhatError(status: status, message: "m")
        #expect(error.guidance.contains(phrase))
        #expect(error.report.hasPrefix("\(status) \(error.title): m"))
    }

    static let causes: [PlanhatError.Cause] = [
        .invalidParameters, .unknownModel, .unknownOperation, .recordNotFound, .notFound, .readOnly, .unauthorized, .forbidden,
        .conflict, .tooLarge, .rateLimited, .server, .network, .timeout, .configuration, .file, .cancelled, .usage, .internal,
    ]

    @Test("each cause says what to do in each face's own words: MCP tool names only to MCP clients (the hosted set's own to its clients), App Center only for Planhat's 403, the Planhat team only for its 5xx")
    func guidanceByFace() {
        let toolWords = ["get_model_action", "perform_model_action", "MODEL_ROUTE", "OPERATION", "PARAMETERS", "list_model_records"]
        // The hosted tool set has get_model_action_parameters(MODEL, OPERATION?) and PARAMETERS too, but not these.
        let classicOnlyWords = ["perform_model_action", "get_model_actions", "MODEL_ROUTE"]
        for cause in Self.causes {
            for face in Face.allCases {
                let text = PlanhatError(cause, message: "m").guidance(for: face)
                #expect(!text.isEmpty)
                switch face {
                case .mcp: break
                case .mcpHosted: #expect(!classicOnlyWords.contains { text.contains($0) }, "\(cause) in the hosted face: \(text)")
                default: #expect(!toolWords.contains { text.contains($0) }, "\(cause) in the \(face) face: \(text)")
                }
                if cause != .forbidden { #expect(!text.contains("App Center"), "\(cause): \(text)") }
                if cause != .server { #expect(!text.contains("Planhat team"), "\(cause): \(text)") }
            }
        }
    }

    @Test("local failures carry no HTTP status: their headline names the kind of failure", arguments: [
        (PlanhatError.Cause.file, "File error"), (.configuration, "Configuration error"), (.network, "Network error"), (.timeout, "Timed out"),
        (.cancelled, "Cancelled"), (.internal, "Internal error"),
    ])
    func localFailures(cause: PlanhatError.Cause, title: String) {
        let error = PlanhatError(cause, message: "m")
        #expect(error.status == nil)
        #expect(error.headline == "\(title): m")
        #expect(error.jsonValue["error"]?["status"] == nil)
        #expect(error.jsonValue["error"]?["cause"] == .string(cause.name))
    }

    @Test("a read-only refusal says the session is read-only, not that the token lacks permissions")
    func readOnlyGuidance() throws {
        let model = try Catalog.shared.model(named: "companies")
        let error = PlanhatError.readOnly(.create, model: model)
        #expect(error.status == 403 && error.cause == .readOnly)
        for face in Face.allCases {
            #expect(error.guidance(for: face).contains("read-only"))
            #expect(!error.guidance(for: face).contains("App Center"))
        }
    }

    @Test("status lines use the standard reason phrases, successes included", arguments: [
        (200, "OK"), (201, "Created"), (400, "Bad Request"), (404, "Not Found"), (405, "Method Not Allowed"), (411, "Length Required"),
        (413, "Content Too Large"), (431, "Request Header Fields Too Large"), (429, "Too Many Requests"), (503, "Service Unavailable"),
    ])
    func reasonPhrases(status: Int, phrase: String) {
        #expect(HTTPStatus.reasonPhrase(status) == phrase)
    }

    @Test("the JSON envelope carries status, fields and guidance")
    func envelope() throws {
        let error = PlanhatError.invalidParameters(
            [FieldIssue(path: "limit", value: "-1", expected: "an integer from 1 to 5000")], model: "companies", operation: .list)
        let json = error.jsonValue["error"]
        #expect(json?["status"] == 400)
        #expect(json?["fields"]?.arrayValue?.first?["path"] == "limit")
        #expect(json?["guidance"]?.stringValue?.isEmpty == false)
        #expect(!error.jsonValue.compactText().contains("\n"))
    }
}

@Suite("JSON")
struct JSONTests {
    @Test("integers stay integers, fractions stay fractions")
    func numbers() throws {
        let value = try JSONValue.parse(#"{"a": 120000, "b": 2.5, "c": true, "d": null, "e": [1, "x"]}"#)
        #expect(value["a"] == .integer(120000))
        #expect(value["b"] == .number(2.5))
        #expect(value["c"] == .bool(true))
        #expect(value.compactText() == #"{"a":120000,"b":2.5,"c":true,"d":null,"e":[1,"x"]}"#)
    }

    @Test("strings round-trip through escaping", arguments: ["plain", "quote \" and \\ back", "tab\tnew\nline", "東京 ✓ 🎉", "\u{01}\u{1F}", "a/b"])
    func roundTrip(_ text: String) throws {
        let encoded = JSONValue.string(text).compactText()
        #expect(try JSONValue.parse(encoded) == .string(text))
    }

    @Test("pretty text indents and sorts keys")
    func pretty() {
        let value: JSONValue = ["b": 1, "a": ["x": []]]
        #expect(value.prettyText() == "{\n  \"a\": {\n    \"x\": []\n  },\n  \"b\": 1\n}")
    }

    @Test("bad JSON says where it goes wrong")
    func diagnostics() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse("{\"a\": }") }
        do {
            _ = try JSONValue.parse("{not json")
        } catch let error as JSONParseError {
            #expect(error.reason.contains("character"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite("Support")
struct SupportTests {
    @Test("day numbers convert both ways")
    func dayNumbers() {
        #expect(CivilDate(dayNumber: 0).iso == "1970-01-01")
        #expect(CivilDate(dayNumber: 20000).iso == "2024-10-04")
        #expect(CivilDate(iso: "2024-02-29")?.dayNumber == 19782)
        for day in stride(from: -1000, to: 40000, by: 997) {
            #expect(CivilDate(dayNumber: day).dayNumber == day)
        }
    }
}
