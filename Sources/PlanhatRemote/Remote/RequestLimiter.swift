import Foundation
import PlanhatKit

/// Keeps every caller in the process under Planhat's limits: at most `perSecond` requests a
/// second (hard limit 150), at most `concurrent` in flight (bursts of 50), and a soft budget of
/// `perMinute` requests in any 60 seconds (Planhat's quota is 200 a minute).
public actor RequestLimiter {
    public struct Limits: Sendable, Hashable {
        public var perSecond: Int
        public var concurrent: Int
        public var perMinute: Int

        public init(perSecond: Int = 150, concurrent: Int = 50, perMinute: Int = 200) {
            self.perSecond = max(1, perSecond)
            self.concurrent = max(1, concurrent)
            self.perMinute = max(1, perMinute)
        }
    }

    /// The limiter every remote backend in the process shares.
    public static let shared = RequestLimiter(limits: Limits())

    public let limits: Limits
    private var inFlight = 0
    private var started: [Date] = []
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(limits: Limits) {
        self.limits = limits
    }

    /// Waits for a slot, then counts the request as started. Pair with ``release()``.
    ///
    /// Each wait for the minute's or the second's budget is told to the call's ``WaitLedger`` first;
    /// a cancelled task stops waiting at once (`CancellationError`).
    public func acquire() async throws {
        while inFlight >= limits.concurrent {
            await withCheckedContinuation { waiters.append($0) }
            try Task.checkCancellation()
        }
        inFlight += 1
        while true {
            let now = Date()
            started.removeAll { now.timeIntervalSince($0) >= 60 }
            let lastSecond = started.filter { now.timeIntervalSince($0) < 1 }
            var wait: TimeInterval = 0
            var reason = WaitLedger.Reason.secondLimit
            if lastSecond.count >= limits.perSecond, let oldest = lastSecond.first {
                wait = max(wait, 1 - now.timeIntervalSince(oldest))
            }
            if started.count >= limits.perMinute, let oldest = started.first, 60 - now.timeIntervalSince(oldest) > wait {
                wait = 60 - now.timeIntervalSince(oldest)
                reason = .minuteQuota
            }
            if wait <= 0 {
                started.append(now)
                return
            }
            // In slices, so the call's ledger hears of a long wait as it counts down (and a face can say so).
            let slice = min(wait, WaitLedger.slice)
            WaitLedger.current?.willWait(slice, remaining: wait, reason: reason)
            do {
                try await Task.sleep(for: .seconds(slice))
            } catch {
                release()
                throw error
            }
        }
    }

    /// Frees the slot taken by ``acquire()``.
    public func release() {
        inFlight = max(0, inFlight - 1)
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }
}
