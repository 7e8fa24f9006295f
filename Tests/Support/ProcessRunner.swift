import Foundation

/// What a finished process left behind.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs the built `planhat` binary (and other programs) for end-to-end tests.
public enum ProcessRunner {
    /// The package's root folder.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The `planhat` binary `swift build` produced: `$PLANHAT_BIN`, else `.build/debug/planhat`.
    public static var planhatBinary: String {
        if let path = ProcessInfo.processInfo.environment["PLANHAT_BIN"], !path.isEmpty { return path }
        return packageRoot.appendingPathComponent(".build/debug/planhat").path
    }

    /// A fresh folder for one test's files.
    public static func temporaryDirectory(_ name: String = "planhat-test") -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The environment tests run the binary in: no token, a private sandbox unless given.
    public static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in ["PLANHAT_API_TOKEN", "PLANHAT_SANDBOX_PATH", "PLANHAT_API_URL", "PLANHAT_PROFILE"] {
            environment.removeValue(forKey: key)
        }
        environment["XDG_CONFIG_HOME"] = temporaryDirectory("config").path
        environment["XDG_DATA_HOME"] = temporaryDirectory("data").path
        environment["XDG_STATE_HOME"] = temporaryDirectory("state").path
        environment["XDG_CACHE_HOME"] = temporaryDirectory("cache").path
        return environment.merging(extra) { _, new in new }
    }

    /// Runs `planhat` with `arguments` and waits for it.
    public static func planhat(_ arguments: [String], environment: [String: String]? = nil, stdin: String? = nil, timeout: TimeInterval = 60) throws -> ProcessResult {
        try run(planhatBinary, arguments, environment: environment ?? self.environment(), stdin: stdin, timeout: timeout)
    }

    /// Runs a program and waits for it, collecting stdout and stderr.
    ///
    /// - Parameter captureOutput: false for programs that leave a daemon behind (`tmux new-session`),
    ///   which would hold the pipes open: their output is discarded and only the exit is awaited.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String], stdin: String? = nil, timeout: TimeInterval = 60, captureOutput: Bool = true) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe(), errors = Pipe(), input = Pipe()
        process.standardOutput = captureOutput ? output : FileHandle.nullDevice
        process.standardError = captureOutput ? errors : FileHandle.nullDevice
        process.standardInput = input
        try process.run()
        let collector = captureOutput ? OutputCollector(output: output, errors: errors) : nil
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        let (stdout, stderr) = collector?.finish() ?? ("", "")
        return ProcessResult(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

/// Drains both pipes on background threads so a chatty process never blocks on a full pipe.
final class OutputCollector: @unchecked Sendable {
    private let group = DispatchGroup()
    private var stdoutData = Data()
    private var stderrData = Data()

    init(output: Pipe, errors: Pipe) {
        group.enter()
        DispatchQueue.global().async {
            self.stdoutData = output.fileHandleForReading.readDataToEndOfFile()
            self.group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            self.stderrData = errors.fileHandleForReading.readDataToEndOfFile()
            self.group.leave()
        }
    }

    func finish() -> (String, String) {
        group.wait()
        return (String(decoding: stdoutData, as: UTF8.self), String(decoding: stderrData, as: UTF8.self))
    }
}

extension ProcessRunner {
    /// Whether `python3` with the `jsonschema` package is available for cross-checks.
    public static let pythonHasJSONSchema: Bool = {
        let result = try? run("/usr/bin/env", ["python3", "-c", "import jsonschema"], environment: ProcessInfo.processInfo.environment, timeout: 20)
        return result?.status == 0
    }()
}

extension ProcessRunner {
    /// Replays every saved input of a fuzz corpus (`fuzz/<folder>`) through a replay tool built
    /// beside the `planhat` binary: the inputs replayed and the tool's result.
    public static func replayCorpus(_ folder: String, tool: String) throws -> (inputs: Int, result: ProcessResult) {
        let directory = packageRoot.appendingPathComponent("fuzz/\(folder)")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map { directory.appendingPathComponent($0).path }
        let replay = URL(fileURLWithPath: planhatBinary).deletingLastPathComponent().appendingPathComponent(tool).path
        return (inputs.count, try run(replay, inputs, environment: environment(), timeout: 120))
    }

    /// A file in a fresh temporary folder holding `text`.
    public static func temporaryFile(_ text: String, named name: String) throws -> String {
        let url = temporaryDirectory("file").appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A sandbox file seeded with `companies` companies (and their contacts, licenses…), for a suite to share.
    public static func seededSandbox(_ name: String, companies: Int) -> String {
        let path = temporaryDirectory(name).appendingPathComponent("sandbox.sqlite").path
        _ = try? planhat(["sandbox", "reset", "--companies", String(companies), "--sandbox-path", path])
        return path
    }
}
