import Foundation
import PlanhatTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `make bench`'s HTTP figures: `wrk` POSTing one `tools/call` (three companies by ARR) to
/// `planhat mcp --http --stateless --auth none` over `sandbox serve` as its remote backend, the same
/// call to a Python `mcp` 2.3.0 Streamable HTTP server (stateless, JSON answers) over the same
/// `sandbox serve`, and the ceiling: `wrk` straight at `sandbox serve` with the request both send.
/// 1, 10 and 100 connections each; every figure is printed with its target.
struct HTTPFigures {
    let binary: String
    let python: String
    let baselineScript: String
    let sandbox: String
    let folder: URL
    /// Seconds of each measured run (`BENCH_HTTP_SECONDS`, default 10).
    var seconds = Int(ProcessInfo.processInfo.environment["BENCH_HTTP_SECONDS"] ?? "") ?? 10
    static let levels = [1, 10, 100]

    /// One `wrk` run.
    struct Load {
        var server: String
        var clients: Int
        var callsPerSecond: Double
        var p50: Double  // ms
        var p99: Double  // ms
        var requests: Int
        var errors: Int
    }

    /// What the targets are judged on.
    struct Report {
        var loads: [Load]
        var lines: [String]
    }

    static let ours = "planhat mcp --http --stateless"
    static let pythonServer = "Python mcp 2.3.0, stateless JSON"
    static let ceiling = "sandbox serve (the ceiling)"

    /// The tool call both MCP servers answer, and the request to `sandbox serve` it becomes.
    static let call = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"perform_model_action","arguments":{"MODEL_ROUTE":"companies","OPERATION":"list","PARAMETERS":"{\"limit\":3,\"sort\":\"-arr\",\"select\":\"name,arr\"}"}}}"#
    static let backendPath = "/companies?limit=3&sort=-arr&select=name,arr"

    /// Where `wrk` is: the Makefile's bench target installs Debian's when it is missing.
    static var wrk: String? {
        ["/usr/bin/wrk", "/usr/local/bin/wrk"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func measure() throws -> Report {
        guard let wrk = Self.wrk else {
            return Report(loads: [], lines: ["HTTP figures skipped: wrk is not installed (make bench installs it: apt-get install wrk)"])
        }
        let backend = try ServedSandbox(token: "bench", sandboxPath: sandbox, executable: binary)
        defer { backend.stop() }
        let mcpScript = try script("mcp.lua", method: "POST", body: Self.call, headers: [
            "Content-Type": "application/json", "Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-06-18",
        ])
        let backendScript = try script("backend.lua", method: "GET", body: nil, headers: ["Authorization": "Bearer bench"])
        var loads: [Load] = []

        // Ours: the remote backend's limiter lifted (sandbox serve is not Planhat), its log in a file.
        var environment = ProcessRunner.environment()
        environment["PLANHAT_API_TOKEN"] = "bench"
        let server = try ServedMCPHTTP(
            [
                "--stateless", "--auth", "none", "--api-url", backend.baseURL, "--requests-per-minute", "1000000000", "--requests-per-second", "1000000",
                "--log-file", folder.appendingPathComponent("mcp-http.log").path,
            ], environment: environment, executable: binary)
        try check(server.url, expecting: #""records""#, label: Self.ours)
        loads += try run(wrk, script: mcpScript, url: server.url, server: Self.ours)
        let ourMemory = peakMemory(pid: server.process.processIdentifier)
        server.stop()

        // Python's, when the reference package is installed.
        var pythonMemory = ""
        if FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: baselineScript) {
            let port = try Self.freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [baselineScript, binary, backend.baseURL, "--http", String(port)]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer {
                process.terminate()
                process.waitUntilExit()
            }
            let url = "http://127.0.0.1:\(port)/mcp"
            try Self.waitForListener(port: port, seconds: 60)
            try check(url, expecting: "Nordwind", label: Self.pythonServer, anyAnswer: true)
            loads += try run(wrk, script: mcpScript, url: url, server: Self.pythonServer)
            pythonMemory = peakMemory(pid: process.processIdentifier)
        }

        loads += try run(wrk, script: backendScript, url: backend.baseURL + Self.backendPath, server: Self.ceiling)
        return Report(loads: loads, lines: table(loads, memory: [Self.ours: ourMemory, Self.pythonServer: pythonMemory]))
    }

    /// A wrk script sending one request and printing its figures as one `BENCH` line.
    func script(_ name: String, method: String, body: String?, headers: [String: String]) throws -> String {
        var lines = ["wrk.method = \"\(method)\""]
        if let body { lines.append("wrk.body = [==[\(body)]==]") }
        for (field, value) in headers.sorted(by: { $0.key < $1.key }) { lines.append("wrk.headers[\"\(field)\"] = \"\(value)\"") }
        lines.append(
            """
            function done(summary, latency, requests)
              local e = summary.errors
              io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
                e.connect + e.read + e.write + e.status + e.timeout))
            end
            """)
        let path = folder.appendingPathComponent(name).path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// One answer checked before it is measured: a server answering errors fast is no figure.
    func check(_ url: String, expecting text: String, label: String, anyAnswer: Bool = false) throws {
        let answer = try ProcessRunner.run(
            "/usr/bin/curl",
            ["-s", "-X", "POST", "-H", "Content-Type: application/json", "-H", "Accept: application/json, text/event-stream", "-H", "MCP-Protocol-Version: 2025-06-18",
             "--data-binary", Self.call, url],
            environment: ProcessInfo.processInfo.environment, timeout: 60)
        let compact = answer.stdout.replacingOccurrences(of: " ", with: "")
        guard answer.status == 0, compact.contains(#""result""#), !compact.contains(#""isError":true"#), anyAnswer || answer.stdout.contains(text)
        else {
            throw BenchFailure(message: "\(label) did not answer the bench's call: \(answer.stdout.prefix(400)) \(answer.stderr.prefix(400))")
        }
    }

    /// A 2-second warm-up at 10 connections, then a run at each level.
    func run(_ wrk: String, script: String, url: String, server: String) throws -> [Load] {
        _ = try wrkRun(wrk, script: script, url: url, clients: 10, seconds: 2, server: server)
        return try Self.levels.map { try wrkRun(wrk, script: script, url: url, clients: $0, seconds: seconds, server: server) }
    }

    func wrkRun(_ wrk: String, script: String, url: String, clients: Int, seconds: Int, server: String) throws -> Load {
        let arguments = ["-t", String(min(clients, 2)), "-c", String(clients), "-d", "\(seconds)s", "--timeout", "10s", "-s", script, url]
        let result = try ProcessRunner.run(wrk, arguments, environment: ProcessInfo.processInfo.environment, timeout: TimeInterval(seconds + 60))
        guard let line = result.stdout.split(separator: "\n").first(where: { $0.hasPrefix("BENCH ") }) else {
            throw BenchFailure(message: "wrk printed no figures for \(server): \(result.stdout) \(result.stderr)")
        }
        let numbers = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard numbers.count == 5 else { throw BenchFailure(message: "wrk's figures unreadable: \(line)") }
        let load = Load(
            server: server, clients: clients, callsPerSecond: numbers[0] / (numbers[1] / 1e6), p50: numbers[2] / 1_000, p99: numbers[3] / 1_000,
            requests: Int(numbers[0]), errors: Int(numbers[4]))
        FileHandle.standardError.write(Data(String(format: "  HTTP %@, %d clients: %.0f calls/s, p50 %.2f ms, p99 %.2f ms\n", server, clients, load.callsPerSecond, load.p50, load.p99).utf8))
        return load
    }

    /// The figures, then the targets with their verdicts.
    func table(_ loads: [Load], memory: [String: String]) -> [String] {
        func cell(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        var lines = ["HTTP: wrk, \(seconds) s a run, one tools/call (3 companies by ARR) a request; wrk, the servers and sandbox serve share the cores"]
        lines.append([cell("SERVER", 34), cell("CLIENTS", 8), cell("CALLS/s", 9), cell("P50 ms", 8), cell("P99 ms", 8), cell("ERRORS", 7), "PEAK MEM"].joined(separator: " "))
        for load in loads {
            lines.append([
                cell(load.server, 34), cell(String(load.clients), 8), cell(String(format: "%.0f", load.callsPerSecond), 9), cell(String(format: "%.2f", load.p50), 8),
                cell(String(format: "%.2f", load.p99), 8), cell(String(load.errors), 7), load.clients == 100 ? memory[load.server] ?? "" : "",
            ].joined(separator: " "))
        }
        func find(_ server: String, _ clients: Int) -> Load? { loads.first { $0.server == server && $0.clients == clients } }
        lines.append("")
        lines.append([cell("TARGET", 44), cell("MEASURED", 26), "MET"].joined(separator: " "))
        for clients in Self.levels {
            guard let ours = find(Self.ours, clients) else { continue }
            if let python = find(Self.pythonServer, clients) {
                let ratio = ours.callsPerSecond / python.callsPerSecond
                lines.append([cell("calls/s ≥ 3× Python's, \(clients) clients", 44), cell(String(format: "%.1f× (%.0f vs %.0f)", ratio, ours.callsPerSecond, python.callsPerSecond), 26), ratio >= 3 ? "met" : "not met"].joined(separator: " "))
            }
            if let top = find(Self.ceiling, clients) {
                let share = ours.callsPerSecond / top.callsPerSecond
                lines.append([cell("calls/s ≥ 40 % of the ceiling, \(clients) clients", 44), cell(String(format: "%.0f %% (%.0f of %.0f)", share * 100, ours.callsPerSecond, top.callsPerSecond), 26), share >= 0.4 ? "met" : "not met"].joined(separator: " "))
            }
        }
        if let ours = find(Self.ours, 100) {
            lines.append([cell("p99 ≤ 10 ms at 100 clients", 44), cell(String(format: "%.2f ms", ours.p99), 26), ours.p99 <= 10 ? "met" : "not met"].joined(separator: " "))
        }
        return lines
    }

    /// A port nothing listens on now.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw BenchFailure(message: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until something accepts connections on `port`.
    static func waitForListener(port: Int, seconds: Double) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(descriptor)
            if connected { return }
            usleep(50_000)
        }
        throw BenchFailure(message: "nothing listened on port \(port) within \(seconds) s")
    }
}

/// Why an HTTP figure could not be measured.
struct BenchFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
