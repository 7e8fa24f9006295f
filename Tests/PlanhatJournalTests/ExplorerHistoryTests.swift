import Foundation
import PlanhatJournal
import PlanhatKit
import PlanhatSandbox
import PlanhatTestSupport
import PlanhatTestTraits
import Testing
import TerminalUI

@testable import Explorer

/// The explorer's `:history` screen and a record's `H`, run through the app loop on a recording terminal.
@Suite("Explorer history and undo", .offThePool)
struct ExplorerHistoryTests {
    let folder = ProcessRunner.temporaryDirectory("explorer-history")
    let journal: SQLiteJournal
    let service: PlanhatService

    init() throws {
        journal = try SQLiteJournal(path: folder.appendingPathComponent("journal.sqlite").path)
        let backend = try SandboxBackend.open(path: folder.appendingPathComponent("sandbox.sqlite").path, seedCompanies: 12)
        service = PlanhatService(backend: backend).journaling(JournalRecorder(journal: journal, mode: .full, face: .explorer))
    }

    func run(_ script: [RecordingTerminal.Step]) async -> RecordingTerminal {
        let terminal = RecordingTerminal(width: 120, height: 30, script: script, timeout: 120)
        let app = ExplorerApp(context: ExplorerContext(service: service), theme: .fallback)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                app.run(driver: terminal)
                done.resume()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        return terminal
    }

    static func type(_ text: String) -> [RecordingTerminal.Step] { text.map { .key(.character($0)) } }

    func company() async throws -> (id: String, name: String) {
        let first = try #require(try await service.perform(model: "companies", operation: "list", parameters: ["limit": 1, "sort": "name"]).arrayValue?.first)
        return (try #require(first["_id"]?.stringValue), try #require(first["name"]?.stringValue))
    }

    func name(_ id: String) async throws -> String? {
        try await service.perform(model: "companies", operation: "view", parameters: ["id": .string(id)])["name"]?.stringValue
    }

    @Test(":history lists the entries, Enter shows the diff, u previews the undo and Enter sends it (journaled as the explorer's)")
    func undoFromHistory() async throws {
        let (id, old) = try await company()
        _ = try await service.perform(model: "companies", operation: "update", parameters: ["id": .string(id), "name": "Explorer Renamed"])
        let terminal = await run(
            [.waitFor("Planhat Explorer"), .key(.character(":"))] + Self.type("history") + [
                .key(.enter), .waitFor("#1  "), .key(.enter), .waitFor("Changes:"), .key(.character("u")), .waitFor("Undo #1"), .key(.enter),
                .waitFor("undone entry #1"), .key(.escape), .waitFor("(undo of #1)"), .key(.character("q")),
            ])
        #expect(terminal.timedOut == nil, "\(terminal.timedOut ?? "")")
        let frames = terminal.drawn.map(\.text)
        #expect(frames.contains { $0.contains("name: \"\(old)\" → \"Explorer Renamed\"") }, "the diff")
        #expect(frames.contains { $0.contains("name: \"Explorer Renamed\" → \"\(old)\"") && $0.contains("Enter or y sends the undo") }, "the preview")
        #expect(try await name(id) == old)
        let undo = try #require(try journal.entries(JournalQuery()).first)
        #expect(undo.undoOf == 1 && undo.face == .explorer)
    }

    @Test("an undo of an entry whose record changed since shows the three-way difference; Enter sends nothing, F forces")
    func conflictFromHistory() async throws {
        let (id, old) = try await company()
        _ = try await service.perform(model: "companies", operation: "update", parameters: ["id": .string(id), "name": "One"])
        _ = try await service.perform(model: "companies", operation: "update", parameters: ["id": .string(id), "name": "Two"])
        let terminal = await run(
            [.waitFor("Planhat Explorer"), .key(.character(":"))] + Self.type("history") + [
                .key(.enter), .waitFor("#2  "), .key(.down), .key(.character("u")), .waitFor("the entry left \"One\" · now \"Two\""), .key(.enter),
                .waitFor("F undoes anyway"), .key(.character("F")), .waitFor("undone entry #1"), .key(.character("q")),
            ])
        #expect(terminal.timedOut == nil, "\(terminal.timedOut ?? "")")
        #expect(try await name(id) == old)
    }

    @Test("H on a record shows that record's history only")
    func recordHistory() async throws {
        let (id, _) = try await company()
        _ = try await service.perform(model: "companies", operation: "update", parameters: ["id": .string(id), "name": "Mine"])
        _ = try await service.perform(model: "companies", operation: "create", parameters: ["name": "Someone Else"])
        var state = ExplorerState(width: 120, height: 30)
        let context = ExplorerContext(service: service)
        let record = RecordPage(model: try #require(Catalog.shared.model(route: "companies")), record: try await service.perform(model: "companies", operation: "view", parameters: ["id": .string(id)]))
        state.stack.append(.record(record))
        #expect(Keys.table(for: state.page, readOnly: false).contains { $0.label == "H" })
        let effects = ExplorerUpdate.update(&state, .key(.character("H")), context: context)
        #expect(effects.contains(.loadHistory(recordID: id)))
        let entries = try journal.entries(JournalQuery(recordID: id))
        _ = ExplorerUpdate.update(&state, .historyLoaded(.success(entries), recordID: id), context: context)
        let screen = ExplorerView.render(state, context: context, theme: .fallback).text
        #expect(screen.contains("History of \(id)") && screen.contains("update companies \(id)") && !screen.contains("Someone Else"))
    }
}
