import Foundation
import MCP
import PlanhatKit

/// Serves a plain `tools/call` for one of the three tools without the SDK server's generic
/// dispatch, which decodes each message up to three times into `Value`s and runs a regular
/// expression (`Data.isDataURL`) over every string argument: a third of a call's time.
///
/// The request arrives already parsed and checked by ``MessageGate`` (so a malformed one never gets
/// here); the answer is the SDK's own `Response<CallTool>`, encoded as the SDK encodes it. Anything
/// else (other methods, requests with `_meta`, unknown tools) goes to the SDK unchanged.
/// A call runs as a task registered under its id in the ``CallRegistry``, so `notifications/cancelled`
/// stops it; a cancelled call gets no answer, and what it had done is told by the
/// ``CancellationReporter``, exactly as on the SDK's path. Under the SDK server's strict mode it takes
/// nothing before the client has initialized (``SessionState``): such a call goes to the SDK, which
/// answers it as strict mode has it.
///
/// It plugs into the transport from outside, as its ``RequestInterceptor``.
struct ToolCallShortcut: RequestInterceptor {
    let tools: PlanhatTools
    let calls: CallRegistry
    let reporter: CancellationReporter
    let session: SessionState
    /// Sends the answer (``StdioLineTransport/post(_:)``).
    let reply: @Sendable (Data) -> Void

    /// Takes the request when it is a plain `tools/call` for one of the tools and the SDK's server
    /// would serve it now; the answer goes to `reply`.
    func intercept(_ request: IncomingRequest) -> Bool {
        guard session.servesRequests, let (name, arguments) = Self.call(in: request.message, names: Set(tools.names)) else { return false }
        let id = request.id
        let tools = self.tools
        let reporter = self.reporter
        let reply = self.reply
        let token = calls.begin(id)
        let calls = self.calls
        let task = Task {
            defer { calls.end(token) }
            let response: Response<CallTool>
            do {
                response = Response(id: id, result: try await tools.call(name, arguments: arguments))
            } catch let cancelled as CancelledCall {
                reporter.report(cancelled, requestID: id)
                return
            } catch let error as MCPError {
                response = Response(id: id, error: error)
            } catch {
                response = Response(id: id, error: .internalError("\(error)"))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard let data = try? encoder.encode(response) else { return }
            reply(data)
        }
        calls.attach(token) { task.cancel() }
        return true
    }

    /// The tool name and arguments of a plain `tools/call` request, or nil for anything else.
    static func call(in message: [String: JSONValue], names: Set<String> = PlanhatTools.classicNames) -> (String, [String: Value]?)? {
        guard message["jsonrpc"] == "2.0", message["method"] == "tools/call",
            Set(message.keys).isSubset(of: ["jsonrpc", "id", "method", "params"]),
            RequestID.id(message["id"]) != nil,
            let params = message["params"]?.objectValue, Set(params.keys).isSubset(of: ["name", "arguments"]),
            let name = params["name"]?.stringValue, names.contains(name)
        else { return nil }
        switch params["arguments"] {
        case nil, .null?: return (name, nil)
        case .object(let members)?: return (name, members.mapValues { Value($0) })
        default: return nil
        }
    }

    /// ``call(in:)`` for a line of JSON.
    static func call(in line: Data) -> (String, [String: Value]?)? {
        guard let message = (try? JSONValue.parse(line))?.objectValue else { return nil }
        return call(in: message)
    }
}
