import Foundation
import GRDB
import PlanhatJournal
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The journal through the built binary: every face, concurrent writers, kill -9, the token, and
/// `planhat history` / `planhat undo`.
@Suite("Write journal, end to end", .offThePool)
struct JournalEndToEndTests {
    static let secret = "phx-JOURNAL-SECRET-0123456789abcdef"

    let folder = ProcessRunner.temporaryDirectory("journal-e2e")
    var sandbox: String { folder.appendingPathComponent("sandbox.sqlite").path }
    var state: String { folder.appendingPathComponent("state").path }
    var journalPath: String { state + "/planhat-explorer/journal.sqlite" }

    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ProcessRunner.environment(["PLANHAT_SANDBOX_PATH": sandbox, "XDG_STATE_HOME": state].merging(extra) { _, new in new })
    }

    func planhat(_ arguments: [String], _ extra: [String: String] = [:]) throws -> ProcessResult {
        try ProcessRunner.planhat(arguments, environment: environment(extra), timeout: 120)
    }

    func firstCompany(_ extra: [String: String] = [:]) throws -> JSONValue {
        let list = try planhat(["call", "companies", "list", "--params", #"{"limit":1,"sort":"name"}"#], extra)
        return try #require(try JSONValue.parse(list.stdout).arrayValue?.first)
    }

    @Test("the CLI, the MCP server (with its client's name) and the explorer, writing at once on one sandbox, land in one consistent journal")
    func everyFaceConcurrently() throws {
        _ = try planhat(["call", "companies", "list", "--params", #"{"limit":1}"#])  // the sandbox is made once
        let mcp = try MCPLineClient(arguments: ["--stdio", "--sandbox"], environment: environment())
        mcp.initialize(clientName: "journal-e2e-client")
        var explorer: TmuxSession?
        if TmuxSession.available {
            let session = try TmuxSession(command: "env PLANHAT_SANDBOX_PATH=\(sandbox) XDG_STATE_HOME=\(state) \(ProcessRunner.planhatBinary)", width: 100, height: 30)
            try session.waitFor("\(Catalog.shared.models.count) models")
            try session.keys("/")
            try session.keys("-l", "companies")
            try session.keys("Enter")
            try session.waitFor("/companies")
            try session.keys("/")
            try session.keys("-l", "create")
            try session.keys("Enter")
            try session.waitFor("Create a company · POST /companies")
            try session.keys("-l", "Explorer Made Ltd")
            try session.keys("C-s")
            try session.waitFor("Preview: POST /companies")
            explorer = session
        }
        // Everything is sent at once: four CLI processes, three MCP calls, the explorer's form.
        let group = DispatchGroup()
        let results = Results()
        for index in 1...4 {
            DispatchQueue.global().async(group: group) {
                let result = try? self.planhat(["call", "companies", "create", "--params", #"{"name":"CLI Made \#(index)"}"#])
                results.add(result?.status ?? -1)
            }
        }
        for index in 1...3 {
            mcp.send(
                "tools/call",
                #"{"name":"perform_model_action","arguments":{"MODEL_ROUTE":"companies","OPERATION":"create","PARAMETERS":{"name":"MCP Made \#(index)"}}}"#)
        }
        try explorer?.keys("Enter")
        group.wait()
        for _ in 1...3 { #expect(!String(decoding: mcp.readLine(), as: UTF8.self).contains("\"isError\":true")) }
        if let explorer { try explorer.waitFor("Created company Explorer Made Ltd") }
        #expect(results.statuses == [0, 0, 0, 0])
        #expect(mcp.stop() == 0)
        explorer?.end()

        let journal = try SQLiteJournal(path: journalPath)
        let entries = try journal.entries(JournalQuery())
        let expected = 7 + (explorer == nil ? 0 : 1)
        #expect(entries.count == expected)
        #expect(Set(entries.map(\.id)).count == expected, "one number per entry")
        #expect(entries.allSatisfy { $0.outcome == .done && $0.operation == .create })
        #expect(entries.filter { $0.face == .cli }.count == 4)
        let fromMCP = entries.filter { $0.face == .mcp }
        #expect(fromMCP.count == 3 && fromMCP.allSatisfy { $0.client == "journal-e2e-client" })
        if explorer != nil {
            #expect(entries.filter { $0.face == .explorer }.map { $0.body?["name"] } == ["Explorer Made Ltd"])
        }
        #expect(try journal.integrityCheck() == "ok")
        let mine = try planhat(["history", "--face", "mcp", "--client", "journal-e2e-client"])
        #expect(mine.stdout.split(separator: "\n").count == 3 && mine.stdout.contains("mcp (journal-e2e-client)  create companies"))
        // The MCP resource shows the same journal.
        let reader = try MCPLineClient(arguments: ["--stdio", "--sandbox", "--read-only"], environment: environment())
        reader.initialize()
        let listed = String(decoding: reader.call("resources/list"), as: UTF8.self)
        #expect(listed.contains("planhat://journal/recent"))
        let read = try JSONValue.parse(reader.call("resources/read", #"{"uri":"planhat://journal/recent"}"#))
        let text = try #require(read["result"]?["contents"]?.arrayValue?.first?["text"]?.stringValue)
        let recent = try JSONValue.parse(text)
        #expect(recent["entries"]?.arrayValue?.count == expected)
        #expect(recent["entries"]?.arrayValue?.first?["changes"]?.arrayValue?.isEmpty == false)
        let unknown = String(decoding: reader.call("resources/read", #"{"uri":"planhat://journal/other"}"#), as: UTF8.self)
        #expect(unknown.contains("\"error\"") && unknown.contains("planhat://journal/recent"))
        #expect(reader.stop() == 0)
    }

    @Test("kill -9 between send and answer leaves an outcome-unknown entry and a sound database; the token never goes in")
    func killedMidWrite() throws {
        let server = try ServedSandbox(token: Self.secret)
        let remote = ["PLANHAT_API_URL": server.baseURL, "PLANHAT_API_TOKEN": Self.secret]
        let company = try firstCompany(remote)
        let id = try #require(company["_id"]?.stringValue)
        #expect(try planhat(["call", "companies", "create", "--params", #"{"name":"Answered Ltd"}"#], remote).status == 0)
        try server.inject(#"{"path": "/companies", "method": "PUT", "delayMs": 30000}"#)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessRunner.planhatBinary)
        process.arguments = ["call", "companies", "update", "--id", id, "--params", #"{"name":"Never Answered"}"#]
        process.environment = environment(remote)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let journal = try SQLiteJournal(path: journalPath)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, try journal.entries(JournalQuery()).first?.operation != .update { usleep(20_000) }
        usleep(200_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let entry = try #require(try journal.entries(JournalQuery()).first)
        #expect(entry.operation == .update && entry.recordID == id && entry.outcome == .unknown && entry.completion == nil)
        #expect(entry.backend == "remote" && entry.target == server.baseURL)
        #expect(entry.before?["name"] == company["name"], "the record before was read first")
        let history = try planhat(["history"], remote)
        #expect(history.stdout.split(separator: "\n").first?.contains("outcome unknown") == true)
        let check = try DatabaseQueue(path: journalPath)
        #expect(try check.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        let shown = try planhat(["history", "show", String(entry.id)], remote)
        #expect(shown.stdout.contains("no answer was recorded"))
        for file in [journalPath, journalPath + "-wal", journalPath + "-shm"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(bytes.range(of: Data(Self.secret.utf8)) == nil, "\(file) holds the token")
            #expect(bytes.range(of: Data("0123456789abcdef".utf8)) == nil)
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
            #expect(mode & 0o777 == 0o600, "\(file) is \(String(mode & 0o777, radix: 8))")
        }
        server.stop()
    }

    @Test("planhat history lists and filters, history show diffs, undo previews, asks, refuses when read-only or conflicting, and is journaled")
    func historyAndUndo() throws {
        let company = try firstCompany()
        let id = try #require(company["_id"]?.stringValue)
        let oldName = try #require(company["name"]?.stringValue)
        #expect(try planhat(["call", "companies", "update", "--id", id, "--params", #"{"name":"History Renamed"}"#]).status == 0)
        let list = try planhat(["history"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("#1  ") && list.stdout.contains("cli  update companies \(id)  done"))
        let json = try planhat(["history", "--json", "--model", "Company"])
        let line = try JSONValue.parse(String(json.stdout.split(separator: "\n").first ?? ""))
        #expect(line["id"] == 1 && line["face"] == "cli" && line["before"]?["name"] == .string(oldName) && line["after"]?["name"] == "History Renamed")
        #expect(try planhat(["history", "--face", "mcp"]).stdout.isEmpty)
        #expect(try planhat(["history", "--since", "1h"]).stdout.contains("#1"))
        let badSince = try planhat(["history", "--since", "yesterday-ish"])
        #expect(badSince.status == 2 && badSince.stderr.contains("--since") && badSince.stderr.contains("yesterday-ish") && badSince.stderr.contains("2h"))
        let badFace = try planhat(["history", "--face", "web"])
        #expect(badFace.status == 2 && badFace.stderr.contains("cli, mcp, explorer"))
        let show = try planhat(["history", "show", "1"])
        #expect(show.stdout.contains("name: \"\(oldName)\" → \"History Renamed\""))
        #expect(try planhat(["history", "show", "99"]).status == 5)

        let unasked = try planhat(["undo", "1"])
        #expect(unasked.status == 2 && unasked.stderr.contains("--yes"))
        #expect(unasked.stdout.contains("PUT /companies/\(id): restore") && unasked.stdout.contains("name: \"History Renamed\" → \"\(oldName)\""))
        let readOnly = try planhat(["undo", "1", "--yes", "--read-only"])
        #expect(readOnly.status == 4)
        #expect(try firstCompanyName(id) == "History Renamed", "nothing sent")
        let undone = try planhat(["undo", "#1", "--yes"])
        #expect(undone.status == 0, "\(undone.stderr)")
        #expect(undone.stdout.contains("Undone entry #1 (journaled as #2)"))
        #expect(try firstCompanyName(id) == oldName)
        #expect(try planhat(["history"]).stdout.contains("(undo of #1)"))

        #expect(try planhat(["call", "companies", "update", "--id", id, "--params", #"{"name":"Third"}"#]).status == 0)
        #expect(try planhat(["call", "companies", "update", "--id", id, "--params", #"{"name":"Fourth"}"#]).status == 0)
        let conflicting = try planhat(["undo", "3", "--yes"])
        #expect(conflicting.status == 3)
        #expect(conflicting.stdout.contains("name: before \"\(oldName)\" · the entry left \"Third\" · now \"Fourth\""))
        #expect(try firstCompanyName(id) == "Fourth")
        #expect(try planhat(["undo", "3", "--yes", "--force"]).status == 0)
        #expect(try firstCompanyName(id) == oldName)

        #expect(try planhat(["call", "companies", "delete", "--id", id]).status == 0)
        let recreated = try planhat(["undo", "6", "--yes"])
        #expect(recreated.status == 0, "\(recreated.stderr)")
        #expect(recreated.stdout.contains("new _id (it was \(id))") && recreated.stdout.contains("Created again as "))
        let off = try planhat(["call", "companies", "create", "--params", #"{"name":"Off Ltd"}"#], ["PLANHAT_JOURNAL": "off"])
        #expect(off.status == 0)
        #expect(!(try planhat(["history"]).stdout.contains("Off Ltd")))
        let wrong = try planhat(["call", "companies", "list"], ["PLANHAT_JOURNAL": "sometimes"])
        #expect(wrong.status == 2 && wrong.stderr.contains("PLANHAT_JOURNAL") && wrong.stderr.contains("full, light or off"))
    }

    func firstCompanyName(_ id: String) throws -> String? {
        try JSONValue.parse(try planhat(["call", "companies", "view", "--id", id]).stdout)["name"]?.stringValue
    }
}

final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [Int32] = []
    func add(_ status: Int32) { lock.withLock { all.append(status) } }
    var statuses: [Int32] { lock.withLock { all } }
}

extension TmuxSession {
    /// Waits until the screen shows `text`; fails the test with the screen when it does not.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 60, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let screen = try screen(containing: text, timeout: timeout)
        #expect(screen.found, "waited for \(text); the screen:\n\(screen.text)", sourceLocation: sourceLocation)
        return screen.text
    }
}
