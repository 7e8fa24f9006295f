import Foundation
import MCP
import PlanhatKit

/// What the transport does with one incoming message, once ``MessageGate`` has checked it.
enum Verdict {
    /// A valid request: route it to the shortcut or the SDK.
    case request(id: ID, method: String, message: [String: JSONValue])
    /// A valid notification: route it, never answer it.
    case notification(method: String, params: JSONValue?)
    /// A valid response to a request the server sent.
    case response
    /// A JSON-RPC error to write back (the message was not JSON, not a valid request, or had bad params).
    case answer(Data)
    /// A malformed notification or response: logged on stderr, never answered (answering either would
    /// break JSON-RPC: notifications get no answer, and responses are never answered).
    case ignore(String)
    /// A JSON-RPC batch, element by element (only where the negotiated protocol version has batches).
    case batch([(element: JSONValue, verdict: Verdict)])
}

/// JSON-RPC 2.0 and MCP's message rules, checked on every incoming line before the SDK sees it.
///
/// The SDK answers what it cannot decode with a parse error under a random UUID id, and a request
/// whose params do not decode with -32603; here every line gets the answer the specifications give:
/// -32700 with `"id": null` for text that is not JSON; -32600 for JSON that is not a request object
/// (wrong `jsonrpc`, `method` not a string, an `id` that is not a string or an integer, `params` not
/// an object or array), with the request's id when it could be read and `null` otherwise; -32602 for
/// params a known method cannot take (as the SDK's own decoders read them). Unknown methods go on to
/// the SDK, which answers -32601. Batches are accepted only in a session that negotiated 2025-03-26,
/// the one MCP revision that has them (2025-06-18 removed them again).
struct MessageGate: Sendable {
    /// The methods the server has handlers for, each with the SDK's decoder for its params.
    private static let decoders: [String: ParamsDecoder] = [
        Initialize.name: ParamsDecoder(Initialize.self),
        Ping.name: ParamsDecoder(Ping.self),
        ListTools.name: ParamsDecoder(ListTools.self),
        SetLoggingLevel.name: ParamsDecoder(SetLoggingLevel.self),
    ]

    /// The one revision of MCP whose messages may be JSON-RPC batches.
    static let batchingVersion = "2025-03-26"

    /// Checks one line. `protocolVersion` is the version negotiated so far (nil before `initialize`).
    func check(_ line: Data, protocolVersion: String?) -> Verdict {
        let value: JSONValue
        do {
            value = try JSONValue.parse(line)
        } catch let error as JSONParseError {
            return .answer(ErrorAnswer.data(id: nil, error: .parseError(error.reason)))
        } catch {
            return .answer(ErrorAnswer.data(id: nil, error: .parseError("\(error)")))
        }
        guard case .array(let elements) = value else { return check(message: value) }
        guard !elements.isEmpty else {
            return .answer(ErrorAnswer.data(id: nil, error: .invalidRequest("an empty batch is not a request")))
        }
        guard protocolVersion == Self.batchingVersion else {
            let reason = protocolVersion.map { "JSON-RPC batches belong to MCP \(Self.batchingVersion) only and this session speaks \($0); send one message per line" }
                ?? "a batch cannot come before initialize (initialize itself must not be in a batch); send one message per line"
            return .answer(ErrorAnswer.data(id: nil, error: .invalidRequest(reason)))
        }
        return .batch(elements.map { element in
            if element["method"] == .string(Initialize.name) {
                return (element, .answer(ErrorAnswer.data(id: RequestID.id(element["id"]), error: .invalidRequest("initialize must not be part of a batch"))))
            }
            return (element, check(message: element))
        })
    }

    /// Checks one message (a line's, or a batch element).
    func check(message value: JSONValue) -> Verdict {
        guard case .object(let message) = value else {
            return .answer(ErrorAnswer.data(id: nil, error: .invalidRequest("a message must be a JSON object, got \(value.typeName)")))
        }
        let id = RequestID.id(message["id"])
        let version = message["jsonrpc"]
        if message["method"] == nil, message["result"] != nil || message["error"] != nil {
            return checkResponse(message)
        }
        func invalid(_ reason: String) -> Verdict {
            .answer(ErrorAnswer.data(id: id, error: .invalidRequest(reason)))
        }
        guard version == "2.0" else {
            return invalid(version.map { "\"jsonrpc\" must be \"2.0\", got \($0.preview())" } ?? "\"jsonrpc\": \"2.0\" is missing")
        }
        if let raw = message["id"], id == nil {
            return invalid("\"id\" must be a string or an integer (MCP allows no null id), got \(raw.described)")
        }
        guard let methodValue = message["method"] else { return invalid("\"method\" is missing") }
        guard case .string(let method) = methodValue else {
            return invalid("\"method\" must be a string, got \(methodValue.described)")
        }
        let params = message["params"]
        switch params {
        case nil, .object?, .array?: break
        case let other?: return invalid("\"params\" must be an object or an array, got \(other.described)")
        }
        if message["result"] != nil || message["error"] != nil {
            return invalid("a request carries no \"result\" or \"error\"")
        }
        guard let id else { return checkNotification(method, params: params) }
        if let problem = paramsProblem(method: method, params: params) {
            return .answer(ErrorAnswer.data(id: id, error: .invalidParams(problem)))
        }
        return .request(id: id, method: method, message: message)
    }

    private func checkResponse(_ message: [String: JSONValue]) -> Verdict {
        guard message["jsonrpc"] == "2.0" else { return .ignore("a response without \"jsonrpc\": \"2.0\"") }
        guard (message["result"] == nil) != (message["error"] == nil) else {
            return .ignore("a response with both \"result\" and \"error\"")
        }
        let idIsValid = RequestID.id(message["id"]) != nil || (message["id"] == .null && message["error"] != nil)
        guard idIsValid else { return .ignore("a response whose \"id\" is not a string or an integer") }
        return .response
    }

    /// A notification is never answered: one whose params are wrong is logged and dropped (MCP:
    /// "invalid cancellation notifications SHOULD be ignored").
    private func checkNotification(_ method: String, params: JSONValue?) -> Verdict {
        if method == CancelledNotification.name, RequestID.id(params?["requestId"]) == nil {
            return .ignore("notifications/cancelled without a string or integer requestId")
        }
        return .notification(method: method, params: params)
    }

    /// Why `params` do not fit a method the server knows, or nil when they do (or the method is unknown).
    private func paramsProblem(method: String, params: JSONValue?) -> String? {
        let decoder = Self.decoders[method]
        guard decoder != nil || method == CallTool.name else { return nil }
        if case .array? = params { return "\(method) takes its params by name, as an object, not an array" }
        if method == CallTool.name { return Self.callToolProblem(params) }
        if method == Initialize.name, let problem = Self.initializeProblem(params) { return problem }
        guard let decoder else { return nil }
        guard let params else { return decoder.paramsOptional ? nil : "\(method) needs params" }
        do {
            try decoder.decode(params.compactData())
            return nil
        } catch let error as DecodingError {
            return "\(method): " + Self.describe(error, under: "params")
        } catch {
            return "\(method): \(error)"
        }
    }

    /// `tools/call` as `CallToolRequest` defines it: `name` a string, `arguments` an object, `_meta` an
    /// object. (Arguments that are an object but wrong for the tool are the tool's business: they come
    /// back as a tool result with `isError: true`.)
    static func callToolProblem(_ params: JSONValue?) -> String? {
        guard case .object(let members)? = params else {
            return "tools/call needs params with the tool's name and its arguments: {\"name\": …, \"arguments\": {…}}"
        }
        guard case .string? = members["name"] else {
            let got = members["name"]?.described ?? "nothing"
            return "tools/call: \"name\" must be the tool's name as a string, got \(got)"
        }
        for key in ["arguments", "_meta"] {
            switch members[key] {
            case nil, .null?, .object?: continue
            case let other?:
                return "tools/call: \"\(key)\" must be an object"
                    + (key == "arguments" ? " of the tool's arguments by name" : "")
                    + ", got \(other.described)"
            }
        }
        return nil
    }

    /// The members `InitializeRequest` requires (the SDK's decoder would fill in defaults for them).
    private static func initializeProblem(_ params: JSONValue?) -> String? {
        guard case .object(let members)? = params else {
            return "initialize needs params with protocolVersion, capabilities and clientInfo"
        }
        var missing: [String] = []
        if members["protocolVersion"]?.stringValue == nil { missing.append("protocolVersion (a string)") }
        if members["capabilities"]?.objectValue == nil { missing.append("capabilities (an object)") }
        if members["clientInfo"]?["name"]?.stringValue == nil || members["clientInfo"]?["version"]?.stringValue == nil {
            missing.append("clientInfo (an object with name and version)")
        }
        return missing.isEmpty ? nil : "initialize: missing or wrong " + missing.joined(separator: ", ")
    }

    /// A decoding error as a field path (under `root`) and what was wrong there.
    static func describe(_ error: DecodingError, under root: String) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let names = [root] + keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type), got null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// The SDK's decoder for one method's params: what its server runs before the handler (and answers
/// with -32603 when it fails).
struct ParamsDecoder: Sendable {
    let decode: @Sendable (Data) throws -> Void
    /// Whether the method may come without params (the SDK then uses empty ones).
    let paramsOptional: Bool

    init<M: MCP.Method>(_ method: M.Type) {
        decode = { _ = try JSONDecoder().decode(M.Parameters.self, from: $0) }
        paramsOptional = M.Parameters.self is any NotRequired.Type
    }
}

extension JSONValue {
    /// `string "oops"`, `object {"a":1}`, `null`: a value as an error message shows it.
    var described: String {
        self == .null ? "null" : "\(typeName) \(preview())"
    }
}

/// Request ids as MCP allows them: a string or an integer, never null.
enum RequestID {
    /// The id a JSON value holds, or nil when it is missing or not a valid id.
    static func id(_ value: JSONValue?) -> ID? {
        switch value {
        case .string(let text)?: return .string(text)
        case .integer(let number)?: return .number(number)
        default: return nil
        }
    }

    /// The id in the raw JSON text of an `id` member.
    static func id(raw: Data) -> ID? {
        id(try? JSONValue.parse(raw))
    }

    static func json(_ id: ID) -> JSONValue {
        switch id {
        case .string(let text): return .string(text)
        case .number(let number): return .integer(number)
        }
    }
}

/// A JSON-RPC error response; without an id it is sent with `"id": null`, as JSON-RPC 2.0 requires
/// when the id could not be read (the SDK's `Response` always has an id).
struct ErrorAnswer: Encodable {
    let id: ID?
    let error: MCPError

    private enum CodingKeys: String, CodingKey {
        case jsonrpc, id, error
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("2.0", forKey: .jsonrpc)
        if let id { try container.encode(id, forKey: .id) } else { try container.encodeNil(forKey: .id) }
        try container.encode(error, forKey: .error)
    }

    /// The answer as one line of JSON, encoded as the SDK encodes its messages.
    static func data(id: ID?, error: MCPError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(ErrorAnswer(id: id, error: error)))
            ?? Data(#"{"error":{"code":-32603,"message":"Internal error"},"id":null,"jsonrpc":"2.0"}"#.utf8)
    }
}
