import Foundation
import MCP
import PlanhatKit

/// The saved views as MCP resources: `planhat://views/NAME` for each view (views.yaml and, on the
/// sandbox, the built-in ones), and `planhat://views` listing them.
///
/// Reading a view runs it through the core (``SavedViewRunner/page(_:service:offset:limit:now:)``),
/// the way `planhat view run` and the explorer do, and answers a page within the answer budget as
/// the list tools do: `page` says where it stands, a cut says `truncated` and where to continue
/// (`planhat://views/NAME?offset=25`; `?limit=` asks for another page size).
struct ViewResources: Sendable {
    static let index = "planhat://views"
    static let prefix = "planhat://views/"

    let service: PlanhatService
    /// The views of the session, read again at each request (the file is hand-editable).
    let views: @Sendable () throws -> [SavedView]
    let budget: Int
    /// The tool a reader asks for one whole record (named in the line of a shortened answer).
    let recordTool: String

    /// `planhat://views/renewals-90d` (a name's reserved characters percent-encoded).
    static func uri(of name: String) -> String {
        prefix + (name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? name)
    }

    /// Whether this type serves `uri`.
    static func serves(_ uri: String) -> Bool { uri == index || uri.hasPrefix(prefix) }

    /// The index and one resource per view. A views file that does not load is said in the
    /// index's description (and reading a view says it too); the journal stays listed.
    func resources() -> [Resource] {
        let loaded = Result { try views() }
        var indexDescription = "The saved views (views.yaml"
            + (service.backend.info.kind == .sandbox ? " and the sandbox's built-in ones" : "")
            + ") as JSON: name, title, model, conditions, sort, columns. Read planhat://views/NAME to run one."
        if case .failure(let error) = loaded { indexDescription += " The views file cannot be loaded: \(Self.message(error))" }
        var list = [Resource(name: "views", uri: Self.index, title: "Saved views", description: indexDescription, mimeType: "application/json")]
        for view in (try? loaded.get()) ?? [] {
            var description = "Runs the saved view: " + view.summary
                + ". Answers \(RecordQuery.defaultLimit) records a page with the view's columns (?offset=N continues, ?limit=N asks another size)."
            if service.catalog.model(route: view.model) == nil {
                description += " Not available in this session: \(view.model) is not among the models offered (--models)."
            }
            list.append(Resource(name: view.name, uri: Self.uri(of: view.name), title: view.title ?? view.name, description: description, mimeType: "application/json"))
        }
        return list
    }

    /// The text of `uri`: the index, or a page of the view.
    ///
    /// - Throws: `MCPError.invalidParams` for a URI it does not know, an unknown view or a bad
    ///   `offset`/`limit`, naming what is expected; `MCPError.internalError` when the view cannot run.
    func read(_ uri: String) async throws -> String {
        let all: [SavedView]
        do { all = try views() } catch { throw MCPError.internalError("the views file cannot be loaded: \(Self.message(error))") }
        if uri == Self.index {
            return JSONValue.object(["views": .array(all.map { view in
                var members = view.jsonValue.objectValue ?? [:]
                members["uri"] = .string(Self.uri(of: view.name))
                return .object(members)
            })]).compactText()
        }
        let (name, offset, limit) = try Self.parse(uri)
        let view: SavedView
        do { view = try SavedViews.named(name, in: all) } catch { throw MCPError.invalidParams("unknown resource \(uri): \(Self.message(error))") }
        guard let model = service.catalog.model(route: view.model) else {
            throw MCPError.invalidParams("the view \(view.name) lists \(view.model), which this session does not offer (--models); the models are " + service.catalog.models.map(\.route).joined(separator: ", "))
        }
        let maximum = model.listLimit.max
        guard (1...maximum).contains(limit) else { throw MCPError.invalidParams("limit in \(uri): \(limit) is not a whole number from 1 to \(maximum)") }
        let page: RecordPage
        do {
            page = try await SavedViewRunner.page(view, service: service, offset: offset, limit: limit)
        } catch let error as PlanhatError {
            throw MCPError.internalError("the view \(view.name) could not run: \(error.report)")
        }
        let definition: JSONValue = ["name": .string(view.name), "summary": .string(view.summary)]
        let shaping = AnswerShaping(
            budget: budget - definition.compactData().count - 40, selectName: recordTool,
            continueAt: { "read \(Self.uri(of: view.name))?offset=\($0)" + (limit == RecordQuery.defaultLimit ? "" : "&limit=\(limit)") },
            cutAdvice: "read with a smaller ?limit= or give the view fewer columns")
        let result = shaping.list(page, model: model)
        var envelope = result.structuredContent.map(JSONValue.init(mcp:))?.objectValue ?? [:]
        envelope["view"] = definition
        if let line = result.content.dropFirst().first, case .text(let text, _, _) = line { envelope["line"] = .string(text) }
        return JSONValue.object(envelope).compactText()
    }

    /// The view's name and the page asked for in `planhat://views/NAME?offset=N&limit=N`.
    static func parse(_ uri: String) throws -> (name: String, offset: Int, limit: Int) {
        let rest = uri.dropFirst(prefix.count)
        let parts = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts.first ?? "").removingPercentEncoding ?? String(parts.first ?? "")
        guard uri.hasPrefix(prefix), !name.isEmpty else {
            throw MCPError.invalidParams("unknown resource \(uri); the server offers planhat://journal/recent, \(index) and \(prefix)NAME")
        }
        var offset = 0
        var limit = RecordQuery.defaultLimit
        for pair in parts.dropFirst().first?.split(separator: "&") ?? [] {
            let item = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let key = item[0]
            let value = item.count > 1 ? item[1] : ""
            switch key {
            case "offset":
                guard let number = Int(value), number >= 0 else { throw MCPError.invalidParams("offset in \(uri): '\(value)' is not a whole number of at least 0") }
                offset = number
            case "limit":
                guard let number = Int(value) else { throw MCPError.invalidParams("limit in \(uri): '\(value)' is not a whole number") }
                limit = number
            default:
                throw MCPError.invalidParams("\(key) in \(uri): unknown parameter; a view takes offset and limit")
            }
        }
        return (name, offset, limit)
    }

    static func message(_ error: any Error) -> String {
        (error as? PlanhatError)?.report ?? "\(error)"
    }
}

/// The resources a session serves: the journal's recent writes and the saved views.
struct ServedResources: Sendable {
    let journal: JournalResource
    let views: ViewResources

    /// Serves `resources/list` and `resources/read` on `server`.
    func register(on server: Server) async {
        await server.withMethodHandler(ListResources.self) { _ in
            ListResources.Result(resources: [journal.resource] + views.resources())
        }
        await server.withMethodHandler(ReadResource.self) { parameters in
            let uri = parameters.uri
            if uri == JournalResource.uri {
                return ReadResource.Result(contents: [.text(journal.text(), uri: uri, mimeType: "application/json")])
            }
            guard ViewResources.serves(uri) else {
                throw MCPError.invalidParams("unknown resource \(uri); the server offers \(JournalResource.uri), \(ViewResources.index) and \(ViewResources.prefix)NAME")
            }
            return ReadResource.Result(contents: [.text(try await views.read(uri), uri: uri, mimeType: "application/json")])
        }
    }
}
