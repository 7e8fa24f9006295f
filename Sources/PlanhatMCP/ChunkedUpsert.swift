import Foundation
import Logging
import PlanhatKit

/// A bulk upsert for a `tools/call`: the core's ``BulkUpsertRun`` (chunks, merged summaries, a stop
/// between chunks when the call is cancelled), its stop told as a ``CancelledCall``.
struct ChunkedUpsert: Sendable {
    /// Reports `done` of `total` items after each chunk.
    typealias Progress = @Sendable (_ done: Int, _ total: Int) async -> Void

    let service: PlanhatService
    let chunkSize: Int
    let tool: String
    let progress: Progress?
    let logger: Logger

    func run(_ request: PlanhatRequest) async throws -> JSONValue {
        let logger = self.logger, progress = self.progress, route = request.model.route, size = max(1, chunkSize)
        let run = BulkUpsertRun(chunkSize: size) { done, total, requests in
            logger.info("bulk upsert \(route): chunk \(requests) of \((total + size - 1) / size) applied (\(done) of \(total) items)")
            await progress?(done, total)
        }
        do {
            return try await run.run(request) { [service] chunk in try await service.perform(chunk) }
        } catch let stopped as BulkUpsertRun.Stopped {
            throw CancelledCall(tool: tool, model: route, operation: .bulkUpsert, applied: stopped.applied, total: stopped.total, outcome: stopped.summary)
        }
    }

    /// Runs `body` to its end even when the calling task is cancelled (an unstructured task does not
    /// inherit cancellation).
    static func uninterrupted<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Task { try await body() }.value
    }
}
