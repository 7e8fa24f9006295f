import Foundation
import MCP
import PlanhatKit
import PlanhatMCP

/// A plain `tools/call` POSTed to the stateless server, answered without an SDK `Server`.
///
/// Why: the SDK's generic dispatch decodes each message into `Value`s several times and runs a
/// regular expression (compiled anew each time: `Data.isDataURL`) over every string argument, and a
/// stateless server builds a fresh `Server` and transport for every POST: together most of a call's
/// time under load. The stdio server skips them the same way (`ToolCallShortcut`).
///
/// Only what the SDK would answer the same way is taken: a POST the stateless transport's own
/// validators accept (Accept, Content-Type, protocol version), whose body is one JSON-RPC request
/// with `jsonrpc`, `id`, `method: tools/call` and `params` of `name` (the tools answer an unknown one, as on
/// the SDK's path), `arguments`
/// (an object, or none) and `_meta` (progress is not delivered in stateless mode either way) and no
/// other member, on a server that is not in strict mode (which refuses every call before an
/// `initialize`, and a stateless server never sees one). Anything else goes to the SDK.
/// The answer is the SDK's own `Response<CallTool>`, as JSON.
struct StatelessToolCall {
    let id: ID
    let name: String
    let arguments: [String: Value]?

    init?(_ request: MCP.HTTPRequest, body: Data, server: PlanhatMCPServer) {
        guard request.method.uppercased() == "POST", !server.configuration.strict,
            body.first == UInt8(ascii: "{"), let message = (try? JSONValue.parse(body))?.objectValue,
            message["jsonrpc"] == "2.0", message["method"] == "tools/call",
            Set(message.keys).isSubset(of: ["jsonrpc", "id", "method", "params"]),
            let id = Self.id(message["id"]),
            let params = message["params"]?.objectValue, Set(params.keys).isSubset(of: ["name", "arguments", "_meta"]),
            let name = params["name"]?.stringValue
        else { return nil }
        switch params["arguments"] {
        case nil, .null?: arguments = nil
        case .object(let members)?: arguments = members.mapValues(Self.value)
        default: return nil
        }
        let context = HTTPValidationContext(httpMethod: "POST", isInitializationRequest: false)
        guard MCPHTTPServer.statelessPipeline.validate(request, context: context) == nil else { return nil }
        self.id = id
        self.name = name
    }

    /// Runs the tool; its writes are journaled as `caller`.
    func answer(_ tools: PlanhatTools, caller: JournalCaller) async -> MCP.HTTPResponse {
        let response: Response<CallTool>
        do {
            let result = try await JournalRecorder.$caller.withValue(caller.label) {
                try await tools.call(name, arguments: arguments)
            }
            response = Response(id: id, result: result)
        } catch let error as MCPError {
            response = Response(id: id, error: error)
        } catch {
            response = Response(id: id, error: .internalError(error.localizedDescription))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(response) else {
            return .error(statusCode: 500, .internalError("the answer could not be encoded"))
        }
        return .data(data, headers: [HTTPHeaderName.contentType: "application/json"])
    }

    /// A JSON-RPC id: a string or a whole number.
    static func id(_ value: JSONValue?) -> ID? {
        switch value {
        case .string(let text)?: return .string(text)
        case .integer(let number)?: return .number(number)
        default: return nil
        }
    }

    /// The SDK's value for a JSON value.
    static func value(_ json: JSONValue) -> Value {
        switch json {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .integer(let number): return .int(number)
        case .number(let number): return .double(number)
        case .string(let text): return .string(text)
        case .array(let elements): return .array(elements.map(value))
        case .object(let members): return .object(members.mapValues(value))
        }
    }
}
