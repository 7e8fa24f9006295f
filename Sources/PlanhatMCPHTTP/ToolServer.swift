import Foundation
import Logging
import MCP
import PlanhatKit
import PlanhatMCP

/// The SDK `Server` for one HTTP session (stateful) or one POST (stateless), serving the tools of a
/// ``PlanhatMCPServer`` — whatever tool set and switches the shared options gave it — with its writes
/// journaled as the session's or the request's ``JournalCaller``.
struct ToolServer: Sendable {
    let server: Server
    let caller: JournalCaller

    static func make(_ planhat: PlanhatMCPServer, caller: JournalCaller, logger: Logger) async -> ToolServer {
        let server = Server(
            name: "planhat-explorer", version: planhat.version, instructions: PlanhatMCPServer.instructions,
            capabilities: .init(logging: .init(), tools: .init(listChanged: false)), configuration: planhat.configuration)
        let tools = planhat.tools
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: tools.definitions)
        }
        await server.withMethodHandler(SetLoggingLevel.self) { _ in Empty() }
        await server.withMethodHandler(CallTool.self) { [weak server] parameters in
            var progress: PlanhatTools.Progress?
            if let token = parameters._meta?.progressToken {
                progress = { [weak server] done, total in
                    let notification = ProgressNotification.message(
                        .init(progressToken: token, progress: Double(done), total: Double(total), message: "\(done) of \(total) items applied"))
                    try? await server?.notify(notification)
                }
            }
            do {
                return try await JournalRecorder.$caller.withValue(caller.label) {
                    try await tools.call(parameters.name, arguments: parameters.arguments, progress: progress)
                }
            } catch is CancelledCall {
                logger.notice("tools/call \(parameters.name) cancelled")
                throw CancellationError()
            }
        }
        return ToolServer(server: server, caller: caller)
    }

    /// Starts the server on `transport`; the client's name from `initialize` goes to the caller.
    func start(on transport: any Transport) async throws {
        let caller = self.caller
        try await server.start(transport: transport) { client, _ in caller.named(client.name) }
    }
}
