import Foundation
import MCP

/// The `tools/call` requests being worked on, by JSON-RPC id, whichever path serves them (the
/// shortcut or the SDK's server), so that `notifications/cancelled` stops them and the transport can
/// wait for them before the process exits.
final class CallRegistry: @unchecked Sendable {
    /// One call's place in the registry.
    struct Token: Sendable {
        fileprivate let serial: Int
        fileprivate let id: ID?
    }

    private struct Entry {
        var serial: Int
        var cancel: (@Sendable () -> Void)?
        var cancelled = false
    }

    private let lock = NSLock()
    private var entries: [ID: [Entry]] = [:]
    private var anonymous: Set<Int> = []
    private var nextSerial = 0
    /// Cancellations that arrived for a request still owed an answer before its call had started
    /// (the SDK starts handlers on tasks of their own); kept few, oldest dropped.
    private var early: [ID] = []
    private static let earlyLimit = 256

    /// How many calls are running.
    var running: Int {
        lock.withLock { entries.values.reduce(anonymous.count) { $0 + $1.count } }
    }

    /// Registers a call; when `id` was cancelled before the call began, it starts out cancelled.
    func begin(_ id: ID?) -> Token {
        lock.withLock {
            nextSerial += 1
            guard let id else {
                anonymous.insert(nextSerial)
                return Token(serial: nextSerial, id: nil)
            }
            var entry = Entry(serial: nextSerial)
            if let index = early.firstIndex(of: id) {
                early.remove(at: index)
                entry.cancelled = true
            }
            entries[id, default: []].append(entry)
            return Token(serial: nextSerial, id: id)
        }
    }

    /// How to stop the call; runs at once when the call was already cancelled.
    func attach(_ token: Token, cancel: @escaping @Sendable () -> Void) {
        let cancelNow: Bool = lock.withLock {
            guard let id = token.id, let index = entries[id]?.firstIndex(where: { $0.serial == token.serial }) else { return false }
            entries[id]?[index].cancel = cancel
            return entries[id]?[index].cancelled == true
        }
        if cancelNow { cancel() }
    }

    /// The call is over.
    func end(_ token: Token) {
        lock.withLock {
            guard let id = token.id else {
                anonymous.remove(token.serial)
                return
            }
            entries[id]?.removeAll { $0.serial == token.serial }
            if entries[id]?.isEmpty == true { entries[id] = nil }
        }
    }

    /// Stops the calls with this id. `pending` says the request is still owed an answer: a call that
    /// has not begun yet is then stopped as soon as it begins.
    func cancel(_ id: ID, pending: Bool) {
        let cancels: [@Sendable () -> Void] = lock.withLock {
            guard let found = entries[id], !found.isEmpty else {
                if pending {
                    early.append(id)
                    if early.count > Self.earlyLimit { early.removeFirst() }
                }
                return []
            }
            entries[id] = found.map { entry in
                var entry = entry
                entry.cancelled = true
                return entry
            }
            return found.compactMap(\.cancel)
        }
        for cancel in cancels { cancel() }
    }

    /// Runs `body` as a registered call: on a task of its own, so that a cancellation through the
    /// registry reaches it even when the caller's task was not cancelled.
    func run<T: Sendable>(_ id: ID?, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let token = begin(id)
        defer { end(token) }
        let task = Task { try await body() }
        attach(token) { task.cancel() }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}
