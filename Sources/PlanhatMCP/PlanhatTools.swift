import Foundation
import Logging
import MCP
import PlanhatKit

/// The three tools of Planhat's hosted MCP server, over the core service:
/// `get_model_actions`, `get_model_action_parameters` and `perform_model_action`.
///
/// Failures of a call (bad `PARAMETERS`, unknown model or operation, invalid parameters, API
/// errors) are tool results with `isError: true` whose text starts with the status and carries
/// Planhat's guidance; only an unknown tool is a protocol error. The schemas offer only what the
/// session allows: the models of `--models`, and with `--read-only` only list and view.
public struct PlanhatTools: Sendable {
    public static let discoverName = "get_model_actions"
    public static let schemaName = "get_model_action_parameters"
    public static let performName = "perform_model_action"
    /// The classic tool set's names.
    public static let classicNames: Set<String> = [discoverName, schemaName, performName]
    /// Items per request of a bulk upsert on the sandbox: small, so a cancellation stops it soon
    /// (each chunk is one transaction of a few hundred milliseconds at most).
    public static let sandboxBulkChunkSize = 500

    public let service: PlanhatService
    /// The tool set, the answer budget and the upstream for search and documents.
    public let options: MCPServerOptions
    /// Where search and documents go when the backend has neither; nil: nowhere (the core's refusal).
    public let upstream: Upstream?
    let logger: Logger

    public init(service: PlanhatService, options: MCPServerOptions = MCPServerOptions(), upstream: Upstream? = nil, logger: Logger = Logger(label: "planhat.mcp")) {
        self.service = service
        self.options = options
        self.upstream = upstream
        self.logger = logger
    }

    /// How the classic tools shape answers: `offset` and `select` inside `PARAMETERS`.
    var classicShaping: AnswerShaping { AnswerShaping(budget: options.maxResultBytes, offsetName: "offset", selectName: "select") }

    /// Items per request of a bulk upsert: Planhat's limit on the API (``BulkItems/chunkSize``),
    /// ``sandboxBulkChunkSize`` on the sandbox. A cancelled upsert stops between two requests.
    public var bulkChunkSize: Int { isRemote ? BulkItems.chunkSize : Self.sandboxBulkChunkSize }

    /// The operations offered on at least one model, in their usual order: only reads when read-only.
    public var offeredOperations: [ModelOperation] {
        let offered = Set(service.discover().flatMap(\.operations))
        return ModelOperation.allCases.filter(offered.contains)
    }

    /// The routes of the models offered (`--models` narrows them).
    public var offeredRoutes: [String] { service.discover().map(\.route) }

    var readOnly: Bool { service.readOnly }
    var isRemote: Bool { service.backend.info.kind == .remote }

    /// The tool definitions of the tool set, in a fixed order.
    public var definitions: [Tool] {
        switch options.toolset {
        case .classic: return [discoverTool, schemaTool, performTool]
        case .hosted: return hostedTools
        case .all: return [discoverTool, performTool] + hostedTools
        }
    }

    /// What `initialize` tells the client about the tools.
    public var instructions: String {
        var parts: [String] = []
        if options.toolset.hasClassic {
            parts.append("Call get_model_actions to see the models, get_model_action_parameters for an operation's fields, then perform_model_action.")
        }
        if options.toolset.hasHosted {
            parts.append("list_model_records and get_model_record read records (MODEL as Company, End User, …); get_model_action_parameters gives a model's fields.")
        }
        return "Planhat customer-success data. " + parts.joined(separator: " ") + " Lists answer a page and say where to continue."
    }

    /// The names of the tools served.
    public var names: [String] { definitions.map(\.name) }

    var scopeNote: String {
        var notes: [String] = []
        if readOnly { notes.append("This server is READ-ONLY: only list and view are allowed.") }
        if service.catalog.models.count < Catalog.shared.models.count {
            notes.append("Models available here: " + service.catalog.models.map(\.route).joined(separator: ", ") + ".")
        }
        return notes.isEmpty ? "" : " " + notes.joined(separator: " ")
    }

    private var discoverTool: Tool {
        Tool(
            name: Self.discoverName, title: "Discover Planhat models and operations",
            description: "Lists the Planhat data models (\(Self.sample(offeredRoutes))) and the operations each supports ("
                + offeredOperations.map(\.rawValue).joined(separator: ", ") + "). Call it first to learn "
                + "valid MODEL_ROUTE and OPERATION values. No arguments." + scopeNote,
            inputSchema: .object(["type": "object", "properties": .object([:]), "additionalProperties": false]),
            annotations: .init(title: "Discover Planhat models and operations", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false),
            outputSchema: .object([
                "type": "object", "required": ["models"],
                "properties": .object([
                    "models": .object([
                        "type": "array",
                        "items": .object([
                            "type": "object", "required": ["route", "name", "operations"],
                            "properties": .object([
                                "route": .object(["type": "string"]), "name": .object(["type": "string"]),
                                "operations": .object(["type": "array", "items": .object(["type": "string"])]),
                            ]),
                        ]),
                    ])
                ]),
            ]))
    }

    /// `MODEL_ROUTE` and `OPERATION`, as both model tools take them: enums of what this session offers.
    private var targetProperties: [String: Value] {
        let routes = offeredRoutes
        return [
            "MODEL_ROUTE": .object([
                "type": "string", "description": .string("The model's route, e.g. \(Self.sample(routes, limit: 2, conjunction: "or")) (see get_model_actions)."),
                "enum": .array(routes.map { .string($0) }),
            ]),
            "OPERATION": .object([
                "type": "string", "description": .string(Self.alternatives(offeredOperations.map(\.rawValue)) + "."),
                "enum": .array(offeredOperations.map { .string($0.rawValue) }),
            ]),
        ]
    }

    /// `list, view or create` (or `and` for `conjunction`).
    static func alternatives(_ names: [String], conjunction: String = "or") -> String {
        guard let last = names.last else { return "" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " \(conjunction) " + last
    }

    /// The first few routes, then `…` when there are more.
    static func sample(_ routes: [String], limit: Int = 5, conjunction: String = "and") -> String {
        routes.count > limit ? routes.prefix(limit).joined(separator: ", ") + ", …" : alternatives(routes, conjunction: conjunction)
    }

    private var schemaTool: Tool {
        Tool(
            name: Self.schemaName, title: "Get the parameters of a model operation",
            description: "Returns the JSON Schema of the PARAMETERS that perform_model_action takes for one model and "
                + "operation: field names, types, formats, enums, required fields and descriptions. Names are forgiving "
                + "(Companies, company and companies all work)." + scopeNote,
            inputSchema: .object([
                "type": "object", "required": ["MODEL_ROUTE", "OPERATION"], "additionalProperties": false,
                "properties": .object(targetProperties),
            ]),
            annotations: .init(title: "Get the parameters of a model operation", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false),
            outputSchema: .object(["type": "object", "description": "A JSON Schema (draft 2020-12) of the operation's PARAMETERS."]))
    }

    /// What `perform_model_action` does, naming only the operations offered.
    private var performDescription: String {
        let offered = offeredOperations
        var parts = ["Performs " + Self.alternatives(offered.map(\.rawValue)) + " on a Planhat model and returns the API's "
            + "response. PARAMETERS is a JSON object (or a JSON string of one)"]
        if offered.contains(.list) {
            parts.append("list takes limit (default \(RecordQuery.defaultLimit)), offset, sort (a field, -field for descending, e.g. -arr), select "
                + "(comma-separated fields or an array; a few default fields without it, \"*\" for all) and filters such as companyId; "
                + "its answer says where it stands (page.more, page.nextOffset) and is cut at a whole record past \(options.maxResultBytes) bytes")
        }
        let keyed = offered.filter { [.view, .update, .delete].contains($0) }.map(\.rawValue)
        if !keyed.isEmpty {
            parts.append(Self.alternatives(keyed, conjunction: "and")
                + (keyed.count == 1 ? " takes" : " take") + " the record in id (a Planhat _id, extid-<externalId> or srcid-<sourceId>)")
        }
        if offered.contains(.update) { parts.append("update sends only the fields to change") }
        if offered.contains(.bulkUpsert) { parts.append("bulkUpsert takes items") }
        let uses = parts.dropFirst().joined(separator: "; ")
        return parts[0] + (uses.isEmpty ? "" : ": " + uses) + ". Check the fields with get_model_action_parameters first." + scopeNote
    }

    private var performTool: Tool {
        Tool(
            name: Self.performName, title: "Perform a Planhat operation",
            description: performDescription,
            inputSchema: .object([
                "type": "object", "required": ["MODEL_ROUTE", "OPERATION"], "additionalProperties": false,
                "properties": .object(targetProperties.merging([
                    "PARAMETERS": .object([
                        "type": "object",
                        "description": "The operation's parameters as a JSON object (a JSON string of one is accepted too), e.g. {\"limit\": 3, \"sort\": \"-arr\", \"select\": \"name,arr\"}.",
                    ])
                ]) { first, _ in first }),
            ]),
            annotations: .init(
                title: "Perform a Planhat operation", readOnlyHint: readOnly, destructiveHint: !readOnly,
                idempotentHint: false, openWorldHint: isRemote),
            outputSchema: .object([
                "type": "object",
                "description": .string("records for list, record for view/create/update, result for delete, summary for bulkUpsert; "
                    + "notices when something must be said (a filter the server ignored, fields not stored); verification for writes."),
                "properties": .object([
                    "records": .object(["type": "array", "items": .object(["type": "object"])]),
                    "record": .object(["type": "object"]),
                    "result": .object(["type": "object"]),
                    "summary": .object(["type": "object"]),
                    "page": PlanhatTools.pageSchema,
                    "truncated": .object(["type": "object", "description": "Present when the answer was cut to the byte budget: continueOffset, largestFields, shortenedFields."]),
                    "notices": .object(["type": "array", "items": .object(["type": "object"])]),
                    "fields": .object(["type": "array", "items": .object(["type": "string"]), "description": "The default fields shown when no select was given."]),
                    "verification": .object([
                        "type": "object", "description": "What a write stored: stored, dropped and changed fields (a sample of items for bulkUpsert).",
                    ]),
                ]),
            ]))
    }

    // MARK: - Calls

    /// Reports a bulk upsert's progress: `done` of `total` items after each chunk.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int) async -> Void
    /// Says, while a call waits for Planhat's quota, how long it still waits and why.
    public typealias Waiting = @Sendable (_ message: String) async -> Void

    /// Handles a `tools/call`.
    ///
    /// A call whose task is cancelled stops between the chunks of a bulk upsert; a write already
    /// sent runs to its end, so what was applied is known. It then throws ``CancelledCall`` instead
    /// of answering (MCP: a cancelled request gets no response).
    ///
    /// A call that waited for Planhat's quota (or a 429's Retry-After) says how long and why: a last
    /// text block and `waited` in its structured content. While it waits, `waiting` hears of it.
    ///
    /// - Parameter progress: told after each chunk of a bulk upsert (`notifications/progress`).
    /// - Parameter waiting: told before each wait of at least a second, with the time left and why.
    /// - Throws: `MCPError.invalidParams` for an unknown tool name; ``CancelledCall`` when cancelled
    ///   (a wait for the quota stops at once).
    public func call(_ name: String, arguments: [String: Value]?, progress: Progress? = nil, waiting: Waiting? = nil) async throws -> CallTool.Result {
        let ledger = WaitLedger { remaining, reason in
            guard let waiting, remaining >= 1 else { return }
            let message = "\(name) waits \(String(format: "%.0f", remaining.rounded(.up))) s more for \(reason.phrase)"
            Task { await waiting(message) }
        }
        let result: CallTool.Result
        do {
            result = try await WaitLedger.$current.withValue(ledger) { try await unobservedCall(name, arguments: arguments, progress: progress) }
        } catch is CancellationError {
            throw CancelledCall(tool: name)
        }
        return Self.noting(ledger, on: result)
    }

    /// The result with what the call waited, if it waited: a last text block, and `waited` in the
    /// structured content (and in its JSON text copy, when the first block is that copy).
    static func noting(_ ledger: WaitLedger, on result: CallTool.Result) -> CallTool.Result {
        guard let summary = ledger.summary else { return result }
        var content = result.content
        var structured = result.structuredContent
        if case .object(var members)? = structured {
            let copy = JSONValue(mcp: .object(members)).compactText()
            members["waited"] = MCP.Value(ledger.jsonValue)
            structured = .object(members)
            if case .text(let text, let annotations, let meta)? = content.first, text == copy {
                content[0] = .text(text: JSONValue(mcp: .object(members)).compactText(), annotations: annotations, _meta: meta)
            }
        }
        content.append(.text(text: summary, annotations: nil, _meta: nil))
        return CallTool.Result(content: content, structuredContent: structured, isError: result.isError, _meta: result._meta)
    }

    private func unobservedCall(_ name: String, arguments: [String: Value]?, progress: Progress?) async throws -> CallTool.Result {
        let arguments = arguments ?? [:]
        guard names.contains(name) else {
            throw MCPError.invalidParams("Unknown tool '\(name)'; the tools are \(names.joined(separator: ", "))")
        }
        let result: CallTool.Result
        switch name {
        case Self.discoverName:
            let models = JSONValue.array(service.discover().map(\.jsonValue))
            result = Self.success(text: models, structured: ["models": models])
        case Self.schemaName where options.toolset == .hosted || (arguments["MODEL"] != nil && arguments["MODEL_ROUTE"] == nil):
            result = await hostedSchema(arguments)
        case Self.schemaName:
            let service = await withCustomFields()
            result = Self.outcome(face: .mcp) {
                let (model, operation) = try target(arguments)
                let schema = SchemaSharing.shared(try service.schema(model: model, operation: operation))
                return (schema, schema)
            }
        case Self.performName:
            return try await perform(arguments, progress: progress)
        default:
            result = try await callHosted(name, arguments)
        }
        if Task.isCancelled { throw CancelledCall(tool: name) }
        return result
    }

    private func perform(_ arguments: [String: Value], progress: Progress?) async throws -> CallTool.Result {
        let request: PlanhatRequest
        do {
            let (model, operation) = try target(arguments)
            var parameters = try Self.parameters(arguments["PARAMETERS"])
            if ModelOperation(forgiving: operation) == .list {
                let (definition, _) = try service.resolve(model: model, operation: operation)
                return try await classicList(definition, parameters: &parameters)
            }
            // Records sent are checked against the tenant's custom fields too.
            let service = ModelOperation(forgiving: operation)?.sendsRecords == true ? await withCustomFields() : self.service
            request = try service.prepare(model: model, operation: operation, parameters: parameters)
        } catch let error as PlanhatError {
            return Self.failure(error)
        }
        let cancelled = { (applied: Int?, total: Int?, outcome: JSONValue?) in
            CancelledCall(tool: Self.performName, model: request.model.route, operation: request.operation,
                          applied: applied, total: total, outcome: outcome)
        }
        if Task.isCancelled { throw cancelled(request.operation.isWrite ? 0 : nil, request.operation.isWrite ? 1 : nil, nil) }
        return try await Self.outcome {
            let response: JSONValue
            switch request.operation {
            case .bulkUpsert:
                let upsert = ChunkedUpsert(service: service, chunkSize: bulkChunkSize, tool: Self.performName, progress: progress, logger: logger)
                response = try await upsert.run(request)
            case let operation where operation.isWrite:
                // Sent in full even if cancelled meanwhile: a write cut off in flight may or may not have been applied.
                response = try await ChunkedUpsert.uninterrupted { [service] in try await service.perform(request) }
                if Task.isCancelled { throw cancelled(1, 1, response) }
            default:
                do {
                    response = try await service.perform(request)
                } catch is CancellationError {
                    throw cancelled(nil, nil, nil)
                }
                if Task.isCancelled { throw cancelled(nil, nil, nil) }
            }
            var checked = try await service.check(request, answer: response)
            if request.operation == .bulkUpsert { checked.value = AnswerShaping.summarised(checked.value) }
            var structured = Self.wrap(checked.value, for: request.operation).objectValue ?? [:]
            if !checked.notices.isEmpty { structured["notices"] = .array(checked.notices.map(\.jsonValue)) }
            if let verification = checked.verification { structured["verification"] = verification.jsonValue }
            // The text says first what must be said, so an assistant reading only the text cannot miss it.
            let text: JSONValue = checked.notices.isEmpty ? checked.value : ["notices": .array(checked.notices.map { .string($0.message) }), "answer": checked.value]
            return (text, .object(structured))
        }
    }

    /// The service with the tenant's custom fields merged (read once per process), or as it is
    /// when they cannot be read: a call is never refused for that.
    private func withCustomFields() async -> PlanhatService {
        do {
            return try await service.withCustomFields()
        } catch {
            logger.notice("custom fields left out: the tenant's definitions cannot be read: \((error as? PlanhatError)?.headline ?? "\(error)")")
            return service
        }
    }

    func target(_ arguments: [String: Value]) throws -> (String, String) {
        var issues: [FieldIssue] = []
        let model = arguments["MODEL_ROUTE"]?.stringValue ?? ""
        let operation = arguments["OPERATION"]?.stringValue ?? ""
        if model.isEmpty {
            issues.append(FieldIssue(path: "MODEL_ROUTE", value: arguments["MODEL_ROUTE"].map { JSONValue(mcp: $0).preview() },
                                     expected: "a model route such as \(offeredRoutes.first ?? "companies") (see get_model_actions)"))
        }
        if operation.isEmpty {
            issues.append(FieldIssue(path: "OPERATION", value: arguments["OPERATION"].map { JSONValue(mcp: $0).preview() },
                                     expected: "one of " + offeredOperations.map(\.rawValue).joined(separator: ", ")))
        }
        let unknown = Set(arguments.keys).subtracting(["MODEL_ROUTE", "OPERATION", "PARAMETERS"])
        for name in unknown.sorted() {
            issues.append(FieldIssue(path: name, value: nil, expected: "MODEL_ROUTE, OPERATION or PARAMETERS", problem: "unknown argument"))
        }
        guard issues.isEmpty else {
            throw PlanhatError(
                status: 400, message: issues.map(\.description).joined(separator: "; "), fieldIssues: issues)
        }
        return (model, operation)
    }

    /// `PARAMETERS` as Planhat documents it (a JSON string) or as clients often send it (an object).
    static func parameters(_ value: Value?) throws -> JSONValue {
        switch value {
        case nil, .null?:
            return [:]
        case .string(let text)?:
            return try PlanhatService.parseParameters(text)
        case .object(let members)?:
            return JSONValue(mcp: .object(members))
        case let other?:
            throw PlanhatError.malformedParameters("got \(JSONValue(mcp: other).typeName) \(JSONValue(mcp: other).preview())")
        }
    }

    /// The structured form of a response: always an object, arrays wrapped.
    static func wrap(_ response: JSONValue, for operation: ModelOperation) -> JSONValue {
        switch (operation, response) {
        case (.list, _): return ["records": response]
        case (.bulkUpsert, _): return ["summary": response]
        case (.delete, .object): return ["result": response]
        case (_, .object): return ["record": response]
        default: return ["result": ["value": response]]
        }
    }

    /// The result of a call's body; a cancellation is passed on (it gets no result).
    private static func outcome(_ body: () async throws -> (text: JSONValue, structured: JSONValue)) async throws -> CallTool.Result {
        do {
            let (text, structured) = try await body()
            return success(text: text, structured: structured)
        } catch let cancelled as CancelledCall {
            throw cancelled
        } catch let error as PlanhatError {
            return failure(error)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return failure(PlanhatError(.internal, message: "unexpected error: \(error)"))
        }
    }

    static func outcome(face: Face = .mcp, _ body: () throws -> (text: JSONValue, structured: JSONValue)) -> CallTool.Result {
        do {
            let (text, structured) = try body()
            return success(text: text, structured: structured)
        } catch let error as PlanhatError {
            return failure(error, face: face)
        } catch {
            return failure(PlanhatError(.internal, message: "unexpected error: \(error)"), face: face)
        }
    }

    static func success(text: JSONValue, structured: JSONValue) -> CallTool.Result {
        CallTool.Result(content: [.text(text: text.compactText(), annotations: nil, _meta: nil)], structuredContent: Optional(MCP.Value(structured)), isError: false)
    }

    /// `400 Bad Request: …` with the fields at fault and Planhat's guidance, in the words of the
    /// tool set that was called (`face`: `.mcp` for the classic tools, `.mcpHosted` for the hosted ones).
    static func failure(_ error: PlanhatError, face: Face = .mcp) -> CallTool.Result {
        CallTool.Result(content: [.text(text: error.report(for: face), annotations: nil, _meta: nil)], structuredContent: Optional(MCP.Value(error.jsonValue(for: face))), isError: true)
    }
}
