import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// What the server must answer to one raw line.
enum Expected: Sendable, CustomStringConvertible {
    /// A JSON-RPC error with this code and id (`.null` when the id could not be read).
    case error(Int, id: JSONValue)
    /// A result for this id.
    case result(id: JSONValue)
    /// Nothing at all (a notification, or a response).
    case nothing

    var description: String {
        switch self {
        case .error(let code, let id): return "error \(code), id \(id.compactText())"
        case .result(let id): return "result, id \(id.compactText())"
        case .nothing: return "no answer"
        }
    }
}

/// Raw lines through `planhat --stdio --sandbox`: JSON-RPC 2.0 and MCP's answers to malformed input.
@Suite("MCP protocol errors over stdio", .serialized, .offThePool)
struct ProtocolErrorTests {
    static func initialize(_ version: String) -> String {
        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"\#(version)","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#
    }

    /// The answers to `lines` after an initialize at `version` (its answer left out).
    static func answers(to lines: [String], version: String? = "2025-11-25") throws -> (answers: [JSONValue], stdout: String, stderr: String) {
        let sandbox = ProcessRunner.temporaryDirectory("raw").appendingPathComponent("s.sqlite").path
        let preamble = version.map { [initialize($0), #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#] } ?? []
        let result = try ProcessRunner.planhat(["--stdio", "--sandbox", "--sandbox-path", sandbox], stdin: (preamble + lines).joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        let answers = lines.compactMap { try? JSONValue.parse(String($0)) }
        #expect(answers.count == lines.count, "stdout holds only JSON: \(result.stdout)")
        return (answers.filter { !(version != nil && $0["id"] == 1 && $0["result"] != nil) }, result.stdout, result.stderr)
    }

    static let cases: [(String, Expected)] = [
        ("this is not json", .error(-32700, id: .null)),
        (#"{"jsonrpc":"2.0","id":10,"method":"ping""#, .error(-32700, id: .null)),
        ("{}", .error(-32600, id: .null)),
        ("[]", .error(-32600, id: .null)),
        (#"[{"jsonrpc":"2.0","id":10,"method":"ping"}]"#, .error(-32600, id: .null)),
        (#""a string""#, .error(-32600, id: .null)),
        ("42", .error(-32600, id: .null)),
        (#"{"jsonrpc":"1.0","id":10,"method":"ping"}"#, .error(-32600, id: 10)),
        (#"{"id":"ten","method":"ping"}"#, .error(-32600, id: "ten")),
        (#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#, .error(-32600, id: .null)),
        (#"{"jsonrpc":"2.0","id":[1],"method":"ping"}"#, .error(-32600, id: .null)),
        (#"{"jsonrpc":"2.0","id":true,"method":"ping"}"#, .error(-32600, id: .null)),
        (#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, .error(-32600, id: .null)),
        (#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, .error(-32600, id: .null)),
        (#"{"jsonrpc":"2.0","id":10,"method":5}"#, .error(-32600, id: 10)),
        (#"{"jsonrpc":"2.0","id":10}"#, .error(-32600, id: 10)),
        (#"{"jsonrpc":"2.0","id":10,"method":"ping","params":"x"}"#, .error(-32600, id: 10)),
        (#"{"jsonrpc":"2.0","id":10,"method":"ping","params":null}"#, .error(-32600, id: 10)),
        (#"{"jsonrpc":"2.0","method":1,"params":"bar"}"#, .error(-32600, id: .null)),
        (#"{"jsonrpc":"2.0","method":"notifications/initialized","id":null}"#, .error(-32600, id: .null)),
        (#"{"jsonrpc":"2.0","id":10,"method":"ping","result":{}}"#, .error(-32600, id: 10)),
        (#"{"jsonrpc":"2.0","id":10,"method":"no/such"}"#, .error(-32601, id: 10)),
        (#"{"jsonrpc":"2.0","id":10,"method":"ping","params":[1]}"#, .error(-32602, id: 10)),
        (#"{"jsonrpc":"2.0","id":10,"method":"tools/list","params":{"cursor":5}}"#, .error(-32602, id: 10)),
        (#"{"jsonrpc":"2.0","id":10,"method":"tools/call"}"#, .error(-32602, id: 10)),
        (#"{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"arguments":{}}}"#, .error(-32602, id: 10)),
        (#"{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"perform_model_action","arguments":"oops"}}"#, .error(-32602, id: 10)),
        (#"{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"perform_model_action","arguments":5}}"#, .error(-32602, id: 10)),
        (#"{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"perform_model_action","arguments":[1]}}"#, .error(-32602, id: 10)),
        (#"{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"get_model_actions","arguments":null}}"#, .result(id: 10)),
        (#"{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}"#, .error(-32602, id: 10)),
        (#"{"jsonrpc":"2.0","id":10,"method":"logging/setLevel","params":{"level":"loud"}}"#, .error(-32602, id: 10)),
        (#"{"jsonrpc":"2.0","id":10,"method":"logging/setLevel","params":{"level":"warning"}}"#, .result(id: 10)),
        (#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{}}"#, .nothing),
        (#"{"jsonrpc":"2.0","method":"notifications/no_such_thing","params":{"x":1}}"#, .nothing),
        (#"{"jsonrpc":"2.0","id":99,"result":{}}"#, .nothing),
        (#"{"jsonrpc":"2.0","id":99,"result":{},"error":{"code":1,"message":"x"}}"#, .nothing),
    ]

    @Test("each malformed line gets the JSON-RPC 2.0 / MCP answer: -32700 and -32600 with id null when it cannot be read, the id when it can, -32602 for bad params, nothing for notifications and responses", arguments: cases)
    func malformed(_ line: String, _ expected: Expected) throws {
        let (answers, stdout, _) = try Self.answers(to: [line])
        switch expected {
        case .nothing:
            #expect(answers.isEmpty, "\(stdout)")
        case .result(let id):
            #expect(answers.count == 1 && answers.first?["id"] == id && answers.first?["result"] != nil, "\(stdout)")
        case .error(let code, let id):
            #expect(answers.count == 1, "\(stdout)")
            let answer = try #require(answers.first)
            #expect(answer["error"]?["code"] == .integer(code), "\(stdout)")
            #expect(answer.objectValue?.keys.contains("id") == true && answer["id"] == id, "\(stdout)")
            #expect(answer["jsonrpc"] == "2.0")
            #expect(answer["error"]?["message"]?.stringValue?.isEmpty == false)
        }
    }

    @Test("initialize with params of the wrong type is -32602, not the SDK's -32603")
    func badInitialize() throws {
        let line = #"{"jsonrpc":"2.0","id":10,"method":"initialize","params":{"protocolVersion":5,"capabilities":{},"clientInfo":{"name":"x","version":"1"}}}"#
        let (answers, stdout, _) = try Self.answers(to: [line], version: nil)
        #expect(answers.count == 1 && answers.first?["id"] == 10 && answers.first?["error"]?["code"] == -32602, "\(stdout)")
    }

    @Test("the answers say what was wrong")
    func messages() throws {
        let (answers, _, _) = try Self.answers(to: [
            #"{"jsonrpc":"1.0","id":11,"method":"ping"}"#,
            #"{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"perform_model_action","arguments":"oops"}}"#,
            #"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#,
        ])
        func message(_ id: JSONValue) -> String { answers.first { $0["id"] == id }?["error"]?["message"]?.stringValue ?? "" }
        #expect(message(11) == #"Invalid Request: "jsonrpc" must be "2.0", got "1.0""#)
        #expect(message(12) == #"Invalid params: tools/call: "arguments" must be an object of the tool's arguments by name, got string "oops""#)
        #expect(message(.null).hasPrefix(#"Invalid Request: "id" must be a string or an integer"#))
    }

    @Test("2025-03-26 batches: one array in order, errors for bad elements, none for notifications; batches of notifications get nothing")
    func batch2025_03_26() throws {
        let batch = "[" + [
            #"{"jsonrpc":"2.0","id":"a","method":"ping"}"#,
            "1",
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":"b","method":"tools/call","params":{"name":"get_model_actions"}}"#,
            #"{"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"perform_model_action","arguments":5}}"#,
            #"{"jsonrpc":"2.0","id":"d","method":"nope"}"#,
            #"{"jsonrpc":"2.0","id":"e","method":"initialize","params":{}}"#,
        ].joined(separator: ",") + "]"
        let onlyNotifications = #"[{"jsonrpc":"2.0","method":"notifications/initialized"}]"#
        let after = #"{"jsonrpc":"2.0","id":"f","method":"ping"}"#
        let (answers, stdout, _) = try Self.answers(to: [batch, onlyNotifications, after], version: "2025-03-26")
        let arrays = answers.compactMap(\.arrayValue)
        #expect(arrays.count == 1, "one array for the batch, none for the notifications: \(stdout)")
        let array = try #require(arrays.first)
        #expect(array.map { $0["id"] ?? "missing" } == ["a", .null, "b", "c", "d", "e"])
        #expect(array[0]["result"] == [:])
        #expect(array[1]["error"]?["code"] == -32600)
        #expect(array[2]["result"]?["isError"] == false)
        #expect(array[3]["error"]?["code"] == -32602)
        #expect(array[4]["error"]?["code"] == -32601)
        #expect(array[5]["error"]?["code"] == -32600, "initialize must not be in a batch")
        #expect(answers.contains { $0["id"] == "f" && $0["result"] != nil }, "single messages still answered")
    }

    @Test("batches are refused with -32600 and id null in versions without them, and before initialize", arguments: ["2025-11-25", "2025-06-18", "2024-11-05", nil] as [String?])
    func batchesElsewhere(_ version: String?) throws {
        let (answers, stdout, _) = try Self.answers(to: [#"[{"jsonrpc":"2.0","id":"a","method":"ping"}]"#], version: version)
        #expect(answers.count == 1 && answers.first?["error"]?["code"] == -32600 && answers.first?["id"] == .null, "\(stdout)")
    }

    @Test("no answer ever carries an id the request did not have (the SDK used to make up UUIDs)")
    func noMadeUpIDs() throws {
        let lines = Self.cases.map(\.0)
        let (answers, stdout, _) = try Self.answers(to: lines)
        let sent = Set(lines.compactMap { (try? JSONValue.parse($0))?["id"] }.filter { $0.stringValue != nil || $0.intValue != nil })
        for answer in answers {
            let id = answer["id"] ?? .null
            #expect(id == .null || sent.contains(id), "made-up id \(id.compactText()) in \(stdout)")
        }
    }
}
