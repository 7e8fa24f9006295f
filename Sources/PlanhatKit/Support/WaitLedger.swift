import Foundation

/// What a call waited before its requests could go, so no face waits in silence: Planhat's quota
/// (200 calls a minute, kept by this client), the per-second limit, or a 429's `Retry-After`.
///
/// A face sets one for the task of a call (``current``, a task-local, so every request the call
/// makes reports into it, whatever backend and limiter serve it); the limiter and the retries tell
/// it before each wait (``willWait(_:reason:)``). It adds the waits up and passes each one on to
/// `onWait`, so a face can say so while waiting (MCP progress notifications).
public final class WaitLedger: @unchecked Sendable {
    /// Why a request waited.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// The client's budget of calls a minute (Planhat's quota: 200).
        case minuteQuota
        /// The client's budget of calls a second (Planhat's hard limit: 150).
        case secondLimit
        /// Planhat answered 429 Too Many Requests; the request is sent again after the delay.
        case rateLimited

        /// How a face says it.
        public var phrase: String {
            switch self {
            case .minuteQuota: return "Planhat's quota of calls a minute, which this client keeps (--requests-per-minute)"
            case .secondLimit: return "Planhat's limit of 150 calls a second"
            case .rateLimited: return "Planhat answered 429 Too Many Requests and the request was sent again after its Retry-After"
            }
        }
    }

    /// The ledger of the call running in this task, if its face keeps one.
    @TaskLocal public static var current: WaitLedger?

    private let lock = NSLock()
    private var seconds: [Reason: Double] = [:]
    private let onWait: @Sendable (_ remaining: Double, _ reason: Reason) -> Void

    /// - Parameter onWait: told before each wait, with the seconds left to wait and the reason (the
    ///   limiter waits in slices of at most ``slice`` seconds, so a long wait is told several times,
    ///   counting down).
    public init(onWait: @escaping @Sendable (_ remaining: Double, _ reason: Reason) -> Void = { _, _ in }) {
        self.onWait = onWait
    }

    /// The longest single sleep a limiter takes before telling the ledger again.
    public static let slice: Double = 5

    /// Notes a wait of `seconds` about to start, of `remaining` seconds in all (`seconds` when nil).
    public func willWait(_ seconds: Double, remaining: Double? = nil, reason: Reason) {
        guard seconds > 0 else { return }
        lock.withLock { self.seconds[reason, default: 0] += seconds }
        onWait(remaining ?? seconds, reason)
    }

    /// The seconds waited in all, and by reason (largest first).
    public var waited: (total: Double, reasons: [(Reason, Double)]) {
        lock.withLock {
            (seconds.values.reduce(0, +), seconds.sorted { $0.value > $1.value }.map { ($0.key, $0.value) })
        }
    }

    /// `waited 41.2 s before Planhat answered: Planhat's quota of calls a minute, …`; nil under a tenth of a second.
    public var summary: String? {
        let (total, reasons) = waited
        guard total >= 0.1 else { return nil }
        return "waited \(Self.seconds(total)) before Planhat answered: " + reasons.map { "\(Self.seconds($0.1)) for \($0.0.phrase)" }.joined(separator: "; ")
    }

    /// `{"seconds": 41.2, "reasons": [{"reason": "minuteQuota", "seconds": 41.2}]}`.
    public var jsonValue: JSONValue {
        let (total, reasons) = waited
        return [
            "seconds": .number((total * 10).rounded() / 10),
            "reasons": .array(reasons.map { ["reason": .string($0.0.rawValue), "seconds": .number(($0.1 * 10).rounded() / 10)] }),
        ]
    }

    static func seconds(_ value: Double) -> String {
        String(format: "%.1f s", value)
    }
}
