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

/// Which face reports an error: each says what to do next in its own words.
public enum Face: String, Sendable, Hashable, CaseIterable {
    /// The MCP tools, in the words of Planhat's MCP documentation (tool and argument names):
    /// the classic set (`get_model_actions`, `get_model_action_parameters`, `perform_model_action`).
    case mcp
    /// The MCP tools of Planhat's hosted server today (`list_model_records`, `get_model_record`,
    /// `get_model_action_parameters(MODEL)`, …, with `MODEL`, `OBJECT_ID`, `OFFSET`).
    case mcpHosted
    /// The `planhat` commands (commands and options).
    case cli
    /// The terminal explorer (screens and keys).
    case explorer
}

/// Every failure the program reports: what kind it is (a ``Cause`` callers can match on), the
/// HTTP status when the failure is Planhat's (or the sandbox's, or the validator's on their
/// behalf), a message, and what to do next.
///
/// Failures that happen here and not at Planhat (a file, the configuration, a cancel, a network
/// that never answered) carry no HTTP status.
public struct PlanhatError: Error, Sendable, Hashable {
    /// What kind of failure this is.
    public var cause: Cause
    /// The HTTP status Planhat answered with (or would answer with): 400, 401, 403, 404, 409, 413,
    /// 429, 500…; `nil` for failures that never reached an API.
    public var status: Int?
    /// What went wrong, in one or two sentences.
    public var message: String
    /// The fields at fault, for invalid parameters.
    public var fieldIssues: [FieldIssue]
    /// Extra facts for the reader: retries made, the request that failed, what to check.
    public var details: [String]

    /// An error of a given cause; the status is the cause's own unless given.
    public init(_ cause: Cause, status: Int? = nil, message: String, fieldIssues: [FieldIssue] = [], details: [String] = []) {
        self.cause = cause
        self.status = status ?? cause.defaultStatus
        self.message = message
        self.fieldIssues = fieldIssues
        self.details = details
    }

    /// An error answered with an HTTP status (by Planhat, the sandbox or the validator); the cause
    /// follows from the status.
    public init(status: Int, message: String, fieldIssues: [FieldIssue] = [], details: [String] = []) {
        self.init(Cause(status: status), status: status, message: message, fieldIssues: fieldIssues, details: details)
    }

    /// The standard reason phrase (`Bad Request`, `Not Found`), or the kind of local failure
    /// (`Configuration error`, `File error`).
    public var title: String {
        guard let status else { return cause.title }
        return HTTPStatus.reasonPhrase(status)
    }

    /// What to do about it, in the words of Planhat's MCP documentation.
    public var guidance: String { guidance(for: .mcp) }

    /// What to do about it, in the words of the face that reports it.
    public func guidance(for face: Face) -> String {
        cause.guidance(for: face, status: status)
    }

    /// `400 Bad Request`, or `File error` for a failure with no HTTP status.
    public var label: String {
        (status.map { "\($0) " } ?? "") + title
    }

    /// `400 Bad Request: message` (or `File error: message`): the line every face starts with.
    public var headline: String { "\(label): \(message)" }

    /// The full report: headline, field issues, details and guidance, one per line.
    public var report: String { report(for: .mcp) }

    /// The full report in the words of a face.
    public func report(for face: Face) -> String {
        var lines = [headline]
        if fieldIssues.count > 1 { lines += fieldIssues.map { "  - \($0)" } }
        lines += details
        lines.append(guidance(for: face))
        return lines.joined(separator: "\n")
    }

    /// The error as JSON, for `--json` envelopes and MCP structured errors: `status` (when there
    /// is one), `cause`, `title`, `message`, `fields`, `details` and `guidance`.
    public var jsonValue: JSONValue { jsonValue(for: .mcp) }

    /// The error as JSON, guidance in the words of a face.
    public func jsonValue(for face: Face) -> JSONValue {
        var error: [String: JSONValue] = [
            "cause": .string(cause.name), "title": .string(title), "message": .string(message),
            "guidance": .string(guidance(for: face)),
        ]
        if let status { error["status"] = .integer(status) }
        if !fieldIssues.isEmpty {
            error["fields"] = .array(fieldIssues.map { issue in
                var entry: [String: JSONValue] = ["path": .string(issue.path), "expected": .string(issue.expected)]
                if let value = issue.value { entry["value"] = .string(value) }
                if let problem = issue.problem { entry["problem"] = .string(problem) }
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

// MARK: - Causes

extension PlanhatError {
    /// What kind of failure an error is, for callers to match on (`error.cause == .readOnly`).
    public struct Cause: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable, Hashable {
            case invalidParameters, unknownModel, unknownOperation, recordNotFound, notFound, readOnly
            case unauthorized, forbidden, conflict, tooLarge, rateLimited, server
            case network, timeout, configuration, file, cancelled, usage, `internal`
        }

        private let code: Code

        private init(_ code: Code) {
            self.code = code
        }

        /// The parameters break the operation's schema, or Planhat refused them (400, 422).
        public static let invalidParameters = Cause(.invalidParameters)
        /// No model has that name (404).
        public static let unknownModel = Cause(.unknownModel)
        /// The model does not offer that operation (404).
        public static let unknownOperation = Cause(.unknownOperation)
        /// The model and operation are right; no record has that id (404).
        public static let recordNotFound = Cause(.recordNotFound)
        /// Planhat answered 404 for a path with no record id.
        public static let notFound = Cause(.notFound)
        /// A write in a read-only session (403, refused here before anything is sent).
        public static let readOnly = Cause(.readOnly)
        /// The token is missing, wrong or expired (401).
        public static let unauthorized = Cause(.unauthorized)
        /// The token lacks a permission (403 from Planhat).
        public static let forbidden = Cause(.forbidden)
        /// The record conflicts with an existing one (409).
        public static let conflict = Cause(.conflict)
        /// The request or a value in it is too large (413).
        public static let tooLarge = Cause(.tooLarge)
        /// Planhat's rate limit (429).
        public static let rateLimited = Cause(.rateLimited)
        /// Planhat answered with a server error (5xx).
        public static let server = Cause(.server)
        /// No answer came: the host could not be reached or the connection dropped.
        public static let network = Cause(.network)
        /// No answer came in time.
        public static let timeout = Cause(.timeout)
        /// A flag, environment variable or config file is wrong.
        public static let configuration = Cause(.configuration)
        /// A file could not be read or written.
        public static let file = Cause(.file)
        /// The user (or the client) cancelled.
        public static let cancelled = Cause(.cancelled)
        /// The command line is wrong.
        public static let usage = Cause(.usage)
        /// A defect in Planhat Explorer itself.
        public static let `internal` = Cause(.internal)

        /// The cause an HTTP status stands for.
        public init(status: Int) {
            switch status {
            case 400, 422: self.init(.invalidParameters)
            case 401: self.init(.unauthorized)
            case 403: self.init(.forbidden)
            case 404: self.init(.notFound)
            case 409: self.init(.conflict)
            case 413: self.init(.tooLarge)
            case 429: self.init(.rateLimited)
            case 408, 504: self.init(.timeout)
            default: self.init(status >= 500 ? .server : .invalidParameters)
            }
        }

        /// `invalidParameters`, `readOnly`, … (the JSON envelope's `cause`).
        public var name: String { code.rawValue }
        public var description: String { name }

        /// The status an error of this cause has unless told otherwise; `nil` for local failures.
        var defaultStatus: Int? {
            switch code {
            case .invalidParameters: return 400
            case .unknownModel, .unknownOperation, .recordNotFound, .notFound: return 404
            case .readOnly, .forbidden: return 403
            case .unauthorized: return 401
            case .conflict: return 409
            case .tooLarge: return 413
            case .rateLimited: return 429
            case .server: return 500
            case .network, .timeout, .configuration, .file, .cancelled, .usage, .internal: return nil
            }
        }

        /// What a local failure is called where an HTTP status would give the reason phrase.
        var title: String {
            switch code {
            case .network: return "Network error"
            case .timeout: return "Timed out"
            case .configuration: return "Configuration error"
            case .file: return "File error"
            case .cancelled: return "Cancelled"
            case .usage: return "Usage error"
            case .internal: return "Internal error"
            default: return "Error"
            }
        }

        /// What to do next, in a face's words.
        func guidance(for face: Face, status: Int?) -> String {
            switch code {
            case .invalidParameters:
                switch face {
                case .mcp:
                    return "Caused by missing or invalid parameters. Ensure correct types and required fields by checking get_model_action_parameters."
                case .mcpHosted:
                    return "Caused by missing or invalid parameters. Ensure correct types and required fields: call get_model_action_parameters(MODEL) for the model's fields."
                case .cli: return "Check the parameters against the operation's schema: planhat schema <model> <operation>."
                case .explorer: return "Fix the fields marked in the form (F2 shows the operation's schema), then send again."
                }
            case .unknownModel:
                switch face {
                case .mcp: return "Caused by an invalid MODEL_ROUTE. Confirm the supported models and operations using get_model_actions."
                case .mcpHosted: return "Caused by an invalid MODEL. The description of list_model_records' MODEL names every model (Company, End User, …)."
                case .cli: return "List the models and their operations with: planhat models."
                case .explorer: return "Pick a model from the Models screen, or press : and type one of the names suggested."
                }
            case .unknownOperation:
                switch face {
                case .mcp: return "Caused by an invalid OPERATION. Confirm the model's operations using get_model_actions."
                case .mcpHosted: return "Caused by an OPERATION the model does not support: get_model_action_parameters(MODEL) without OPERATION gives the model's fields; the tools list which writes are offered."
                case .cli: return "planhat models lists each model's operations."
                case .explorer: return "Pick one of the operations the model's screen lists."
                }
            case .recordNotFound:
                let list: String
                switch face {
                case .mcp: list = "perform_model_action with OPERATION list"
                case .mcpHosted: list = "list_model_records (a FILTER narrows it; OFFSET pages on)"
                case .cli: list = "planhat call <model> list"
                case .explorer: list = "the model's list"
                }
                return "The model and operation are right; no record has this id. Check the id (an _id of 24 hex characters, "
                    + "extid-<externalId> or srcid-<sourceId>), or find the record with \(list)."
            case .notFound:
                switch face {
                case .mcp:
                    return "Caused by an invalid MODEL_ROUTE, OPERATION or record id. Confirm the supported models and operations using get_model_actions."
                case .mcpHosted:
                    return "Caused by an invalid MODEL or OBJECT_ID. Check the id, or find the record with list_model_records (OFFSET pages on)."
                case .cli, .explorer:
                    return "Planhat has nothing at this path: check the record id, and that the API URL points at your tenant (planhat doctor)."
                }
            case .readOnly:
                switch face {
                case .mcp: return "This server was started read-only (--read-only, or a profile with read_only: true): only list and view are offered. Ask the user to start it without that to make changes."
                case .mcpHosted: return "This server was started read-only (--read-only, or a profile with read_only: true): only list_model_records, get_model_record and the other reading tools are offered. Ask the user to start it without that to make changes."
                case .cli: return "This session is read-only (--read-only, or the profile sets read_only: true): leave that out to write."
                case .explorer: return "The explorer was started read-only (--read-only, or the profile sets read_only: true): restart it without that to write."
                }
            case .unauthorized:
                switch face {
                case .mcp, .mcpHosted: return "Caused by a missing or invalid access token. Check the Authorization: Bearer <token> header and ensure the token is active and valid."
                case .cli, .explorer: return "The API token is missing, wrong or expired: check PLANHAT_API_TOKEN or the profile's token (planhat doctor shows which is used)."
                }
            case .forbidden:
                return "Caused by the token lacking permissions. Solve by updating the app's permissions in Planhat's App Center."
            case .conflict:
                return "The record conflicts with an existing one. Look it up with view or list and update it instead."
            case .tooLarge:
                return "The request or a value in it is too large: send fewer items per request, or shorter values."
            case .rateLimited:
                switch face {
                case .mcp, .mcpHosted: return "Rate limit hit. Retry with a delay, using the Retry-After header if present."
                case .cli: return "Rate limit hit. Retry later; --rate-limit-budget and --rate-limit-attempts set how long and how often to wait."
                case .explorer: return "Rate limit hit. Wait a moment, then try again (r refreshes)."
                }
            case .server:
                return "Unexpected server-side issue. Retry the request; if it persists, report it to the Planhat team with the request details (method, path, time)."
            case .network:
                switch face {
                case .mcp, .mcpHosted: return "The API host could not be reached, so Planhat never answered: check the network, then retry."
                case .cli, .explorer: return "The API host could not be reached: check the API URL (planhat doctor shows it; --api-url, --region or the profile set it), the network and any proxy, then retry."
                }
            case .timeout:
                switch face {
                case .mcp, .mcpHosted: return "The API did not answer in time. Retry later."
                case .cli: return "The API did not answer in time. Retry later, or allow longer with --timeout."
                case .explorer: return "The API did not answer in time. Try again (r refreshes a list or a record)."
                }
            case .configuration:
                return "Fix the setting named above (a flag, an environment variable or the config file); planhat doctor shows what is in use."
            case .file:
                return "Check the path, that it exists and that you may read or write it."
            case .cancelled:
                return "Cancelled on request: nothing more was sent."
            case .usage:
                return "See planhat --help, or planhat <command> --help."
            case .internal:
                return "This is a defect in Planhat Explorer: please report it with what you ran."
            }
        }
    }
}

/// HTTP status codes and their standard reason phrases (RFC 9110).
public enum HTTPStatus {
    /// `OK`, `Bad Request`, `Not Found`, …; a code with no registered phrase gets its class's name
    /// (`Success`, `Client Error`).
    public static func reasonPhrase(_ status: Int) -> String {
        if let phrase = phrases[status] { return phrase }
        switch status {
        case 100..<200: return "Informational"
        case 200..<300: return "Success"
        case 300..<400: return "Redirection"
        case 400..<500: return "Client Error"
        case 500..<600: return "Server Error"
        default: return "Unknown"
        }
    }

    private static let phrases: [Int: String] = [
        100: "Continue", 101: "Switching Protocols", 200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information",
        204: "No Content", 205: "Reset Content", 206: "Partial Content", 300: "Multiple Choices", 301: "Moved Permanently", 302: "Found",
        303: "See Other", 304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request",
        401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
        406: "Not Acceptable", 407: "Proxy Authentication Required", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
        411: "Length Required", 412: "Precondition Failed", 413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
        416: "Range Not Satisfiable", 417: "Expectation Failed", 421: "Misdirected Request", 422: "Unprocessable Content",
        423: "Locked", 424: "Failed Dependency", 425: "Too Early", 426: "Upgrade Required", 428: "Precondition Required",
        429: "Too Many Requests", 431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
        500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
        505: "HTTP Version Not Supported",
    ]
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
            .invalidParameters, message: "invalid parameters for \(model) \(operation.rawValue): \(summary)",
            fieldIssues: issues)
    }

    /// 400 for `PARAMETERS` that are not JSON or not an object.
    public static func malformedParameters(_ reason: String) -> PlanhatError {
        PlanhatError(.invalidParameters, message: "PARAMETERS must be a JSON object: \(reason)")
    }

    /// 404 for a model name that matches nothing, with close matches.
    public static func unknownModel(_ name: String, suggestions: [String]) -> PlanhatError {
        var message = "unknown model '\(name)'"
        if !suggestions.isEmpty { message += "; did you mean \(suggestions.joined(separator: ", "))?" }
        return PlanhatError(.unknownModel, message: message)
    }

    /// 404 for an operation the model does not offer.
    public static func unsupportedOperation(_ name: String, model: ModelDefinition) -> PlanhatError {
        let offered = model.operations.map(\.rawValue).joined(separator: ", ")
        return PlanhatError(.unknownOperation, message: "\(model.route) has no operation '\(name)'; it supports \(offered)")
    }

    /// 404 for a record id that names nothing.
    public static func recordNotFound(_ id: String, model: ModelDefinition) -> PlanhatError {
        PlanhatError(.recordNotFound, message: "no \(model.name.lowercased()) with id '\(id)' in \(model.route)")
    }

    /// 403 for a write refused in read-only mode.
    public static func readOnly(_ operation: ModelOperation, model: ModelDefinition) -> PlanhatError {
        PlanhatError(
            .readOnly,
            message: "\(operation.rawValue) on \(model.route) refused: this session is read-only; only list and view are allowed")
    }

    /// A file that could not be read or written, with the system's reason.
    public static func file(_ message: String) -> PlanhatError {
        PlanhatError(.file, message: message)
    }

    /// A setting (flag, environment variable or config file) that cannot be used.
    public static func configuration(_ message: String, fieldIssues: [FieldIssue] = [], details: [String] = []) -> PlanhatError {
        PlanhatError(.configuration, message: message, fieldIssues: fieldIssues, details: details)
    }
}
