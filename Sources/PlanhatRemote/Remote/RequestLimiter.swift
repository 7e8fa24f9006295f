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
    /// When each request of the last minute started, oldest first: `started[head...]` (the ones
    /// before `head` have left the window and are dropped in batches), so a check costs a binary
    /// search however many requests a minute are allowed.
    private var started: [ContinuousClock.Instant] = []
    private var head = 0
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
            let now = ContinuousClock.now
            forget(before: now - .seconds(60))
            var wait = Duration.zero
            var reason = WaitLedger.Reason.secondLimit
            let lastSecond = firstIndex(after: now - .seconds(1))
            if started.count - lastSecond >= limits.perSecond {
                wait = max(wait, started[lastSecond] + .seconds(1) - now)
            }
            if started.count - head >= limits.perMinute {
                let minute = started[head] + .seconds(60) - now
                if minute > wait {
                    wait = minute
                    reason = .minuteQuota
                }
            }
            if wait <= .zero {
                started.append(now)
                return
            }
            // In slices, so the call's ledger hears of a long wait as it counts down (and a face can say so).
            let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
            let slice = min(seconds, WaitLedger.slice)
            WaitLedger.current?.willWait(slice, remaining: seconds, reason: reason)
            do {
                try await Task.sleep(for: .seconds(slice))
            } catch {
                release()
                throw error
            }
        }
    }

    /// Drops the starts at or before `cutoff` from the window.
    private func forget(before cutoff: ContinuousClock.Instant) {
        while head < started.count, started[head] <= cutoff { head += 1 }
        if head >= 1_024, head * 2 >= started.count {
            started.removeFirst(head)
            head = 0
        }
    }

    /// The index of the first start in the window later than `instant` (`started.count` if none).
    private func firstIndex(after instant: ContinuousClock.Instant) -> Int {
        var low = head, high = started.count
        while low < high {
            let middle = (low + high) / 2
            if started[middle] > instant { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Frees the slot taken by ``acquire()``.
    public func release() {
        inFlight = max(0, inFlight - 1)
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }
}
