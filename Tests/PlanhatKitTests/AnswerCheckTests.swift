import Foundation
import PlanhatKit
import Testing

/// A backend that answers every request with one canned answer and remembers what it was sent.
final class CannedBackend: PlanhatBackend, @unchecked Sendable {
    let answer: JSONValue
    private let lock = NSLock()
    private var sent: [PlanhatRequest] = []

    init(_ answer: JSONValue) {
        self.answer = answer
    }

    var info: BackendInfo { BackendInfo(kind: .remote, location: "https://api.planhat.com") }
    var requests: [PlanhatRequest] { lock.withLock { sent } }

    func execute(_ request: PlanhatRequest) async throws -> JSONValue {
        lock.withLock { sent.append(request) }
        return answer
    }
}

@Suite("Answers are checked: filters held, fields stored")
struct AnswerCheckTests {
    static let a = "aaaaaaaaaaaaaaaaaaaaaaaa", b = "bbbbbbbbbbbbbbbbbbbbbbbb", c = "cccccccccccccccccccccccc"

    func list(_ answer: JSONValue, _ parameters: JSONValue, model: String = "tasks") async throws -> Outcome {
        let service = PlanhatService(backend: CannedBackend(answer))
        return try await service.run(try service.prepare(model: model, operation: "list", parameters: parameters))
    }

    @Test("records that break a filter are left out and the answer says the server ignored it; records that keep it pass untouched")
    func filterCheck() async throws {
        let records: JSONValue = [["_id": "1", "companyId": .string(Self.a)], ["_id": "2", "companyId": .string(Self.b)], ["_id": "3", "companyId": .string(Self.a)]]
        let ignored = try await list(records, ["companyId": .string(Self.a)])
        #expect(ignored.value.arrayValue?.map { $0["_id"] } == ["1", "3"])
        #expect(ignored.notices.map(\.kind) == [.filterIgnored])
        #expect(ignored.notices.first?.message == "the server ignored the filter companyId=\(Self.a): 1 record of 3 did not match and were left out")

        let held = try await list([["_id": "1", "companyId": .string(Self.a)]], ["companyId": .string(Self.a)])
        #expect(held.value == [["_id": "1", "companyId": .string(Self.a)]] && held.notices.isEmpty)
        let unfiltered = try await list(records, [:])
        #expect(unfiltered.value == records && unfiltered.notices.isEmpty, "no filter, nothing to check")
    }

    @Test("a filter of several ids keeps a record of any; a record without the field (left out by select) or with null cannot be checked and stays")
    func filterClasses() async throws {
        let records: JSONValue = [
            ["_id": "1", "companyId": .string(Self.a)], ["_id": "2", "companyId": .string(Self.b)], ["_id": "3", "companyId": .string(Self.c)],
            ["_id": "4"], ["_id": "5", "companyId": nil],
        ]
        let outcome = try await list(records, ["companyId": .string("\(Self.a), \(Self.b)")])
        #expect(outcome.value.arrayValue?.map { $0["_id"] } == ["1", "2", "4", "5"])
        #expect(outcome.notices.count == 1)
        let arrays = try await list([["_id": "1", "companyId": [.string(Self.c), .string(Self.a)]]], ["companyId": .string(Self.a)])
        #expect(arrays.value.arrayValue?.count == 1 && arrays.notices.isEmpty, "an array field holds the value when any element does")
    }

    @Test("an undocumented field is refused with the way to send it anyway, accepted once the workspace's records carry it, and always with .allow")
    func seenFields() async throws {
        let backend = CannedBackend([["_id": .string(Self.a), "name": "Acme", "legacyScore": 7]])
        let service = PlanhatService(backend: backend)
        #expect {
            try service.prepare(model: "companies", operation: "create", parameters: ["name": "New", "legacyScore": 3])
        } throws: { error in
            let text = (error as? PlanhatError)?.report ?? ""
            return text.contains("legacyScore") && text.contains("--allow-unknown-fields")
        }
        _ = try await service.run(try service.prepare(model: "companies", operation: "list", parameters: [:]))
        #expect(service.memory.hasSeen("legacyScore", on: "companies"))
        let accepted = try service.prepare(model: "companies", operation: "create", parameters: ["name": "New", "legacyScore": 3])
        #expect(accepted.body?["legacyScore"] == 3)
        #expect(accepted.notices.map(\.message) == ["sent fields the catalog does not document (the workspace's records carry them): legacyScore"])
        #expect(service.memory.hasSeen("legacyScore", on: "endusers") == false, "learned per model")
        let allowed = try PlanhatService(backend: backend, unknownFields: .allow).prepare(model: "companies", operation: "create", parameters: ["name": "N", "tier": "x"])
        #expect(allowed.body?["tier"] == "x")
        #expect {
            try PlanhatService(backend: backend, unknownFields: .allow).prepare(model: "companies", operation: "create", parameters: ["name": "N", "_id": .string(Self.a)])
        } throws: { _ in true }
    }

    @Test("a snapshot of what was learned restores it")
    func memorySnapshot() throws {
        let memory = FieldMemory()
        memory.learn([["name": "A", "legacyScore": 1]], model: try Catalog.shared.model(named: "companies"))
        let data = try JSONEncoder().encode(memory.snapshot)
        let restored = FieldMemory(try JSONDecoder().decode(FieldMemory.Snapshot.self, from: data))
        #expect(restored.hasSeen("legacyScore", on: "companies"))
    }

    @Test("a write's answer is compared field by field: dropped, changed, and stored as Planhat stores it (numbers, days, keyed ids, clears)")
    func verification() throws {
        let model = try Catalog.shared.model(named: "licenses")
        let sent: JSONValue = [
            "value": 100, "fromDate": "2026-01-05", "companyId": "extid-acme", "_currency": "USD", "mystery": "x", "toDate": nil,
            "custom": ["Seats": 12, "Gone": "y"],
        ]
        let answer: JSONValue = [
            "_id": .string(Self.a), "value": 100.0, "fromDate": "2026-01-05T00:00:00.000Z", "companyId": .string(Self.b), "_currency": "EUR",
            "custom": ["Seats": 12],
        ]
        let verification = try #require(WriteVerification.compare(sent: sent, answer: answer, model: model))
        #expect(verification.dropped == ["custom.Gone", "mystery"])
        #expect(verification.changed.map(\.field) == ["_currency"])
        #expect(Set(verification.stored) == ["value", "fromDate", "companyId", "toDate", "custom.Seats"])
        #expect(verification.warning == #"Planhat did not store: custom.Gone, mystery; stored _currency as "EUR" (sent "USD")"#)
        #expect(verification.jsonValue["dropped"] == ["custom.Gone", "mystery"])
        let clean = try #require(WriteVerification.compare(sent: ["value": 5], answer: ["value": 5], model: model))
        #expect(clean.isClean && clean.warning == nil)
    }

    @Test("an export's tally says the first page's notice once, and the total when later pages left out more")
    func pageTally() {
        let notice = ListFilterCheck.notice(filter: "companyId=a", leftOut: 2, of: 5)
        var tally = PageTally()
        tally.add(ListPage(records: [], received: 0, notices: []))
        #expect(tally.notices.isEmpty)
        tally.add(ListPage(records: [1, 2, 3], received: 5, notices: [notice]))
        #expect(tally.notices == [notice])
        tally.add(ListPage(records: [4], received: 5, notices: [ListFilterCheck.notice(filter: "companyId=a", leftOut: 4, of: 5)]))
        #expect(tally.notices.map(\.message) == [notice.message, "in all, 6 records of 10 did not match the filters and were left out"])
    }

    @Test("notices put what went wrong first")
    func noticeOrder() {
        let notices = [Notice(.unknownFieldSent, "u"), Notice(.canonicalSpelling, "c"), Notice(.notStored, "n"), Notice(.filterIgnored, "f")]
        #expect(Notice.mostImportantFirst(notices).map(\.message) == ["n", "f", "c", "u"])
    }
}

@Suite("Free-text values in the spelling Planhat expects")
struct CanonicalSpellingTests {
    static let task = "aaaaaaaaaaaaaaaaaaaaaaaa"

    func update(_ service: PlanhatService, status: String) throws -> PlanhatRequest {
        try service.prepare(model: "tasks", operation: "update", parameters: ["id": .string(Self.task), "status": .string(status)])
    }

    @Test("the catalog knows a task's statuses", arguments: ["To Do", "In-progress", "Done"])
    func known(status: String) throws {
        let field = try #require(try Catalog.shared.model(named: "tasks").field(named: "status"))
        #expect(field.canonical?.contains(status) == true)
        let request = try update(PlanhatService(backend: CannedBackend([])), status: status)
        #expect(request.body?["status"] == .string(status) && request.notices.isEmpty, "a canonical value is sent untouched, silently")
    }

    @Test("a near match (case, spaces, dashes, underscores) is sent in the canonical spelling, and said", arguments: [
        ("done", "Done"), ("DONE", "Done"), ("todo", "To Do"), ("to-do", "To Do"), ("TO_DO", "To Do"), ("in progress", "In-progress"), ("In Progress", "In-progress"),
    ])
    func respelled(typed: String, canonical: String) throws {
        let request = try update(PlanhatService(backend: CannedBackend([])), status: typed)
        #expect(request.body?["status"] == .string(canonical))
        #expect(request.notices.map(\.message) == ["sent in the spelling Planhat expects: status \"\(typed)\" as \"\(canonical)\""])
        #expect(request.notices.first?.kind == .canonicalSpelling)
    }

    @Test("an unknown value is refused with the list; accepted as it is once the workspace's tasks hold it, or with unknown fields allowed")
    func unknown() async throws {
        let backend = CannedBackend([["_id": .string(Self.task), "status": "Blocked"]])
        let service = PlanhatService(backend: backend)
        #expect {
            try update(service, status: "Blocked")
        } throws: { error in
            let text = (error as? PlanhatError)?.report ?? ""
            return text.contains("status: unknown value \"Blocked\"") && text.contains("one of To Do, In-progress, Done") && text.contains("--allow-unknown-fields")
        }
        #expect(try update(PlanhatService(backend: backend, unknownFields: .allow), status: "Blocked").body?["status"] == "Blocked")
        _ = try await service.run(try service.prepare(model: "tasks", operation: "list", parameters: [:]))
        let learned = try update(service, status: "Blocked")
        #expect(learned.body?["status"] == "Blocked" && learned.notices.isEmpty, "the tenant's own status")
    }

    @Test("bulk items are respelled one by one, and said once")
    func bulk() throws {
        let items: JSONValue = ["items": [
            ["_id": .string(Self.task), "status": "done"], ["sourceId": "s-2", "status": "done"], ["sourceId": "s-3", "status": "todo"],
        ]]
        let request = try PlanhatService(backend: CannedBackend([])).prepare(model: "tasks", operation: "bulkUpsert", parameters: items)
        #expect(request.body?.arrayValue?.map { $0["status"] } == ["Done", "Done", "To Do"])
        #expect(request.notices.map(\.message) == [#"sent in the spelling Planhat expects: status "done" as "Done", status "todo" as "To Do" (3 values in all)"#])
        #expect {
            try PlanhatService(backend: CannedBackend([])).prepare(model: "tasks", operation: "bulkUpsert", parameters: ["items": [["sourceId": "s", "status": "Nope"]]])
        } throws: { error in (error as? PlanhatError)?.fieldIssues.first?.path == "items[0].status" }
    }
}
