import Foundation

/// What the screen showed when a wait ended.
public struct TmuxScreen: Sendable {
    /// The screen's text, as `capture-pane -p` prints it.
    public var text: String
    /// Whether it showed what was awaited (false: the wait timed out and this is the last screen seen).
    public var found: Bool
}

/// A program in a real terminal: tmux runs it on a private socket, `send-keys` types, `capture-pane`
/// reads. For the end-to-end tests and the bench: it knows no test framework, so a wait that times out
/// returns the last screen for the caller to report.
public final class TmuxSession: @unchecked Sendable {
    /// The session's name, for `-t`.
    public static let sessionName = "e2e"
    /// The private server's socket name (`tmux -L`).
    public let socket: String
    /// Where the pane writes `EXIT=<status>` once the command ends; nil when the pane runs the program itself.
    public let exitFile: String?
    private let environment: [String: String]
    /// The tmux server's process, read when the session started (nil if it could not be read).
    private var serverPID: Int32?

    /// Whether tmux is installed.
    public static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")
    }

    /// Starts `command` in a detached session of `width` × `height` cells.
    ///
    /// - Parameter keepsExitStatus: true: the pane's shell runs the command, then writes its exit
    ///   status to ``exitFile`` and keeps the screen for 30 s; false: the pane execs the command, so that
    ///   ``panePIDs()`` are the program's own.
    public init(command: String, width: Int = 100, height: Int = 30, socketPrefix: String = "planhat-test", keepsExitStatus: Bool = true) throws {
        socket = "\(socketPrefix)-\(UUID().uuidString.prefix(8))"
        var environment = ProcessRunner.environment()
        environment.removeValue(forKey: "TMUX")
        self.environment = environment
        let script: String
        if keepsExitStatus {
            let file = ProcessRunner.temporaryDirectory("tmux").appendingPathComponent("exit").path
            exitFile = file
            script = "\(command); echo EXIT=$? > \(file); sleep 30"
        } else {
            exitFile = nil
            script = "exec \(command)"
        }
        try tmux(["new-session", "-d", "-s", Self.sessionName, "-x", String(width), "-y", String(height), script], captureOutput: false)
        serverPID = (try? tmux(["display-message", "-p", "#{pid}"])).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    deinit {
        end()
    }

    /// Ends the tmux server, and with it whatever the panes still run.
    public func end() {
        _ = try? tmux(["kill-server"], captureOutput: false)
        // A kill-server that did not get through (a busy machine, a timed-out tmux command) must not
        // leave the server and its program running: end the server process itself.
        if let serverPID, kill(serverPID, 0) == 0 {
            kill(serverPID, SIGTERM)
            usleep(100_000)
            if kill(serverPID, 0) == 0 { kill(serverPID, SIGKILL) }
        }
    }

    /// Runs a tmux command against this session's server; its stdout.
    @discardableResult
    public func tmux(_ arguments: [String], captureOutput: Bool = true) throws -> String {
        // The tmux server outlives the command and would inherit every descriptor above stderr,
        // among them the one Foundation watches to learn that the command ended: close them first.
        let closeInherited = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi; done 2>/dev/null; exec /usr/bin/tmux "$@""#
        let result = try ProcessRunner.run(
            "/bin/bash", ["-c", closeInherited, "tmux", "-L", socket] + arguments, environment: environment, timeout: 20,
            captureOutput: captureOutput)
        return result.stdout
    }

    /// Types keys (`send-keys`): names such as `Enter` and `C-s`, or `-l` and literal text.
    public func keys(_ keys: String...) throws {
        try tmux(["send-keys", "-t", Self.sessionName] + keys)
    }

    /// The screen now.
    public func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", Self.sessionName])
    }

    /// Reads the screen every `interval` until `ready` says it is the one awaited, or `timeout` passes.
    public func screen(timeout: TimeInterval = 60, every interval: TimeInterval = 0.1, until ready: (String) -> Bool) throws -> TmuxScreen {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if ready(last) { return TmuxScreen(text: last, found: true) }
            if interval > 0 { usleep(useconds_t(interval * 1_000_000)) }
        }
        return TmuxScreen(text: last, found: false)
    }

    /// Reads the screen until it contains `text`, or `timeout` passes.
    public func screen(containing text: String, timeout: TimeInterval = 60, every interval: TimeInterval = 0.1) throws -> TmuxScreen {
        try screen(timeout: timeout, every: interval) { $0.contains(text) }
    }

    /// `EXIT=<status>` once the command has ended (nil until then, up to `timeout`, or without ``exitFile``).
    public func exitStatus(timeout: TimeInterval = 20) -> String? {
        guard let exitFile else { return nil }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: exitFile, encoding: .utf8) { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
            usleep(100_000)
        }
        return nil
    }

    /// The pids of the processes the panes run: the shell, or with `keepsExitStatus: false` the program.
    public func panePIDs() throws -> [Int32] {
        try tmux(["list-panes", "-a", "-F", "#{pane_pid}"]).split(separator: "\n").compactMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
    }
}
