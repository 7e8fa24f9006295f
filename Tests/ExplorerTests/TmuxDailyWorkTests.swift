import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// The morning portfolio review, in the built binary: names instead of ids, the columns a person chose.
@Suite("Explorer daily work in tmux, end to end", .enabled(if: TmuxSession.available), .offThePool)
struct TmuxDailyWorkTests {
    /// The users of a sandbox file: id → `First Last`.
    static func userNames(_ sandbox: String) throws -> [String: String] {
        let result = try ProcessRunner.planhat(
            ["call", "users", "list", "--params", #"{"select": "firstName,lastName", "limit": 1000}"#], environment: ProcessRunner.environment(["PLANHAT_SANDBOX_PATH": sandbox]))
        let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        var names: [String: String] = [:]
        for row in rows {
            guard let id = row["_id"] as? String else { continue }
            names[id] = [row["firstName"] as? String, row["lastName"] as? String].compactMap { $0 }.joined(separator: " ")
        }
        return names
    }

    static func command(_ folder: URL, sandbox: String) -> String {
        "env XDG_STATE_HOME=\(folder.path)/state XDG_CONFIG_HOME=\(folder.path)/config XDG_CACHE_HOME=\(folder.path)/cache PLANHAT_SANDBOX_PATH=\(sandbox) \(ProcessRunner.planhatBinary)"
    }

    static func jumpToCompanies(_ session: TmuxSession) throws {
        try session.waitFor("\(Catalog.shared.models.count) models")
        try session.keys(":")
        try session.keys("-l", "companies")
        try session.keys("Enter")
        try session.waitFor("loaded, more")
    }

    @Test("a company list shows its owners by name, never their ids; i shows the ids")
    func ownerNames() throws {
        let folder = ProcessRunner.temporaryDirectory("names")
        let sandbox = folder.appendingPathComponent("sandbox.sqlite").path
        let session = try TmuxSession(command: Self.command(folder, sandbox: sandbox), width: 160, height: 30)
        try Self.jumpToCompanies(session)
        let names = try Self.userNames(sandbox)
        #expect(!names.isEmpty)
        let screen = try session.screen(timeout: 30) { text in names.values.contains { text.contains($0) } }
        #expect(screen.found, "an owner's name shows: \(screen.text)")
        #expect(!names.keys.contains { screen.text.contains($0) }, "no owner id shows")
        try session.keys("i")
        let ids = try session.screen(timeout: 30) { text in names.keys.contains { text.contains($0.prefix(12)) } }
        #expect(ids.found, "i shows the ids: \(ids.text)")
        try session.keys("q")
        #expect(session.exitStatus() == "EXIT=0")
    }

    @Test("a custom field added as a column shows its values, is kept for the workspace and comes back on the next start")
    func customFieldColumn() throws {
        let folder = ProcessRunner.temporaryDirectory("columns")
        let sandbox = folder.appendingPathComponent("sandbox.sqlite").path
        let session = try TmuxSession(command: Self.command(folder, sandbox: sandbox), width: 160, height: 30)
        try Self.jumpToCompanies(session)
        try session.keys("c")
        try session.waitFor("Columns of companies")
        try session.keys("/")
        try session.keys("-l", "Seats")
        try session.keys("Enter", "Space", "Enter")
        let table = try session.waitFor("SEATS")
        #expect(table.contains("columns kept for companies"))
        try session.keys("q")
        #expect(session.exitStatus() == "EXIT=0")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path + "/state/planhat-explorer/columns")) ?? []
        #expect(files.count == 1, "one columns file for the workspace: \(files)")

        let again = try TmuxSession(command: Self.command(folder, sandbox: sandbox), width: 160, height: 30)
        try Self.jumpToCompanies(again)
        let kept = try again.waitFor("SEATS")
        #expect(kept.contains("NAME"))
        try again.keys("q")
    }

    @Test("a view saved from the results (S) is run by the CLI (planhat view run) with the same records, in the same order")
    func savedViewRunFromCLI() throws {
        let folder = ProcessRunner.temporaryDirectory("view-cli")
        let sandbox = folder.appendingPathComponent("sandbox.sqlite").path
        let session = try TmuxSession(command: Self.command(folder, sandbox: sandbox), width: 160, height: 30)
        try Self.jumpToCompanies(session)
        let shown = try session.screen()
        try session.keys("S")
        try session.keys("-l", "morning-review")
        try session.keys("Enter")
        try session.waitFor("saved the view in")
        try session.keys("q")
        #expect(session.exitStatus(timeout: 60) == "EXIT=0")

        let environment = ProcessRunner.environment(["PLANHAT_SANDBOX_PATH": sandbox, "XDG_CONFIG_HOME": folder.path + "/config"])
        let listed = try ProcessRunner.planhat(["views"], environment: environment)
        #expect(listed.stdout.contains("morning-review"), "\(listed.stdout)\(listed.stderr)")
        let run = try ProcessRunner.planhat(["view", "run", "morning-review", "--format", "json"], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]] ?? []
        let names = rows.compactMap { $0["name"] as? String }
        #expect(names.count == rows.count && rows.count >= 5, "\(run.stdout.prefix(300))")
        // The table's first rows, in order, are the view's first records.
        let tableNames = shown.split(separator: "\n").compactMap { line in names.first { line.hasPrefix(" " + $0) || line.hasPrefix("  " + $0) || line.hasPrefix($0) } }
        #expect(Array(tableNames.prefix(5)) == Array(names.prefix(5)), "table: \(tableNames.prefix(5)) · view run: \(names.prefix(5))")
    }

    /// `planhat call MODEL list` on the sandbox file, as JSON rows.
    static func list(_ route: String, _ parameters: String, sandbox: String) throws -> [[String: Any]] {
        let result = try ProcessRunner.planhat(["call", route, "list", "--params", parameters], environment: ProcessRunner.environment(["PLANHAT_SANDBOX_PATH": sandbox]))
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
    }

    @Test("three marked companies get a new phase in one bulk request; the sandbox, read by the CLI after, has it and the journal one bulk upsert")
    func bulkPhase() throws {
        let folder = ProcessRunner.temporaryDirectory("bulk-phase")
        let sandbox = folder.appendingPathComponent("sandbox.sqlite").path
        let session = try TmuxSession(command: Self.command(folder, sandbox: sandbox), width: 160, height: 40)
        try Self.jumpToCompanies(session)
        try session.keys("Space")
        try session.keys("Space")
        try session.keys("Space")
        try session.waitFor("3 marked")
        try session.keys("u")
        try session.waitFor("Change 3 marked companies")
        // name, owner, status, phase: the fourth field.
        try session.keys("Tab", "Tab", "Tab")
        try session.keys("-l", "Expansion-E2E")
        try session.keys("C-s")
        try session.waitFor("3 records × 1 field")
        try session.keys("Enter")
        try session.waitFor("Bulk upsert of 3 companies: created 0, updated 3, 0 errors")
        // Quits from the summary (a busy machine may take a while to end the process).
        try session.keys("q")
        let status = session.exitStatus(timeout: 60)
        #expect(status == "EXIT=0", "\((try? session.screen()) ?? "")")

        let rows = try Self.list("companies", #"{"select": "name,phase", "limit": 5}"#, sandbox: sandbox)
        #expect(rows.count == 5)
        #expect(rows.prefix(3).allSatisfy { $0["phase"] as? String == "Expansion-E2E" }, "\(rows)")
        #expect(rows.dropFirst(3).allSatisfy { $0["phase"] as? String != "Expansion-E2E" }, "only the marked rows changed")
        let environment = ProcessRunner.environment(["PLANHAT_SANDBOX_PATH": sandbox, "XDG_STATE_HOME": folder.path + "/state"])
        let history = try ProcessRunner.planhat(["history", "--json", "--face", "explorer"], environment: environment)
        let entries = history.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(entries.count == 1 && entries.first?["operation"] as? String == "bulkUpsert", "one bulk request: \(history.stdout)")
    }

    @Test("from a company record, R then Enter opens its end users, filtered to it on the server; Esc comes back to the company")
    func companyEndUsers() throws {
        let folder = ProcessRunner.temporaryDirectory("related")
        let sandbox = folder.appendingPathComponent("sandbox.sqlite").path
        let session = try TmuxSession(command: Self.command(folder, sandbox: sandbox), width: 160, height: 40)
        try Self.jumpToCompanies(session)
        let company = try #require(try Self.list("companies", #"{"select": "name", "limit": 1}"#, sandbox: sandbox).first)
        let id = try #require(company["_id"] as? String), name = try #require(company["name"] as? String)
        try session.keys("Enter")
        try session.waitFor("Company: \(name)")
        try session.keys("R")
        try session.waitFor("Related to Company \(name)")
        try session.keys("Enter")
        let screen = try session.waitFor("results (companyId = \(name))")
        let users = try Self.list("endusers", "{\"companyId\": \"\(id)\", \"select\": \"name,companyId\", \"limit\": 2000}", sandbox: sandbox)
        #expect(!users.isEmpty)
        #expect(users.allSatisfy { $0["companyId"] as? String == id })
        #expect(screen.contains("\(users.count) records") || screen.contains("\(users.count) record"), "\(screen)")
        for user in users.prefix(5) {
            if let userName = user["name"] as? String { #expect(screen.contains(userName), "\(userName) is listed") }
        }
        try session.keys("Escape")
        try session.waitFor("Company: \(name)")
        try session.keys("q")
        #expect(session.exitStatus(timeout: 60) == "EXIT=0")
    }

    /// An X10 mouse report (what xterm-style terminals send): a left press at column `x`, row `y`.
    static func click(x: Int, y: Int) -> String {
        "\u{1b}[M" + String(UnicodeScalar(UInt8(32))) + String(UnicodeScalar(UInt8(33 + x))) + String(UnicodeScalar(UInt8(33 + y)))
    }

    @Test("a click on a column header sorts by it; with --no-mouse the same bytes do not")
    func mouseHeader() throws {
        let folder = ProcessRunner.temporaryDirectory("mouse")
        let sandbox = folder.appendingPathComponent("sandbox.sqlite").path
        let session = try TmuxSession(command: Self.command(folder, sandbox: sandbox), width: 160, height: 30)
        try Self.jumpToCompanies(session)
        let screen = try session.screen()
        let header = try #require(screen.split(separator: "\n").first { $0.contains("ARR") }.map(String.init))
        let x = try #require(header.range(of: "ARR").map { header.distance(from: header.startIndex, to: $0.lowerBound) })
        try session.keys("-l", Self.click(x: x + 1, y: 2))
        let sorted = try session.waitFor("ARR ▼")
        #expect(sorted.contains("results (sort -arr)"))
        try session.keys("q")
        #expect(session.exitStatus(timeout: 60) == "EXIT=0")

        let off = try TmuxSession(command: Self.command(folder, sandbox: sandbox) + " --no-mouse", width: 160, height: 30)
        try Self.jumpToCompanies(off)
        try off.keys("-l", Self.click(x: x + 1, y: 2))
        try off.keys("-l", "?")
        _ = try off.waitFor("Keys: results")
        #expect(!(try off.screen()).contains("ARR ▼"), "--no-mouse: no sort")
        try off.keys("Escape", "q")
    }
}
