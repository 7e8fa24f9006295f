import Foundation
import PlanhatKit

/// A `tools/call` that stopped because the client cancelled it, and what it had changed by then.
///
/// MCP says the receiver of a cancellation SHOULD NOT answer the request, so this is thrown instead
/// of a result; the transport logs it and tells the client in a log notification.
public struct CancelledCall: Error, Sendable, Equatable {
    /// The tool that was called.
    public var tool: String
    /// The model route and operation, for `perform_model_action`.
    public var model: String?
    public var operation: ModelOperation?
    /// Items (bulk upsert) or records (create, update, delete) applied before the call stopped;
    /// nil for a call that changes nothing.
    public var applied: Int?
    /// Items or records the call was asked to change.
    public var total: Int?
    /// The bulk upsert summary of the chunks applied, or the API's answer to a single write.
    public var outcome: JSONValue?

    public init(tool: String, model: String? = nil, operation: ModelOperation? = nil, applied: Int? = nil, total: Int? = nil, outcome: JSONValue? = nil) {
        self.tool = tool
        self.model = model
        self.operation = operation
        self.applied = applied
        self.total = total
        self.outcome = outcome
    }

    /// Whether anything was written before the call stopped.
    public var changedData: Bool { (applied ?? 0) > 0 }

    /// `perform_model_action bulkUpsert on companies was cancelled: 1500 of 5000 items were applied …`
    public var message: String {
        let what = [tool, operation?.rawValue, model.map { "on \($0)" }].compactMap { $0 }.joined(separator: " ")
        guard let applied, let total else { return "\(what) was cancelled; nothing was changed." }
        if operation == .bulkUpsert {
            let counts = countsText
            if applied == 0 { return "\(what) was cancelled before any item was sent: nothing was changed (\(total) items not sent)." }
            if applied >= total { return "\(what) was cancelled after all \(total) items had been applied (\(counts)); nothing was undone." }
            return "\(what) was cancelled: \(applied) of \(total) items were applied (\(counts)); "
                + "items \(applied)–\(total - 1) were not sent. Nothing was undone."
        }
        return applied > 0
            ? "\(what) was cancelled after the request had been applied; it was not undone."
            : "\(what) was cancelled before the request was sent: nothing was changed."
    }

    /// `created 1500, updated 0, unchanged 0, errors 0` from a bulk upsert summary.
    private var countsText: String {
        let counts = bulkCounts
        return "created \(counts.created), updated \(counts.updated), unchanged \(counts.unchanged), errors \(counts.errors)"
    }

    private var bulkCounts: (created: Int, updated: Int, unchanged: Int, errors: Int) {
        let summary = outcome ?? [:]
        let errors = BulkItems.errorCount(summary)
        return (summary["created"]?.intValue ?? 0, summary["updated"]?.intValue ?? 0, summary["nonupdates"]?.intValue ?? 0, errors)
    }

    /// The report as JSON: the `data` of the log notification.
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = ["event": "cancelled", "tool": .string(tool), "message": .string(message)]
        if let model { members["model"] = .string(model) }
        if let operation { members["operation"] = .string(operation.rawValue) }
        if let applied { members["applied"] = .integer(applied) }
        if let total {
            members["total"] = .integer(total)
            members["notApplied"] = .integer(total - (applied ?? 0))
        }
        if operation == .bulkUpsert {
            let counts = bulkCounts
            members["created"] = .integer(counts.created)
            members["updated"] = .integer(counts.updated)
            members["unchanged"] = .integer(counts.unchanged)
            members["errors"] = .integer(counts.errors)
        } else if let outcome, let id = outcome["_id"] {
            members["_id"] = id
        }
        return .object(members)
    }
}
