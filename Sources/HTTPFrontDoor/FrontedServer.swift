import FlyingFox
import FlyingSocks
import Foundation
import PlanhatKit

/// FlyingFox behind a ``FrontDoor``: the one way `sandbox serve` and `mcp --http` start.
///
/// It binds the public listener (a refusal names the address and what to try), runs FlyingFox on a
/// private socket no other machine can reach, and starts the front door once FlyingFox listens.
package struct FrontedServer: Sendable {
    /// Where the public listener binds.
    package let address: ListenAddress
    /// The host as the user gave it, for messages.
    package let host: String
    /// The port asked for (0 picks a free one).
    package let port: UInt16
    /// The front door's limits; `handlerTimeout` bounds FlyingFox's handler.
    package let limits: ServeLimits
    /// The request header the front door sets to the client's address (any copy the client sent removed).
    package let clientAddressHeader: String?

    /// A server on `address` (`host` as given) and `port`.
    package init(address: ListenAddress, host: String, port: UInt16, limits: ServeLimits, clientAddressHeader: String? = nil) {
        self.address = address
        self.host = host
        self.port = port
        self.limits = limits
        self.clientAddressHeader = clientAddressHeader
    }

    /// Serves `handler` until cancelled or until a task ends. `onListening` receives the bound port;
    /// `beside` runs alongside for the server's lifetime (a session reaper, say).
    package func run(
        handler: some HTTPHandler, onListening: @escaping @Sendable (UInt16) -> Void,
        beside: (@Sendable () async throws -> Void)? = nil
    ) async throws {
        let listener: Socket
        do {
            listener = try address.listeningSocket(port: port)
        } catch {
            let reason = if case .failed(_, _, let message) = error as? SocketError { message } else { error.localizedDescription }
            throw PlanhatError.configuration(
                "cannot serve on \(host):\(port): \(reason)", details: ["Is the port in use? Pick another with --port (0 picks a free one)."])
        }
        let privateAddress = PrivateSocket.address()
        let server = HTTPServer(
            config: HTTPServer.Configuration(address: privateAddress, timeout: limits.handlerTimeout.seconds, logger: .disabled),
            handler: handler)
        let frontDoor = FrontDoor(listener: listener, upstream: privateAddress, limits: limits, clientAddressHeader: clientAddressHeader)
        defer { PrivateSocket.remove(privateAddress) }
        let port = self.port
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            group.addTask {
                do {
                    try await server.waitUntilListening(timeout: 10)
                } catch {
                    try? listener.close()
                    throw error
                }
                onListening(ListenAddress.boundPort(of: listener) ?? port)
                try await frontDoor.run()
            }
            if let beside { group.addTask { try await beside() } }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
