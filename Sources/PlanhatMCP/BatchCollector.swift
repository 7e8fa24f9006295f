import Foundation
import MCP

/// Holds the answers to the requests of a JSON-RPC batch until all are in, then gives them back as
/// one array, in the order of the batch (JSON-RPC 2.0 §6). Notifications in a batch get no place;
/// a request cancelled by the client loses its place; a batch of notifications only gets no answer.
final class BatchCollector: @unchecked Sendable {
    /// One element's place in a batch's answer.
    enum Slot {
        case answered(Data)
        case waiting(ID)
    }

    private let lock = NSLock()
    private var batches: [Int: [Slot?]] = [:]
    private var owners: [ID: Int] = [:]
    private var nextBatch = 0

    /// Whether any batch is waiting for answers (checked before looking at an outgoing message).
    var isEmpty: Bool { lock.withLock { batches.isEmpty } }

    /// Opens a batch; answers it at once (the array) when nothing is left to wait for.
    func open(_ slots: [Slot]) -> Data? {
        lock.withLock {
            nextBatch += 1
            var waiting = false
            for case .waiting(let id) in slots {
                owners[id] = nextBatch
                waiting = true
            }
            guard waiting else { return Self.array(slots) }
            batches[nextBatch] = slots
            return nil
        }
    }

    /// What becomes of an outgoing answer to request `id`.
    enum Absorbed {
        /// Not a batch's: send it as it is.
        case notMine
        /// Kept for its batch, which still waits for others.
        case held
        /// Its batch is complete: send this array instead (nil: nothing to send).
        case complete(Data?)
    }

    /// Takes the answer to `id` when it belongs to an open batch.
    func absorb(_ id: ID, answer: Data) -> Absorbed {
        lock.withLock {
            guard let batch = owners.removeValue(forKey: id), var slots = batches[batch],
                let index = slots.firstIndex(where: { if case .waiting(id)? = $0 { true } else { false } })
            else { return .notMine }
            slots[index] = .answered(answer)
            return finish(batch, slots)
        }
    }

    /// Gives up the place of a cancelled request (it gets no answer); may complete its batch.
    func cancel(_ id: ID) -> Data? {
        lock.withLock {
            guard let batch = owners.removeValue(forKey: id), var slots = batches[batch],
                let index = slots.firstIndex(where: { if case .waiting(id)? = $0 { true } else { false } })
            else { return nil }
            slots[index] = nil
            if case .complete(let data) = finish(batch, slots) { return data }
            return nil
        }
    }

    private func finish(_ batch: Int, _ slots: [Slot?]) -> Absorbed {
        let done = slots.allSatisfy { slot in
            if case .waiting? = slot { return false }
            return true
        }
        guard done else {
            batches[batch] = slots
            return .held
        }
        batches[batch] = nil
        return .complete(Self.array(slots.compactMap { $0 }))
    }

    private static func array(_ slots: [Slot]) -> Data? {
        let answers = slots.compactMap { slot -> Data? in
            if case .answered(let data) = slot { return data }
            return nil
        }
        guard !answers.isEmpty else { return nil }
        var data = Data("[".utf8)
        for (index, answer) in answers.enumerated() {
            if index > 0 { data.append(UInt8(ascii: ",")) }
            data.append(answer)
        }
        data.append(UInt8(ascii: "]"))
        return data
    }
}
