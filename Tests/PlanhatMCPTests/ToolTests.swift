import Foundation
import MCP
import PlanhatKit
import PlanhatSandbox
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

@testable import PlanhatMCP

/// The tools in process, over an in-memory sandbox.
@Suite("MCP tools")
struct ToolTests {
    static func tools(readOnly: Bool = false, models: [String]? = nil) throws -> PlanhatTools {
        let store = try SandboxStore(path: nil)
        try DemoData(companies: 20).seed(into: store)
        let catalog = try models.map { try Catalog.shared.restricted(to: $0) } ?? .shared
        return PlanhatTools(service: PlanhatService(catalog: catalog, backend: SandboxBackend(store: store), readOnly: readOnly))
    }

    /// The first text block: the answer's JSON (a list's second block is its page line).
    static func text(_ result: CallTool.Result) -> String {
        result.content.compactMap { content -> String? in
            if case .text(let text, _, _) = content { return text }
            return nil
        }.first ?? ""
    }

    /// Every record of a list, page after page as the answers say (each page is cut to the budget).
    func allRecords(_ tools: PlanhatTools, _ model: String, select: String) async throws -> [JSONValue] {
        var records: [JSONValue] = []
        var offset = 0
        while true {
            let page = JSONValue(mcp: try await perform(tools, model, "list", .object(["limit": 5000, "offset": .int(offset), "select": .string(select)])).structuredContent ?? .null)
            records += page["records"]?.arrayValue ?? []
            guard page["page"]?["more"] == true, let next = page["page"]?["nextOffset"]?.intValue else { return records }
            offset = next
        }
    }

    func perform(_ tools: PlanhatTools, _ model: String, _ operation: String, _ parameters: Value? = nil) async throws -> CallTool.Result {
        var arguments: [String: Value] = ["MODEL_ROUTE": .string(model), "OPERATION": .string(operation)]
        if let parameters { arguments["PARAMETERS"] = parameters }
        return try await tools.call(PlanhatTools.performName, arguments: arguments)
    }

    @Test("three tools with titles, schemas and annotations")
    func definitions() throws {
        let definitions = try Self.tools().definitions
        #expect(definitions.map(\.name) == ["get_model_actions", "get_model_action_parameters", "perform_model_action"])
        for tool in definitions {
            #expect(tool.title?.isEmpty == false)
            #expect(tool.description?.isEmpty == false)
            #expect(tool.outputSchema != nil)
            #expect(tool.inputSchema.objectValue?["type"] == "object")
        }
        #expect(definitions[0].annotations.readOnlyHint == true)
        #expect(definitions[1].annotations.readOnlyHint == true)
        #expect(definitions[2].annotations.destructiveHint == true)
        #expect(definitions[2].annotations.openWorldHint == false, "the sandbox is a closed world")
        let perform = definitions[2].description ?? ""
        for phrase in ["extid-", "srcid-", "limit", "offset", "sort", "select"] { #expect(perform.contains(phrase)) }
    }

    @Test("get_model_actions lists routes, names and operations")
    func discover() async throws {
        let result = try await Self.tools().call(PlanhatTools.discoverName, arguments: nil)
        #expect(result.isError == false)
        let models = try #require(try JSONValue.parse(Self.text(result)).arrayValue)
        #expect(models.first == ["route": "companies", "name": "Company", "operations": ["list", "view", "create", "update", "delete", "bulkUpsert"]])
        #expect(result.structuredContent?.objectValue?["models"]?.arrayValue?.count == models.count)
    }

    @Test("get_model_action_parameters forgives names: Companies/create requires name")
    func schema() async throws {
        let result = try await Self.tools().call(PlanhatTools.schemaName, arguments: ["MODEL_ROUTE": "Companies", "OPERATION": "create"])
        #expect(result.isError == false)
        #expect(try JSONValue.parse(Self.text(result))["required"] == ["name"])
    }

    @Test("the top three companies by ARR, as structured records and compact text")
    func topThree() async throws {
        let result = try await perform(Self.tools(), "companies", "list", .string(#"{"limit":3,"sort":"-arr","select":"name,arr"}"#))
        #expect(result.isError == false)
        let text = Self.text(result)
        #expect(!text.contains("\n") && !text.contains(": "), "compact JSON")
        let rows = try #require(try JSONValue.parse(text)["records"]?.arrayValue)
        #expect(rows.count == 3)
        let arrs = rows.compactMap { $0["arr"]?.intValue }
        #expect(arrs == arrs.sorted(by: >))
        #expect(result.structuredContent?.objectValue?["records"]?.arrayValue?.count == 3)
    }

    @Test("create, view by _id and extid-, update, delete, then view is a 404 tool error")
    func lifecycle() async throws {
        let tools = try Self.tools()
        let created = try await perform(tools, "companies", "create", .object(["name": "MCP Co", "externalId": "MCP-1"]))
        let record = try JSONValue.parse(Self.text(created))
        let id = try #require(record["_id"]?.stringValue)
        #expect(created.structuredContent?.objectValue?["record"]?.objectValue?["_id"] == .string(id))
        for key in [id, "extid-MCP-1"] {
            let viewed = try await perform(tools, "companies", "view", .object(["id": .string(key)]))
            #expect(try JSONValue.parse(Self.text(viewed))["name"] == "MCP Co")
        }
        let updated = try await perform(tools, "companies", "update", .string(#"{"id":"extid-MCP-1","phase":"Renewal"}"#))
        #expect(try JSONValue.parse(Self.text(updated))["phase"] == "Renewal")
        let deleted = try await perform(tools, "companies", "delete", .object(["id": .string(id)]))
        #expect(deleted.isError == false)
        let gone = try await perform(tools, "companies", "view", .object(["id": .string(id)]))
        #expect(gone.isError == true)
        #expect(Self.text(gone).hasPrefix("404 Not Found:"))
        #expect(Self.text(gone).contains("no record has this id"))
        #expect(!Self.text(gone).contains("MODEL_ROUTE"), "a missing record does not send the assistant to fix the model name")
    }

    @Test("every bad input is an isError result that starts with the status", arguments: [
        (["MODEL_ROUTE": "companies", "OPERATION": "list", "PARAMETERS": "{not json"], "400 Bad Request: PARAMETERS must be a JSON object"),
        (["MODEL_ROUTE": "compnies", "OPERATION": "list"], "404 Not Found: unknown model 'compnies'; did you mean companies?"),
        (["MODEL_ROUTE": "companies", "OPERATION": "explode"], "404 Not Found: companies has no operation 'explode'"),
        (["MODEL_ROUTE": "companies", "OPERATION": "list", "PARAMETERS": #"{"limit":-1}"#], "400 Bad Request: invalid parameters for companies list: limit: -1"),
        (["MODEL_ROUTE": "companies", "OPERATION": "create", "PARAMETERS": "{}"], "400 Bad Request: invalid parameters for companies create: name: missing"),
        (["OPERATION": "list"], "400 Bad Request: MODEL_ROUTE: missing"),
        (["MODEL_ROUTE": "companies", "OPERATION": "list", "EXTRA": 1], "400 Bad Request: EXTRA: unknown argument"),
    ] as [([String: Value], String)])
    func badInput(_ arguments: [String: Value], _ start: String) async throws {
        let result = try await Self.tools().call(PlanhatTools.performName, arguments: arguments)
        #expect(result.isError == true)
        #expect(Self.text(result).hasPrefix(start), "\(Self.text(result))")
        #expect(result.structuredContent?.objectValue?["error"] != nil)
    }

    @Test("PARAMETERS of every JSON type: objects and JSON strings work, the rest is a clear 400", arguments: [
        (Value.int(3), false), (.double(2.5), false), (.bool(true), false), (.array([1, 2]), false),
        (.string("[]"), false), (.string("42"), false), (.string("\u{0}"), false), (.null, true), (.string(""), true),
        (.object([:]), true), (.string("{}"), true),
    ])
    func parameterTypes(_ parameters: Value, _ accepted: Bool) async throws {
        let result = try await perform(Self.tools(), "companies", "list", parameters)
        #expect((result.isError == false) == accepted, "\(Self.text(result))")
        if !accepted { #expect(Self.text(result).hasPrefix("400 Bad Request: PARAMETERS must be a JSON object")) }
    }

    @Test("an unknown tool is a protocol error")
    func unknownTool() async throws {
        await #expect(throws: MCPError.self) { try await Self.tools().call("drop_tables", arguments: nil) }
    }

    @Test("read-only: discovery shows reads only, writes are 403 tool errors, descriptions say so")
    func readOnly() async throws {
        let tools = try Self.tools(readOnly: true)
        let discovered = try JSONValue.parse(Self.text(try await tools.call(PlanhatTools.discoverName, arguments: nil)))
        let operations = Set(discovered.arrayValue?.flatMap { $0["operations"]?.arrayValue ?? [] } ?? [])
        #expect(operations == ["list", "view"])
        let refused = try await perform(tools, "companies", "create", .object(["name": "No"]))
        #expect(refused.isError == true)
        #expect(Self.text(refused).hasPrefix("403 Forbidden:"))
        #expect(Self.text(refused).contains("read-only"))
        #expect(tools.definitions[2].description?.contains("READ-ONLY") == true)
        #expect(tools.definitions[2].annotations.readOnlyHint == true)
        #expect(tools.definitions[2].annotations.destructiveHint == false)
        let listed = try await perform(tools, "companies", "list", .object(["limit": 1]))
        #expect(listed.isError == false)
    }

    @Test("read-only: the schemas offer only list and view (OPERATION enum, descriptions), nothing names a write")
    func readOnlySchemas() throws {
        let tools = try Self.tools(readOnly: true)
        #expect(tools.offeredOperations == [.list, .view])
        for tool in tools.definitions {
            let text = (tool.description ?? "") + JSONValue(mcp: tool.inputSchema).compactText()
            for write in ["create", "update", "delete", "bulkUpsert"] {
                #expect(!text.contains(write), "\(tool.name) mentions \(write): \(text)")
            }
            if let operation = tool.inputSchema.objectValue?["properties"]?.objectValue?["OPERATION"] {
                #expect(JSONValue(mcp: operation)["enum"] == ["list", "view"])
            }
        }
        let writable = try Self.tools()
        let operation = writable.definitions[2].inputSchema.objectValue?["properties"]?.objectValue?["OPERATION"]
        #expect(operation.map { JSONValue(mcp: $0)["enum"] } == ["list", "view", "create", "update", "delete", "bulkUpsert"])
        #expect(writable.definitions[2].description?.contains("bulkUpsert takes items") == true)
    }

    @Test("the MODEL_ROUTE enum lists the models offered: all of them, or only those of --models")
    func modelEnum() throws {
        func routes(_ tools: PlanhatTools) -> [JSONValue]? {
            tools.definitions[2].inputSchema.objectValue?["properties"]?.objectValue?["MODEL_ROUTE"].map { JSONValue(mcp: $0)["enum"]?.arrayValue ?? [] }
        }
        let restricted = try Self.tools(models: ["companies", "contacts"])
        #expect(routes(restricted) == ["companies", "endusers"])
        let all = try Self.tools()
        #expect(routes(all)?.count == all.service.discover().count && routes(all)?.count == Catalog.shared.models.count)
        #expect(restricted.definitions[0].description?.contains("(companies and endusers)") == true)
    }

    @Test("a cancelled bulk upsert stops after the chunk in flight and says how many items were applied")
    func cancelledBetweenChunks() async throws {
        let gate = ChunkGate()
        let store = try SandboxStore(path: nil)
        try DemoData(companies: 5).seed(into: store)
        let backend = GatedBackend(inner: SandboxBackend(store: store), gate: gate)
        let tools = PlanhatTools(service: PlanhatService(backend: backend))
        #expect(tools.bulkChunkSize == PlanhatTools.sandboxBulkChunkSize)
        let items = JSONValue.array((0..<1_250).map { ["name": .string("Chunk Co \($0)")] })
        let call = Task {
            try await tools.call(PlanhatTools.performName, arguments: [
                "MODEL_ROUTE": "companies", "OPERATION": "bulkUpsert", "PARAMETERS": Value(["items": items]),
            ])
        }
        await gate.waitForFirstChunk()
        call.cancel()
        await gate.release()
        do {
            _ = try await call.value
            Issue.record("a cancelled call must not answer")
        } catch let cancelled as CancelledCall {
            #expect(cancelled.applied == 500 && cancelled.total == 1_250)
            #expect(cancelled.message.contains("500 of 1250 items were applied (created 500, updated 0, unchanged 0, errors 0); items 500–1249 were not sent"))
            #expect(cancelled.jsonValue["notApplied"] == 750)
        }
        #expect(await gate.chunkSizes == [500], "the chunk in flight ran to its end, no other was sent")
        let stored = try await allRecords(tools, "companies", select: "name")
        #expect(stored.filter { $0["name"]?.stringValue?.hasPrefix("Chunk Co") == true }.count == 500)
    }

    @Test("--models limits what exists for the client")
    func modelAllowList() async throws {
        let tools = try Self.tools(models: ["companies", "contacts"])
        let discovered = try JSONValue.parse(Self.text(try await tools.call(PlanhatTools.discoverName, arguments: nil)))
        #expect(discovered.arrayValue?.compactMap { $0["route"]?.stringValue } == ["companies", "endusers"])
        let hidden = try await perform(tools, "tasks", "list")
        #expect(hidden.isError == true && Self.text(hidden).hasPrefix("404 Not Found"))
    }
}

/// Holds the first bulk upsert chunk until released, and records the chunk sizes.
actor ChunkGate {
    private(set) var chunkSizes: [Int] = []
    private var started: CheckedContinuation<Void, Never>?
    private var hasStarted = false
    private var released = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func enter(_ size: Int) async {
        chunkSizes.append(size)
        hasStarted = true
        started?.resume()
        started = nil
        if !released { await withCheckedContinuation { waiters.append($0) } }
    }

    func waitForFirstChunk() async {
        if hasStarted { return }
        await withCheckedContinuation { started = $0 }
    }

    func release() {
        released = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

/// A backend that passes bulk upserts through a ``ChunkGate``.
struct GatedBackend: PlanhatBackend {
    let inner: SandboxBackend
    let gate: ChunkGate
    var info: BackendInfo { inner.info }

    func execute(_ request: PlanhatRequest) async throws -> JSONValue {
        if request.operation == .bulkUpsert { await gate.enter(request.body?.arrayValue?.count ?? 0) }
        return try await inner.execute(request)
    }
}

@Suite("MCP fuzz corpus", .offThePool)
struct FuzzCorpusTests {
    @Test("every saved fuzz input for the tool arguments replays without breaking a rule (make fuzz-mcp finds new ones)")
    func replay() throws {
        let (inputs, result) = try ProcessRunner.replayCorpus("mcp-corpus", tool: "PlanhatMCPFuzz")
        #expect(inputs >= 6)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("replayed \(inputs) inputs: no rule broken"))
    }
}

@Suite("MCP transport pieces")
struct TransportPieceTests {
    @Test("top-level keys are found without parsing: nested keys and keys inside strings do not count")
    func topLevelKeys() {
        #expect(TopLevelKeys.scan(Data(#"{"id":1,"result":{"id":2,"method":"x"},"s":"\"method\":"}"#.utf8)) == .object(["id", "result", "s"]))
        #expect(TopLevelKeys.scan(Data("  [ ]".utf8)) == .batch(isEmpty: true))
        #expect(TopLevelKeys.scan(Data(#"[{"id":1}]"#.utf8)) == .batch(isEmpty: false))
        #expect(TopLevelKeys.scan(Data("not json".utf8)) == .other)
        #expect(TopLevelKeys.scan(Data(#"{"id":1,"method":"#.utf8)) == .other, "a cut-off object is not an object")
    }

    @Test("the raw id of a message is found in the same pass, whatever comes around it", arguments: [
        (#"{"error":{"code":1,"id":9},"id":7,"jsonrpc":"2.0"}"#, "7"),
        (#"{"id":"a,}\"b","result":{}}"#, #""a,}\"b""#),
        (#"{ "result" : [1,{"id":2}] , "id" : -3 }"#, "-3"),
        (#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, nil),
    ] as [(String, String?)])
    func rawID(_ message: String, _ id: String?) {
        let found = TopLevelKeys.summary(Data(message.utf8)).id.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
        #expect(found == id)
    }

    @Test("the shortcut takes only plain tools/call requests for the three tools")
    func shortcutChoice() {
        func taken(_ line: String) -> Bool { ToolCallShortcut.call(in: Data(line.utf8)) != nil }
        #expect(taken(#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_model_actions"}}"#))
        #expect(taken(#"{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"perform_model_action","arguments":{"MODEL_ROUTE":"companies"}}}"#))
        #expect(!taken(#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"other"}}"#), "unknown tools get the SDK's error")
        #expect(!taken(#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"progressToken":1},"name":"get_model_actions"}}"#))
        #expect(!taken(#"{"jsonrpc":"2.0","id":1.5,"method":"tools/call","params":{"name":"get_model_actions"}}"#))
        #expect(!taken(#"{"jsonrpc":"2.0","method":"tools/call","params":{"name":"get_model_actions"}}"#), "a notification is not a call")
        #expect(!taken(#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_model_actions","arguments":[1]}}"#))
        #expect(!taken(#"{"jsonrpc":"1.0","id":1,"method":"tools/call","params":{"name":"get_model_actions"}}"#))
        #expect(!taken(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#))
    }
}

@Suite("MCP answers say what was checked")
struct CheckedToolTests {
    static func tools(unknownFields: UnknownFields) throws -> PlanhatTools {
        let store = try SandboxStore(path: nil)
        try DemoData(companies: 5).seed(into: store)
        return PlanhatTools(service: PlanhatService(backend: SandboxBackend(store: store), unknownFields: unknownFields))
    }

    func create(_ tools: PlanhatTools, _ parameters: Value) async throws -> CallTool.Result {
        try await tools.call(PlanhatTools.performName, arguments: ["MODEL_ROUTE": "companies", "OPERATION": "create", "PARAMETERS": parameters])
    }

    @Test("with unknown fields allowed, a field Planhat drops comes back as verification.dropped and a notice the text leads with")
    func verification() async throws {
        let result = try await create(try Self.tools(unknownFields: .allow), ["name": "MCP Drop", "nickname": "MD"])
        #expect(result.isError == false)
        let structured = try #require(result.structuredContent?.objectValue)
        let verification = try #require(structured["verification"]?.objectValue)
        #expect(verification["dropped"] == ["nickname"])
        #expect(verification["stored"] == ["name"])
        #expect(verification["changed"] == [])
        let text = try JSONValue.parse(ToolTests.text(result))
        #expect(text["notices"]?.arrayValue?.first == "Planhat did not store: nickname", "what went wrong first")
        #expect(text["answer"]?["name"] == "MCP Drop")
    }

    @Test("without, the unknown field is a 400 naming it and the way to send it anyway; a clean create has an empty verification and no notices")
    func refusal() async throws {
        let tools = try Self.tools(unknownFields: .whenSeen)
        let refused = try await create(tools, ["name": "MCP Drop", "nickname": "MD"])
        #expect(refused.isError == true)
        let message = ToolTests.text(refused)
        #expect(message.contains("nickname") && message.contains("--allow-unknown-fields on the CLI and the MCP server"), "\(message)")
        let clean = try await create(tools, ["name": "MCP Clean"])
        #expect(clean.structuredContent?.objectValue?["notices"] == nil)
        #expect(clean.structuredContent?.objectValue?["verification"]?.objectValue?["dropped"] == .array([]))
        #expect(try JSONValue.parse(ToolTests.text(clean))["name"] == "MCP Clean", "the text is the record itself when nothing must be said")
    }
}
