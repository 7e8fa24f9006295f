import Foundation
import Testing

@testable import PlanhatKit
@testable import PlanhatRemote

@Suite("Retry policy")
struct RetryTests {
    @Test("Retry-After: delta-seconds, HTTP dates and garbage")
    func retryAfter() {
        #expect(RetryAfter.seconds(from: "1") == 1)
        #expect(RetryAfter.seconds(from: " 2.5 ") == 2.5)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryAfter.seconds(from: "Tue, 14 Nov 2023 22:13:30 GMT", now: now) == 10)
        #expect(RetryAfter.seconds(from: "Tue, 14 Nov 2023 22:13:00 GMT", now: now) == 0, "a date in the past means now")
        #expect(RetryAfter.seconds(from: "soon") == nil)
        #expect(RetryAfter.seconds(from: "-3") == nil)
        #expect(RetryAfter.seconds(from: "") == nil)
        #expect(RetryAfter.seconds(from: nil) == nil)
    }

    @Test("backoff doubles from the base, jitters, and stays under the cap")
    func backoff() {
        let policy = RetryPolicy(baseDelay: 0.5, maximumDelay: 8)
        #expect(policy.backoff(attempt: 1, random: 1) == 0.5)
        #expect(policy.backoff(attempt: 1, random: 0) == 0.25)
        #expect(policy.backoff(attempt: 3, random: 1) == 2)
        #expect(policy.backoff(attempt: 10, random: 1) == 8)
        for attempt in 1...40 {
            let delay = policy.backoff(attempt: attempt)
            #expect(delay >= 0.25 && delay <= 8)
        }
    }

    @Test("only reads and single-record writes are repeated after a 5xx")
    func idempotence() throws {
        let service = PlanhatService(backend: NeverBackend())
        let create = try service.prepare(model: "companies", operation: "create", parameters: ["name": "A"])
        let bulk = try service.prepare(model: "companies", operation: "bulkUpsert", parameters: ["items": [["name": "A"]]])
        let list = try service.prepare(model: "companies", operation: "list", parameters: [:])
        let update = try service.prepare(model: "companies", operation: "update", parameters: ["id": "extid-A", "name": "B"])
        #expect(!RetryPolicy.isIdempotent(create) && !RetryPolicy.isIdempotent(bulk))
        #expect(RetryPolicy.isIdempotent(list) && RetryPolicy.isIdempotent(update))
    }

    @Test("bulk summaries of chunks add up, with error indexes shifted")
    func mergeSummaries() {
        let first: JSONValue = ["created": 2, "createdErrors": [["index": 1]], "insertsKeys": [["_id": "a"]]]
        let second: JSONValue = ["created": 3, "createdErrors": [["index": 0]], "insertsKeys": [["_id": "b"]]]
        let merged = BulkItems.merge(BulkItems.merge([:], first, offset: 0), second, offset: 5000)
        #expect(merged["created"] == 5)
        #expect(merged["createdErrors"] == [["index": 1], ["index": 5000]])
        #expect(merged["insertsKeys"]?.arrayValue?.count == 2)
    }

    @Test("the limiter caps requests per minute")
    func limiter() async throws {
        let limiter = RequestLimiter(limits: .init(perSecond: 100, concurrent: 2, perMinute: 3))
        for _ in 0..<3 {
            try await limiter.acquire()
            await limiter.release()
        }
        let waiting = Task { try await limiter.acquire() }
        try await Task.sleep(for: .milliseconds(200))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }
}

struct NeverBackend: PlanhatBackend {
    var info: BackendInfo { BackendInfo(kind: .remote, location: "https://example.invalid") }
    func execute(_ request: PlanhatRequest) async throws -> JSONValue { [] }
}
