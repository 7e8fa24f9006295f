import Foundation
import MCP
import PlanhatKit

/// Serves a plain `tools/call` for one of the three tools without the SDK server's generic
/// dispatch, which decodes each message up to three times into `Value`s and runs a regular
/// expression (`Data.isDataURL`) over every string argument: a third of a call's time.
///
/// The request is read with Foundation's JSON parser; the answer is the SDK's own
/// `Response<CallTool>`, encoded as the SDK encodes it. Anything else (other methods, batches,
/// requests with `_meta`, odd ids or unknown tools) goes to the SDK unchanged, so the protocol
/// (errors, initialization, notifications) stays the SDK's.
struct ToolCallShortcut: Sendable {
    let tools: PlanhatTools
    private static let names: Set<String> = [PlanhatTools.discoverName, PlanhatTools.schemaName, PlanhatTools.performName]
    private static let marker = Data("\"tools/call\"".utf8)

    /// Takes the line when it is a plain `tools/call` for one of the tools; the answer goes to `reply`.
    func take(_ line: Data, reply: @escaping @Sendable (Data) async -> Void) -> Bool {
        guard line.range(of: Self.marker) != nil, let (id, name, arguments) = Self.call(in: line) else { return false }
        let tools = self.tools
        Task {
            let response: Response<CallTool>
            do {
                response = Response(id: id, result: try await tools.call(name, arguments: arguments))
            } catch let error as MCPError {
                response = Response(id: id, error: error)
            } catch {
                response = Response(id: id, error: .internalError("\(error)"))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard let data = try? encoder.encode(response) else { return }
            await reply(data)
        }
        return true
    }

    /// The id, tool name and arguments of a plain `tools/call` request, or nil for anything else.
    static func call(in line: Data) -> (ID, String, [String: Value]?)? {
        guard let message = (try? JSONValue.parse(line))?.objectValue, message["jsonrpc"] == "2.0", message["method"] == "tools/call",
            Set(message.keys).isSubset(of: ["jsonrpc", "id", "method", "params"]),
            let params = message["params"]?.objectValue, Set(params.keys).isSubset(of: ["name", "arguments"]),
            let name = params["name"]?.stringValue, names.contains(name)
        else { return nil }
        let id: ID
        switch message["id"] {
        case .string(let text)?: id = .string(text)
        case .integer(let number)?: id = .number(number)
        default: return nil
        }
        switch params["arguments"] {
        case nil, .null?: return (id, name, nil)
        case .object(let members)?: return (id, name, members.mapValues { Value($0) })
        default: return nil
        }
    }
}
