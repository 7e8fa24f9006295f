import CSupport
import Foundation
import PlanhatKit
import TerminalUI

#if canImport(Glibc)
    import Glibc
#endif

/// Substring search on UTF-8 bytes (strstr): the filter runs over every loaded row on each key.
enum ByteSearch {
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        guard !needle.isEmpty else { return true }
        return haystack.withCString { hay in needle.withCString { pin in strstr(hay, pin) != nil } }
    }

    /// Ignoring the case of ASCII letters (strcasestr), so rows need no lower-cased copy.
    static func containsIgnoringCase(_ haystack: String, _ needle: String) -> Bool {
        guard !needle.isEmpty else { return true }
        return haystack.withCString { hay in needle.withCString { pin in csupport_strcasestr(hay, pin) != nil } }
    }
}

/// A live filter or search: the text and whether it is still being typed.
public struct FilterState: Hashable, Sendable {
    public var field = TextField()
    public var editing = true

    public var query: String { field.text }
}

/// The models screen.
public struct ModelsPage: Hashable, Sendable {
    public var cursor = ListCursor()
    public var filter: FilterState?
}

/// A model's operations.
public struct OperationsPage: Hashable, Sendable {
    public var model: ModelDefinition
    public var operations: [ModelOperation]
    public var cursor = ListCursor()
    public var filter: FilterState?

    /// The operations the filter keeps.
    public var visibleOperations: [ModelOperation] {
        guard let query = filter?.query.lowercased(), !query.isEmpty else { return operations }
        return operations.filter { $0.rawValue.lowercased().contains(query) }
    }
}

/// The editable parameters of a `list`.
public struct ParametersPage: Hashable, Sendable {
    public struct Field: Hashable, Sendable {
        public var name: String
        public var input: TextField
        public var help: String
        public var isInteger: Bool
    }

    public var model: ModelDefinition
    public var fields: [Field]
    public var focus = 0
}

/// One loaded row of a results table: its values in column order as one compact JSON text (one
/// allocation per row, searched by the filter as it is), and the whole record only for models
/// without `view`. 100 000 rows stay within a few tens of megabytes.
public struct ResultRow: Hashable, Sendable {
    /// `["Acme","customer",1200,null]`: the cells of the page's columns.
    public let text: String
    public let record: JSONValue?

    public init(_ record: JSONValue, columns: [String], keepRecord: Bool) {
        text = JSONValue.array(columns.map { record[$0] ?? .null }).compactText()
        self.record = keepRecord ? .some(record) : .none
    }

    /// The values in column order.
    public var cells: [JSONValue] {
        (try? JSONValue.parse(text))?.arrayValue ?? []
    }
}

/// A results table: the rows loaded so far and how to load more.
public struct ResultsPage: Hashable, Sendable {
    public var model: ModelDefinition
    /// The list parameters (without offset), sort included.
    public var parameters: [String: JSONValue]
    public var rows: [ResultRow] = []
    public var columns: [String]
    public var cursor = ListCursor()
    public var column = 0
    public var pageSize: Int
    /// The offset of the first row (the list's `offset` parameter).
    public var startOffset = 0
    public var exhausted = false
    public var filter: FilterState?
    /// The rows the filter keeps, computed when the filter or the rows change (nil: no filter).
    public var matches: [Int]?
    /// The query `matches` was computed for: a longer query narrows them instead of rescanning.
    public var matchedQuery = ""

    /// The indexes of the rows the filter keeps.
    public var visibleRows: [Int] {
        matches ?? Array(rows.indices)
    }

    /// Recomputes ``matches`` for the current filter: a byte search (ASCII letters in any case) over
    /// each row's text, narrowing the previous matches when the query only grew.
    public mutating func refilter() {
        defer {
            let first = matches.map { Array($0.prefix(100)) } ?? Array(rows.indices.prefix(100))
            sample = first.map { index in cellTexts(index) }
        }
        let query = filter?.query.lowercased() ?? ""
        guard !query.isEmpty else {
            matches = nil
            matchedQuery = ""
            return
        }
        let candidates = (!matchedQuery.isEmpty && query.hasPrefix(matchedQuery) ? matches : nil) ?? Array(rows.indices)
        matches = candidates.filter { ByteSearch.containsIgnoringCase(rows[$0].text, query) }
        matchedQuery = query
    }

    /// The texts of a row's cells, each as its field is read (dates as dates, identifiers without separators).
    public func cellTexts(_ index: Int) -> [String] {
        zip(columns, rows[index].cells).map { column, value in CellText.of(value, field: column, in: model) }
    }

    /// The cell texts of the first 100 rows the filter keeps: column widths fit them, so scrolling far
    /// down never narrows a column. Kept by ``refilter()``.
    public var sample: [[String]] = []

    /// The sort in force: a field, `-field` for descending.
    public var sort: String? { parameters["sort"]?.stringValue }

    /// The row at `index` as JSON: the whole record, or its columns (with `_id`).
    public func record(at index: Int) -> JSONValue {
        let row = rows[index]
        if let record = row.record { return record }
        var members: [String: JSONValue] = [:]
        for (column, value) in zip(columns, row.cells) where value != .null { members[column] = value }
        return .object(members)
    }

    /// The value of `column` in the row at `index`.
    public func value(at index: Int, column: Int) -> JSONValue? {
        let cells = rows[index].cells
        return cells.indices.contains(column) ? cells[column] : nil
    }
}

/// One record as coloured JSON.
public struct RecordPage: Hashable, Sendable {
    /// What the JSON shown is: a record as stored, or something that only looks like one.
    public enum Kind: Hashable, Sendable {
        /// A record as Planhat stores it (viewed, listed, created or updated): it can be updated or deleted.
        case stored
        /// The answer to a delete: the record is gone.
        case deleted
        /// The summary of a bulk upsert: counts and keys, not a record.
        case bulkSummary
    }

    public var model: ModelDefinition
    public var record: JSONValue
    public var kind: Kind
    /// Said above the record when it is an operation's result ("Created company Acme").
    public var heading: String?
    public var lines: [[JSONLines.Span]]
    public var offset = 0
    public var search: FilterState?
    public var match = 0

    public init(model: ModelDefinition, record: JSONValue, heading: String? = nil, kind: Kind = .stored) {
        self.model = model
        self.record = record
        self.kind = kind
        self.heading = heading
        lines = JSONLines.render(record: record, of: model)
    }

    /// The lines containing the search text (case-insensitive).
    public var matches: [Int] {
        guard let query = search?.query.lowercased(), !query.isEmpty else { return [] }
        return lines.indices.filter { lines[$0].map(\.text).joined().lowercased().contains(query) }
    }
}

/// An operation's parameters shown as its JSON Schema.
public struct SchemaPage: Hashable, Sendable {
    public var model: ModelDefinition
    public var operation: ModelOperation
    public var lines: [[JSONLines.Span]]
    public var offset = 0
}

/// A screen of the explorer.
public enum Page: Hashable, Sendable {
    case models(ModelsPage)
    case operations(OperationsPage)
    case parameters(ParametersPage)
    case results(ResultsPage)
    case record(RecordPage)
    case schema(SchemaPage)
    case form(FormPage)
}

extension Page {
    /// Whether both are the same kind of screen, whatever they hold.
    func isSameKind(as other: Page) -> Bool {
        switch (self, other) {
        case (.models, .models), (.operations, .operations), (.parameters, .parameters), (.results, .results), (.record, .record),
            (.schema, .schema), (.form, .form):
            return true
        default:
            return false
        }
    }
}

/// A one-line prompt at the bottom: `:` to jump to a model, or the export path.
public struct Prompt: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case jump, export
    }

    public var kind: Kind
    public var field: TextField
    /// Jump: the models the typed text could mean, best first (↑ ↓ choose, Tab completes).
    public var choices: [String] = []
    public var choice = 0
    /// Why the last Enter did nothing ("unknown model 'compnies'"), shown above the prompt.
    public var problem: String?

    public init(kind: Kind, field: TextField) {
        self.kind = kind
        self.field = field
    }
}

/// An export the user is choosing: where, in which format, and how much of the list.
public struct ExportPlan: Hashable, Sendable {
    public var path: String
    public var format: RecordFormat
    public var model: ModelDefinition
    /// The list's parameters (sort, filters; no limit, offset or select).
    public var parameters: [String: JSONValue]
    /// The table's columns.
    public var columns: [String]
    /// The rows the `/` filter keeps, when one is active (they can be exported alone).
    public var filteredRows: [JSONValue]?
}

/// An export under way: the list paged through (or the rows given) into a file.
public struct ExportJob: Hashable, Sendable {
    public var id: Int
    public var path: String
    public var format: RecordFormat
    public var model: ModelDefinition
    public var parameters: [String: JSONValue]
    /// The columns to write (`nil`: every field).
    public var columns: [String]?
    /// Rows to write instead of paging through the list.
    public var rows: [JSONValue]?
}

/// A background job the footer follows (an export): what it is and how far it got.
public struct JobProgress: Hashable, Sendable {
    public var id: Int
    public var label: String
    public var done: Int
}

/// What is drawn over the page.
public enum Overlay: Hashable, Sendable {
    /// Export: every record, the table's columns, or the filtered rows?
    case exportChoice(ExportPlan)
    /// The export's file exists: replace it?
    case confirmReplace(ExportJob)
    case help
    case error(PlanhatError)
    case prompt(Prompt)
    case picker(Picker)
    case items(ItemsEditor)
    case preview(RequestPreview)
    case confirmDelete(DeleteConfirmation)
    /// Leaving a changed form: discard, keep a draft, or stay.
    case confirmDiscard
    /// A draft saved for the form that just opened.
    case draftOffer(FormDraft)
}

/// A backend call in flight and what its answer is for.
public struct PendingCall: Hashable, Sendable {
    public enum Purpose: Hashable, Sendable {
        /// Open a results table with the first page.
        case openResults(ResultsPage)
        /// Append the next page to the results table on top.
        case appendPage
        /// Replace the rows of the results table on top (refresh, sort).
        case replaceRows(ResultsPage)
        /// Open a record.
        case openRecord(ModelDefinition)
        /// Replace the record on top (refresh).
        case replaceRecord
        /// Fill the update form on top with the record (its id was typed).
        case fillForm(id: String)
        /// Fill the open reference picker with the referenced model's records.
        case pickerOptions(ModelDefinition)
        /// Ask for confirmation to delete the record answered.
        case confirmDelete(draftKey: String?)
        /// Show the result of a submitted form (or delete).
        case submitted(Submission)
        /// A chunk of a bulk upsert; the next one follows.
        case bulkChunk(BulkRun)
    }

    public var id: Int
    public var label: String
    public var purpose: Purpose
}

/// The whole explorer: a stack of pages, an overlay, a call in flight, the status line.
public struct ExplorerState: Sendable {
    public var stack: [Page]
    public var overlay: Overlay?
    public var pending: PendingCall?
    public var status: String?
    public var statusIsError = false
    public var spinner = 0
    /// A background job (an export), followed in the footer; Esc cancels it.
    public var job: JobProgress?
    public var width: Int
    public var height: Int
    public var quitting = false
    var nextRequestID = 1

    public init(width: Int, height: Int) {
        stack = [.models(ModelsPage())]
        self.width = width
        self.height = height
    }

    /// The page on top.
    public var page: Page {
        stack.last ?? .models(ModelsPage())
    }

    /// Rows available to a page's body (between header, breadcrumb and footer).
    public var bodyHeight: Int { max(1, height - 3) }

    /// Whether a text field has the keys (single-letter commands then type instead).
    public var isTyping: Bool {
        switch overlay {
        case .prompt?, .picker?, .confirmDelete?: return true
        case .items(let editor)?: return editor.editing != nil
        default: break
        }
        switch page {
        case .form(let form): return form.isTyping
        case .parameters: return true
        case .models(let models): return models.filter?.editing == true
        case .results(let results): return results.filter?.editing == true
        case .record(let record): return record.search?.editing == true
        default: return false
        }
    }
}

/// Work the update asks the app to do: backend calls, the clipboard, files, quitting.
public enum Effect: Hashable, Sendable {
    /// Send this request, validated and built by the core in the update: exactly what was
    /// previewed is what is sent.
    case perform(id: Int, request: PlanhatRequest)
    case cancel(id: Int)
    case copy(String)
    /// Find out whether the export's file exists (answered with ``Action/exportTarget(_:exists:)``).
    case checkExportTarget(ExportJob)
    /// Write the export (progress, then ``Action/exported(id:path:count:)`` or ``Action/jobFailed(id:_:)``).
    case export(ExportJob)
    case saveDraft(FormDraft)
    case deleteDraft(String)
    /// Open the text in `$VISUAL`/`$EDITOR` (the screen is suspended meanwhile).
    case edit(EditTarget, text: String, fileExtension: String)
    /// Read bulk upsert items from a JSON or CSV file.
    case loadItems(path: String, model: ModelDefinition)
    case quit
}

/// Everything that happens to the explorer.
public enum Action: Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
    case tick
    case response(id: Int, result: Result<JSONValue, PlanhatError>)
    case exportTarget(ExportJob, exists: Bool)
    case jobProgress(id: Int, done: Int)
    case exported(id: Int, path: String, count: Int)
    case jobFailed(id: Int, PlanhatError)
    case failed(String)
    /// The text back from `$EDITOR` (nil when the editor failed: the message says why).
    case edited(EditTarget, Result<String, PlanhatError>)
    case itemsLoaded(Result<BulkItems.File, PlanhatError>)
    case draftSaved(path: String)
    /// The program is ending (a signal): keep what must be kept.
    case shutdown
}
