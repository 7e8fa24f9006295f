import Foundation
import PlanhatKit

/// How the remote client retries: 429s after `Retry-After` (or backoff), and 5xx, timeouts and
/// dropped connections only where repeating the request cannot duplicate a write.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all for a request answered 429 (the first included).
    public var rateLimitAttempts: Int
    /// The longest a request may spend waiting on 429s, in seconds.
    public var rateLimitBudget: TimeInterval
    /// Attempts in all for a retryable 5xx, timeout or dropped connection.
    public var serverErrorAttempts: Int
    /// The first backoff delay, doubled each attempt.
    public var baseDelay: TimeInterval
    /// The longest single backoff delay.
    public var maximumDelay: TimeInterval

    public init(
        rateLimitAttempts: Int = 5, rateLimitBudget: TimeInterval = 60, serverErrorAttempts: Int = 3,
        baseDelay: TimeInterval = 0.5, maximumDelay: TimeInterval = 8
    ) {
        self.rateLimitAttempts = max(1, rateLimitAttempts)
        self.rateLimitBudget = max(0, rateLimitBudget)
        self.serverErrorAttempts = max(1, serverErrorAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maximumDelay = max(baseDelay, maximumDelay)
    }

    /// Exponential backoff with full jitter for the `attempt`-th retry (1-based): a random delay
    /// between half and all of `baseDelay × 2^(attempt-1)`, capped at `maximumDelay`.
    public func backoff(attempt: Int, random: Double = Double.random(in: 0...1)) -> TimeInterval {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(maximumDelay, baseDelay * pow(2, Double(exponent)))
        return ceiling * (0.5 + 0.5 * min(max(random, 0), 1))
    }

    /// Whether a failed request may be sent again without risking a duplicate write: reads, and
    /// PUT/DELETE on one record. Creates and bulk upserts are never repeated after a 5xx.
    public static func isIdempotent(_ request: PlanhatRequest) -> Bool {
        switch request.operation {
        case .list, .view, .update, .delete: return true
        case .create, .bulkUpsert: return false
        }
    }
}

/// The `Retry-After` header: delta-seconds or an HTTP date.
public enum RetryAfter {
    /// The seconds to wait, or `nil` when the header is absent or unreadable (use backoff then).
    public static func seconds(from header: String?, now: Date = Date()) -> TimeInterval? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        if let seconds = Double(header) {
            return seconds.isFinite && seconds >= 0 ? seconds : nil
        }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: header) {
                return max(0, date.timeIntervalSince(now))
            }
        }
        return nil
    }
}

/// Why the client stopped retrying a 429, in words that name the limit that stopped it.
struct RateLimitReport {
    var attempts: Int
    var elapsed: TimeInterval
    var waited: TimeInterval
    /// The wait the next attempt would have needed (Retry-After or backoff).
    var nextDelay: TimeInterval
    var policy: RetryPolicy

    var text: String {
        let tries = "\(attempts) attempt\(attempts == 1 ? "" : "s")"
        if attempts >= policy.rateLimitAttempts {
            return "Gave up after \(tries), the most --rate-limit-attempts allows (\(policy.rateLimitAttempts)); "
                + String(format: "%.1f s spent, %.1f s of it waiting.", elapsed, waited)
        }
        return String(format: "Not retried: Planhat asked to wait %.1f s (Retry-After or backoff), beyond the --rate-limit-budget of %.1f s ", nextDelay, policy.rateLimitBudget)
            + String(format: "(%.1f s spent so far after %@). Raise --rate-limit-budget to wait that long.", elapsed, tries)
    }
}
