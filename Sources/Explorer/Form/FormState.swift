import Foundation
import PlanhatKit
import TerminalUI

/// An operation's form: the fields, the focus, what it started from, the raw-JSON mode.
public struct FormPage: Hashable, Sendable {
    public var model: ModelDefinition
    public var operation: ModelOperation
    public var form: Form
    public var focus = 0
    /// The first display line shown (fields, their help and problem lines).
    public var scroll = 0
    /// The record an update started from (its values fill the form; only changes are sent).
    public var original: JSONValue?
    /// What the fields held when the form opened or the record loaded: "changed" compares to it.
    public var initial: [String: FieldState]
    /// The whole form as JSON text (F4), in sync with the fields when it closes.
    public var raw: TextArea?
    /// The line under the fields: the problems, or what happened.
    public var summary: String?
    /// Fields the user has left at least once: their problems show before a submit.
    public var visited: Set<String> = []
    public var submitAttempted = false
    /// The id whose record was last loaded into an update form (so it is loaded once).
    public var loadedID: String?
    /// Whether fields the schema does not know may be sent (F6): typed in the raw JSON, kept as the
    /// form's extras, sent as given; what Planhat stored is checked after.
    public var allowsUnknownFields = false
    /// Set when the form changes fields of the marked rows (`u` on results): sent as a bulk upsert by `_id`.
    public var bulk: BulkEdit?

    public init(model: ModelDefinition, operation: ModelOperation, record: JSONValue? = nil) {
        self.model = model
        self.operation = operation
        form = Form.build(model: model, operation: operation)
        if let record {
            form.load(record)
            if let id = record["_id"]?.stringValue, let index = form.index(of: "id") { form.fields[index].load(.string(id)) }
            original = record
            loadedID = record["_id"]?.stringValue
        }
        initial = form.states
        if operation == .update, record != nil, let first = form.fields.indices.first(where: { form.fields[$0].key != "id" }) {
            focus = first
        }
    }

    /// The policy the core applies to undocumented fields for this form: `.allow` after F6, else the session's.
    public var unknownFieldsPolicy: UnknownFields? {
        allowsUnknownFields ? .allow : nil
    }

    /// `unknown fields allowed: nickname, tier`, shown in the title line while F6 is on.
    public var unknownFieldsBadge: String? {
        guard allowsUnknownFields || !form.extras.isEmpty else { return nil }
        let extras = form.extras.keys.sorted()
        let state = allowsUnknownFields ? "unknown fields allowed" : "unknown fields (F6 to allow)"
        return extras.isEmpty ? state : state + ": " + extras.joined(separator: ", ")
    }

    /// Whether anything was typed since the form opened (or its record loaded).
    public var isChanged: Bool { form.states != initial }

    /// The record id typed into the form (update and delete).
    public var recordID: String? {
        form.index(of: "id").map { form.fields[$0].input.text.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Which draft belongs to this form: `companies-create`, `companies-update-<id>`.
    public var draftKey: String {
        if bulk != nil { return "\(model.route)-bulk-change" }
        var key = "\(model.route)-\(operation.rawValue)"
        if operation == .update, let id = original?["_id"]?.stringValue ?? recordID { key += "-" + id }
        return key
    }

    /// The focused field.
    public var focused: FormField? {
        form.fields.indices.contains(focus) ? form.fields[focus] : nil
    }

    /// Whether typed letters edit a field (so `q` and `?` are text, not commands).
    public var isTyping: Bool {
        raw != nil || (focused?.widget.isTextual ?? false)
    }
}

/// A list to choose from: an enum's values, a checklist, or records of a referenced model.
public struct Picker: Hashable, Sendable {
    public struct Option: Hashable, Sendable {
        public var label: String
        public var value: String
        /// Shown on the right instead of the id (a user's email).
        public var detail: String? = nil
    }

    public var title: String
    /// The form field the choice goes to.
    public var field: Int
    public var options: [Option]
    /// Several values (a checklist): Space toggles, Enter keeps.
    public var multiple: Bool
    public var chosen: Set<String> = []
    public var cursor = ListCursor()
    public var filter = TextField()
    /// Waiting for the referenced model's records.
    public var loading = false
    /// Said under the list ("the first 2 000 by name").
    public var note: String?
    /// Why the last Enter picked nothing.
    public var problem: String?

    /// How many records a reference picker loads from `model` (its page maximum, at most 2 000).
    static func limit(for model: ModelDefinition) -> Int {
        min(model.listLimit.max, 2_000)
    }

    /// The options the typed filter keeps.
    public var visible: [Option] {
        let query = filter.text.lowercased()
        guard !query.isEmpty else { return options }
        return options.filter {
            ByteSearch.contains($0.label.lowercased(), query) || $0.value.lowercased().hasPrefix(query) || ($0.detail.map { ByteSearch.contains($0.lowercased(), query) } ?? false)
        }
    }
}

/// Editing the items of a list field, or the `name = value` entries of `custom`.
public struct ItemsEditor: Hashable, Sendable {
    public var title: String
    public var field: Int
    public var rows: [String]
    public var cursor = ListCursor()
    /// The row being typed, and which row it replaces (`nil`: a new row).
    public var editing: TextField?
    public var editingRow: Int?
    public var keyValue: Bool
}

/// The request a form will send, shown before it is sent (the view lays it out as text).
public struct RequestPreview: Hashable, Sendable {
    /// How the request is sent.
    public enum Plan: Hashable, Sendable {
        /// This one request, as previewed.
        case single
        /// A bulk upsert of the request's items, in chunks of at most ``BulkItems/chunkSize``.
        case bulk
    }

    /// The request, built and validated by the core: Enter sends exactly this.
    public var request: PlanhatRequest
    public var plan: Plan
    /// An update's changes, field by field (`nil` for other operations).
    public var changes: [FieldChange]?
    /// The base URL the curl command names.
    public var baseURL: String
    /// Columns the model matches bulk items on besides `_id` (for the bulk counts).
    public var keyables: [String] = []
    /// Said under the counts (the computed fields a file's items left out).
    public var note: String?
    /// A change of the marked rows: each record with its fields before → after.
    public var recordDiffs: [RecordDiff]?
    public var offset = 0
    /// The names of referenced records, said beside the ids a change sets or clears.
    public var names = ReferenceNames()

    /// `PUT /companies/64b…`
    public var title: String {
        plan == .bulk ? "Bulk upsert \(request.model.plural.lowercased())" : "\(request.method) \(request.path)"
    }

    /// The request (for bulk: its first chunk) as a curl command, the token masked.
    public var curl: String {
        guard plan == .bulk, let items = request.body?.arrayValue else { return request.curlCommand(baseURL: baseURL) }
        var first = request
        first.body = .array(Array(BulkItems.chunks(items).first ?? []))
        return first.curlCommand(baseURL: baseURL)
    }
}

/// The dialog that must be answered before anything is deleted.
public struct DeleteConfirmation: Hashable, Sendable {
    public var model: ModelDefinition
    public var id: String
    /// The record's name, which may be typed instead of `yes`.
    public var name: String?
    public var lines: [[JSONLines.Span]]
    public var answer = TextField()
    public var wrongAnswer = false
    /// The draft to forget once deleted (when the delete came from a form).
    public var draftKey: String?

    public init(model: ModelDefinition, record: JSONValue, id: String, draftKey: String?) {
        self.model = model
        self.id = id
        name = record[model.titleField]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        lines = JSONLines.render(record)
        self.draftKey = draftKey
    }

    /// Whether the typed answer confirms: `yes`, or the record's name.
    public var confirmed: Bool {
        let typed = answer.text.trimmingCharacters(in: .whitespaces)
        return typed.lowercased() == "yes" || (name.map { typed == $0 } ?? false)
    }
}

/// A bulk upsert running chunk by chunk: the previewed request, the chunk in flight and the
/// summary so far.
public struct BulkRun: Hashable, Sendable {
    /// The request previewed, with every item.
    public var request: PlanhatRequest
    /// The items in chunks (``BulkItems/chunks(_:)``).
    public var chunks: [ArraySlice<JSONValue>]
    /// The chunk in flight.
    public var next = 0
    public var summary: JSONValue = .object([:])
    public var draftKey: String

    public init(request: PlanhatRequest, draftKey: String) {
        self.request = request
        chunks = BulkItems.chunks(request.body?.arrayValue ?? [])
        self.draftKey = draftKey
    }

    /// How many items the run sends in all.
    public var total: Int { chunks.reduce(0) { $0 + $1.count } }
    /// How many items were sent before the chunk in flight.
    public var sent: Int { chunks.prefix(next).reduce(0) { $0 + $1.count } }
}

/// What a submitted form's answer is for.
public struct Submission: Hashable, Sendable {
    public var model: ModelDefinition
    public var operation: ModelOperation
    /// The draft to forget on success (and to keep on failure).
    public var draftKey: String?
    /// The record's name, for the result heading.
    public var name: String?
}

/// Where text edited in `$EDITOR` goes back to.
public enum EditTarget: Hashable, Sendable {
    case field(Int)
    case raw
}
