import Foundation

/// A bulk upsert sent chunk by chunk (``BulkItems/chunks(_:size:)``), the summaries added up
/// (``BulkItems/merge(_:_:offset:)``), stopping between chunks when its task is cancelled. The CLI,
/// the MCP tools and the remote client run their upserts through it.
///
/// A chunk in flight always runs to its end (on a task of its own, which cancellation does not
/// reach), so what was applied is known exactly: a request cut off half-way may or may not have
/// been applied.
public struct BulkUpsertRun: Sendable {
    /// Reports `done` of `total` items and the requests sent, after each chunk.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int, _ requests: Int) async -> Void

    /// The run stopped because its task was cancelled: how many items were applied by then.
    public struct Stopped: Error, Sendable, Hashable {
        public var applied: Int
        public var total: Int
        /// The summary of the chunks applied.
        public var summary: JSONValue
    }

    public let chunkSize: Int
    public let progress: Progress?

    public init(chunkSize: Int = BulkItems.chunkSize, progress: Progress? = nil) {
        self.chunkSize = max(1, chunkSize)
        self.progress = progress
    }

    /// Sends `request`'s items in chunks through `send`.
    ///
    /// - Throws: ``Stopped`` when cancelled between chunks; a failed chunk's ``PlanhatError``,
    ///   saying which chunk stopped the run and what the earlier chunks applied.
    public func run(_ request: PlanhatRequest, send: @escaping @Sendable (PlanhatRequest) async throws -> JSONValue) async throws -> JSONValue {
        let items = request.body?.arrayValue ?? []
        let chunks = BulkItems.chunks(items, size: chunkSize)
        var merged = JSONValue.object([:])
        var applied = 0
        for (index, chunk) in chunks.enumerated() {
            if Task.isCancelled { throw Stopped(applied: applied, total: items.count, summary: merged) }
            var part = request
            part.body = .array(Array(chunk))
            let answer: JSONValue
            do {
                answer = try await Task { [part] in try await send(part) }.value
            } catch var error as PlanhatError where index > 0 {
                error.message = "bulk upsert stopped at chunk \(index + 1) of \(chunks.count) "
                    + "(items \(chunk.startIndex)–\(chunk.endIndex - 1)): \(error.message)"
                error.details.insert("Items 0–\(applied - 1) were applied: \(merged.compactText())", at: 0)
                throw error
            }
            merged = chunks.count == 1 ? answer : BulkItems.merge(merged, answer, offset: chunk.startIndex)
            applied = chunk.endIndex
            await progress?(applied, items.count, index + 1)
        }
        if Task.isCancelled, !chunks.isEmpty, applied < items.count { throw Stopped(applied: applied, total: items.count, summary: merged) }
        return merged
    }
}
