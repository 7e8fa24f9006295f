import Foundation
import GRDB
import PlanhatJournal
import PlanhatKit
import PlanhatRemote
import PlanhatSandbox
import PlanhatTestSupport
import Testing

/// The journal and undo in process: a sandbox, a journal file, a service that journals its writes.
@Suite("Write journal and undo")
struct JournalUndoTests {
    let folder = ProcessRunner.temporaryDirectory("journal")
    let journal: SQLiteJournal
    let service: PlanhatService

    init() throws {
        journal = try SQLiteJournal(path: folder.appendingPathComponent("state/journal.sqlite").path)
        let backend = try SandboxBackend.open(path: folder.appendingPathComponent("sandbox.sqlite").path, seedCompanies: 20)
        service = PlanhatService(backend: backend).journaling(JournalRecorder(journal: journal, mode: .full, face: .cli))
    }

    func companies(_ limit: Int = 3) async throws -> [JSONValue] {
        try await service.perform(model: "companies", operation: "list", parameters: ["limit": .integer(limit), "sort": "name"]).arrayValue ?? []
    }

    func view(_ id: String) async throws -> JSONValue? {
        do {
            return try await service.perform(model: "companies", operation: "view", parameters: ["id": .string(id)])
        } catch let error as PlanhatError where error.status == 404 {
            return nil
        }
    }

    /// Every field of `restored` equals `original`'s, except those Planhat computes (and `_id` when asked).
    func expectSameFields(_ restored: JSONValue?, _ original: JSONValue, ignoringID: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        let computed = Set(Catalog.shared.model(route: "companies")?.computedFieldNames ?? []).union(ignoringID ? ["_id"] : [])
        let left = (restored?.objectValue ?? [:]).filter { !computed.contains($0.key) }
        let right = (original.objectValue ?? [:]).filter { !computed.contains($0.key) }
        #expect(Set(left.keys) == Set(right.keys), "fields: \(Set(left.keys).symmetricDifference(right.keys))", sourceLocation: sourceLocation)
        for (field, value) in right {
            #expect(left[field] == value, "\(field): \(left[field]?.compactText() ?? "(none)") ≠ \(value.compactText())", sourceLocation: sourceLocation)
        }
    }

    func undo(_ id: Int64, force: Bool = false) async throws -> UndoPlan {
        let plan = try await JournalUndo(service: service).plan(try #require(try journal.entry(id)))
        _ = try await JournalUndo(service: service).apply(plan, force: force)
        return plan
    }

    @Test("a write is journaled with its body, the record before, the answer, face and workspace; reads are not")
    func recordsWrites() async throws {
        let company = try #require(try await companies(1).first)
        let id = try #require(company["_id"]?.stringValue)
        _ = try await service.perform(model: "companies", operation: "update", parameters: ["id": .string(id), "name": "Renamed Ltd"])
        let entries = try journal.entries(JournalQuery())
        #expect(entries.count == 1, "the list and the read before are not journaled")
        let entry = try #require(entries.first)
        #expect(entry.face == .cli && entry.client == nil && entry.backend == "sandbox")
        #expect(entry.target == service.backend.info.location)
        #expect(entry.operation == .update && entry.model == "companies" && entry.recordID == id)
        #expect(entry.body == ["name": "Renamed Ltd"])
        #expect(entry.before?["name"] == company["name"])
        #expect(entry.outcome == .done && entry.after?["name"] == "Renamed Ltd")
        let diff = JournalDiff.changes(of: entry).first?.changes.first { $0.field == "name" }
        #expect(diff?.before == company["name"] && diff?.after == "Renamed Ltd")
        #expect(JournalText.detail(entry).contains { $0.contains("name: \(company["name"]?.compactText() ?? "") → \"Renamed Ltd\"") })
    }

    @Test("a write answered with an error is failed; one with no answer stays outcome unknown")
    func outcomes() async throws {
        await #expect(throws: PlanhatError.self) {
            _ = try await service.perform(model: "companies", operation: "update", parameters: ["id": "000000000000000000000000", "name": "X"])
        }
        let failed = try #require(try journal.entries(JournalQuery()).first)
        #expect(failed.outcome == .failed && failed.completion?.status == 404)
        let silent = service.journaling(JournalRecorder(journal: journal, mode: .light, face: .mcp, client: "probe"))
        let unanswered = PlanhatService(backend: NeverAnswers(info: service.backend.info)).journaling(silent.journal)
        await #expect(throws: PlanhatError.self) {
            _ = try await unanswered.perform(model: "companies", operation: "create", parameters: ["name": "Lost"])
        }
        let unknown = try #require(try journal.entries(JournalQuery()).first)
        #expect(unknown.outcome == .unknown && unknown.face == .mcp && unknown.client == "probe")
        #expect(JournalText.line(unknown).contains("outcome unknown"))
    }

    @Test("the journal is append-only: entries and completions cannot be changed or removed")
    func appendOnly() async throws {
        _ = try await service.perform(model: "companies", operation: "create", parameters: ["name": "Kept Ltd"])
        let queue = try DatabaseQueue(path: journal.path)
        #expect(throws: (any Error).self) { try queue.write { try $0.execute(sql: "UPDATE entry SET model = 'x'") } }
        #expect(throws: (any Error).self) { try queue.write { try $0.execute(sql: "DELETE FROM entry") } }
        #expect(throws: (any Error).self) { try queue.write { try $0.execute(sql: "UPDATE completion SET outcome = 'failed'") } }
        let id = try #require(try journal.entries(JournalQuery()).first?.id)
        #expect(throws: (any Error).self) { try journal.complete(id, JournalCompletion(outcome: .failed)) }
        #expect(try journal.entry(id)?.outcome == .done)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: journal.path)[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o600)
        #expect(try journal.integrityCheck() == "ok")
        let journalMode = try await queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journalMode == "wal")
    }

    @Test("undo of an update puts back the old values, field by field; the undo is journaled and can be undone")
    func undoUpdate() async throws {
        let company = try #require(try await companies(1).first)
        let id = try #require(company["_id"]?.stringValue)
        _ = try await service.perform(model: "companies", operation: "update", parameters: ["id": .string(id), "name": "Changed Ltd", "phase": "Churned", "arr": 1])
        let entry = try #require(try journal.entries(JournalQuery()).first)
        let plan = try await undo(entry.id)
        #expect(plan.previewLines.contains { $0.contains("name: \"Changed Ltd\" → \(company["name"]?.compactText() ?? "")") })
        expectSameFields(try await view(id), company)
        let undone = try #require(try journal.entries(JournalQuery()).first)
        #expect(undone.undoOf == entry.id && undone.operation == .update)
        _ = try await undo(undone.id)
        #expect(try await view(id)?["name"] == "Changed Ltd", "undoing the undo writes the change again")
    }

    @Test("undo of a create deletes the record")
    func undoCreate() async throws {
        let created = try await service.perform(model: "companies", operation: "create", parameters: ["name": "Short Lived Ltd", "externalId": "SL-1"])
        let id = try #require(created["_id"]?.stringValue)
        _ = try await undo(try #require(try journal.entries(JournalQuery()).first?.id))
        #expect(try await view(id) == nil)
    }

    @Test("undo of a delete creates the record again with a new _id, externalId kept, every other field as it was")
    func undoDelete() async throws {
        let company = try #require(try await companies(2).last)
        let id = try #require(company["_id"]?.stringValue)
        _ = try await service.perform(model: "companies", operation: "delete", parameters: ["id": .string(id)])
        let plan = try await undo(try #require(try journal.entries(JournalQuery()).first?.id))
        #expect(plan.notes.contains { $0.contains("new _id") && $0.contains(id) })
        let again = try #require(try await view("extid-" + (company["externalId"]?.stringValue ?? "")))
        #expect(again["_id"] != company["_id"])
        expectSameFields(again, company, ignoringID: true)
    }

    @Test("undo of a bulk upsert deletes what it created and restores what it updated, exactly")
    func undoBulkUpsert() async throws {
        let existing = try await companies(3)
        var items: [JSONValue] = existing.map { ["_id": $0["_id"] ?? .null, "name": .string("Bulk " + ($0["name"]?.stringValue ?? "")), "phase": "Bulk"] }
        items.append(["name": "Bulk New One", "externalId": "BULK-NEW-1"])
        items.append(["name": "Bulk New Two", "externalId": "BULK-NEW-2"])
        let summary = try await service.perform(model: "companies", operation: "bulkUpsert", parameters: ["items": .array(items)])
        #expect(summary["created"] == 2 && summary["updated"] == 3)
        let entry = try #require(try journal.entries(JournalQuery()).first)
        #expect(entry.before?.arrayValue?.count == 3, "the three records it updated were read before")
        var undo = JournalUndo(service: service)
        undo.chunkSize = 2
        let plan = try await undo.plan(entry)
        #expect(plan.conflicts.isEmpty)
        _ = try await undo.apply(plan)
        for company in existing { expectSameFields(try await view(company["_id"]?.stringValue ?? ""), company) }
        let first = try await view("extid-BULK-NEW-1"), second = try await view("extid-BULK-NEW-2")
        #expect(first == nil && second == nil)
        let restores = try journal.entries(JournalQuery()).filter { $0.undoOf == entry.id && $0.operation == .bulkUpsert }
        #expect(restores.count == 2, "the restore of 3 records went in chunks of 2")
    }

    @Test("an undo is refused with the three-way difference when the record changed since, and --force overrides")
    func conflict() async throws {
        let company = try #require(try await companies(1).first)
        let id = try #require(company["_id"]?.stringValue)
        _ = try await service.perform(model: "companies", operation: "update", parameters: ["id": .string(id), "name": "First Change"])
        let first = try #require(try journal.entries(JournalQuery()).first)
        _ = try await service.perform(model: "companies", operation: "update", parameters: ["id": .string(id), "name": "Second Change"])
        let plan = try await JournalUndo(service: service).plan(first)
        let conflict = try #require(plan.conflicts.first)
        #expect(conflict.field == "name" && conflict.before == company["name"] && conflict.after == "First Change" && conflict.now == "Second Change")
        #expect(plan.conflictLines.joined().contains("now \"Second Change\""))
        await #expect(throws: PlanhatError.self) { _ = try await JournalUndo(service: service).apply(plan) }
        #expect(try await view(id)?["name"] == "Second Change", "nothing was sent")
        _ = try await JournalUndo(service: service).apply(plan, force: true)
        #expect(try await view(id)?["name"] == company["name"])
    }

    @Test("light mode keeps no record before: an update cannot be undone, a create can; read-only refuses undo")
    func lightAndReadOnly() async throws {
        let light = service.journaling(JournalRecorder(journal: journal, mode: .light, face: .cli))
        let company = try #require(try await companies(1).first)
        _ = try await light.perform(model: "companies", operation: "update", parameters: ["id": company["_id"] ?? .null, "name": "Light"])
        let entry = try #require(try journal.entries(JournalQuery()).first)
        #expect(entry.before == nil && entry.beforeNote?.contains("light") == true)
        await #expect(throws: PlanhatError.self) { _ = try await JournalUndo(service: light).plan(entry) }
        _ = try await light.perform(model: "companies", operation: "create", parameters: ["name": "Light New"])
        let created = try #require(try journal.entries(JournalQuery()).first)
        let elsewhere = PlanhatService(backend: try SandboxBackend.open(path: folder.appendingPathComponent("other.sqlite").path, seedCompanies: 1))
        let mismatch = await #expect(throws: PlanhatError.self) { _ = try await JournalUndo(service: elsewhere).plan(created) }
        #expect(mismatch?.details.contains { $0.contains("--sandbox-path \(created.target)") } == true)
        let readOnly = PlanhatService(backend: service.backend, readOnly: true)
        await #expect(throws: PlanhatError.self) { _ = try await JournalUndo(service: readOnly).plan(created) }
        _ = try await JournalUndo(service: light).apply(try await JournalUndo(service: light).plan(created))
        #expect(try await view(created.after?["_id"]?.stringValue ?? "") == nil)
    }

    @Test("a bulk upsert journaled light: its undo deletes what it created and says the updated records are left as they are")
    func lightBulk() async throws {
        let light = service.journaling(JournalRecorder(journal: journal, mode: .light, face: .cli))
        let existing = try #require(try await companies(1).first)
        let items: [JSONValue] = [["_id": existing["_id"] ?? .null, "name": "Light Bulk"], ["name": "Light Bulk New", "externalId": "LB-1"]]
        _ = try await light.perform(model: "companies", operation: "bulkUpsert", parameters: ["items": .array(items)])
        let plan = try await JournalUndo(service: light).plan(try #require(try journal.entries(JournalQuery()).first))
        #expect(plan.steps.map(\.kind) == [.delete])
        #expect(plan.notes.contains { $0.contains("1 records it updated are left as they are") })
        _ = try await JournalUndo(service: light).apply(plan)
        #expect(try await view("extid-LB-1") == nil)
        #expect(try await view(existing["_id"]?.stringValue ?? "")?["name"] == "Light Bulk")
    }

    @Test("on the remote API, full mode reads the records before a bulk upsert one by one up to 200 keyed items, and from the model's list beyond")
    func remoteBulkReadLimit() async throws {
        let server = try InProcessSandbox(companies: 5)
        let backend = RemoteBackend(
            baseURL: server.baseURL, token: APIToken("journal-test-token")!, timeout: 10, limiter: RequestLimiter(limits: .init(perMinute: 100_000)),
            transport: server.transport(timeout: 10))
        let remote = PlanhatService(backend: backend).journaling(JournalRecorder(journal: journal, mode: .full, face: .cli))
        let few: [JSONValue] = (0..<3).map { ["name": .string("Few \($0)"), "externalId": .string("FEW-\($0)")] }
        _ = try await remote.perform(model: "companies", operation: "bulkUpsert", parameters: ["items": .array(few)])
        let small = try #require(try journal.entries(JournalQuery()).first)
        #expect(small.before == [] && small.beforeNote == nil, "three reads, each answered 404: nothing existed before")
        // 201 keyed items, three of which (FEW-0…2) exist now: found by paging the list, not 201 reads.
        let many: [JSONValue] = (0...JournalRecorder.remoteBulkReadLimit).map { index in
            index < 3 ? ["name": .string("Renamed \(index)"), "externalId": .string("FEW-\(index)")] : ["name": .string("Many \(index)"), "externalId": .string("MANY-\(index)")]
        }
        _ = try await remote.perform(model: "companies", operation: "bulkUpsert", parameters: ["items": .array(many)])
        let large = try #require(try journal.entries(JournalQuery()).first)
        let before = try #require(large.before?.arrayValue)
        #expect(large.beforeNote == nil)
        #expect(Set(before.compactMap { $0["externalId"]?.stringValue }) == ["FEW-0", "FEW-1", "FEW-2"])
        #expect(Set(before.compactMap { $0["name"]?.stringValue }) == ["Few 0", "Few 1", "Few 2"], "the records as they were before the upsert renamed them")
        #expect(large.target == server.baseURL && large.backend == "remote")
        // The undo restores the three it updated and deletes the 198 it created.
        let plan = try await JournalUndo(service: remote).plan(large)
        _ = try await JournalUndo(service: remote).apply(plan)
        let names = try await remote.perform(model: "companies", operation: "list", parameters: ["limit": 5000]).arrayValue ?? []
        let created = names.filter { ($0["externalId"]?.stringValue ?? "").hasPrefix("MANY-") }
        #expect(created.count == 0)
        #expect(Set(names.filter { ($0["externalId"]?.stringValue ?? "").hasPrefix("FEW-") }.compactMap { $0["name"]?.stringValue }) == ["Few 0", "Few 1", "Few 2"])
    }

    @Test("off journals nothing; --since, --face, --client, --model and a record filter the history")
    func queries() async throws {
        let off = PlanhatService(backend: service.backend).journaling(nil)
        _ = try await off.perform(model: "companies", operation: "create", parameters: ["name": "Unjournaled"])
        #expect(try journal.entries(JournalQuery()).isEmpty)
        let mcp = service.journaling(JournalRecorder(journal: journal, mode: .full, face: .mcp, client: "Claude"))
        let created = try await mcp.perform(model: "companies", operation: "create", parameters: ["name": "By MCP"])
        _ = try await service.perform(model: "endusers", operation: "create", parameters: ["firstName": "A", "lastName": "B", "email": "a@b.example", "companyId": created["_id"] ?? .null])
        #expect(try journal.entries(JournalQuery(face: .mcp)).count == 1)
        #expect(try journal.entries(JournalQuery(client: "claude")).count == 1)
        #expect(try journal.entries(JournalQuery(model: "endusers")).count == 1)
        #expect(try journal.entries(JournalQuery(recordID: created["_id"]?.stringValue)).count == 1)
        #expect(try journal.entries(JournalQuery(since: Date().addingTimeInterval(60))).isEmpty)
        #expect(JournalText.since("2h", now: Date(timeIntervalSince1970: 7200)) == Date(timeIntervalSince1970: 0))
        #expect(JournalText.since("2026-12-01") == Date(timeIntervalSince1970: 1_796_083_200))
        #expect(JournalText.since("soon") == nil)
    }
}

/// A backend whose writes never get an answer (the network dropped).
struct NeverAnswers: PlanhatBackend {
    let info: BackendInfo
    func execute(_ request: PlanhatRequest) async throws -> JSONValue {
        throw PlanhatError(.network, message: "the connection was closed before an answer came")
    }
}
