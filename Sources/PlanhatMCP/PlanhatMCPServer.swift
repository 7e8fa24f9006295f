import Foundation
import Logging
import MCP
import PlanhatKit

/// `planhat --stdio`: an MCP server with Planhat's three tools over stdin and stdout.
///
/// stdout carries only JSON-RPC; logs go to stderr through swift-log. Calls are served
/// concurrently; when the client closes stdin, the calls in flight are answered before it returns.
public struct PlanhatMCPServer: Sendable {
    public let tools: PlanhatTools
    public let version: String
    let logger: Logger

    public init(service: PlanhatService, version: String, logger: Logger = Logger(label: "planhat.mcp")) {
        tools = PlanhatTools(service: service)
        self.version = version
        self.logger = logger
    }

    /// Serves until the client closes stdin.
    public func run(transport: StdioLineTransport = StdioLineTransport()) async throws {
        let server = Server(
            name: "planhat-explorer", version: version,
            instructions: "Planhat customer-success data. Call get_model_actions to see the models, "
                + "get_model_action_parameters for an operation's fields, then perform_model_action.",
            capabilities: .init(tools: .init(listChanged: false)))
        let tools = self.tools
        let logger = self.logger
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: tools.definitions)
        }
        await server.withMethodHandler(CallTool.self) { parameters in
            let started = ContinuousClock.now
            let result = try await tools.call(parameters.name, arguments: parameters.arguments)
            logger.debug("tools/call \(parameters.name) → \(result.isError == true ? "error" : "ok") in \(ContinuousClock.now - started)")
            return result
        }
        await transport.shortcutToolCalls(to: tools)
        try await server.start(transport: transport) { client, _ in
            logger.info("MCP client connected: \(client.name) \(client.version)")
        }
        await server.waitUntilCompleted()
        await transport.drain()
        await server.stop()
    }
}
