import Foundation
import MCP
import PlanhatKit
import PlanhatSandbox
import Testing

@testable import PlanhatMCP

/// What every model provider accepts in a function declaration: one `type` per schema, an object at
/// the root, no combinators at the root, no boolean schemas, `items` on every array.
enum ProviderSubset {
    static func problems(in schema: Value, at path: String, root: Bool = true) -> [String] {
        guard let object = schema.objectValue else { return ["\(path): a boolean or non-object schema"] }
        var found: [String] = []
        if root {
            if object["type"] != "object" { found.append("\(path): the root is not type object") }
            for combinator in ["anyOf", "oneOf", "allOf", "not", "if", "then", "else"] where object[combinator] != nil {
                found.append("\(path): top-level \(combinator)")
            }
        }
        if let type = object["type"] {
            if type.stringValue == nil { found.append("\(path): type is not one string (\(type))") }
        } else if !root {
            found.append("\(path): no type")
        }
        if object["type"] == "array" {
            if let items = object["items"] { found += problems(in: items, at: path + ".items", root: false) } else { found.append("\(path): an array without items") }
        }
        for (name, property) in object["properties"]?.objectValue ?? [:] {
            found += problems(in: property, at: path + ".properties." + name, root: false)
        }
        for key in ["additionalProperties"] {
            if let nested = object[key], nested.objectValue != nil { found += problems(in: nested, at: path + "." + key, root: false) }
        }
        for combinator in ["anyOf", "oneOf", "allOf"] {
            for (index, branch) in (object[combinator]?.arrayValue ?? []).enumerated() {
                found += problems(in: branch, at: path + ".\(combinator)[\(index)]", root: false)
            }
        }
        return found
    }
}

/// The hosted tool set and the honest, thrifty answers of both sets, in process over an in-memory sandbox.
@Suite("MCP hosted tools and thrifty answers")
struct HostedToolTests {
    static func tools(_ toolset: Toolset = .hosted, readOnly: Bool = false, models: [String]? = nil, budget: Int = MCPServerOptions.defaultMaxResultBytes, companies: Int = 60) throws -> PlanhatTools {
        let store = try SandboxStore(path: nil)
        try DemoData(companies: companies).seed(into: store)
        let catalog = try models.map { try Catalog.shared.restricted(to: $0) } ?? .shared
        return PlanhatTools(
            service: PlanhatService(catalog: catalog, backend: SandboxBackend(store: store), readOnly: readOnly),
            options: MCPServerOptions(toolset: toolset, maxResultBytes: budget))
    }

    static func structured(_ result: CallTool.Result) -> JSONValue {
        result.structuredContent.map { JSONValue(mcp: $0) } ?? .null
    }

    static func texts(_ result: CallTool.Result) -> [String] {
        result.content.compactMap { content -> String? in
            if case .text(let text, _, _) = content { return text }
            return nil
        }
    }

    static func records(_ result: CallTool.Result) -> [JSONValue] {
        structured(result)["records"]?.arrayValue ?? []
    }

    func list(_ tools: PlanhatTools, _ arguments: [String: Value]) async throws -> CallTool.Result {
        try await tools.call(PlanhatTools.listName, arguments: arguments)
    }

    @Test("every tool of every tool set is declared in the subset every provider accepts", arguments: Toolset.allCases)
    func declarations(_ toolset: Toolset) throws {
        for readOnly in [false, true] {
            let tools = try Self.tools(toolset, readOnly: readOnly, companies: 1)
            #expect(!tools.definitions.isEmpty)
            for tool in tools.definitions {
                let input = ProviderSubset.problems(in: tool.inputSchema, at: "\(tool.name).inputSchema")
                #expect(input.isEmpty, "\(input)")
                if let output = tool.outputSchema {
                    let problems = ProviderSubset.problems(in: output, at: "\(tool.name).outputSchema")
                    #expect(problems.isEmpty, "\(problems)")
                }
                #expect(tool.description?.isEmpty == false)
            }
            #expect(Set(tools.definitions.map(\.name)).count == tools.definitions.count, "no name twice")
        }
    }

    @Test("the subset check finds a type array, an array without items and a top-level anyOf")
    func subsetCheckBites() {
        let bad: Value = .object([
            "type": "object", "anyOf": .array([]),
            "properties": .object(["P": .object(["type": .array(["object", "string"])]), "L": .object(["type": "array"])]),
        ])
        let found = ProviderSubset.problems(in: bad, at: "x")
        #expect(found.count == 3, "\(found)")
    }

    @Test("the tool sets: classic is the three tools, hosted the hosted names, all both; read-only drops the writes")
    func toolsets() throws {
        #expect(try Self.tools(.classic, companies: 1).names == ["get_model_actions", "get_model_action_parameters", "perform_model_action"])
        let hosted = try Self.tools(.hosted, companies: 1).names
        #expect(hosted == ["list_model_records", "get_model_record", "create_model_record", "update_model_record", "delete_model_record", "get_model_action_parameters",
                           "search_records", "create_document", "get_document", "search_documents"])
        let all = try Self.tools(.all, companies: 1).names
        #expect(Set(all) == Set(hosted + ["get_model_actions", "perform_model_action"]))
        let readOnly = try Self.tools(.hosted, readOnly: true, companies: 1).names
        #expect(readOnly == ["list_model_records", "get_model_record", "get_model_action_parameters", "search_records", "get_document", "search_documents"])
    }

    @Test("a list without LIMIT answers 25 records with its page, and the pages meet without gaps")
    func defaultPage() async throws {
        let tools = try Self.tools()
        let first = try await list(tools, ["MODEL": "Company"])
        #expect(first.isError == false)
        let page = Self.structured(first)["page"]
        #expect(page == ["offset": 0, "limit": 25, "returned": 25, "more": true, "nextOffset": 25])
        #expect(Self.texts(first).last?.hasPrefix("25 companies from offset 0; more: call again with OFFSET 25") == true, "\(Self.texts(first))")
        #expect(try JSONValue.parse(Self.texts(first)[0]) == Self.structured(first), "the text carries the structured content")
        let last = try await list(tools, ["MODEL": "companies", "OFFSET": 50, "LIMIT": "25"])
        #expect(Self.structured(last)["page"] == ["offset": 50, "limit": 25, "returned": 10, "more": false])
        #expect(Self.texts(last).last?.contains("no more") == true)
        let exact = try await list(tools, ["MODEL": "companies", "OFFSET": 40, "LIMIT": 20])
        #expect(Self.structured(exact)["page"]?["more"] == false, "a page that ends exactly at the last record knows there is no more")
    }

    @Test("MODEL takes display names, spaced names and routes; the allow-list applies")
    func modelNames() async throws {
        let tools = try Self.tools(models: ["companies", "endusers"])
        for name in ["End User", "EndUser", "endusers", "End users"] {
            let result = try await list(tools, ["MODEL": .string(name), "LIMIT": 2])
            #expect(result.isError == false, "\(name): \(Self.texts(result))")
            #expect(Self.records(result).first?["email"] != nil, "\(name)")
        }
        let refused = try await list(tools, ["MODEL": "Task"])
        #expect(refused.isError == true)
        #expect(Self.texts(refused)[0].hasPrefix("404"), "\(Self.texts(refused))")
    }

    @Test("each FILTER operator gives the records that meet it, sent or applied locally")
    func filterOperators() async throws {
        let tools = try Self.tools(budget: 10_000_000)
        let all = Self.records(try await list(tools, ["MODEL": "Company", "LIMIT": 200, "SELECT": "*"]))
        #expect(all.count == 60)
        func names(_ filter: [String: Value], select: String = "name") async throws -> Set<String> {
            let result = try await list(tools, ["MODEL": "Company", "LIMIT": 200, "FILTER": .object(filter), "SELECT": .string(select)])
            #expect(result.isError == false, "\(Self.texts(result))")
            return Set(Self.records(result).compactMap { $0["name"]?.stringValue })
        }
        func expected(_ keep: (JSONValue) -> Bool) -> Set<String> { Set(all.filter(keep).compactMap { $0["name"]?.stringValue }) }
        let phase = try #require(all.first?["phase"]?.stringValue)
        #expect(try await names(["phase[equal to]": .string(phase)]) == expected { $0["phase"]?.stringValue == phase })
        #expect(try await names(["phase": .string(phase)]) == expected { $0["phase"]?.stringValue == phase }, "no operator is equal to")
        let moreThan = try await names(["custom.Seats[more than]": "20"])
        #expect(!moreThan.isEmpty)
        #expect(moreThan == expected { ($0["custom"]?["Seats"]?.doubleValue ?? 0) > 20 })
        #expect(try await names(["arr[less than]": 50000]) == expected { ($0["arr"]?.doubleValue ?? .infinity) < 50000 })
        #expect(try await names(["domains[contains]": "io"]) == expected { ($0["domains"]?.arrayValue ?? []).contains { $0.stringValue?.contains("io") == true } })
        #expect(try await names(["custom.Renewal Risk[has value]": ""]) == expected { $0["custom"]?["Renewal Risk"]?.stringValue?.isEmpty == false })
        #expect(try await names(["custom.Renewal Risk[has no value]": ""]) == expected { $0["custom"]?["Renewal Risk"]?.stringValue?.isEmpty != false })
        #expect(try await names(["custom.Onboarded[equal to]": "false"]) == expected { $0["custom"]?["Onboarded"] == false }, "booleans as strings")
        let day = try await names(["createDate[more than]": "2025-01-01"])
        let instant = try await names(["createDate[more than]": "2025-01-01T00:00:00.000Z"])
        #expect(day == instant, "a day and its ISO timestamp filter alike")
        #expect(day == expected { ($0["createDate"]?.stringValue ?? "") > "2025-01-01" })
        #expect(!day.isEmpty && day.count < 60)
        let stamp = try #require(all.first?["createDate"]?.stringValue)
        let onDay = try await names(["createDate[equal to]": .string(String(stamp.prefix(10)))])
        #expect(onDay == expected { $0["createDate"]?.stringValue?.hasPrefix(String(stamp.prefix(10))) == true }, "a day is equal to every instant in it")
        let atSecond = try await names(["createDate[equal to]": .string(stamp.replacingOccurrences(of: ".000Z", with: "Z"))])
        #expect(atSecond.contains(all.first?["name"]?.stringValue ?? "-"), "an ISO timestamp without milliseconds is the same instant")
        let local = try await list(tools, ["MODEL": "Company", "FILTER": ["arr[more than]": 1], "LIMIT": 5])
        #expect(Self.structured(local)["appliedLocally"] == ["arr[more than]"])
    }

    @Test("bad FILTER, SELECT, LIMIT and arguments are 400s naming the field")
    func badInput() async throws {
        let tools = try Self.tools(companies: 2)
        let cases: [([String: Value], String)] = [
            (["MODEL": "Company", "FILTER": ["arr[bigger than]": 1]], "FILTER.arr[bigger than]"),
            (["MODEL": "Company", "FILTER": "{nope"], "FILTER"),
            (["MODEL": "Company", "LIMIT": "many"], "LIMIT"),
            (["MODEL": "Company", "LIMIT": 0], "LIMIT"),
            (["MODEL": "Company", "SELECT": 5], "SELECT"),
            (["MODEL": "Company", "DATA": [:]], "DATA"),
            (["FILTER": [:]], "MODEL"),
        ]
        for (arguments, field) in cases {
            let result = try await list(tools, arguments)
            #expect(result.isError == true, "\(arguments)")
            let text = Self.texts(result).first ?? ""
            #expect(text.hasPrefix("400 Bad Request") && text.contains(field), "\(arguments): \(text)")
        }
        let unknown = try await list(tools, ["MODEL": "Nothing"])
        #expect(Self.texts(unknown).first?.hasPrefix("404") == true)
    }

    @Test("SELECT takes a comma string or an array, nested and custom paths")
    func selections() async throws {
        let tools = try Self.tools(companies: 3)
        let comma = Self.records(try await list(tools, ["MODEL": "Company", "SELECT": "name, custom.Seats", "LIMIT": 1]))
        let array = Self.records(try await list(tools, ["MODEL": "Company", "SELECT": ["name", "custom.Seats"], "LIMIT": 1]))
        #expect(comma == array)
        let record = try #require(comma.first?.objectValue)
        #expect(Set(record.keys) == ["_id", "name", "custom"])
        #expect(record["custom"]?.objectValue?.keys.sorted() == ["Seats"])
        let users = Self.records(try await list(tools, ["MODEL": "End User", "SELECT": "email", "LIMIT": 1]))
        #expect(Set(users.first?.objectValue.map { Array($0.keys) } ?? []) == ["_id", "email"])
        let one = try await tools.call(PlanhatTools.getName, arguments: ["MODEL": "Company", "OBJECT_ID": .string(record["_id"]?.stringValue ?? ""), "SELECT": "custom.Seats"])
        #expect(Self.structured(one)["record"]?.objectValue?.keys.sorted() == ["_id", "custom"])
    }

    @Test("an answer over the budget is cut at a whole record, says where to continue and which fields weigh most")
    func budget() async throws {
        let tools = try Self.tools(budget: 4_000)
        let result = try await list(tools, ["MODEL": "Company", "SELECT": "*"])
        let text = Self.texts(result).joined()
        #expect(text.utf8.count <= 4_000, "\(text.utf8.count)")
        let structured = Self.structured(result)
        let returned = try #require(structured["page"]?["returned"]?.intValue)
        #expect(returned > 0 && returned < 25)
        #expect(structured["truncated"]?["truncated"] == true)
        #expect(structured["truncated"]?["continueOffset"]?.intValue == returned)
        #expect(structured["truncated"]?["largestFields"]?.arrayValue?.first?["field"] == "custom")
        #expect(Self.texts(result).last?.contains("cut at \(returned) of 25") == true)
        let next = try await list(tools, ["MODEL": "Company", "SELECT": "*", "OFFSET": .int(returned), "LIMIT": 1])
        let all = Self.records(try await list(tools, ["MODEL": "Company", "SELECT": "_id", "LIMIT": 60]))
        #expect(Self.records(next).first?["_id"] == all[returned]["_id"], "continuing misses no record")
    }

    @Test("a record alone over the budget has its long texts shortened, and says which")
    func shortenedRecord() async throws {
        let tools = try Self.tools(budget: 2_000, companies: 2)
        let long = String(repeating: "Long meeting notes. ", count: 400)
        let created = try await tools.call(PlanhatTools.createName, arguments: ["MODEL": "Company", "PARAMETERS": .object(["name": "Wordy", "description": .string(long)])])
        #expect(created.isError == false, "\(Self.texts(created))")
        #expect(Self.structured(created)["truncated"]?["shortenedFields"] == ["description"])
        let listed = try await list(tools, ["MODEL": "Company", "SELECT": "name,description", "FILTER": ["name": "Wordy"]])
        #expect(Self.records(listed).count == 1, "the record is not pushed out by its long text")
        #expect(Self.structured(listed)["truncated"]?["shortenedFields"] == ["description"])
        #expect(Self.texts(listed).joined().utf8.count <= 2_000)
    }

    @Test("create, get, update and delete with the hosted arguments, checked as the classic tools are")
    func writes() async throws {
        let tools = try Self.tools(companies: 2)
        let created = try await tools.call(PlanhatTools.createName, arguments: ["MODEL": "Company", "PARAMETERS": "{\"name\": \"Hosted Co\", \"externalId\": \"H-1\"}"])
        #expect(created.isError == false, "\(Self.texts(created))")
        let id = try #require(Self.structured(created)["record"]?["_id"]?.stringValue)
        #expect(Self.structured(created)["verification"]?["dropped"] == [])
        let updated = try await tools.call(PlanhatTools.updateName, arguments: ["MODEL": "Company", "OBJECT_ID": "extid-H-1", "PARAMETERS": ["phase": "Renewal"]])
        #expect(Self.structured(updated)["record"]?["phase"] == "Renewal")
        let bad = try await tools.call(PlanhatTools.updateName, arguments: ["MODEL": "Company", "OBJECT_ID": .string(id), "PARAMETERS": ["nmae": "x"]])
        #expect(bad.isError == true && Self.texts(bad)[0].contains("nmae"))
        let missing = try await tools.call(PlanhatTools.createName, arguments: ["MODEL": "Company", "DATA": ["name": "x"]])
        #expect(missing.isError == true && Self.texts(missing)[0].contains("DATA") && Self.texts(missing)[0].contains("PARAMETERS"))
        let deleted = try await tools.call(PlanhatTools.deleteName, arguments: ["MODEL": "Company", "OBJECT_ID": .string(id)])
        #expect(deleted.isError == false)
        let gone = try await tools.call(PlanhatTools.getName, arguments: ["MODEL": "Company", "OBJECT_ID": .string(id)])
        #expect(gone.isError == true && Self.texts(gone)[0].hasPrefix("404"))
    }

    @Test("read-only: the hosted writes are not offered, and a write tool called anyway is refused")
    func readOnly() async throws {
        let tools = try Self.tools(.all, readOnly: true, companies: 2)
        await #expect(throws: MCPError.self) { try await tools.call(PlanhatTools.createName, arguments: ["MODEL": "Company", "PARAMETERS": ["name": "x"]]) }
        let classic = try await tools.call(PlanhatTools.performName, arguments: ["MODEL_ROUTE": "companies", "OPERATION": "create", "PARAMETERS": ["name": "x"]])
        #expect(classic.isError == true && Self.texts(classic)[0].hasPrefix("403"))
        let schema = try await tools.call(PlanhatTools.schemaName, arguments: ["MODEL": "Company"])
        #expect(schema.isError == false)
        #expect(Self.structured(schema)["description"]?.stringValue?.contains("GET /companies") == true, "read-only schemas are the list's")
    }

    @Test("get_model_action_parameters takes MODEL (hosted) and MODEL_ROUTE with OPERATION (all)")
    func schemas() async throws {
        let tools = try Self.tools(.all, companies: 1)
        let hosted = try await tools.call(PlanhatTools.schemaName, arguments: ["MODEL": "End User"])
        #expect(Self.structured(hosted)["properties"]?["email"] != nil)
        #expect(Self.structured(hosted)["description"]?.stringValue?.contains("POST") == true)
        let classic = try await tools.call(PlanhatTools.schemaName, arguments: ["MODEL_ROUTE": "endusers", "OPERATION": "list"])
        #expect(Self.structured(classic)["properties"]?["limit"] != nil)
    }

    @Test("the classic list answers the same page and budget; select takes an array too")
    func classicList() async throws {
        let tools = try Self.tools(.classic)
        let result = try await tools.call(PlanhatTools.performName, arguments: ["MODEL_ROUTE": "companies", "OPERATION": "list"])
        #expect(Self.structured(result)["page"] == ["offset": 0, "limit": 25, "returned": 25, "more": true, "nextOffset": 25])
        #expect(Self.texts(result).last?.hasPrefix("25 companies from offset 0; more: call again with offset 25") == true)
        let selected = try await tools.call(PlanhatTools.performName, arguments: ["MODEL_ROUTE": "companies", "OPERATION": "list", "PARAMETERS": ["select": ["name", "arr"], "limit": 2, "sort": "-arr"]])
        let records = Self.records(selected)
        #expect(records.count == 2 && Set(records[0].objectValue.map { Array($0.keys) } ?? []) == ["_id", "name", "arr"])
        #expect((records[0]["arr"]?.doubleValue ?? 0) >= (records[1]["arr"]?.doubleValue ?? 0))
        let bad = try await tools.call(PlanhatTools.performName, arguments: ["MODEL_ROUTE": "companies", "OPERATION": "list", "PARAMETERS": ["limit": -3]])
        #expect(bad.isError == true && Self.texts(bad)[0].contains("limit"))
    }

    @Test("the default list answer of every model is at most 12 KB, text and structured together")
    func defaultAnswerSize() async throws {
        let tools = try Self.tools(.all, companies: 60)
        for model in Catalog.shared.models where model.supports(.list) {
            let result = try await list(tools, ["MODEL": .string(model.route)])
            guard result.isError == false else { continue }  // models the sandbox cannot list without a filter
            let text = Self.texts(result).joined().utf8.count
            let structured = JSONValue(mcp: result.structuredContent ?? .null).compactData().count
            #expect(text + structured <= 12_288, "\(model.route): \(text) + \(structured)")
        }
    }

    @Test("a bulk upsert answer keeps counts and errors, and summarises keys to the first 20 and a count")
    func bulkSummary() async throws {
        let tools = try Self.tools(.classic, companies: 1)
        let items: [Value] = (0..<45).map { .object(["name": .string("Bulk \($0)"), "externalId": .string("B-\($0)")]) }
        let result = try await tools.call(PlanhatTools.performName, arguments: ["MODEL_ROUTE": "companies", "OPERATION": "bulkUpsert", "PARAMETERS": ["items": .array(items)]])
        let summary = Self.structured(result)["summary"]
        #expect(summary?["created"] == 45)
        #expect(summary?["insertsKeys"]?.arrayValue?.count == 20)
        #expect(summary?["insertsKeysCount"] == 45)
    }

    @Test("search_records finds records by any of their words, as prefixes, of one model or all offered")
    func searchRecords() async throws {
        let tools = try Self.tools(models: ["companies", "endusers"], companies: 5)
        let created = try await tools.call(PlanhatTools.createName, arguments: ["MODEL": "Company", "PARAMETERS": ["name": "Zyzzyva Énergie", "description": "wind turbines"]])
        let id = try #require(Self.structured(created)["record"]?["_id"])
        let hits = Self.structured(try await tools.call(PlanhatTools.searchName, arguments: ["QUERY": "zyzz energie"]))["results"]?.arrayValue ?? []
        #expect(hits.count == 1)
        #expect(hits.first?["_id"] == id && hits.first?["model"] == "Company" && hits.first?["title"] == "Zyzzyva Énergie")
        let byDescription = Self.structured(try await tools.call(PlanhatTools.searchName, arguments: ["QUERY": "turbine", "MODEL": "Company"]))["results"]
        #expect(byDescription?.arrayValue?.map { $0["_id"] } == [id])
        let otherModel = Self.structured(try await tools.call(PlanhatTools.searchName, arguments: ["QUERY": "zyzzyva", "MODEL": "End User"]))["results"]
        #expect(otherModel == [])
        _ = try await tools.call(PlanhatTools.updateName, arguments: ["MODEL": "Company", "OBJECT_ID": .string(id.stringValue ?? ""), "PARAMETERS": ["name": "Quokka Power"]])
        #expect(Self.structured(try await tools.call(PlanhatTools.searchName, arguments: ["QUERY": "zyzzyva"]))["results"] == [], "an update is searched as it now reads")
        #expect(Self.structured(try await tools.call(PlanhatTools.searchName, arguments: ["QUERY": "quokka"]))["results"]?.arrayValue?.count == 1)
        let empty = try await tools.call(PlanhatTools.searchName, arguments: ["QUERY": " "])
        #expect(empty.isError == true && Self.texts(empty)[0].hasPrefix("400") && Self.texts(empty)[0].contains("QUERY"))
        let refused = try await tools.call(PlanhatTools.searchName, arguments: ["QUERY": "x", "MODEL": "Task"])
        #expect(refused.isError == true && Self.texts(refused)[0].hasPrefix("404"), "the allow-list applies to search")
    }

    @Test("create_document, get_document and search_documents on the sandbox; read-only refuses a document")
    func documents() async throws {
        let tools = try Self.tools(companies: 1)
        let created = try await tools.call(PlanhatTools.createDocumentName, arguments: ["NAME": "QBR notes", "CONTENT": "Renewal risk discussed with Acmé", "OWNER": "u1", "IS_PUBLIC": true])
        #expect(created.isError == false, "\(Self.texts(created))")
        let id = try #require(Self.structured(created)["record"]?["_id"]?.stringValue)
        let got = Self.structured(try await tools.call(PlanhatTools.getDocumentName, arguments: ["DOCUMENT_ID": .string(id), "FORMAT": "text"]))["record"]
        #expect(got?["content"] == "Renewal risk discussed with Acmé" && got?["isPublic"] == true && got?["owner"] == "u1")
        #expect(got?["createdAt"]?.stringValue?.hasPrefix("20") == true)
        let found = Self.structured(try await tools.call(PlanhatTools.searchDocumentsName, arguments: ["QUERY": "acme renew"]))["results"]?.arrayValue ?? []
        #expect(found.map { $0["_id"] } == [.string(id)] && found.first?["name"] == "QBR notes")
        let missing = try await tools.call(PlanhatTools.getDocumentName, arguments: ["DOCUMENT_ID": "nope"])
        #expect(missing.isError == true && Self.texts(missing)[0].hasPrefix("404"))
        let badFormat = try await tools.call(PlanhatTools.getDocumentName, arguments: ["DOCUMENT_ID": .string(id), "FORMAT": "pdf"])
        #expect(badFormat.isError == true && Self.texts(badFormat)[0].contains("FORMAT"))
        let noName = try await tools.call(PlanhatTools.createDocumentName, arguments: ["CONTENT": "x"])
        #expect(noName.isError == true && Self.texts(noName)[0].contains("NAME"))
        let readOnly = try Self.tools(readOnly: true, companies: 1)
        await #expect(throws: MCPError.self) { try await readOnly.call(PlanhatTools.createDocumentName, arguments: ["NAME": "n", "CONTENT": "c"]) }
        await #expect(throws: PlanhatError.self) { try await readOnly.service.createDocument(NewDocument(name: "n", content: "c", owner: nil, isPublic: false)) }
    }
}
