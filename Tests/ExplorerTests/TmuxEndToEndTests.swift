import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// The test support's ``TmuxSession`` as these tests use it: a wait that times out is an issue.
extension TmuxSession {
    /// Waits until the screen contains `text`; returns the screen (the last one, after recording an
    /// issue, when it never came).
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 60, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let screen = try screen(containing: text, timeout: timeout)
        if !screen.found {
            Issue.record("timed out waiting for \(text.debugDescription); the screen was:\n\(screen.text)", sourceLocation: sourceLocation)
        }
        return screen.text
    }

    /// From the first screen: jumps to a model and opens one of its operations through the filter.
    func openForm(_ route: String, _ operation: String) throws {
        try waitFor("\(Catalog.shared.models.count) models")
        try keys("/")
        try keys("-l", route)
        try keys("Enter")
        try waitFor("/\(route)")
        try keys("/")
        try keys("-l", operation)
        try keys("Enter")
    }
}

@Suite("Explorer in tmux, end to end", .enabled(if: TmuxSession.available), .offThePool)
struct TmuxEndToEndTests {
    @Test("filter to companies, list, open a record, resize, quit with status 0 and the terminal restored")
    func browse() throws {
        let sandbox = ProcessRunner.temporaryDirectory("tui").appendingPathComponent("sandbox.sqlite").path
        let session = try TmuxSession(command: "env -u LANG -u LC_ALL PLANHAT_SANDBOX_PATH=\(sandbox) \(ProcessRunner.planhatBinary)")
        try session.waitFor("\(Catalog.shared.models.count) models")
        try session.keys("/")
        try session.keys("-l", "comp")
        try session.waitFor("/comp")
        try session.keys("Enter")
        try session.waitFor("Company · /companies")
        try session.keys("Enter")
        try session.waitFor("List companies: parameters")
        try session.keys("Tab", "Tab")
        try session.keys("-l", "--", "-arr")
        try session.keys("C-s")
        let table = try session.waitFor("loaded, more")
        #expect(table.contains("ARR ▼"), "wide glyphs survive without a UTF-8 locale")
        try session.keys("Enter")
        let record = try session.waitFor("Company: ")
        #expect(record.contains("\"_id\""))
        try session.tmux(["resize-window", "-t", "e2e", "-x", "60", "-y", "18"])
        let resized = try session.waitFor("Company: ")
        #expect(resized.split(separator: "\n").allSatisfy { $0.count <= 60 })
        #expect(resized.contains("\"arr\""))
        try session.keys("q")
        #expect(session.exitStatus() == "EXIT=0")
        let after = try session.screen()
        #expect(!after.contains("Planhat Explorer"), "the terminal is restored")
    }

    @Test("SIGTERM, SIGINT and SIGHUP restore the terminal", arguments: [("TERM", "143"), ("INT", "130"), ("HUP", "129")])
    func signals(_ signal: String, _ status: String) throws {
        let sandbox = ProcessRunner.temporaryDirectory("tui-signal").appendingPathComponent("sandbox.sqlite").path
        // The shell execs the explorer in the foreground; a background subshell signals that pid.
        let session = try TmuxSession(command: "PLANHAT_SANDBOX_PATH=\(sandbox) sh -c '(sleep 3; kill -\(signal) $$) & exec \(ProcessRunner.planhatBinary)'")
        #expect(session.exitStatus(timeout: 60) == "EXIT=\(status)")
        #expect(!(try session.screen()).contains("Planhat Explorer"), "the terminal is restored")
    }

    /// The company names in the sandbox file, read by the CLI while the explorer has it open.
    func companyNames(_ sandbox: String) throws -> [String] {
        let result = try ProcessRunner.planhat(
            ["call", "companies", "list", "--params", #"{"select": "name", "limit": 5000}"#], environment: ProcessRunner.environment(["PLANHAT_SANDBOX_PATH": sandbox]))
        let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        return rows.compactMap { $0["name"] as? String }
    }

    @Test("create a company through the form (an empty submit shows the required field first), update it with the diff shown, delete it through the confirmation; the sandbox database follows each step")
    func createUpdateDelete() throws {
        let folder = ProcessRunner.temporaryDirectory("tui-form")
        let sandbox = folder.appendingPathComponent("sandbox.sqlite").path
        let session = try TmuxSession(
            command: "env PLANHAT_SANDBOX_PATH=\(sandbox) XDG_STATE_HOME=\(folder.path)/state \(ProcessRunner.planhatBinary)", width: 100, height: 30)
        try session.openForm("companies", "create")
        try session.waitFor("Create a company · POST /companies")
        try session.keys("C-s")
        let required = try session.waitFor("↳ required: expected a string")
        #expect(required.contains("1 problem · Name: required"))
        try session.keys("-l", "Tmux Made Ltd")
        try session.keys("C-s")
        let preview = try session.waitFor("Preview: POST /companies")
        #expect(preview.contains("\"name\": \"Tmux Made Ltd\""))
        #expect(preview.contains("$PLANHAT_API_TOKEN"))
        try session.keys("Enter")
        let created = try session.waitFor("Created company Tmux Made Ltd")
        #expect(try companyNames(sandbox).contains("Tmux Made Ltd"))

        try session.keys("u")
        try session.waitFor("Update a company: Tmux Made Ltd")
        try session.keys("C-u")
        try session.keys("-l", "Tmux Renamed Ltd")
        try session.keys("C-s")
        let diff = try session.waitFor("Changes (only these are sent; null clears a field):")
        #expect(diff.contains("name: \"Tmux Made Ltd\" → \"Tmux Renamed Ltd\""))
        try session.keys("Enter")
        try session.waitFor("Updated company Tmux Renamed Ltd")
        var names = try companyNames(sandbox)
        #expect(names.contains("Tmux Renamed Ltd") && !names.contains("Tmux Made Ltd"))

        try session.keys("d")
        try session.waitFor("Delete company Tmux Renamed Ltd?")
        try session.keys("-l", "no")
        try session.keys("Enter")
        try session.waitFor("nothing was deleted")
        #expect(try companyNames(sandbox).contains("Tmux Renamed Ltd"))
        try session.keys("C-u")
        try session.keys("-l", "yes")
        try session.keys("Enter")
        try session.waitFor("Deleted company Tmux Renamed Ltd")
        names = try companyNames(sandbox)
        #expect(!names.contains("Tmux Renamed Ltd") && names.count > 10)
        _ = created
        try session.keys("q")
        #expect(session.exitStatus() == "EXIT=0")
    }

    /// The explorer in a pane with only `HOME` set (no XDG variables): every file it writes must land under that home.
    static func homeOnlyCommand(home: String, sandbox: String, editor: String? = nil) -> String {
        let editorPart = editor.map { "EDITOR=\($0) VISUAL= " } ?? ""
        return "env -u XDG_STATE_HOME -u XDG_CONFIG_HOME -u XDG_DATA_HOME HOME=\(home) PLANHAT_SANDBOX_PATH=\(sandbox) \(editorPart)\(ProcessRunner.planhatBinary)"
    }

    /// The pid of the explorer: the child of the shell the pane runs.
    static func explorerPID(_ session: TmuxSession) throws -> String {
        let shell = try session.tmux(["list-panes", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        return (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8))?
            .split(separator: " ").first.map(String.init) ?? ""
    }

    /// The drafts of `key` under a home's state folder, in whatever workspace folder they are.
    static func drafts(under home: String, key: String) -> [String] {
        let root = home + "/.local/state/planhat-explorer/drafts"
        let workspaces = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return workspaces.map { "\(root)/\($0)/\(key).json" }.filter { FileManager.default.fileExists(atPath: $0) }
    }

    @Test("SIGTERM with a changed form keeps it as a draft (0600) under $HOME, offered back on the next start of the same workspace only")
    func draftOnSignal() throws {
        let folder = ProcessRunner.temporaryDirectory("tui-draft")
        let home = folder.appendingPathComponent("home").path
        let sandbox = folder.appendingPathComponent("sandbox.sqlite").path
        let command = Self.homeOnlyCommand(home: home, sandbox: sandbox)
        let session = try TmuxSession(command: command)
        try session.openForm("companies", "create")
        try session.waitFor("Create a company")
        try session.keys("-l", "Half Typed Ltd")
        try session.waitFor("Half Typed Ltd")
        let explorer = try Self.explorerPID(session)
        #expect(!explorer.isEmpty)
        _ = try ProcessRunner.run("/bin/kill", ["-TERM", explorer], environment: ProcessRunner.environment())
        #expect(session.exitStatus(timeout: 30) == "EXIT=143")
        let found = Self.drafts(under: home, key: "companies-create")
        #expect(found.count == 1, "one draft, under the HOME given: \(found)")
        let draft = try #require(found.first)
        let text = try String(contentsOfFile: draft, encoding: .utf8)
        #expect(text.contains("Half Typed Ltd"))
        let mode = try FileManager.default.attributesOfItem(atPath: draft)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // Another workspace (another sandbox file) never sees it.
        let other = try TmuxSession(command: Self.homeOnlyCommand(home: home, sandbox: folder.appendingPathComponent("other.sqlite").path))
        try other.openForm("companies", "create")
        let screen = try other.waitFor("Create a company")
        #expect(!screen.contains("A draft of this form was kept"))
        try other.keys("C-c")
        #expect(other.exitStatus() == "EXIT=0")

        let again = try TmuxSession(command: command)
        try again.openForm("companies", "create")
        try again.waitFor("A draft of this form was kept")
        try again.keys("Enter")
        try again.waitFor("Half Typed Ltd")
        try again.keys("C-c")
        #expect(again.exitStatus() == "EXIT=0")
    }

    @Test("a fatal error (a crash signal) with a changed form still saves its draft and restores the terminal", arguments: ["SEGV", "ILL", "ABRT"])
    func draftOnCrash(signal: String) throws {
        let folder = ProcessRunner.temporaryDirectory("tui-crash")
        let home = folder.appendingPathComponent("home").path
        let session = try TmuxSession(command: Self.homeOnlyCommand(home: home, sandbox: folder.appendingPathComponent("sandbox.sqlite").path))
        try session.openForm("companies", "create")
        try session.waitFor("Create a company")
        try session.keys("-l", "Crash Typed 👩‍💻 Ltd")
        try session.waitFor("Crash Typed")
        usleep(300_000)
        _ = try ProcessRunner.run("/bin/kill", ["-\(signal)", try Self.explorerPID(session)], environment: ProcessRunner.environment())
        #expect(session.exitStatus(timeout: 30) != "EXIT=0")
        let draft = try #require(Self.drafts(under: home, key: "companies-create").first, "no draft after SIG\(signal)")
        #expect(try String(contentsOfFile: draft, encoding: .utf8).contains("Crash Typed 👩‍💻 Ltd"))
        #expect(!(try session.screen()).contains("Planhat Explorer"), "the terminal is restored")
    }

    @Test("Ctrl-O hands the terminal to the editor: it runs in the foreground, reads what is typed, and its terminal queries never leak into the form")
    func externalEditor() throws {
        let folder = ProcessRunner.temporaryDirectory("tui-editor")
        let log = folder.appendingPathComponent("editor.log").path
        let editor = folder.appendingPathComponent("editor.sh").path
        // Reads a line from the terminal (as vi does), writes it to the file, then asks the terminal
        // for the cursor position and exits before the answer comes.
        let script = """
            #!/bin/sh
            echo "pgid=$(ps -o pgid= -p $$ | tr -d ' ') tpgid=$(ps -o tpgid= -p $$ | tr -d ' ')" > \(log)
            printf 'editor> '
            if IFS= read -r line; then printf '%s\\n' "$line" > "$1"; else echo "read failed" >> \(log); exit 1; fi
            printf '\\033[6n'
            exit 0
            """
        try script.write(toFile: editor, atomically: true, encoding: .utf8)
        chmod(editor, 0o755)
        let session = try TmuxSession(command: Self.homeOnlyCommand(home: folder.appendingPathComponent("home").path, sandbox: folder.appendingPathComponent("sandbox.sqlite").path, editor: editor))
        try session.openForm("companies", "create")
        try session.waitFor("Create a company")
        try session.keys("C-o")
        try session.waitFor("editor>")
        try session.keys("-l", "Typed in the editor")
        try session.keys("Enter")
        try session.waitFor("Create a company")
        usleep(400_000)
        let after = try session.screen()
        #expect(after.contains("Typed in the editor"), "the field holds the editor's text:\n\(after)")
        #expect(!after.contains(";1R") && !after.contains("[6n"), "the terminal's reply was dropped:\n\(after)")
        let recorded = try String(contentsOfFile: log, encoding: .utf8)
        let parts = recorded.split(separator: " ").map { $0.split(separator: "=").last.map(String.init) ?? "" }
        #expect(parts.count >= 2 && parts[0] == parts[1].trimmingCharacters(in: .whitespacesAndNewlines), "the editor is the terminal's foreground process group: \(recorded)")
        #expect(!recorded.contains("read failed"))
        try session.keys("C-c")
        #expect(session.exitStatus() == "EXIT=0")
    }
}
