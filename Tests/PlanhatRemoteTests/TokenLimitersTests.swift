import Foundation
import Testing

@testable import PlanhatRemote

@Suite("Request limiters per token (mcp --http --auth passthrough)")
struct TokenLimitersTests {
    static func token(_ text: String) throws -> APIToken { try #require(APIToken(text)) }

    @Test("one token, one limiter, however often it is asked for; another token gets its own")
    func onePerToken() async throws {
        let limiters = TokenLimiters(limits: RequestLimiter.Limits(perMinute: 5))
        let alice = try Self.token("alice-token-0123456789"), bob = try Self.token("bob-token-0123456789")
        let first = limiters.limiter(for: alice)
        #expect(limiters.limiter(for: alice) === first)
        #expect(limiters.limiter(for: try Self.token("  alice-token-0123456789\n")) === first, "the same token as Settings trims it")
        #expect(limiters.limiter(for: bob) !== first)
        #expect(limiters.count == 2)
        #expect(await first.limits.perMinute == 5)
    }

    @Test("the requests of one token share its quota: past it the next waits, while another token's goes at once")
    func sharedQuota() async throws {
        let limiters = TokenLimiters(limits: RequestLimiter.Limits(perMinute: 3))
        let alice = try Self.token("alice-token-0123456789"), bob = try Self.token("bob-token-0123456789")
        // Three requests, each with the limiter its own backend was built with.
        for _ in 0..<3 {
            let limiter = limiters.limiter(for: alice)
            try await limiter.acquire()
            await limiter.release()
        }
        let fourth = Task {
            try await limiters.limiter(for: alice).acquire()
            return ContinuousClock.now
        }
        let started = ContinuousClock.now
        try await limiters.limiter(for: bob).acquire()
        #expect(ContinuousClock.now - started < .seconds(1), "bob's first request does not wait for alice's quota")
        try await Task.sleep(for: .seconds(1.5))
        fourth.cancel()
        let outcome = await fourth.result
        if case .success(let at) = outcome {
            Issue.record("alice's fourth request in a minute went through after \(at - started) instead of waiting")
        }
        #expect(throws: CancellationError.self) { try outcome.get() }
    }
}
