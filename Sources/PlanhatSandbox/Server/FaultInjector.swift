import Foundation
import PlanhatKit

/// A fault to inject into the next `count` requests that match `method` and `path`.
///
/// ```json
/// {"path": "/companies", "method": "GET", "count": 2, "status": 429, "retryAfter": "1"}
/// {"path": "/companies", "method": "POST", "status": 500}
/// {"path": "/endusers", "delayMs": 3000}
/// {"path": "/companies", "method": "POST", "drop": "after"}
/// ```
/// `drop` closes the connection without an answer: `before` the request is applied, or `after`.
public struct FaultRule: Codable, Sendable, Hashable {
    public var path: String
    public var method: String?
    public var count: Int?
    public var status: Int?
    public var retryAfter: String?
    public var delayMs: Int?
    public var drop: Drop?
    public var body: String?

    public enum Drop: String, Codable, Sendable, Hashable {
        case before, after
    }

    public init(path: String, method: String? = nil, count: Int? = nil, status: Int? = nil, retryAfter: String? = nil,
                delayMs: Int? = nil, drop: Drop? = nil, body: String? = nil) {
        self.path = path
        self.method = method
        self.count = count
        self.status = status
        self.retryAfter = retryAfter
        self.delayMs = delayMs
        self.drop = drop
        self.body = body
    }

    func matches(method: String, path: String) -> Bool {
        (self.method.map { $0.uppercased() == method.uppercased() } ?? true) && path.hasPrefix(self.path)
    }

    /// Reads rules from JSON: one rule or an array of them.
    public static func decodeList(_ data: Data) throws -> [FaultRule] {
        let decoder = JSONDecoder()
        if let list = try? decoder.decode([FaultRule].self, from: data) { return list }
        return [try decoder.decode(FaultRule.self, from: data)]
    }
}

/// The faults waiting to be served, and a log of every request the server answered.
public actor FaultInjector {
    private var rules: [FaultRule]
    private var remaining: [Int]
    private var requestCounts: [String: Int] = [:]

    public init(rules: [FaultRule] = []) {
        self.rules = rules
        remaining = rules.map { max(1, $0.count ?? 1) }
    }

    public func add(_ new: [FaultRule]) {
        rules += new
        remaining += new.map { max(1, $0.count ?? 1) }
    }

    public func clear() {
        rules = []
        remaining = []
    }

    /// Counts the request and takes the first matching fault, if any.
    func take(method: String, path: String) -> FaultRule? {
        requestCounts["\(method) \(path)", default: 0] += 1
        for index in rules.indices where remaining[index] > 0 && rules[index].matches(method: method, path: path) {
            remaining[index] -= 1
            return rules[index]
        }
        return nil
    }

    /// `{"GET /companies": 3, "POST /companies": 1}`
    public func counts() -> [String: Int] {
        requestCounts
    }

    public func resetCounts() {
        requestCounts = [:]
    }

    /// The faults still to be served.
    public func pending() -> [FaultRule] {
        zip(rules, remaining).compactMap { rule, left in
            guard left > 0 else { return nil }
            var copy = rule
            copy.count = left
            return copy
        }
    }
}
