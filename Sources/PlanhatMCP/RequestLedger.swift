import Foundation
import MCP

/// The requests read and not yet answered, by id (a request whose id is reused while in flight
/// counts twice).
final class RequestLedger: @unchecked Sendable {
    private let lock = NSLock()
    private var owed: [ID: Int] = [:]

    /// How many requests are still owed an answer.
    var outstanding: Int { lock.withLock { owed.values.reduce(0, +) } }

    func noteRequest(_ id: ID) {
        lock.withLock { owed[id, default: 0] += 1 }
    }

    func noteAnswered(_ id: ID) {
        lock.withLock {
            guard let count = owed[id] else { return }
            owed[id] = count > 1 ? count - 1 : nil
        }
    }

    /// Stops waiting for the answer to a cancelled request; whether it was still owed one.
    func forget(_ id: ID) -> Bool {
        lock.withLock { owed.removeValue(forKey: id) != nil }
    }
}
