import Foundation

/// A problem with one field of the parameters: which field, what it held and what was expected.
public struct FieldIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The field's path: `limit`, `custom.Segment`, `items[3].name`; empty for the whole document.
    public var path: String
    /// A short rendering of the value that was given, or `nil` when the field was missing.
    public var value: String?
    /// What the field must hold.
    public var expected: String
    /// What is wrong, when "is not allowed" does not say it (e.g. "unknown field").
    public var problem: String?

    public init(path: String, value: String?, expected: String, problem: String? = nil) {
        self.path = path
        self.value = value
        self.expected = expected
        self.problem = problem
    }

    public var description: String {
        let subject = path.isEmpty ? "parameters" : path
        if let problem { return "\(subject): \(problem); expected \(expected)" }
        guard let value else { return "\(subject): missing; expected \(expected)" }
        return "\(subject): \(value) is not allowed; expected \(expected)"
    }
}

/// Every failure the program reports: an HTTP-like status, a message, and Planhat's guidance.
///
/// The status follows Planhat's API (400, 401, 403, 404, 429, 500…) whether the failure came from
/// the server, the sandbox or the validator, so every face explains it the same way.
public struct PlanhatError: Error, Sendable, Hashable {
    /// The HTTP-like status: 400, 401, 403, 404, 409, 429, 500, 502, 503, 504.
    public var status: Int
    /// What went wrong, in one or two sentences.
    public var message: String
    /// The fields at fault, for 400s.
    public var fieldIssues: [FieldIssue]
    /// Extra facts for the reader: retries made, the request that failed, what to check.
    public var details: [String]

    public init(status: Int, message: String, fieldIssues: [FieldIssue] = [], details: [String] = []) {
        self.status = status
        self.message = message
        self.fieldIssues = fieldIssues
        self.details = details
    }

    /// The standard reason phrase: `Bad Request`, `Not Found`, …
    public var title: String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Payload Too Large"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return status >= 500 ? "Server Error" : "Error"
        }
    }

    /// What to do about it, from Planhat's MCP server documentation.
    public var guidance: String {
        switch status {
        case 400, 422:
            return "Caused by missing or invalid parameters. Ensure correct types and required fields "
                + "by checking get_model_action_parameters (CLI: planhat schema <model> <operation>)."
        case 401:
            return "Caused by a missing or invalid access token. Check the Authorization: Bearer <token> "
                + "header and ensure the token is active and valid."
        case 403:
            return "Caused by the token lacking permissions. Solve by updating the app's permissions in "
                + "Planhat's App Center."
        case 404:
            return "Caused by an invalid MODEL_ROUTE, OPERATION or record id. Confirm the supported models "
                + "and operations using get_model_actions (CLI: planhat models)."
        case 409:
            return "The record conflicts with an existing one. Look it up with view or list and update it instead."
        case 429:
            return "Rate limit hit. Retry with a delay, using the Retry-After header if present."
        default:
            return "Unexpected server-side issue. Retry the request; if it persists, report it to the "
                + "Planhat team with the request details (method, path, time)."
        }
    }

    /// `400 Bad Request: message`, the line every face starts its report with.
    public var headline: String { "\(status) \(title): \(message)" }

    /// The full report: headline, field issues, details and guidance, one per line.
    public var report: String {
        var lines = [headline]
        if fieldIssues.count > 1 { lines += fieldIssues.map { "  - \($0)" } }
        lines += details
        lines.append(guidance)
        return lines.joined(separator: "\n")
    }

    /// The error as JSON, for `--json` envelopes and MCP structured errors.
    public var jsonValue: JSONValue {
        var error: [String: JSONValue] = [
            "status": .integer(status), "title": .string(title), "message": .string(message),
            "guidance": .string(guidance),
        ]
        if !fieldIssues.isEmpty {
            error["fields"] = .array(fieldIssues.map { issue in
                var entry: [String: JSONValue] = ["path": .string(issue.path), "expected": .string(issue.expected)]
                if let value = issue.value { entry["value"] = .string(value) }
                return .object(entry)
            })
        }
        if !details.isEmpty { error["details"] = .array(details.map { .string($0) }) }
        return .object(["error": .object(error)])
    }
}

extension PlanhatError: LocalizedError, CustomStringConvertible {
    public var errorDescription: String? { report }
    public var description: String { report }
}

// MARK: - The errors the core raises

extension PlanhatError {
    /// 400 for parameters that fail validation, naming every field at fault.
    public static func invalidParameters(_ issues: [FieldIssue], model: String, operation: ModelOperation) -> PlanhatError {
        let fields = issues.map { $0.path.isEmpty ? "parameters" : $0.path }
        var unique: [String] = []
        for field in fields where !unique.contains(field) { unique.append(field) }
        let summary = issues.count == 1
            ? issues[0].description
            : "\(issues.count) problems in \(unique.joined(separator: ", "))"
        return PlanhatError(
            status: 400, message: "invalid parameters for \(model) \(operation.rawValue): \(summary)",
            fieldIssues: issues)
    }

    /// 400 for `PARAMETERS` that are not JSON or not an object.
    public static func malformedParameters(_ reason: String) -> PlanhatError {
        PlanhatError(status: 400, message: "PARAMETERS must be a JSON object: \(reason)")
    }

    /// 404 for a model name that matches nothing, with close matches.
    public static func unknownModel(_ name: String, suggestions: [String]) -> PlanhatError {
        var message = "unknown model '\(name)'"
        if !suggestions.isEmpty { message += "; did you mean \(suggestions.joined(separator: ", "))?" }
        return PlanhatError(status: 404, message: message)
    }

    /// 404 for an operation the model does not offer.
    public static func unsupportedOperation(_ name: String, model: ModelDefinition) -> PlanhatError {
        let offered = model.operations.map(\.rawValue).joined(separator: ", ")
        return PlanhatError(
            status: 404,
            message: "\(model.route) has no operation '\(name)'; it supports \(offered)")
    }

    /// 404 for a record id that names nothing.
    public static func recordNotFound(_ id: String, model: ModelDefinition) -> PlanhatError {
        PlanhatError(status: 404, message: "no \(model.name.lowercased()) with id '\(id)' in \(model.route)")
    }

    /// 403 for a write refused in read-only mode.
    public static func readOnly(_ operation: ModelOperation, model: ModelDefinition) -> PlanhatError {
        PlanhatError(
            status: 403,
            message: "\(operation.rawValue) on \(model.route) refused: this session is read-only "
                + "(--read-only); only list and view are allowed")
    }
}
