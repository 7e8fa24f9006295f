import Foundation

/// The face a write came through.
public enum JournalFace: String, Sendable, Hashable, Codable, CaseIterable {
    case cli, mcp, explorer
}

/// How much the journal keeps (`journal:` in the config file, `PLANHAT_JOURNAL`).
public enum JournalMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Ids, bodies, answers, and the record before an update or delete (one read each).
    case full
    /// Ids, bodies and answers; no read of the record before (an update or delete cannot be undone).
    case light
    /// Nothing is journaled.
    case off

    /// What the setting accepts, in words.
    public static let expectation = "full, light or off"
}

/// What became of a journaled write.
public enum JournalOutcome: String, Sendable, Hashable, Codable {
    /// Planhat answered with success.
    case done
    /// Planhat answered with an error: nothing was applied.
    case failed
    /// No answer came (crash, kill, network, cancellation): it may or may not have been applied.
    case unknown

    /// How a person reads it.
    public var words: String {
        switch self {
        case .done: return "done"
        case .failed: return "failed"
        case .unknown: return "outcome unknown"
        }
    }
}

/// One write as the journal keeps it: recorded before it was sent, completed when it was answered.
public struct JournalEntry: Sendable, Hashable {
    /// The entry's number, given by the journal (1, 2, 3…; `0` before it is recorded).
    public var id: Int64
    /// When it was recorded (just before it was sent).
    public var time: Date
    public var face: JournalFace
    /// The MCP client's name from `initialize`, when the face is the MCP server.
    public var client: String?
    /// The configuration profile in use.
    public var profile: String?
    /// `sandbox` or `remote`.
    public var backend: String
    /// The API base URL, or the sandbox file.
    public var target: String
    /// The model's route (`companies`).
    public var model: String
    public var operation: ModelOperation
    /// The record of an update or delete (`_id`, `extid-…`, `srcid-…`).
    public var recordID: String?
    public var method: String
    public var path: String
    /// The body sent.
    public var body: JSONValue?
    /// The record before (an update or delete), or the records a bulk upsert's items matched; nil in
    /// light mode or when it could not be read.
    public var before: JSONValue?
    /// Why ``before`` is missing, when it is.
    public var beforeNote: String?
    /// The entry this write undoes, when it is part of an undo.
    public var undoOf: Int64?
    /// The process that sent it.
    public var pid: Int32
    /// Filled in when answered.
    public var completion: JournalCompletion?

    public init(
        id: Int64 = 0, time: Date = Date(), face: JournalFace, client: String? = nil, profile: String? = nil, backend: String, target: String,
        model: String, operation: ModelOperation, recordID: String? = nil, method: String, path: String, body: JSONValue? = nil,
        before: JSONValue? = nil, beforeNote: String? = nil, undoOf: Int64? = nil, pid: Int32 = ProcessInfo.processInfo.processIdentifier,
        completion: JournalCompletion? = nil
    ) {
        self.id = id
        self.time = time
        self.face = face
        self.client = client
        self.profile = profile
        self.backend = backend
        self.target = target
        self.model = model
        self.operation = operation
        self.recordID = recordID
        self.method = method
        self.path = path
        self.body = body
        self.before = before
        self.beforeNote = beforeNote
        self.undoOf = undoOf
        self.pid = pid
        self.completion = completion
    }

    /// `done`, `failed`, or `unknown` while no answer was recorded.
    public var outcome: JournalOutcome { completion?.outcome ?? .unknown }

    /// The record after (the answer), when it was answered with success.
    public var after: JSONValue? { completion?.outcome == .done ? completion?.answer : nil }

    /// Who wrote it: `cli`, `mcp (Claude Desktop)`.
    public var who: String {
        client.map { "\(face.rawValue) (\($0))" } ?? face.rawValue
    }

    /// The record it concerns: the id sent, the id of the created record, or how many items.
    public var recordLabel: String {
        switch operation {
        case .create: return after?["_id"]?.stringValue ?? (body?["name"]?.stringValue.map { "new \"\($0)\"" } ?? "new record")
        case .bulkUpsert: return "\(body?.arrayValue?.count ?? 0) items"
        default: return recordID ?? "-"
        }
    }

    /// The entry as one JSON object (an NDJSON line of `planhat history --json`).
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "id": .integer(Int(id)), "time": .string(JournalEntry.timeText(time)), "face": .string(face.rawValue),
            "backend": .string(backend), "target": .string(target), "model": .string(model), "operation": .string(operation.rawValue),
            "method": .string(method), "path": .string(path), "outcome": .string(outcome.rawValue), "pid": .integer(Int(pid)),
        ]
        if let client { object["client"] = .string(client) }
        if let profile { object["profile"] = .string(profile) }
        if let recordID { object["recordId"] = .string(recordID) }
        if let body { object["body"] = body }
        if let before { object["before"] = before }
        if let beforeNote { object["beforeNote"] = .string(beforeNote) }
        if let undoOf { object["undoOf"] = .integer(Int(undoOf)) }
        if let completion {
            object["completedAt"] = .string(JournalEntry.timeText(completion.time))
            if let status = completion.status { object["status"] = .integer(status) }
            if let answer = completion.answer { object["after"] = answer }
            if let error = completion.error { object["error"] = .string(error) }
        }
        return .object(object)
    }

    /// ISO 8601 with milliseconds, in UTC.
    public static func timeText(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

/// How a journaled write ended.
public struct JournalCompletion: Sendable, Hashable {
    public var time: Date
    public var outcome: JournalOutcome
    /// The HTTP status answered (200 for the sandbox's success), if any.
    public var status: Int?
    /// The answer: the record after, or a bulk upsert's summary.
    public var answer: JSONValue?
    /// The error's headline and message, when it failed.
    public var error: String?

    public init(time: Date = Date(), outcome: JournalOutcome, status: Int? = nil, answer: JSONValue? = nil, error: String? = nil) {
        self.time = time
        self.outcome = outcome
        self.status = status
        self.answer = answer
        self.error = error
    }
}

/// Which entries to list.
public struct JournalQuery: Sendable, Hashable {
    public var model: String?
    public var since: Date?
    public var face: JournalFace?
    public var client: String?
    /// Only entries about this record id (sent, or created).
    public var recordID: String?
    /// At most this many, newest first.
    public var limit: Int?

    public init(model: String? = nil, since: Date? = nil, face: JournalFace? = nil, client: String? = nil, recordID: String? = nil, limit: Int? = nil) {
        self.model = model
        self.since = since
        self.face = face
        self.client = client
        self.recordID = recordID
        self.limit = limit
    }
}

/// Where journal entries are kept. Append-only: an entry is recorded once, and completed once.
public protocol WriteJournal: Sendable {
    /// Records `entry` (its `id` is ignored) and answers with its number.
    func record(_ entry: JournalEntry) throws -> Int64
    /// Records how entry `id` ended; a second completion of the same entry is refused.
    func complete(_ id: Int64, _ completion: JournalCompletion) throws
    /// The entries `query` asks for, newest first.
    func entries(_ query: JournalQuery) throws -> [JournalEntry]
    /// One entry, if it exists.
    func entry(_ id: Int64) throws -> JournalEntry?
}
