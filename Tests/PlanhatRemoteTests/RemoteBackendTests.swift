import Foundation
import PlanhatTestSupport
import Testing

@testable import PlanhatKit
@testable import PlanhatRemote

/// The remote client against the sandbox server in this process, its requests handed to the
/// server's handler directly (the built binary's `sandbox serve`, over a socket, is tested by
/// ``RemoteCLITests``).
@Suite("Remote client against the sandbox server")
struct RemoteBackendTests {
    static let fastRetry = RetryPolicy(rateLimitAttempts: 5, rateLimitBudget: 60, serverErrorAttempts: 3, baseDelay: 0.05, maximumDelay: 0.2)

    func service(_ server: InProcessSandbox, token: String = "test-token", retry: RetryPolicy = fastRetry) -> PlanhatService {
        let backend = RemoteBackend(
            baseURL: server.baseURL, token: APIToken(token)!, timeout: 10, retry: retry,
            limiter: RequestLimiter(limits: .init(perMinute: 10_000)), transport: server.transport(timeout: 10))
        return PlanhatService(backend: backend)
    }

    @Test("every operation works end to end, keyed ids included")
    func everyOperation() async throws {
        let server = try InProcessSandbox()
        let service = service(server)
        let top = try #require(try await service.perform(model: "companies", operation: "list", parameters: ["limit": 3, "sort": "-arr", "select": "name,arr,externalId,sourceId"]).arrayValue)
        #expect(top.count == 3)
        let arrs = top.compactMap { $0["arr"]?.intValue }
        #expect(arrs == arrs.sorted(by: >))
        let company = top[0]
        for id in [company["_id"]?.stringValue ?? "", "extid-" + (company["externalId"]?.stringValue ?? ""), "srcid-" + (company["sourceId"]?.stringValue ?? "")] {
            let viewed = try await service.perform(model: "companies", operation: "view", parameters: ["id": .string(id)])
            #expect(viewed["_id"] == company["_id"], "view by \(id)")
        }
        let created = try await service.perform(model: "endusers", operation: "create", parameters: [
            "email": "remote@example.com", "companyId": .string("extid-" + (company["externalId"]?.stringValue ?? "")),
        ])
        let id = try #require(created["_id"]?.stringValue)
        #expect(created["companyId"] == company["_id"])
        let updated = try await service.perform(model: "endusers", operation: "update", parameters: ["id": .string(id), "position": "CFO"])
        #expect(updated["position"] == "CFO" && updated["email"] == "remote@example.com")
        let summary = try await service.perform(model: "endusers", operation: "bulkUpsert", parameters: ["items": [["email": "remote@example.com", "position": "CEO"]]])
        #expect(summary["updated"] == 1)
        let deleted = try await service.perform(model: "endusers", operation: "delete", parameters: ["id": .string(id)])
        #expect(deleted["deletedCount"] == 1)
        let gone = await failure { try await service.perform(model: "endusers", operation: "view", parameters: ["id": .string(id)]) }
        #expect(gone?.status == 404)
        #expect(gone?.cause == .recordNotFound)
        #expect(gone?.guidance.contains("no record has this id") == true)
        let notes = try #require(try await service.perform(model: "notes", operation: "list", parameters: ["limit": 5]).arrayValue)
        #expect(!notes.isEmpty && notes.allSatisfy { $0["type"] == "note" })
    }

    @Test("a bulk upsert of 12 000 items goes out in 3 requests of at most 5 000")
    func chunkedBulkUpsert() async throws {
        let server = try InProcessSandbox(companies: 5)
        let progress = ProgressLog()
        let backend = RemoteBackend(
            baseURL: server.baseURL, token: APIToken("t")!, retry: Self.fastRetry,
            limiter: RequestLimiter(limits: .init(perMinute: 10_000)), transport: server.transport(), progress: { progress.append($0) })
        let items = (0..<12_000).map { index -> JSONValue in ["name": .string("Bulk \(index)"), "externalId": .string("BULK-\(index)")] }
        let summary = try await PlanhatService(backend: backend).perform(model: "companies", operation: "bulkUpsert", parameters: ["items": .array(items)])
        #expect(summary["created"] == 12_000)
        #expect(summary["upsertedIds"]?.arrayValue?.count == 12_000)
        #expect(await server.count("PUT /companies") == 3)
        #expect(progress.entries.map(\.done) == [5_000, 10_000, 12_000])
    }

    @Test("429 twice with Retry-After: 1, then success after at least 2 s")
    func rateLimitedThenSuccess() async throws {
        let server = try InProcessSandbox()
        try await server.inject(#"{"path": "/companies", "method": "GET", "count": 2, "status": 429, "retryAfter": "1"}"#)
        let started = Date()
        let rows = try await service(server).perform(model: "companies", operation: "list", parameters: ["limit": 1])
        let elapsed = Date().timeIntervalSince(started)
        #expect(rows.arrayValue?.count == 1)
        #expect(elapsed >= 2, "waited \(elapsed) s")
        #expect(elapsed < 120, "bounded, even on a loaded machine")
        #expect(await server.count("GET /companies") == 3)
    }

    @Test("a persistent 429 gives up in bounded time with a 429 error saying how often it tried")
    func persistentRateLimit() async throws {
        let server = try InProcessSandbox()
        try await server.inject(#"{"path": "/companies", "count": 100, "status": 429, "retryAfter": "1"}"#)
        let policy = RetryPolicy(rateLimitAttempts: 3, rateLimitBudget: 60, serverErrorAttempts: 3, baseDelay: 0.05, maximumDelay: 0.2)
        let started = Date()
        let error = await failure { try await service(server, retry: policy).perform(model: "companies", operation: "list", parameters: [:]) }
        let elapsed = Date().timeIntervalSince(started)
        #expect(error?.status == 429)
        #expect(error?.report.contains("Gave up after 3 attempts") == true)
        #expect(error?.guidance.contains("Retry-After") == true)
        #expect(elapsed >= 2 && elapsed < 120)
        #expect(await server.count("GET /companies") == 3)
    }

    @Test("a Retry-After beyond the budget fails at once")
    func retryAfterBeyondBudget() async throws {
        let server = try InProcessSandbox()
        try await server.inject(#"{"path": "/companies", "count": 5, "status": 429, "retryAfter": "120"}"#)
        let started = Date()
        let error = await failure { try await service(server).perform(model: "companies", operation: "list", parameters: [:]) }
        #expect(error?.status == 429)
        #expect(Date().timeIntervalSince(started) < 100, "it does not wait the 120 s asked for")
        #expect(await server.count("GET /companies") == 1)
    }

    @Test("one 500 on a GET is retried")
    func serverErrorOnRead() async throws {
        let server = try InProcessSandbox()
        try await server.inject(#"{"path": "/companies", "method": "GET", "status": 500}"#)
        let rows = try await service(server).perform(model: "companies", operation: "list", parameters: ["limit": 2])
        #expect(rows.arrayValue?.count == 2)
        #expect(await server.count("GET /companies") == 2)
    }

    @Test("a 500 on create is sent exactly once and reported as maybe applied")
    func serverErrorOnCreate() async throws {
        let server = try InProcessSandbox()
        try await server.inject(#"{"path": "/companies", "method": "POST", "status": 500}"#)
        let error = await failure { try await service(server).perform(model: "companies", operation: "create", parameters: ["name": "Once"]) }
        #expect(error?.status == 500)
        #expect(error?.message.contains("may or may not have been applied") == true)
        #expect(error?.report.contains("Request: POST") == true)
        #expect(await server.count("POST /companies") == 1)
    }

    @Test("a connection dropped after a create applied it once and never duplicates it")
    func droppedCreate() async throws {
        let server = try InProcessSandbox()
        try await server.inject(#"{"path": "/companies", "method": "POST", "drop": "after"}"#)
        let service = service(server)
        let error = await failure { try await service.perform(model: "companies", operation: "create", parameters: ["name": "Dropped Co", "externalId": "DROP-1"]) }
        #expect(error != nil)
        #expect(error?.message.contains("may or may not have been applied") == true)
        #expect(await server.count("POST /companies") == 1)
        let found = try await service.perform(model: "companies", operation: "view", parameters: ["id": "extid-DROP-1"])
        #expect(found["name"] == "Dropped Co")
    }

    @Test("a GET dropped before the answer is retried")
    func droppedRead() async throws {
        let server = try InProcessSandbox()
        try await server.inject(#"{"path": "/companies", "method": "GET", "drop": "before"}"#)
        let rows = try await service(server).perform(model: "companies", operation: "list", parameters: ["limit": 1])
        #expect(rows.arrayValue?.count == 1)
        #expect(await server.count("GET /companies") == 2)
    }

    @Test("a slow answer past the timeout fails cleanly")
    func timeout() async throws {
        let server = try InProcessSandbox()
        try await server.inject(#"{"path": "/companies", "count": 5, "delayMs": 3000}"#)
        let backend = RemoteBackend(
            baseURL: server.baseURL, token: APIToken("t")!, timeout: 1,
            retry: RetryPolicy(serverErrorAttempts: 2, baseDelay: 0.05, maximumDelay: 0.1),
            limiter: RequestLimiter(limits: .init(perMinute: 10_000)), transport: server.transport(timeout: 1))
        let started = Date()
        let error = await failure { try await PlanhatService(backend: backend).perform(model: "companies", operation: "list", parameters: [:]) }
        #expect(error?.cause == .timeout)
        #expect(error?.status == nil, "no HTTP answer came, so there is no status")
        #expect(error?.report.contains("Tried 2 times") == true)
        #expect(Date().timeIntervalSince(started) < 120)
    }

    @Test("401, 403 and 404 carry Planhat's guidance, never the token")
    func authAndNotFound() async throws {
        let server = try InProcessSandbox(token: "right-token")
        let wrong = await failure { try await service(server, token: "wrong-token-SECRET").perform(model: "companies", operation: "list", parameters: [:]) }
        #expect(wrong?.status == 401)
        #expect(wrong?.guidance.contains("Authorization: Bearer") == true)
        #expect(wrong?.report.contains("wrong-token-SECRET") == false)
        try await server.inject(#"{"path": "/endusers", "status": 403, "body": "{\"error\": \"permission denied\"}"}"#)
        let forbidden = await failure { try await service(server, token: "right-token").perform(model: "endusers", operation: "list", parameters: [:]) }
        #expect(forbidden?.status == 403)
        #expect(forbidden?.message.contains("permission denied") == true)
        #expect(forbidden?.guidance.contains("App Center") == true)
        let missing = await failure { try await service(server, token: "right-token").perform(model: "companies", operation: "view", parameters: ["id": "extid-none"]) }
        #expect(missing?.status == 404)
    }

    @Test("an invalid create never reaches the network")
    func validationBeforeNetwork() async throws {
        let server = try InProcessSandbox()
        let error = await failure { try await service(server).perform(model: "companies", operation: "create", parameters: ["status": "zombie"]) }
        #expect(error?.status == 400)
        #expect(await server.count("POST /companies") == 0)
    }
}

/// Collects progress reports from another thread.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [TransferProgress] = []

    func append(_ entry: TransferProgress) { lock.withLock { list.append(entry) } }
    var entries: [TransferProgress] { lock.withLock { list } }
}
