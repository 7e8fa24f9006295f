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
}
