import Foundation

/// A `planhat mcp --http` process on a free loopback port, for end-to-end tests. Its stderr (the
/// start-up line, warnings and the per-request log) goes to a file, read with ``log()``.
public final class ServedMCPHTTP: @unchecked Sendable {
    public let process: Process
    public let port: Int
    public let logPath: String

    /// The MCP endpoint.
    public var url: String { "http://127.0.0.1:\(port)/mcp" }

    /// Starts `planhat mcp --http --port 0 <arguments>` and waits until it listens.
    public init(_ arguments: [String], environment: [String: String] = ProcessRunner.environment(), executable: String = ProcessRunner.planhatBinary) throws {
        logPath = ProcessRunner.temporaryDirectory("mcp-http").appendingPathComponent("stderr.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["mcp", "--http", "--port", "0"] + arguments
        process.environment = environment
        process.standardError = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        var found: Int?
        while found == nil && Date() < deadline && process.isRunning {
            let seen = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let range = seen.range(of: "serving MCP at http://127.0.0.1:") ?? seen.range(of: "serving MCP at http://0.0.0.0:") {
                found = Int(seen[range.upperBound...].prefix { $0.isNumber })
            } else {
                usleep(20_000)
            }
        }
        guard let found else {
            process.terminate()
            throw ServeError(message: "planhat mcp --http did not start: " + ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""))
        }
        port = found
    }

    deinit {
        stop()
    }

    /// Everything written to stderr so far.
    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
