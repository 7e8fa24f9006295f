import Foundation
import Logging
import MCP
import PlanhatKit

/// `planhat --stdio`: an MCP server with Planhat's three tools over stdin and stdout.
///
/// stdout carries only JSON-RPC; logs go to stderr through swift-log. Calls are served
/// concurrently; when the client closes stdin, the calls in flight are answered before it returns.
/// A cancelled call gets no answer; what it had applied is logged and sent as a log message.
/// Plain `tools/call` requests skip the SDK's dispatch (``ToolCallShortcut``, plugged into the
/// transport as its interceptor) and get the answers the SDK's server would give, strict mode included.
public struct PlanhatMCPServer: Sendable {
    /// The three tools it serves.
    public let tools: PlanhatTools
    /// The version it reports in `initialize`.
    public let version: String
    /// The SDK server's configuration: `.default`, or `.strict` to serve nothing but `initialize` and
    /// `ping` before the client has initialized.
    public let configuration: Server.Configuration
    /// The saved views it offers as resources (`planhat://views/NAME`), read again at each request.
    public let views: @Sendable () throws -> [SavedView]
    let logger: Logger

    /// A server over `service`.
    ///
    /// - Parameter views: the session's saved views (the CLI gives the views file's and, on the
    ///   sandbox, the built-in ones: ``SavedViews/all(store:sandbox:)``).
    /// - Parameter upstream: where `search_records` and the document tools go on a backend without them.
    public init(
        service: PlanhatService, version: String, options: MCPServerOptions = MCPServerOptions(),
        configuration: Server.Configuration = .default, logger: Logger = Logger(label: "planhat.mcp"),
        views: @escaping @Sendable () throws -> [SavedView] = { [] }, upstream: Upstream? = nil
    ) {
        tools = PlanhatTools(service: service, options: options, upstream: upstream, logger: logger)
        self.views = views
        self.version = version
        self.configuration = configuration
        self.logger = logger
    }

    /// What `initialize` tells the client about the tools (stdio and HTTP alike).
    public static let instructions = "Planhat customer-success data. Call get_model_actions to see the models, "
        + "get_model_action_parameters for an operation's fields, then perform_model_action."

    /// The capabilities every transport announces: logging, the resources and the tools.
    package static let capabilities = Server.Capabilities(
        logging: .init(), resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false))

    /// Serves `resources/list` and `resources/read` on `server` (stdio and HTTP alike): the journal's
    /// recent writes and the saved views, read within the answer budget.
    package func registerResources(on server: Server) async {
        await resources.register(on: server)
    }

    /// The resources it serves: the journal's recent writes and the saved views.
    var resources: ServedResources {
        let recordTool = tools.options.toolset.hasHosted ? "\(PlanhatTools.getName) SELECT" : "\(PlanhatTools.performName) view select"
        return ServedResources(
            journal: JournalResource(service: tools.service),
            views: ViewResources(service: tools.service, views: views, budget: tools.options.maxResultBytes, recordTool: recordTool))
    }

    /// Serves until the client closes stdin.
    public func run(transport: StdioLineTransport = StdioLineTransport()) async throws {
        let server = Server(
            name: "planhat-explorer", version: version,
            instructions: tools.instructions,
            capabilities: Self.capabilities, configuration: configuration)
        let tools = self.tools
        let logger = self.logger
        let reporter = CancellationReporter(logger: logger) { transport.post($0) }
        let calls = transport.calls
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: tools.definitions)
        }
        await registerResources(on: server)
        await server.withMethodHandler(SetLoggingLevel.self) { parameters in
            reporter.clientLevel.set(parameters.level)
            return Empty()
        }
        await server.withMethodHandler(CallTool.self) { parameters in
            let id = SDKHandlerContext.requestID()
            let channel = parameters._meta?.progressToken.map { ProgressChannel(token: $0, post: transport.post) }
            return try await calls.run(id) {
                let started = ContinuousClock.now
                do {
                    let result = try await tools.call(
                        parameters.name, arguments: parameters.arguments,
                        progress: channel?.itemsReporter, waiting: channel?.waitReporter)
                    logger.debug("tools/call \(parameters.name) → \(result.isError == true ? "error" : "ok") in \(ContinuousClock.now - started)")
                    return result
                } catch let cancelled as CancelledCall {
                    reporter.report(cancelled, requestID: id)
                    throw CancellationError()
                }
            }
        }
        let session = SessionState(configuration: configuration)
        transport.setInterceptor(ToolCallShortcut(tools: tools, calls: calls, reporter: reporter, session: session, reply: transport.post))
        try await server.start(transport: transport) { client, _ in
            session.noteInitialized()
            tools.service.journal?.client = client.name
            logger.info("MCP client connected: \(client.name) \(client.version)")
        }
        await server.waitUntilCompleted()
        await transport.drain()
        await server.stop()
    }
}

/// `notifications/progress` for one request that gave a progress token: the items of a bulk upsert
/// applied after each chunk, and what a wait for Planhat's quota still takes. Its progress value
/// grows with every notification, as MCP asks, whichever kind it is. `post` gets each notification
/// as JSON, in order (stdio writes it as a line; HTTP hands it to the session's transport).
package final class ProgressChannel: @unchecked Sendable {
    let token: ProgressToken
    let post: @Sendable (Data) -> Void
    private let lock = NSLock()
    private var last: Double = 0

    package init(token: ProgressToken, post: @escaping @Sendable (Data) -> Void) {
        self.token = token
        self.post = post
    }

    /// ``items(_:_:)`` as the tools take it.
    package var itemsReporter: PlanhatTools.Progress { { [self] done, total in items(done, total) } }
    /// ``note(_:)`` as the tools take it.
    package var waitReporter: PlanhatTools.Waiting { { [self] message in note(message) } }

    /// `done` of `total` items applied.
    func items(_ done: Int, _ total: Int) {
        send(Double(done), total: Double(total), message: "\(done) of \(total) items applied")
    }

    /// A message with no count of its own (a wait): one step past the last notification.
    func note(_ message: String) {
        send(nil, total: nil, message: message)
    }

    private func send(_ progress: Double?, total: Double?, message: String) {
        let data: Data? = lock.withLock {
            let value = progress.flatMap { $0 > last ? $0 : nil } ?? last + 1
            last = value
            let notification = ProgressNotification.message(
                .init(progressToken: token, progress: value, total: total.flatMap { $0 >= value ? $0 : nil }, message: message))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return try? encoder.encode(notification)
        }
        if let data { post(data) }
    }
}

/// The JSON-RPC id of the request an SDK method handler is serving.
///
/// The SDK sets `Server.currentHandlerContext` for every handler but keeps its `id` package-scoped;
/// it is read by reflection. Should the SDK change that layout, this answers nil: cancellation still
/// reaches the call through the SDK's own handler task, and reports just lack the request id.
enum SDKHandlerContext {
    static func requestID() -> ID? {
        guard let context = Server.currentHandlerContext else { return nil }
        return Mirror(reflecting: context).children.first { $0.label == "id" }?.value as? ID
    }
}
