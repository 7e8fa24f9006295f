import Foundation
import MCP
import PlanhatKit

/// A request the transport has read and checked (``MessageGate``): valid JSON-RPC 2.0, an id MCP
/// allows, and params the method can take.
public struct IncomingRequest: Sendable {
    /// The request's JSON-RPC id.
    public let id: ID
    /// The method it calls (`tools/call`, `ping`, …).
    public let method: String
    /// The whole message, parsed.
    public let message: [String: JSONValue]

    /// A checked request (the transport makes these; tests may too).
    public init(id: ID, method: String, message: [String: JSONValue]) {
        self.id = id
        self.method = method
        self.message = message
    }
}

/// Serves some requests in place of the SDK's server.
///
/// ``StdioLineTransport`` offers it every checked request before the server sees it; a request it
/// declines goes on to the server unchanged. One it takes is owed exactly one answer (none once the
/// client cancels it), sent through ``StdioLineTransport/post(_:)`` so that the answer settles the
/// request, lands in its batch, and a failed write is reported like any other.
/// The transport knows nothing of what an interceptor serves: ``PlanhatMCPServer`` plugs the tool
/// shortcut in from outside.
public protocol RequestInterceptor: Sendable {
    /// Whether it takes `request`. It runs on the transport's reader thread: it must decide at once
    /// and do the work (and answer) on a task of its own.
    func intercept(_ request: IncomingRequest) -> Bool
}
