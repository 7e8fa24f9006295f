import Foundation
import Logging
import MCP
import PlanhatKit
import PlanhatMCP

/// The SDK `Server` for one HTTP session (stateful) or one POST (stateless), serving the tools of a
/// ``PlanhatMCPServer`` — whatever tool set and switches the shared options gave it — and its
/// resources (the journal's recent writes, the saved views: the same registration as stdio), with
/// its writes journaled as the session's or the request's ``JournalCaller``.
///
/// A call that gave a progress token hears `notifications/progress` as on stdio (``ProgressChannel``):
/// the items of a bulk upsert and what a wait for Planhat's quota still takes. The SDK's stateful
/// transport sends every notification on the session's GET stream; the stateless one has no stream
/// and drops them, so there only the answer says what the call waited (`waited`, and a last line).
/// A `notifications/cancelled` stops the call (the SDK cancels its handler): a wait stops at once,
/// and the request gets no answer.
struct ToolServer: Sendable {
    let server: Server
    let caller: JournalCaller
    let outlet: NotificationOutlet

    static func make(_ planhat: PlanhatMCPServer, caller: JournalCaller, logger: Logger) async -> ToolServer {
        let server = Server(
            name: "planhat-explorer", version: planhat.version, instructions: planhat.tools.instructions,
            capabilities: PlanhatMCPServer.capabilities, configuration: planhat.configuration)
        let tools = planhat.tools
        let outlet = NotificationOutlet()
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: tools.definitions)
        }
        await planhat.registerResources(on: server)
        await server.withMethodHandler(SetLoggingLevel.self) { _ in Empty() }
        await server.withMethodHandler(CallTool.self) { parameters in
            let sender = parameters._meta?.progressToken.map { outlet.sender(for: $0) }
            defer { sender?.finish() }
            do {
                let result = try await JournalRecorder.$caller.withValue(caller.label) {
                    try await tools.call(
                        parameters.name, arguments: parameters.arguments,
                        progress: sender?.channel.itemsReporter, waiting: sender?.channel.waitReporter)
                }
                await sender?.flushed()
                return result
            } catch is CancelledCall {
                logger.notice("tools/call \(parameters.name) cancelled")
                throw CancellationError()
            }
        }
        return ToolServer(server: server, caller: caller, outlet: outlet)
    }

    /// Starts the server on `transport`; the client's name from `initialize` goes to the caller.
    func start(on transport: any Transport) async throws {
        let caller = self.caller
        outlet.attach(transport)
        try await server.start(transport: transport) { client, _ in caller.named(client.name) }
    }
}

/// Where a session's progress notifications go: its transport, once the server has started on it.
final class NotificationOutlet: @unchecked Sendable {
    private let lock = NSLock()
    private var transport: (any Transport)?

    func attach(_ transport: any Transport) {
        lock.withLock { self.transport = transport }
    }

    /// The notifications of one call, sent in the order they were made.
    func sender(for token: ProgressToken) -> ProgressSender {
        ProgressSender(token: token, transport: lock.withLock { transport })
    }
}

/// One call's `notifications/progress`: a ``ProgressChannel`` whose messages go, in order, to the
/// transport; ``flushed()`` waits until every one was handed over, so none trails the answer.
struct ProgressSender: Sendable {
    let channel: ProgressChannel
    private let continuation: AsyncStream<Data>.Continuation
    private let delivery: Task<Void, Never>

    init(token: ProgressToken, transport: (any Transport)?) {
        let (stream, continuation) = AsyncStream<Data>.makeStream()
        self.continuation = continuation
        channel = ProgressChannel(token: token) { continuation.yield($0) }
        delivery = Task {
            for await data in stream { try? await transport?.send(data) }
        }
    }

    /// No more notifications.
    func finish() { continuation.finish() }

    /// Finishes and waits until every notification was handed to the transport.
    func flushed() async {
        continuation.finish()
        await delivery.value
    }
}
