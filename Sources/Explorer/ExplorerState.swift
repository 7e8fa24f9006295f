import CSupport
import Foundation
import PlanhatKit
import TerminalUI

#if canImport(Glibc)
    import Glibc
#endif

/// A screen of the explorer.
public enum Page: Hashable, Sendable {
    case models(ModelsPage)
    case operations(OperationsPage)
    case parameters(ParametersPage)
    case results(ResultsPage)
    case record(RecordPage)
    case schema(SchemaPage)
    case form(FormPage)
    /// The write journal (`:history`, `H` on a record).
    case history(HistoryPage)
}

extension Page {
    /// Whether both are the same kind of screen, whatever they hold.
    func isSameKind(as other: Page) -> Bool {
        switch (self, other) {
        case (.models, .models), (.operations, .operations), (.parameters, .parameters), (.results, .results), (.record, .record),
            (.schema, .schema), (.form, .form), (.history, .history):
            return true
        default:
            return false
        }
    }
}

/// A one-line prompt at the bottom: `:` to jump to a model, or the export path.
public struct Prompt: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case jump, export, saveView
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
    /// The marked rows, when rows are marked (they can be exported alone).
    public var markedRows: [JSONValue]? = nil
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
    /// Deleting the marked rows: their count must be typed.
    case confirmBulkDelete(BulkDeleteConfirmation)
    /// Leaving a changed form: discard, keep a draft, or stay.
    case confirmDiscard
    /// A draft saved for the form that just opened.
    case draftOffer(FormDraft)
    /// An undo previewed, waiting for Enter (or F when the record changed since).
    case confirmUndo(UndoConfirmation)
    /// The results table's column chooser.
    case columns(ColumnChooser)
    /// A record's related records: its references and the lists pointing at it.
    case related(RelatedMenu)
}

/// A backend call in flight and what its answer is for.
public struct PendingCall: Hashable, Sendable {
    public enum Purpose: Hashable, Sendable {
        /// Open a results table with the first page.
        case openResults(ResultsPage)
        /// Append the next page to the results table on top.
        case appendPage
        /// Append a page of the rest of the list, then ask for the next (`L`).
        case loadRest(RestLoad)
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
        /// One delete of the marked rows; the next one follows.
        case bulkDelete(BulkDeleteRun)
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
    /// Whether the status may take the whole footer (an address to read), the key hints giving way.
    public var statusIsWide = false
    public var spinner = 0
    /// A background job (an export), followed in the footer; Esc cancels it.
    public var job: JobProgress?
    public var width: Int
    public var height: Int
    public var quitting = false
    /// The tenant's custom fields, once read: forms and schemas show them, the checks use them.
    public var customFields: CustomFields?
    /// Whether they were asked for (opening a model asks; F5 asks again).
    public var customFieldsRequested = false
    /// The names of referenced records (owners, companies), one lookup per referenced model.
    public var names = ReferenceNames()
    /// The columns chosen per model (loaded by the app at start, saved on every change).
    public var columnLayouts: [String: ColumnLayout] = [:]
    /// The saved views (the file's, and the sandbox's built-in ones), loaded by the app at start.
    public var views: [SavedView] = []
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
        case .prompt?, .picker?, .confirmDelete?, .confirmBulkDelete?: return true
        case .columns(let chooser)?: return chooser.adding != nil || chooser.filter?.editing == true
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
    /// Copy the address (OSC 52) and open it where a browser is, answered with ``Action/urlOpened(_:browser:)``.
    case openURL(String)
    /// Find out whether the export's file exists (answered with ``Action/exportTarget(_:exists:)``).
    case checkExportTarget(ExportJob)
    /// Write the export (progress, then ``Action/exported(id:path:count:)`` or ``Action/jobFailed(id:_:)``).
    case export(ExportJob)
    case saveDraft(FormDraft)
    case deleteDraft(String)
    /// Read the draft kept for a form (answered with ``Action/draftLoaded(key:_:)``).
    case loadDraft(String)
    /// Open the text in `$VISUAL`/`$EDITOR` (the screen is suspended meanwhile).
    case edit(EditTarget, text: String, fileExtension: String)
    /// Read bulk upsert items from a JSON or CSV file.
    case loadItems(path: String, model: ModelDefinition)
    /// Read the tenant's custom fields (again, with `refresh`), answered with
    /// ``Action/customFieldsLoaded(_:refresh:)``.
    case loadCustomFields(refresh: Bool)
    /// Read the journal (a record's entries, or all), answered with ``Action/historyLoaded(_:recordID:)``.
    case loadHistory(recordID: String?)
    /// Work out what undoing the entry would send, answered with ``Action/undoPlanned(_:)``.
    case planUndo(JournalEntry)
    /// Send the undo, answered with ``Action/undone(_:)``.
    case applyUndo(UndoPlan, force: Bool)
    /// Read the names of a referenced model's records (every page), answered with
    /// ``Action/namesLoaded(route:_:)``.
    case lookUpNames(NameLookup)
    /// Keep the chosen columns of every model (the workspace's column file).
    case saveColumns([String: ColumnLayout])
    /// Run a saved view, answered as a list with ``Action/response(id:result:notices:)``.
    case runView(id: Int, SavedView)
    /// Add or replace a view in the views file, answered with ``Action/viewsChanged(_:saved:)``.
    case saveView(SavedView)
    case quit
}

/// Everything that happens to the explorer.
public enum Action: Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
    case tick
    /// A call's answer, with what must be said about it (a filter the server ignored, fields not stored).
    case response(id: Int, result: Result<JSONValue, PlanhatError>, notices: [Notice] = [])
    case exportTarget(ExportJob, exists: Bool)
    case jobProgress(id: Int, done: Int)
    /// An export finished: how many records went to `path`, and what the filter check found.
    case exported(id: Int, path: String, count: Int, notices: [Notice] = [])
    case jobFailed(id: Int, PlanhatError)
    case failed(String)
    /// The text back from `$EDITOR` (nil when the editor failed: the message says why).
    case edited(EditTarget, Result<String, PlanhatError>)
    case itemsLoaded(Result<BulkItems.File, PlanhatError>)
    case draftSaved(path: String)
    /// The draft kept for a form, if any.
    case draftLoaded(key: String, FormDraft?)
    /// The tenant's custom fields, read (or why not).
    case customFieldsLoaded(Result<CustomFields, PlanhatError>, refresh: Bool)
    /// The journal's entries (of `recordID`, when given).
    case historyLoaded(Result<[JournalEntry], PlanhatError>, recordID: String?)
    case undoPlanned(Result<UndoPlan, PlanhatError>)
    /// An undo sent: what to say.
    case undone(Result<String, PlanhatError>)
    /// The names of a referenced model's records, read (or why not).
    case namesLoaded(route: String, Result<[String: ReferenceName], PlanhatError>)
    /// The views as the file has them now (after a save: where it went).
    case viewsChanged(Result<[SavedView], PlanhatError>, saved: String?)
    /// A web-app address copied; whether a browser was there to open it.
    case urlOpened(String, browser: Bool)
    /// The program is ending (a signal): keep what must be kept.
    case shutdown
}
