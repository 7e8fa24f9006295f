import Foundation
import MCP
import PlanhatKit

/// The three tools of Planhat's hosted MCP server, over the core service:
/// `get_model_actions`, `get_model_action_parameters` and `perform_model_action`.
///
/// Failures of a call (bad `PARAMETERS`, unknown model or operation, invalid parameters, API
/// errors) are tool results with `isError: true` whose text starts with the status and carries
/// Planhat's guidance; only an unknown tool is a protocol error.
public struct PlanhatTools: Sendable {
    public static let discoverName = "get_model_actions"
    public static let schemaName = "get_model_action_parameters"
    public static let performName = "perform_model_action"

    public let service: PlanhatService

    public init(service: PlanhatService) {
        self.service = service
    }

    private var readOnly: Bool { service.readOnly }
    private var isRemote: Bool { service.backend.info.kind == .remote }

    /// The tool definitions, in a fixed order.
    public var definitions: [Tool] {
        [discoverTool, schemaTool, performTool]
    }

    private var scopeNote: String {
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
            description: "Lists the Planhat data models (companies, endusers, licenses, conversations, tasks, …) and the "
                + "operations each supports (list, view, create, update, delete, bulkUpsert). Call it first to learn "
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

    /// `MODEL_ROUTE` and `OPERATION`, as both model tools take them.
    private static let targetProperties: [String: Value] = [
        "MODEL_ROUTE": .object(["type": "string", "description": "The model, e.g. companies or endusers (see get_model_actions)."]),
        "OPERATION": .object([
            "type": "string", "description": "list, view, create, update, delete or bulkUpsert.",
            "enum": .array(ModelOperation.allCases.map { .string($0.rawValue) }),
        ]),
    ]

    private var schemaTool: Tool {
        Tool(
            name: Self.schemaName, title: "Get the parameters of a model operation",
            description: "Returns the JSON Schema of the PARAMETERS that perform_model_action takes for one model and "
                + "operation: field names, types, formats, enums, required fields and descriptions. Names are forgiving "
                + "(Companies, company and companies all work)." + scopeNote,
            inputSchema: .object([
                "type": "object", "required": ["MODEL_ROUTE", "OPERATION"], "additionalProperties": false,
                "properties": .object(Self.targetProperties),
            ]),
            annotations: .init(title: "Get the parameters of a model operation", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false),
            outputSchema: .object(["type": "object", "description": "A JSON Schema (draft 2020-12) of the operation's PARAMETERS."]))
    }

    private var performTool: Tool {
        Tool(
            name: Self.performName, title: "Perform a Planhat operation",
            description: "Performs list, view, create, update, delete or bulkUpsert on a Planhat model and returns the API's "
                + "response. PARAMETERS is a JSON object (or a JSON string of one): list takes limit, offset, sort "
                + "(a field, -field for descending, e.g. -arr), select (comma-separated fields) and filters such as "
                + "companyId; view, update and delete take the record in id (a Planhat _id, extid-<externalId> or "
                + "srcid-<sourceId>); update sends only the fields to change; bulkUpsert takes items. Check the fields "
                + "with get_model_action_parameters first." + scopeNote,
            inputSchema: .object([
                "type": "object", "required": ["MODEL_ROUTE", "OPERATION"], "additionalProperties": false,
                "properties": .object(Self.targetProperties.merging([
                    "PARAMETERS": .object([
                        "type": ["object", "string"],
                        "description": "The operation's parameters: a JSON object, or a JSON string of one, e.g. {\"limit\": 3, \"sort\": \"-arr\", \"select\": \"name,arr\"}.",
                    ])
                ]) { first, _ in first }),
            ]),
            annotations: .init(
                title: "Perform a Planhat operation", readOnlyHint: readOnly, destructiveHint: !readOnly,
                idempotentHint: false, openWorldHint: isRemote),
            outputSchema: .object([
                "type": "object",
                "description": "records for list, record for view/create/update, result for delete, summary for bulkUpsert.",
                "properties": .object([
                    "records": .object(["type": "array", "items": .object(["type": "object"])]),
                    "record": .object(["type": "object"]),
                    "result": .object([:]),
                    "summary": .object(["type": "object"]),
                ]),
            ]))
    }

    // MARK: - Calls

    /// Handles a `tools/call`.
    ///
    /// - Throws: `MCPError.invalidParams` for an unknown tool name only.
    public func call(_ name: String, arguments: [String: Value]?) async throws -> CallTool.Result {
        let arguments = arguments ?? [:]
        switch name {
        case Self.discoverName:
            let models = JSONValue.array(service.discover().map(\.jsonValue))
            return Self.success(text: models, structured: ["models": models])
        case Self.schemaName:
            return Self.outcome {
                let (model, operation) = try Self.target(arguments)
                let schema = try service.schema(model: model, operation: operation)
                return (schema, schema)
            }
        case Self.performName:
            return await Self.outcome {
                let (model, operation) = try Self.target(arguments)
                let parameters = try Self.parameters(arguments["PARAMETERS"])
                let request = try service.prepare(model: model, operation: operation, parameters: parameters)
                let response = try await service.perform(request)
                return (response, Self.wrap(response, for: request.operation))
            }
        default:
            let known = [Self.discoverName, Self.schemaName, Self.performName].joined(separator: ", ")
            throw MCPError.invalidParams("Unknown tool '\(name)'; the tools are \(known)")
        }
    }

    static func target(_ arguments: [String: Value]) throws -> (String, String) {
        var issues: [FieldIssue] = []
        let model = arguments["MODEL_ROUTE"]?.stringValue ?? ""
        let operation = arguments["OPERATION"]?.stringValue ?? ""
        if model.isEmpty {
            issues.append(FieldIssue(path: "MODEL_ROUTE", value: arguments["MODEL_ROUTE"].map { JSONValue(mcp: $0).preview() },
                                     expected: "a model route such as companies (see get_model_actions)"))
        }
        if operation.isEmpty {
            issues.append(FieldIssue(path: "OPERATION", value: arguments["OPERATION"].map { JSONValue(mcp: $0).preview() },
                                     expected: "one of list, view, create, update, delete, bulkUpsert"))
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
        case (.delete, _): return ["result": response]
        case (_, .object): return ["record": response]
        default: return ["result": response]
        }
    }

    private static func outcome(_ body: () async throws -> (text: JSONValue, structured: JSONValue)) async -> CallTool.Result {
        do {
            let (text, structured) = try await body()
            return success(text: text, structured: structured)
        } catch let error as PlanhatError {
            return failure(error)
        } catch is CancellationError {
            return failure(PlanhatError(.cancelled, message: "the call was cancelled"))
        } catch {
            return failure(PlanhatError(.internal, message: "unexpected error: \(error)"))
        }
    }

    private static func outcome(_ body: () throws -> (text: JSONValue, structured: JSONValue)) -> CallTool.Result {
        do {
            let (text, structured) = try body()
            return success(text: text, structured: structured)
        } catch let error as PlanhatError {
            return failure(error)
        } catch {
            return failure(PlanhatError(.internal, message: "unexpected error: \(error)"))
        }
    }

    static func success(text: JSONValue, structured: JSONValue) -> CallTool.Result {
        CallTool.Result(content: [.text(text: text.compactText(), annotations: nil, _meta: nil)], structuredContent: Optional(MCP.Value(structured)), isError: false)
    }

    /// `400 Bad Request: …` with the fields at fault and Planhat's guidance.
    static func failure(_ error: PlanhatError) -> CallTool.Result {
        CallTool.Result(content: [.text(text: error.report, annotations: nil, _meta: nil)], structuredContent: Optional(MCP.Value(error.jsonValue)), isError: true)
    }
}
