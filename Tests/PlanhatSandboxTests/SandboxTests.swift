import Foundation
import GRDB
import PlanhatKit
import Testing

@testable import PlanhatSandbox

/// A fresh in-memory sandbox seeded with `companies` demo companies.
func makeSandbox(companies: Int = 30) throws -> (PlanhatService, SandboxStore) {
    let store = try SandboxStore(path: nil)
    try DemoData(companies: companies).seed(into: store)
    return (PlanhatService(backend: SandboxBackend(store: store)), store)
}

extension PlanhatService {
    func call(_ model: String, _ operation: String, _ parameters: JSONValue = [:]) async throws -> JSONValue {
        try await perform(model: model, operation: operation, parameters: parameters)
    }

    /// The error a call fails with.
    func failure(_ model: String, _ operation: String, _ parameters: JSONValue) async -> PlanhatError? {
        do {
            _ = try await call(model, operation, parameters)
            return nil
        } catch {
            return error as? PlanhatError
        }
    }
}

@Suite("Sandbox")
struct SandboxTests {
    @Test("seeding is deterministic and links every model")
    func seeding() throws {
        let (first, firstStore) = try makeSandbox(companies: 12)
        let (_, secondStore) = try makeSandbox(companies: 12)
        _ = first
        let counts = try firstStore.counts()
        #expect(counts == (try secondStore.counts()))
        #expect(counts["companies"] == 12)
        #expect(counts["endusers"] == 60)
        for model in ["licenses", "conversations", "tasks", "nps", "invoices", "users", "customfields", "issues"] {
            #expect((counts[model] ?? 0) > 0, "\(model) is empty")
        }
        let ids = { (store: SandboxStore) in
            try store.database.read { db in try String.fetchAll(db, sql: "SELECT id FROM record ORDER BY seq LIMIT 50") }
        }
        #expect(try ids(firstStore) == ids(secondStore))
        #expect(try firstStore.integrityCheck() == "ok")
    }

    @Test("the default workspace has at least 200 companies and 1000 end users")
    func defaultSize() throws {
        let (_, store) = try makeSandbox(companies: DemoData.defaultCompanies)
        let counts = try store.counts()
        #expect((counts["companies"] ?? 0) >= 200)
        #expect((counts["endusers"] ?? 0) >= 1000)
    }

    @Test("list sorts, selects, pages and defaults like the API")
    func list() async throws {
        let (service, _) = try makeSandbox()
        let top = try #require(try await service.call("companies", "list", ["limit": 3, "sort": "-arr", "select": "name,arr"]).arrayValue)
        #expect(top.count == 3)
        #expect(top.allSatisfy { Set($0.objectValue?.keys.map { $0 } ?? []) == ["_id", "name", "arr"] })
        let arrs = top.compactMap { $0["arr"]?.intValue }
        #expect(arrs == arrs.sorted(by: >))
        let all = try #require(try await service.call("companies", "list", ["sort": "-arr", "select": "arr"]).arrayValue)
        #expect(all.count == 30, "the default limit (100) returns everything here")
        #expect(all.first?["arr"]?.intValue == arrs.first)
        let ascending = try #require(try await service.call("companies", "list", ["sort": "name", "select": "name"]).arrayValue)
        let names = ascending.compactMap { $0["name"]?.stringValue }
        #expect(names == names.sorted())
        let page = try #require(try await service.call("companies", "list", ["sort": "-arr", "offset": 1, "limit": 2, "select": "arr"]).arrayValue)
        #expect(page.map { $0["arr"] } == Array(all[1...2]).map { $0["arr"] })
        let past = try await service.call("companies", "list", ["offset": 500])
        #expect(past == [])
        let custom = try #require(try await service.call("companies", "list", ["select": "custom.Segment", "limit": 1]).arrayValue)
        #expect(custom.first?["custom"]?.objectValue?.keys.map { $0 } == ["Segment"])
        // SQLite builds the selection: the values equal the full record's, missing fields stay out,
        // and names with spaces are quoted.
        let full = try #require(try await service.call("companies", "list", ["limit": 5]).arrayValue)
        let chosen = try #require(try await service.call("companies", "list", ["limit": 5, "select": "name, arr,custom.Segment,nope,with space"]).arrayValue)
        for (record, selected) in zip(full, chosen) {
            #expect(selected["_id"] == record["_id"] && selected["name"] == record["name"] && selected["arr"] == record["arr"])
            #expect(selected["custom"]?["Segment"] == record["custom"]?["Segment"])
            #expect(Set(selected.objectValue?.keys.map { $0 } ?? []) == ["_id", "name", "arr", "custom"])
        }
    }

    @Test("filters: companyId (also through cId and companyIds), email, status")
    func filters() async throws {
        let (service, _) = try makeSandbox()
        let company = try #require(try await service.call("companies", "list", ["limit": 1, "sort": "name"]).arrayValue?.first)
        let id = try #require(company["_id"]?.stringValue)
        let endusers = try #require(try await service.call("endusers", "list", ["companyId": .string(id)]).arrayValue)
        #expect(endusers.count == 5)
        #expect(endusers.allSatisfy { $0["companyId"]?.stringValue == id })
        let keyed = try await service.call("endusers", "list", ["companyId": .string("extid-" + (company["externalId"]?.stringValue ?? ""))])
        #expect(keyed.arrayValue?.count == 5)
        let email = try #require(endusers.first?["email"]?.stringValue)
        #expect(try await service.call("endusers", "list", ["email": .string(email)]).arrayValue?.count == 1)
        let nps = try #require(try await service.call("nps", "list", ["limit": 1]).arrayValue?.first)
        let npsCompany = try #require(nps["cId"]?.stringValue)
        let byCompany = try #require(try await service.call("nps", "list", ["companyId": .string(npsCompany)]).arrayValue)
        #expect(!byCompany.isEmpty && byCompany.allSatisfy { $0["cId"]?.stringValue == npsCompany })
        let issue = try #require(try await service.call("issues", "list", ["limit": 1]).arrayValue?.first)
        let issueCompany = try #require(issue["companyIds"]?.arrayValue?.first?.stringValue)
        let issues = try #require(try await service.call("issues", "list", ["companyId": .string(issueCompany)]).arrayValue)
        #expect(issues.contains { $0["_id"] == issue["_id"] })
        // status is documented on the lean list only: the answer is lean records of lost companies.
        let lost = try #require(try await service.call("companies", "list", ["status": "lost"]).arrayValue)
        #expect(!lost.isEmpty && lost.allSatisfy { Set($0.objectValue?.keys.map { $0 } ?? []).isSubset(of: ["_id", "name", "externalId", "sourceId", "slug"]) })
        for company in lost.prefix(3) {
            #expect(try await service.call("companies", "view", ["id": company["_id"] ?? .null])["status"] == "lost")
        }
    }

    @Test("notes are the conversations of type note")
    func notes() async throws {
        let (service, _) = try makeSandbox()
        let notes = try #require(try await service.call("notes", "list").arrayValue)
        #expect(!notes.isEmpty && notes.allSatisfy { $0["type"] == "note" })
        let conversations = try #require(try await service.call("conversations", "list", ["limit": 2000]).arrayValue)
        #expect(conversations.count > notes.count)
        let company = try #require(try await service.call("companies", "list", ["limit": 1]).arrayValue?.first?["_id"])
        let created = try await service.call("notes", "create", ["companyId": company, "subject": "Kick-off"])
        #expect(created["type"] == "note")
        let call = try #require(conversations.first { $0["type"] != "note" }?["_id"]?.stringValue)
        #expect(await service.failure("notes", "view", ["id": .string(call)])?.status == 404)
    }

    @Test("records are found by _id, extid- and srcid-")
    func keyedIDs() async throws {
        let (service, _) = try makeSandbox()
        let company = try #require(try await service.call("companies", "list", ["limit": 1]).arrayValue?.first)
        let byID = try await service.call("companies", "view", ["id": company["_id"] ?? .null])
        let byExternal = try await service.call("companies", "view", ["id": .string("extid-" + (company["externalId"]?.stringValue ?? ""))])
        let bySource = try await service.call("companies", "view", ["id": .string("srcid-" + (company["sourceId"]?.stringValue ?? ""))])
        #expect(byID == company && byExternal == company && bySource == company)
        let missing = await service.failure("companies", "view", ["id": "extid-nope"])
        #expect(missing?.status == 404)
        #expect(missing?.message.contains("extid-nope") == true)
    }

    @Test("create checks references, resolves keyed ones and fills Planhat's computed fields")
    func create() async throws {
        let (service, store) = try makeSandbox()
        let company = try #require(try await service.call("companies", "list", ["limit": 1]).arrayValue?.first)
        let external = "extid-" + (company["externalId"]?.stringValue ?? "")
        let created = try await service.call("endusers", "create", [
            "email": "new.person@example.com", "companyId": .string(external), "firstName": "Ana", "lastName": "Lopez",
        ])
        #expect(created["_id"]?.stringValue?.count == 24)
        #expect(created["companyId"] == company["_id"], "the keyed reference is stored as the company's _id")
        #expect(created["companyName"] == company["name"])
        #expect(created["name"] == "Ana Lopez")
        #expect(created["createDate"]?.stringValue?.hasSuffix("Z") == true)
        #expect(try await service.call("endusers", "view", ["id": created["_id"] ?? .null]) == created)
        let before = try store.counts()["endusers"]
        let orphan = await service.failure("endusers", "create", ["email": "x@example.com", "companyId": "64b7a0c2e4b0a1b2c3d4e5f6"])
        #expect(orphan?.status == 400)
        #expect(orphan?.fieldIssues.first?.path == "companyId")
        #expect(orphan?.fieldIssues.first?.expected.contains("existing company") == true)
        #expect(try store.counts()["endusers"] == before, "nothing was written")
        let duplicate = await service.failure("companies", "create", ["name": "Dup", "sourceId": company["sourceId"] ?? .null])
        #expect(duplicate?.status == 400 && duplicate?.message.contains("already used") == true)
    }

    @Test("update is partial and merges custom fields")
    func update() async throws {
        let (service, _) = try makeSandbox()
        let company = try #require(try await service.call("companies", "list", ["limit": 1]).arrayValue?.first)
        let id = company["_id"] ?? .null
        let updated = try await service.call("companies", "update", ["id": id, "phase": "Renewal", "custom": ["Renewal Risk": "High", "New": 1]])
        #expect(updated["phase"] == "Renewal")
        #expect(updated["name"] == company["name"], "untouched fields stay")
        #expect(updated["custom"]?["Segment"] == company["custom"]?["Segment"], "custom merges")
        #expect(updated["custom"]?["Renewal Risk"] == "High")
        #expect(updated["custom"]?["New"] == 1)
        #expect(updated["lastUpdated"] != company["lastUpdated"])
        #expect(try await service.call("companies", "view", ["id": id]) == updated)
        #expect(await service.failure("companies", "update", ["id": "extid-nope", "phase": "x"])?.status == 404)
    }

    @Test("delete removes the record; viewing it afterwards is a 404")
    func delete() async throws {
        let (service, _) = try makeSandbox()
        let task = try #require(try await service.call("tasks", "list", ["limit": 1]).arrayValue?.first)
        let answer = try await service.call("tasks", "delete", ["id": task["_id"] ?? .null])
        #expect(answer["deletedCount"] == 1)
        #expect(await service.failure("tasks", "view", ["id": task["_id"] ?? .null])?.status == 404)
        #expect(await service.failure("tasks", "delete", ["id": task["_id"] ?? .null])?.status == 404)
    }

    @Test("bulk upsert matches _id, then sourceId, then externalId, then email, and creates the rest")
    func bulkUpsert() async throws {
        let (service, store) = try makeSandbox()
        let companies = try #require(try await service.call("companies", "list", ["limit": 3]).arrayValue)
        let before = try store.counts()["companies"] ?? 0
        let summary = try await service.call("companies", "bulkUpsert", ["items": [
            ["_id": companies[0]["_id"] ?? .null, "phase": "Expansion"],
            ["sourceId": companies[1]["sourceId"] ?? .null, "phase": "Adoption", "h": 12],
            ["externalId": companies[2]["externalId"] ?? .null, "name": companies[2]["name"] ?? .null],
            ["name": "Brand New Co", "externalId": "NEW-1"],
            ["externalId": "NEW-2"],
        ]])
        #expect(summary["created"] == 1)
        #expect(summary["updated"] == 2)
        #expect(summary["nonupdates"] == 1, "an item that changes nothing")
        #expect(summary["createdErrors"]?.arrayValue?.count == 1)
        #expect(summary["createdErrors"]?.arrayValue?.first?["fields"] == ["name"])
        #expect(summary["insertsKeys"]?.arrayValue?.first?["externalId"] == "NEW-1")
        // As Planhat's example: updatesKeys lists what changed, not the item that changed nothing.
        #expect(summary["updatesKeys"]?.arrayValue?.count == 2)
        #expect(summary["validationErrors"] == [])
        #expect(summary["updatesKeys"]?.arrayValue?.allSatisfy { $0["matchedOn"] == nil } == true)
        #expect(try store.counts()["companies"] == before + 1)
        let reread = try await service.call("companies", "view", ["id": companies[1]["_id"] ?? .null])
        #expect(reread["h"] == 12 && reread["phase"] == "Adoption")

        let person = try #require(try await service.call("endusers", "list", ["limit": 1]).arrayValue?.first)
        let byEmail = try await service.call("endusers", "bulkUpsert", ["items": [["email": person["email"] ?? .null, "position": "CTO"]]])
        #expect(byEmail["updated"] == 1)
        #expect(try await service.call("endusers", "view", ["id": person["_id"] ?? .null])["position"] == "CTO")
    }

    @Test("a bulk upsert that fails midway writes nothing")
    func bulkUpsertIsAtomic() async throws {
        let (service, store) = try makeSandbox()
        let companies = try #require(try await service.call("companies", "list", ["limit": 2]).arrayValue)
        let before = try store.counts()
        let failure = await service.failure("companies", "bulkUpsert", ["items": [
            ["name": "Would Be Created", "externalId": "ATOMIC-1"],
            ["_id": companies[0]["_id"] ?? .null, "sourceId": companies[1]["sourceId"] ?? .null],
        ]])
        #expect(failure?.status == 400)
        #expect(try store.counts() == before)
        #expect(await service.failure("companies", "view", ["id": "extid-ATOMIC-1"])?.status == 404)
    }

    @Test("large sorts use an index: the plan of the statement the backend runs", arguments: [
        ("companies", "-arr", "record_sort_companies_arr"), ("companies", "mrr", "record_sort_companies_mrr"),
        ("companies", "-name", "record_sort_companies_name"), ("companies", "h", "record_sort_companies_h"),
        ("companies", "-lastUpdated", "record_sort_companies_lastUpdated"), ("endusers", "-lastActive", "record_sort_endusers_lastActive"),
    ])
    func sortIndex(model: String, sort: String, index: String) async throws {
        let store = try SandboxStore(path: nil)
        try DemoData(companies: 200).seed(into: store)
        let backend = SandboxBackend(store: store)
        let request = try PlanhatService(backend: backend).prepare(model: model, operation: "list", parameters: ["sort": .string(sort), "limit": 100])
        let query = try await backend.listQuery(for: request)
        let plan = try await store.database.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + query.sql, arguments: StatementArguments(query.arguments))
        }
        let details = plan.map { $0["detail"] as String? ?? "" }.joined(separator: "; ")
        #expect(details.contains("USING INDEX \(index)"), "\(query.sql): \(details)")
        #expect(!details.contains("TEMP B-TREE"), "the index serves the whole ORDER BY: \(details)")
        // The statement EXPLAINed is the one the list runs: it answers what the list answers.
        let rows = try await store.database.read { db in try query.documents(db) }
        #expect(rows == (try await backend.execute(request)))
    }

    @Test("JSON paths quote what needs quoting")
    func paths() {
        #expect(JSONPath.path("arr") == "$.arr")
        #expect(JSONPath.path("custom.Renewal Risk") == "$.custom.\"Renewal Risk\"")
        #expect(JSONPath.path("it's") == "$.\"it''s\"")
    }

    @Test("the sandbox file is created on disk in WAL mode and survives reopening")
    func onDisk() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString)")
        let path = folder.appendingPathComponent("nested/sandbox.sqlite").path
        let backend = try SandboxBackend.open(path: path, seedCompanies: 5)
        let service = PlanhatService(backend: backend)
        let created = try await service.call("companies", "create", ["name": "Persisted"])
        let reopened = PlanhatService(backend: try SandboxBackend.open(path: path))
        #expect(try await reopened.call("companies", "view", ["id": created["_id"] ?? .null])["name"] == "Persisted")
        let mode = try await backend.store.database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        try? FileManager.default.removeItem(at: folder)
    }
}
