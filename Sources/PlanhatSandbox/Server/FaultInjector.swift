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
    ///
    /// - Throws: `DecodingError` for JSON that is no rule, ``Invalid`` for a rule the server could not
    ///   serve (a status outside 200–599, or one that cannot have a body; a header value with a line break).
    public static func decodeList(_ data: Data) throws -> [FaultRule] {
        let decoder = JSONDecoder()
        let isList = data.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "[")
        let rules = isList ? try decoder.decode([FaultRule].self, from: data) : [try decoder.decode(FaultRule.self, from: data)]
        for rule in rules { try rule.check() }
        return rules
    }

    /// A rule that would make the server send a broken answer.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    private func check() throws {
        if let status {
            guard (200...599).contains(status), status != 204, status != 304 else {
                throw Invalid(description: "status \(status) is not one a fault can answer with: give 200–599 (not 204 or 304)")
            }
        }
        if let retryAfter, retryAfter.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw Invalid(description: "retryAfter must be one line, like \"1\" or an HTTP date")
        }
    }

    /// What is wrong with fault-rule JSON, in words rather than Swift's description of the error.
    public static func describe(_ error: any Error) -> String {
        if let invalid = error as? Invalid { return invalid.description }
        guard let error = error as? DecodingError else { return "they could not be read" }
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            let keys = (context.codingPath + (key.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the rule" : keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context, key)) is missing"
        case .typeMismatch(let type, let context):
            let expected = type == String.self ? "a string" : type == Int.self ? "an integer" : "an object"
            return "\(path(context)) must be \(expected)"
        case .valueNotFound(_, let context):
            return "\(path(context)) must not be null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not JSON" }
            if context.codingPath.last?.stringValue == "drop" { return "drop must be \"before\" or \"after\"" }
            return "\(path(context)) has a value it cannot take"
        @unknown default:
            return "they could not be read"
        }
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
