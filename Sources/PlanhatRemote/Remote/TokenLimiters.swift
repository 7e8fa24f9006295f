import Crypto
import Foundation
import Synchronization

/// One ``RequestLimiter`` per Planhat token, for a server whose requests each bring their own token
/// (`planhat mcp --http --auth passthrough` builds a backend for every request): the requests made
/// with one token, however many at once and over however many connections, share that token's
/// quota (Planhat's 200 a minute is per token), and another token's requests do not wait for them.
///
/// A limiter is filed under the SHA-256 of its token, so no token is kept as a key (nor printed: a
/// key is never logged). Once more than ``capacity`` are held, those unused for longer than Planhat's
/// one-minute window (their history no longer holds anything back) are dropped.
public final class TokenLimiters: Sendable {
    /// The limits each token's limiter gets.
    public let limits: RequestLimiter.Limits
    /// How many limiters are held before idle ones are dropped.
    public let capacity: Int
    private let held: Mutex<[Key: Held]>

    /// The SHA-256 of a token.
    struct Key: Hashable, Sendable {
        let digest: Data
    }

    private struct Held: Sendable {
        let limiter: RequestLimiter
        var lastUsed: ContinuousClock.Instant
    }

    public init(limits: RequestLimiter.Limits, capacity: Int = 10_000) {
        self.limits = limits
        self.capacity = max(1, capacity)
        held = Mutex([:])
    }

    /// The limiter every request made with `token` shares.
    public func limiter(for token: APIToken) -> RequestLimiter {
        let key = Key(digest: Data(SHA256.hash(data: Data(token.secret.utf8))))
        let now = ContinuousClock.now
        return held.withLock { held in
            if var entry = held[key] {
                entry.lastUsed = now
                held[key] = entry
                return entry.limiter
            }
            if held.count >= capacity {
                let cutoff = now - .seconds(61)
                for (idle, entry) in held where entry.lastUsed < cutoff { held[idle] = nil }
            }
            let limiter = RequestLimiter(limits: limits)
            held[key] = Held(limiter: limiter, lastUsed: now)
            return limiter
        }
    }

    /// How many tokens have a limiter now.
    public var count: Int { held.withLock { $0.count } }
}
