import Foundation
import GRDB
import PlanhatKit
import Testing

@testable import PlanhatSandbox

/// Seeding fills the search index in one pass after the rows (not by the insert trigger row by
/// row): the index must end exactly as the trigger would have left it, and the trigger must be
/// back for the writes that follow.
@Suite("Seed indexing")
struct SeedIndexingTests {
    /// Rows of `record` and of its search index, and the rows whose indexed text differs from
    /// what the insert trigger writes for their document.
    static func indexState(_ store: SandboxStore) throws -> (records: Int, indexed: Int, differing: Int, trigger: Bool) {
        try store.database.read { db in
            let records = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record") ?? -1
            let indexed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record_text") ?? -1
            let differing = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM record r LEFT JOIN record_text t ON t.rowid = r.seq
                WHERE t.text IS NOT (SELECT group_concat(value, ' ') FROM json_tree(r.doc) WHERE type = 'text')
                """) ?? -1
            let trigger = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'record_text_insert'") == 1
            return (records, indexed, differing, trigger)
        }
    }

    @Test("a seed indexes every record once, with the text the trigger writes, and reseeding leaves no stale rows")
    func seedIndexesEveryRecord() throws {
        let store = try SandboxStore(path: nil)
        try DemoData(companies: 15).seed(into: store)
        let first = try Self.indexState(store)
        #expect(first.records > 15 * 10)
        #expect(first.indexed == first.records)
        #expect(first.differing == 0)
        #expect(first.trigger)
        try DemoData(companies: 9).seed(into: store)
        let second = try Self.indexState(store)
        #expect(second.records < first.records)
        #expect(second.indexed == second.records)
        #expect(second.differing == 0)
        #expect(second.trigger)
    }

    @Test("after a reset of the file, searches find seeded records and records written later")
    func resetFileIsSearchable() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seed-indexing-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("sandbox.sqlite").path
        try DemoData(companies: 12).reset(fileAt: path)
        let store = try SandboxStore(path: path)
        let seeded = try Self.indexState(store)
        #expect(seeded.indexed == seeded.records && seeded.differing == 0 && seeded.trigger)

        let backend = SandboxBackend(store: store)
        let acme = try await backend.searchRecords("acme analytics", models: ["companies"], limit: 5)
        #expect(acme.first?["title"] == "Acme Analytics")
        let service = PlanhatService(backend: backend)
        let created = try await service.perform(model: "companies", operation: "create", parameters: ["name": "Wombat Wireless"])
        let hits = try await backend.searchRecords("wombat", models: ["companies"], limit: 5)
        #expect(hits.map { $0["_id"] } == [created["_id"]])
        let after = try Self.indexState(store)
        #expect(after.indexed == seeded.records + 1 && after.differing == 0)
    }
}
