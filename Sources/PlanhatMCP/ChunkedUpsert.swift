import Foundation
import Logging
import PlanhatKit

/// A bulk upsert sent in chunks that stops between chunks when its call is cancelled.
///
/// A chunk in flight always runs to its end (on a task of its own that the cancellation does not
/// reach), so what was applied is known exactly: a request cut off half-way could have been applied
/// or not. After each chunk the call's cancellation is checked; when set, ``CancelledCall`` says how
/// many items were applied. The summary of a chunked upsert is the chunks' summaries added up, as the
/// CLI and the explorer add them (``BulkItems/merge(_:_:offset:)``).
struct ChunkedUpsert: Sendable {
    /// Reports `done` of `total` items after each chunk.
    typealias Progress = @Sendable (_ done: Int, _ total: Int) async -> Void

    let service: PlanhatService
    let chunkSize: Int
    let tool: String
    let progress: Progress?
    let logger: Logger

    func run(_ request: PlanhatRequest) async throws -> JSONValue {
        let items = request.body?.arrayValue ?? []
        let ranges = stride(from: 0, to: items.count, by: max(1, chunkSize)).map { $0..<min(items.count, $0 + max(1, chunkSize)) }
        var merged = JSONValue.object([:])
        var applied = 0
        for (index, range) in ranges.enumerated() {
            if Task.isCancelled { throw cancelled(request, applied: applied, total: items.count, summary: merged) }
            let chunk = Self.chunk(of: request, items[range])
            let part: JSONValue
            do {
                part = try await Self.uninterrupted { [service] in try await service.perform(chunk) }
            } catch var error as PlanhatError where index > 0 {
                error.message = "bulk upsert stopped at chunk \(index + 1) of \(ranges.count) "
                    + "(items \(range.lowerBound)–\(range.upperBound - 1)): \(error.message)"
                error.details.insert("Items 0–\(applied - 1) were applied: \(merged.compactText())", at: 0)
                throw error
            }
            if ranges.count == 1 { merged = part } else { merged = BulkItems.merge(merged, part, offset: range.lowerBound) }
            applied = range.upperBound
            logger.info("bulk upsert \(request.model.route): chunk \(index + 1) of \(ranges.count) applied (\(applied) of \(items.count) items)")
            await progress?(applied, items.count)
        }
        if Task.isCancelled { throw cancelled(request, applied: applied, total: items.count, summary: merged) }
        return merged
    }

    private static func chunk(of request: PlanhatRequest, _ items: ArraySlice<JSONValue>) -> PlanhatRequest {
        var chunk = request
        chunk.body = .array(Array(items))
        return chunk
    }

    private func cancelled(_ request: PlanhatRequest, applied: Int, total: Int, summary: JSONValue) -> CancelledCall {
        CancelledCall(tool: tool, model: request.model.route, operation: .bulkUpsert, applied: applied, total: total, outcome: summary)
    }

    /// Runs `body` to its end even when the calling task is cancelled (an unstructured task does not
    /// inherit cancellation).
    static func uninterrupted<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Task { try await body() }.value
    }
}
