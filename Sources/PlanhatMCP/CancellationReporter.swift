import Foundation
import Logging
import MCP
import PlanhatKit

/// Tells what a cancelled call had done, since it gets no response: on stderr always, and to the
/// client as an MCP log message (`notifications/message`, logger `planhat.mcp`): `warning` when
/// data was changed, `info` otherwise, filtered by the level the client set with `logging/setLevel`.
public final class CancellationReporter: Sendable {
    private let logger: Logger
    private let post: @Sendable (Data) -> Void
    /// The least severe level the client wants (`logging/setLevel`); everything until it asks.
    public let clientLevel = ClientLogLevel()

    /// - Parameters:
    ///   - logger: stderr.
    ///   - post: sends a message to the client (a notification: it settles no request).
    public init(logger: Logger, post: @escaping @Sendable (Data) -> Void) {
        self.logger = logger
        self.post = post
    }

    /// Reports one cancelled call.
    public func report(_ call: CancelledCall, requestID: ID?) {
        let request = requestID.map { "request \($0): " } ?? ""
        if call.changedData {
            logger.warning("\(request)\(call.message)")
        } else {
            logger.notice("\(request)\(call.message)")
        }
        let level: LogLevel = call.changedData ? .warning : .info
        guard clientLevel.wants(level) else { return }
        var data = call.jsonValue
        if let requestID, case .object(var members) = data {
            members["requestId"] = RequestID.json(requestID)
            data = .object(members)
        }
        let notification = LogMessageNotification.message(.init(level: level, logger: "planhat.mcp", data: MCP.Value(data)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let message = try? encoder.encode(notification) else { return }
        post(message)
    }
}

/// The minimum level of the log messages the client wants, as `logging/setLevel` set it.
public final class ClientLogLevel: @unchecked Sendable {
    private let lock = NSLock()
    private var minimum: LogLevel?

    public init() {}

    public func set(_ level: LogLevel) {
        lock.withLock { minimum = level }
    }

    /// Whether a message at `level` goes to the client.
    public func wants(_ level: LogLevel) -> Bool {
        lock.withLock {
            guard let minimum, let wanted = LogLevel.allCases.firstIndex(of: minimum),
                let index = LogLevel.allCases.firstIndex(of: level)
            else { return true }
            return index >= wanted
        }
    }
}
