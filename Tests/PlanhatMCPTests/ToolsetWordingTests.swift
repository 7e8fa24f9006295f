import Foundation
import MCP
import PlanhatKit
import PlanhatSandbox
import Testing

@testable import PlanhatMCP

/// Each tool set speaks its own words: the errors and guidance of the hosted tools name the hosted
/// tools (`get_model_action_parameters(MODEL)`, `list_model_records` with `OFFSET`), those of the
/// classic tools the classic ones; neither names a tool the client does not have.
@Suite("MCP tool sets: errors in their own words")
struct ToolsetWordingTests {
    /// Names only the classic set has.
    static let classicOnly = ["get_model_actions", "perform_model_action", "MODEL_ROUTE"]
    /// Names only the hosted set has.
    static let hostedOnly = ["list_model_records", "get_model_record", "create_model_record", "update_model_record", "delete_model_record", "OBJECT_ID", "search_records", "OFFSET"]

    static let causes: [PlanhatError.Cause] = [
        .invalidParameters, .unknownModel, .unknownOperation, .recordNotFound, .notFound, .readOnly, .unauthorized, .forbidden, .conflict,
        .tooLarge, .rateLimited, .server, .network, .timeout, .configuration, .file, .cancelled, .usage, .internal,
    ]

    static func foreign(_ text: String, _ names: [String]) -> [String] {
        names.filter { text.contains($0) }
    }

    @Test("the guidance of every cause: the hosted face names no classic tool, the classic face no hosted tool")
    func guidance() {
        for cause in Self.causes {
            let error = PlanhatError(cause, message: "m")
            #expect(Self.foreign(error.guidance(for: .mcpHosted), Self.classicOnly).isEmpty, "\(cause.name): \(error.guidance(for: .mcpHosted))")
            #expect(Self.foreign(error.guidance(for: .mcp), Self.hostedOnly).isEmpty, "\(cause.name): \(error.guidance(for: .mcp))")
        }
        #expect(PlanhatError(.invalidParameters, message: "m").guidance(for: .mcpHosted).contains("get_model_action_parameters(MODEL)"))
        #expect(PlanhatError(.recordNotFound, message: "m").guidance(for: .mcpHosted).contains("list_model_records (a FILTER narrows it; OFFSET pages on)"))
    }

    /// Calls that fail, with what each must say.
    static let hostedFailures: [(String, [String: Value])] = [
        ("list_model_records", ["MODEL": "Compnay"]),
        ("list_model_records", [:]),
        ("list_model_records", ["MODEL": "Company", "LIMIT": 0]),
        ("list_model_records", ["MODEL": "Company", "FILTER": ["name[sounds like]": "x"]]),
        ("list_model_records", ["MODEL": "Company", "SORT": 5]),
        ("list_model_records", ["MODEL": "Company", "PAGE": 2]),
        ("get_model_record", ["MODEL": "Company", "OBJECT_ID": "000000000000000000000000"]),
        ("get_model_record", ["MODEL": "Company"]),
        ("create_model_record", ["MODEL": "Company", "PARAMETERS": ["name": 5]]),
        ("create_model_record", ["MODEL": "Company", "PARAMETERS": [:]]),
        ("create_model_record", ["MODEL": "Company", "PARAMETERS": "not json"]),
        ("update_model_record", ["MODEL": "Company", "OBJECT_ID": "000000000000000000000000", "PARAMETERS": ["phase": "x"]]),
        ("delete_model_record", ["MODEL": "Company", "OBJECT_ID": "000000000000000000000000"]),
        ("get_model_action_parameters", ["MODEL": "Nope"]),
        ("get_model_action_parameters", ["MODEL": "Company", "OPERATION": "frobnicate"]),
        ("search_records", ["QUERY": " "]),
        ("search_records", ["QUERY": "acme", "MODEL": "Nope"]),
        ("get_document", ["DOCUMENT_ID": "nope"]),
        ("get_document", ["DOCUMENT_ID": "x", "FORMAT": "pdf"]),
        ("create_document", ["NAME": ""]),
        ("search_documents", [:]),
    ]

    @Test("every failing call of the hosted set, writable and read-only, names no classic tool nor argument", arguments: [false, true])
    func hosted(readOnly: Bool) async throws {
        let tools = try HostedToolTests.tools(.hosted, readOnly: readOnly, companies: 5)
        var checked = 0
        for (name, arguments) in Self.hostedFailures where tools.names.contains(name) {
            let result = try await tools.call(name, arguments: arguments)
            #expect(result.isError == true, "\(name) \(arguments) fails")
            let said = HostedToolTests.texts(result).joined(separator: "\n") + HostedToolTests.structured(result).compactText()
            #expect(Self.foreign(said, Self.classicOnly).isEmpty, "\(name) \(arguments): \(said)")
            checked += 1
        }
        #expect(checked >= (readOnly ? 14 : 21))
        if readOnly {
            let refused = try await tools.call("get_model_action_parameters", arguments: ["MODEL": "Company", "OPERATION": "create"])
            let said = HostedToolTests.texts(refused).joined()
            #expect(refused.isError == true && said.hasPrefix("403") && said.contains("only list_model_records, get_model_record and the other reading tools"), "\(said)")
            await #expect { _ = try await tools.call("create_model_record", arguments: ["MODEL": "Company", "PARAMETERS": ["name": "x"]]) } throws: { error in
                Self.foreign("\(error)", Self.classicOnly).isEmpty && "\(error)".contains("list_model_records")
            }
        }
        let missing = try await tools.call("get_model_record", arguments: ["MODEL": "Company", "OBJECT_ID": "000000000000000000000000"])
        #expect(HostedToolTests.texts(missing).joined().contains("find the record with list_model_records"))
        let invalid = try await tools.call("list_model_records", arguments: ["MODEL": "Company", "SORT": 5])
        #expect(HostedToolTests.texts(invalid).joined().contains("get_model_action_parameters(MODEL)"), "\(HostedToolTests.texts(invalid))")
    }

    static let classicFailures: [(String, [String: Value])] = [
        ("perform_model_action", ["MODEL_ROUTE": "compnies", "OPERATION": "list"]),
        ("perform_model_action", ["MODEL_ROUTE": "companies", "OPERATION": "frobnicate"]),
        ("perform_model_action", ["MODEL_ROUTE": "companies", "OPERATION": "view", "PARAMETERS": ["id": "000000000000000000000000"]]),
        ("perform_model_action", ["MODEL_ROUTE": "companies", "OPERATION": "create", "PARAMETERS": ["name": 5]]),
        ("perform_model_action", ["MODEL_ROUTE": "companies", "OPERATION": "list", "PARAMETERS": ["limit": 0]]),
        ("perform_model_action", ["MODEL_ROUTE": "companies", "OPERATION": "list", "PARAMETERS": "{oops"]),
        ("perform_model_action", ["OPERATION": "list"]),
        ("get_model_action_parameters", ["MODEL_ROUTE": "nope", "OPERATION": "create"]),
        ("get_model_action_parameters", ["MODEL_ROUTE": "companies"]),
    ]

    @Test("every failing call of the classic set, writable and read-only, names no hosted tool nor argument", arguments: [false, true])
    func classic(readOnly: Bool) async throws {
        let tools = try HostedToolTests.tools(.classic, readOnly: readOnly, companies: 5)
        var calls = Self.classicFailures
        if readOnly { calls.append(("perform_model_action", ["MODEL_ROUTE": "companies", "OPERATION": "create", "PARAMETERS": ["name": "x"]])) }
        for (name, arguments) in calls {
            let result = try await tools.call(name, arguments: arguments)
            #expect(result.isError == true, "\(name) \(arguments) fails")
            let said = HostedToolTests.texts(result).joined(separator: "\n") + HostedToolTests.structured(result).compactText()
            #expect(Self.foreign(said, Self.hostedOnly).isEmpty, "\(name) \(arguments): \(said)")
        }
    }

    @Test("--toolset all: each tool answers in the words of its own set")
    func all() async throws {
        let tools = try HostedToolTests.tools(.all, companies: 5)
        let hosted = try await tools.call("get_model_record", arguments: ["MODEL": "Company", "OBJECT_ID": "000000000000000000000000"])
        #expect(Self.foreign(HostedToolTests.texts(hosted).joined(), Self.classicOnly).isEmpty)
        let classic = try await tools.call("perform_model_action", arguments: ["MODEL_ROUTE": "companies", "OPERATION": "view", "PARAMETERS": ["id": "000000000000000000000000"]])
        #expect(HostedToolTests.texts(classic).joined().contains("perform_model_action with OPERATION list"))
        let schemaHosted = try await tools.call("get_model_action_parameters", arguments: ["MODEL": "Nope"])
        #expect(Self.foreign(HostedToolTests.texts(schemaHosted).joined(), Self.classicOnly).isEmpty, "\(HostedToolTests.texts(schemaHosted))")
    }
}
