import Foundation
import MCP
import PlanhatKit

/// The tools of Planhat's hosted MCP server today, with its names and upper-case arguments, over the
/// same core as the classic three: `list_model_records`, `get_model_record`, `create_model_record`,
/// `update_model_record`, `delete_model_record`, `get_model_action_parameters`, and (where the backend
/// has them) `search_records` and the document tools.
///
/// Declarations keep to what every model provider takes: one `type` per property, an object at the
/// root, no combinators, `items` on every array. At run time they are lenient: a JSON string where an
/// object is declared, a comma string where an array is.
extension PlanhatTools {
    public static let listName = "list_model_records"
    public static let getName = "get_model_record"
    public static let createName = "create_model_record"
    public static let updateName = "update_model_record"
    public static let deleteName = "delete_model_record"

    /// The shaping of hosted answers: `OFFSET` and `SELECT` are top-level arguments.
    var hostedShaping: AnswerShaping { AnswerShaping(budget: options.maxResultBytes, offsetName: "OFFSET", selectName: "SELECT") }

    /// `page` as structured answers carry it.
    static let pageSchema: Value = .object([
        "type": "object",
        "description": "more: absent when unknown; nextOffset: absent when nothing follows.",
        "properties": .object([
            "offset": .object(["type": "integer"]), "limit": .object(["type": "integer"]), "returned": .object(["type": "integer"]),
            "more": .object(["type": "boolean"]), "nextOffset": .object(["type": "integer"]),
        ]),
    ])

    /// The model names the hosted tools take (display names; routes work too).
    private var modelNames: [String] { service.catalog.models.map(\.name) }

    /// `MODEL` as `list_model_records` declares it: every model offered, named once in the tool list.
    private var fullModelProperty: Value {
        .object([
            "type": "string",
            "description": .string("The model's name (\"End User\", EndUser and routes such as endusers work too): " + modelNames.joined(separator: ", ") + "."),
        ])
    }

    /// `MODEL` as the other tools declare it: the list is in `list_model_records`.
    private var modelProperty: Value {
        .object(["type": "string", "description": .string("The model's name, as in list_model_records (\(modelNames.prefix(2).joined(separator: ", ")), etc.).")])
    }

    /// What a reading tool declares: read-only (MCP counts `destructiveHint` and `idempotentHint`
    /// only for tools that write, so they are left out), and whether it talks to the real API.
    private var reading: Tool.Annotations { .init(readOnlyHint: true, openWorldHint: isRemote) }

    /// `OBJECT_ID` as `get_model_record` declares it; the writes refer to it.
    private var objectIDProperty: Value {
        .object(["type": "string", "description": "The record: a Planhat _id, extid-<externalId> or srcid-<sourceId>."])
    }

    private var sameObjectIDProperty: Value {
        .object(["type": "string", "description": "The record, as in get_model_record."])
    }

    /// `SELECT` as `list_model_records` declares it; `get_model_record` refers to it.
    private var selectProperty: Value {
        .object([
            "type": "array", "items": .object(["type": "string"]),
            "description": "Fields (_id always comes): top-level, nested (lastTouchByType.email) or custom (custom.Seats); a comma string works too. Lists default to a few; [\"*\"] for all.",
        ])
    }

    private var sameSelectProperty: Value {
        .object(["type": "array", "items": .object(["type": "string"]), "description": "Fields, as in list_model_records; all without it."])
    }

    private var parametersProperty: Value {
        .object([
            "type": "object",
            "description": "The record's fields as a JSON object (a JSON string of one is accepted too); get_model_action_parameters lists them.",
        ])
    }

    /// `PARAMETERS` of `update_model_record`: what `create_model_record` takes, only the fields to change.
    private var changesProperty: Value {
        .object(["type": "object", "description": "The fields to change, as in create_model_record."])
    }

    /// The hosted tool definitions this session offers (writes only when not read-only).
    var hostedTools: [Tool] {
        let operators = RecordCondition.Operator.allCases.map { "[\($0.rawValue)]" }.joined(separator: ", ")
        var tools: [Tool] = [
            Tool(
                name: Self.listName, title: "List Planhat records",
                description: "Lists a model's records: \(RecordQuery.defaultLimit) unless LIMIT says otherwise; the page says where it stands (page.more, page.nextOffset); "
                    + "past \(options.maxResultBytes) bytes the answer is cut at a whole record and says where to continue." + scopeNote,
                inputSchema: .object([
                    "type": "object", "required": ["MODEL"], "additionalProperties": false,
                    "properties": .object([
                        "MODEL": fullModelProperty,
                        "FILTER": .object([
                            "type": "object",
                            "description": .string("Conditions as {\"field[operator]\": value}, operators \(operators); e.g. {\"custom.Seats[more than]\": \"10\", \"archived[equal to]\": \"false\"}. Dates as YYYY-MM-DD or ISO. What Planhat's API cannot filter is applied here. A JSON string works too."),
                        ]),
                        "SELECT": selectProperty,
                        "SORT": .object(["type": "string", "description": "A field, -field for descending, e.g. -arr."]),
                        "LIMIT": .object(["type": "integer", "description": .string("Records to return (default \(RecordQuery.defaultLimit); the model's maximum when asked).")]),
                        "OFFSET": .object(["type": "integer", "description": "Records to skip: the nextOffset of the previous page."]),
                    ]),
                ]),
                annotations: reading,
                outputSchema: .object([
                    "type": "object", "required": ["records", "page"],
                    "properties": .object([
                        "records": .object(["type": "array", "items": .object(["type": "object"])]),
                        "page": Self.pageSchema,
                    ]),
                ])),
            Tool(
                name: Self.getName, title: "Get a Planhat record",
                description: "Returns one record by OBJECT_ID, all fields or those of SELECT." + scopeNote,
                inputSchema: .object([
                    "type": "object", "required": ["MODEL", "OBJECT_ID"], "additionalProperties": false,
                    "properties": .object(["MODEL": modelProperty, "OBJECT_ID": objectIDProperty, "SELECT": sameSelectProperty]),
                ]),
                annotations: reading,
                outputSchema: nil),
        ]
        if !readOnly {
            tools += [
                Tool(
                    name: Self.createName, title: "Create a Planhat record",
                    description: "Creates a record from PARAMETERS (check the fields with get_model_action_parameters); the answer says what Planhat stored, dropped or changed." + scopeNote,
                    inputSchema: .object([
                        "type": "object", "required": ["MODEL", "PARAMETERS"], "additionalProperties": false,
                        "properties": .object(["MODEL": modelProperty, "PARAMETERS": parametersProperty]),
                    ]),
                    annotations: .init(readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: isRemote),
                    outputSchema: nil),
                Tool(
                    name: Self.updateName, title: "Update a Planhat record",
                    description: "Updates the fields in PARAMETERS of one record (the others stay); the answer says what Planhat stored." + scopeNote,
                    inputSchema: .object([
                        "type": "object", "required": ["MODEL", "OBJECT_ID", "PARAMETERS"], "additionalProperties": false,
                        "properties": .object(["MODEL": modelProperty, "OBJECT_ID": sameObjectIDProperty, "PARAMETERS": changesProperty]),
                    ]),
                    annotations: .init(readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: isRemote),
                    outputSchema: nil),
                Tool(
                    name: Self.deleteName, title: "Delete a Planhat record",
                    description: "Deletes one record." + scopeNote,
                    inputSchema: .object([
                        "type": "object", "required": ["MODEL", "OBJECT_ID"], "additionalProperties": false,
                        "properties": .object(["MODEL": modelProperty, "OBJECT_ID": sameObjectIDProperty]),
                    ]),
                    annotations: .init(readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: isRemote),
                    outputSchema: nil),
            ]
        }
        tools.append(hostedSchemaTool)
        return tools + searchTools
    }

    public static let searchName = "search_records"
    public static let createDocumentName = "create_document"
    public static let getDocumentName = "get_document"
    public static let searchDocumentsName = "search_documents"

    private var queryProperty: Value { .object(["type": "string", "description": "Words to look for; each matches as a prefix, accents ignored."]) }

    private var hitsOutput: Value {
        .object(["type": "object", "required": ["results"], "properties": .object(["results": .object(["type": "array", "items": .object(["type": "object"])])])])
    }

    /// `search_records` and the document tools (the sandbox has them; on a workspace they say why not).
    private var searchTools: [Tool] {
        var tools = [
            Tool(
                name: Self.searchName, title: "Search Planhat records",
                description: "Full-text search over records (names, emails, descriptions, custom fields), best \(PlanhatService.searchLimit) first; results name model, _id and title." + forwardingNote,
                inputSchema: .object([
                    "type": "object", "required": ["QUERY"], "additionalProperties": false,
                    "properties": .object(["QUERY": queryProperty, "MODEL": .object(["type": "string", "description": "Optional: only this model."])]),
                ]),
                annotations: reading,
                outputSchema: hitsOutput),
            Tool(
                name: Self.getDocumentName, title: "Get a document",
                description: "One document by _id: name, content, owner, isPublic, createdAt." + forwardingNote,
                inputSchema: .object([
                    "type": "object", "required": ["DOCUMENT_ID"], "additionalProperties": false,
                    "properties": .object(["DOCUMENT_ID": .object(["type": "string"]), "FORMAT": .object(["type": "string", "description": "text (the only format)."])]),
                ]),
                annotations: reading,
                outputSchema: nil),
            Tool(
                name: Self.searchDocumentsName, title: "Search documents",
                description: "Full-text search over documents' names and content, best first; results carry _id, name, createdAt and the matching words." + forwardingNote,
                inputSchema: .object(["type": "object", "required": ["QUERY"], "additionalProperties": false, "properties": .object(["QUERY": queryProperty])]),
                annotations: reading,
                outputSchema: hitsOutput),
        ]
        if !readOnly {
            tools.insert(
                Tool(
                    name: Self.createDocumentName, title: "Create a document",
                    description: "Stores a document with a name and text content." + forwardingNote,
                    inputSchema: .object([
                        "type": "object", "required": ["NAME", "CONTENT"], "additionalProperties": false,
                        "properties": .object([
                            "NAME": .object(["type": "string"]), "CONTENT": .object(["type": "string"]),
                            "OWNER": .object(["type": "string", "description": "A user _id."]), "IS_PUBLIC": .object(["type": "boolean"]),
                        ]),
                    ]),
                    annotations: .init(readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: isRemote),
                    outputSchema: nil),
                at: 1)
        }
        return tools
    }

    /// What the search tools' descriptions add on a backend without them: forwarded, or unavailable.
    private var forwardingNote: String {
        guard !service.searchesItself else { return "" }
        switch upstream {
        case .hosted?: return " Forwarded to Planhat's hosted MCP server."
        case .off?: return " Unavailable here (--no-upstream)."
        case nil: return " Unavailable on this backend."
        }
    }

    /// The arguments each search tool takes.
    static let searchArguments: [String: Set<String>] = [
        searchName: ["QUERY", "MODEL"], createDocumentName: ["NAME", "CONTENT", "OWNER", "IS_PUBLIC"],
        getDocumentName: ["DOCUMENT_ID", "FORMAT"], searchDocumentsName: ["QUERY"],
    ]

    /// `search_records` and the document tools.
    func callSearch(_ name: String, _ arguments: [String: Value]) async throws -> CallTool.Result {
        if !service.searchesItself, let upstream {
            return try await forward(name, arguments, to: upstream)
        }
        switch name {
        case Self.searchName:
            try Self.refuseUnknown(arguments, allowed: ["QUERY", "MODEL"])
            let model = arguments["MODEL"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            let hits = try await service.searchRecords(arguments["QUERY"]?.stringValue ?? "", model: model)
            return AnswerShaping.result(["results": .array(hits)], line: "\(hits.count) records match\(hits.count == PlanhatService.searchLimit ? " (the best \(PlanhatService.searchLimit); narrow the words or name a MODEL for others)" : "")")
        case Self.createDocumentName:
            try Self.refuseUnknown(arguments, allowed: ["NAME", "CONTENT", "OWNER", "IS_PUBLIC"])
            let isPublic = JSONValue(optional: arguments["IS_PUBLIC"]).map { $0.boolValue ?? ($0.stringValue?.lowercased() == "true") } ?? false
            let document = NewDocument(
                name: arguments["NAME"]?.stringValue ?? "", content: arguments["CONTENT"]?.stringValue ?? "",
                owner: arguments["OWNER"]?.stringValue, isPublic: isPublic)
            let stored = try await service.createDocument(document)
            return hostedShaping.record(["record": stored], line: "created document \(stored["_id"]?.stringValue ?? "")")
        case Self.getDocumentName:
            try Self.refuseUnknown(arguments, allowed: ["DOCUMENT_ID", "FORMAT"])
            if let format = arguments["FORMAT"]?.stringValue, format.lowercased() != "text" {
                let issue = FieldIssue(path: "FORMAT", value: format, expected: "text")
                throw PlanhatError(status: 400, message: issue.description, fieldIssues: [issue])
            }
            let document = try await service.document(id: try Self.requiredText(arguments, "DOCUMENT_ID"))
            return hostedShaping.record(["record": document], line: "document \(document["name"]?.stringValue ?? "")")
        default:
            try Self.refuseUnknown(arguments, allowed: ["QUERY"])
            let hits = try await service.searchDocuments(arguments["QUERY"]?.stringValue ?? "")
            return AnswerShaping.result(["results": .array(hits)], line: "\(hits.count) documents match")
        }
    }

    /// A search tool on a backend without search: checked here as the sandbox checks it (arguments,
    /// words, read-only), then sent to Planhat's hosted MCP server, or refused with why and what to do.
    private func forward(_ name: String, _ arguments: [String: Value], to upstream: Upstream) async throws -> CallTool.Result {
        try Self.refuseUnknown(arguments, allowed: Self.searchArguments[name] ?? [])
        switch name {
        case Self.createDocumentName:
            let isPublic = JSONValue(optional: arguments["IS_PUBLIC"]).map { $0.boolValue ?? ($0.stringValue?.lowercased() == "true") } ?? false
            try service.check(NewDocument(
                name: arguments["NAME"]?.stringValue ?? "", content: arguments["CONTENT"]?.stringValue ?? "",
                owner: arguments["OWNER"]?.stringValue, isPublic: isPublic))
        case Self.getDocumentName:
            _ = try Self.requiredText(arguments, "DOCUMENT_ID")
        default:
            _ = try PlanhatService.searchText(arguments["QUERY"]?.stringValue ?? "", field: "QUERY")
        }
        switch upstream {
        case .off:
            throw PlanhatError(
                .configuration,
                message: "\(name) is not available on \(service.backend.info.badge): Planhat's REST API has no full-text search and no documents, and forwarding to Planhat's hosted MCP server is off (--no-upstream)",
                details: [
                    "Start the server without --no-upstream to forward \(name) to Planhat's hosted MCP server with the same token (--upstream-mcp URL names the server),",
                    "or use list_model_records with a FILTER such as {\"name[contains]\": \"…\"} instead.",
                ])
        case .hosted(let hosted):
            return ForwardedCut(budget: options.maxResultBytes, tool: name).apply(try await hosted.call(name, arguments: arguments))
        }
    }

    /// `get_model_action_parameters`: `MODEL` (hosted), or `MODEL_ROUTE` and `OPERATION` too with `--toolset all`.
    private var hostedSchemaTool: Tool {
        var properties: [String: Value] = [
            "MODEL": modelProperty,
            "OPERATION": .object([
                "type": "string",
                "description": .string("Optional: " + Self.alternatives(offeredOperations.map(\.rawValue)) + " (default create, or list when read-only)."),
            ]),
        ]
        var required: [Value] = ["MODEL"]
        var description = "Returns the JSON Schema of a model's fields (types, formats, enums, required fields and each field's description) for create, or the OPERATION named."
        if options.toolset == .all {
            properties["MODEL_ROUTE"] = .object(["type": "string", "description": "The classic tools' spelling of MODEL (a route such as companies)."])
            required = []
            description += " Takes MODEL (hosted tools) or MODEL_ROUTE with OPERATION (perform_model_action)."
        }
        return Tool(
            name: Self.schemaName, title: "Get the parameters of a model",
            description: description + scopeNote,
            inputSchema: .object(["type": "object", "required": .array(required), "additionalProperties": false, "properties": .object(properties)]),
            annotations: .init(readOnlyHint: true, openWorldHint: false),
            outputSchema: .object(["type": "object", "description": "A JSON Schema (draft 2020-12) of the operation's parameters."]))
    }

    // MARK: - Calls

    /// `get_model_action_parameters` with `MODEL`.
    func hostedSchema(_ arguments: [String: Value]) async -> CallTool.Result {
        let service = await withCustomFieldsForHosted()
        return Self.outcome(face: .mcpHosted) {
            try Self.refuseUnknown(arguments, allowed: ["MODEL", "OPERATION", "MODEL_ROUTE"])
            let model = try service.catalog.model(named: try Self.requiredText(arguments, "MODEL"))
            let operation: ModelOperation
            if let named = arguments["OPERATION"]?.stringValue, !named.isEmpty {
                operation = try service.resolve(model: model.route, operation: named).1
            } else {
                let usual: [ModelOperation] = service.readOnly ? [.list, .view] : [.create, .update, .list, .view]
                operation = usual.first { service.operations(of: model).contains($0) } ?? .list
            }
            let schema = SchemaSharing.shared(try service.schema(model: model.route, operation: operation.rawValue))
            return (schema, schema)
        }
    }

    /// A hosted tool other than the schema tool.
    func callHosted(_ name: String, _ arguments: [String: Value]) async throws -> CallTool.Result {
        do {
            switch name {
            case Self.listName:
                try Self.refuseUnknown(arguments, allowed: ["MODEL", "FILTER", "SELECT", "SORT", "LIMIT", "OFFSET"])
                let model = try resolveModel(arguments, .list)
                var query = RecordQuery(
                    conditions: try RecordCondition.parse(JSONValue(optional: arguments["FILTER"])),
                    selection: try FieldSelection.parse(JSONValue(optional: arguments["SELECT"]), field: "SELECT"),
                    sort: try Self.optionalText(arguments, "SORT", expected: "a field, -field for descending (e.g. -arr)"),
                    limit: try Self.whole(arguments["LIMIT"], "LIMIT", range: 1...model.listLimit.max) ?? RecordQuery.defaultLimit,
                    offset: try Self.whole(arguments["OFFSET"], "OFFSET", range: 0...Int.max) ?? 0)
                let defaults = Self.applyDefaultFields(&query, model: model)
                let page = try await service.listRecords(model: model, query: query)
                return hostedShaping.list(page, model: model, defaultFields: defaults)
            case Self.getName:
                try Self.refuseUnknown(arguments, allowed: ["MODEL", "OBJECT_ID", "SELECT"])
                let model = try resolveModel(arguments, .view)
                let selection = try FieldSelection.parse(JSONValue(optional: arguments["SELECT"]), field: "SELECT")
                let id = try Self.requiredText(arguments, "OBJECT_ID")
                let outcome = try await service.run(try service.prepare(model: model, operation: .view, parameters: ["id": .string(id)]))
                let record = selection.map { $0.paths == ["*"] ? outcome.value : $0.project(outcome.value) } ?? outcome.value
                return hostedShaping.record(["record": record], line: "\(model.name) \(id)")
            case Self.createName, Self.updateName, Self.deleteName:
                let operation: ModelOperation = name == Self.createName ? .create : name == Self.updateName ? .update : .delete
                let allowed: Set<String> = operation == .create ? ["MODEL", "PARAMETERS"] : operation == .update ? ["MODEL", "OBJECT_ID", "PARAMETERS"] : ["MODEL", "OBJECT_ID"]
                try Self.refuseUnknown(arguments, allowed: allowed)
                let model = try resolveModel(arguments, operation)
                var parameters: [String: JSONValue] = [:]
                if operation != .delete {
                    guard arguments["PARAMETERS"] != nil else { throw Self.missing("PARAMETERS", expected: "the record's fields as an object") }
                    parameters = try Self.parameters(arguments["PARAMETERS"]).objectValue ?? [:]
                }
                if operation != .create { parameters["id"] = .string(try Self.requiredText(arguments, "OBJECT_ID")) }
                let service = operation.sendsRecords ? await withCustomFieldsForHosted() : self.service
                let request = try service.prepare(model: model, operation: operation, parameters: .object(parameters))
                let response = try await ChunkedUpsert.uninterrupted { [service] in try await service.perform(request) }
                let checked = try await service.check(request, answer: response)
                var structured = Self.wrap(checked.value, for: operation).objectValue ?? [:]
                if case .object = checked.value {} else if operation == .delete { structured["result"] = ["value": checked.value] }
                if !checked.notices.isEmpty { structured["notices"] = .array(checked.notices.map(\.jsonValue)) }
                if let verification = checked.verification { structured["verification"] = verification.jsonValue }
                var line = "\(operation.rawValue) \(model.name)"
                if let id = (checked.value["_id"]?.stringValue ?? parameters["id"]?.stringValue) { line += " \(id)" }
                if !checked.notices.isEmpty { line += ": " + checked.notices.map(\.message).joined(separator: "; ") }
                return hostedShaping.record(structured, line: line)
            case Self.searchName, Self.createDocumentName, Self.getDocumentName, Self.searchDocumentsName:
                return try await callSearch(name, arguments)
            default:
                throw MCPError.invalidParams("Unknown tool '\(name)'; the tools are \(names.joined(separator: ", "))")
            }
        } catch let error as PlanhatError {
            return Self.failure(error, face: .mcpHosted)
        }
    }

    /// The classic `list`: the same page, budget and default fields as the hosted list.
    func classicList(_ model: ModelDefinition, parameters: inout JSONValue) async throws -> CallTool.Result {
        do {
            var members = parameters.objectValue ?? [:]
            // Checked as the classic tool always checked them (a selection is checked as paths here).
            _ = try service.prepare(model: model, operation: .list, parameters: .object(members.filter { $0.key != "select" }))
            let selection = try FieldSelection.parse(members.removeValue(forKey: "select"), field: "select")
            let sort = members.removeValue(forKey: "sort")
            var query = RecordQuery(
                selection: selection, sort: sort?.stringValue,
                limit: try Self.whole(members.removeValue(forKey: "limit").map(Value.init), "limit", range: 1...model.listLimit.max) ?? RecordQuery.defaultLimit,
                offset: try Self.whole(members.removeValue(forKey: "offset").map(Value.init), "offset", range: 0...Int.max) ?? 0,
                parameters: members)
            if let sort, sort.stringValue == nil { query.parameters["sort"] = sort }  // the schema check names it
            let defaults = Self.applyDefaultFields(&query, model: model)
            let page = try await service.listRecords(model: model, query: query)
            return classicShaping.list(page, model: model, defaultFields: defaults)
        } catch let error as PlanhatError {
            return Self.failure(error)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return Self.failure(PlanhatError(.internal, message: "unexpected error: \(error)"))
        }
    }

    /// Without a selection a list shows `_id`, the title field and the model's table columns; `*` asks for all.
    /// Answers the fields shown by default, or nil when a selection was given.
    static func applyDefaultFields(_ query: inout RecordQuery, model: ModelDefinition) -> [String]? {
        if let selection = query.selection {
            if selection.paths.contains("*") { query.selection = nil }
            return nil
        }
        let fields = FieldSelection(paths: ["_id", model.titleField] + model.columns).paths
        query.selection = FieldSelection(paths: fields)
        return fields
    }

    private func resolveModel(_ arguments: [String: Value], _ operation: ModelOperation) throws -> ModelDefinition {
        let name = try Self.requiredText(arguments, "MODEL")
        return try service.resolve(model: name, operation: operation.rawValue).0
    }

    private func withCustomFieldsForHosted() async -> PlanhatService {
        (try? await service.withCustomFields()) ?? service
    }

    static func requiredText(_ arguments: [String: Value], _ name: String) throws -> String {
        guard let text = arguments[name]?.stringValue?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            let issue = FieldIssue(path: name, value: arguments[name].map { JSONValue(mcp: $0).preview() }, expected: "a non-empty string", problem: arguments[name] == nil ? "missing" : nil)
            throw PlanhatError(status: 400, message: issue.description, fieldIssues: [issue])
        }
        return text
    }

    /// A string argument that may be absent; anything else is refused, naming it (never ignored).
    static func optionalText(_ arguments: [String: Value], _ name: String, expected: String) throws -> String? {
        guard let value = arguments[name], value != .null else { return nil }
        guard let text = value.stringValue else {
            let issue = FieldIssue(path: name, value: JSONValue(mcp: value).preview(), expected: expected)
            throw PlanhatError(status: 400, message: issue.description, fieldIssues: [issue])
        }
        return text
    }

    static func missing(_ name: String, expected: String) -> PlanhatError {
        let issue = FieldIssue(path: name, value: nil, expected: expected, problem: "missing")
        return PlanhatError(status: 400, message: issue.description, fieldIssues: [issue])
    }

    /// A whole number in `range`, given as a number or a numeric string; nil when absent.
    static func whole(_ value: Value?, _ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let value, value != .null else { return nil }
        let json = JSONValue(mcp: value)
        let number = json.intValue ?? json.stringValue.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard let number, range.contains(number) else {
            let upper = range.upperBound == Int.max ? "" : " to \(range.upperBound)"
            let issue = FieldIssue(path: name, value: json.preview(), expected: "a whole number from \(range.lowerBound)\(upper)")
            throw PlanhatError(status: 400, message: issue.description, fieldIssues: [issue])
        }
        return number
    }

    static func refuseUnknown(_ arguments: [String: Value], allowed: Set<String>) throws {
        let unknown = Set(arguments.keys).subtracting(allowed).sorted()
        guard !unknown.isEmpty else { return }
        let issues = unknown.map { FieldIssue(path: $0, value: nil, expected: allowed.sorted().joined(separator: ", "), problem: "unknown argument") }
        throw PlanhatError(status: 400, message: issues.map(\.description).joined(separator: "; "), fieldIssues: issues)
    }
}

extension JSONValue {
    /// An MCP value as JSON, nil staying nil.
    init?(optional value: MCP.Value?) {
        guard let value else { return nil }
        self.init(mcp: value)
    }
}
