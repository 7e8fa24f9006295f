import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `planhat sandbox serve` process on a free loopback port, for end-to-end tests.
public final class ServedSandbox: @unchecked Sendable {
    public let process: Process
    public let port: Int
    public let sandboxPath: String
    public let token: String?
    private let errors: Pipe

    /// The base URL to point clients at.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the server (seeding `companies` demo companies first when given) and waits until it listens.
    ///
    /// - Parameters:
    ///   - sandboxPath: the sandbox file to serve; nil: a fresh one in a folder of its own.
    ///   - executable: the `planhat` binary to run.
    public init(
        companies: Int? = nil, token: String? = nil, extraArguments: [String] = [], sandboxPath: String? = nil,
        executable: String = ProcessRunner.planhatBinary
    ) throws {
        self.sandboxPath = sandboxPath ?? ProcessRunner.temporaryDirectory("served").appendingPathComponent("sandbox.sqlite").path
        self.token = token
        let environment = ProcessRunner.environment()
        if let companies {
            let reset = try ProcessRunner.run(
                executable, ["sandbox", "reset", "--companies", String(companies), "--sandbox-path", self.sandboxPath], environment: environment, timeout: 300)
            guard reset.status == 0 else { throw ServeError(message: "sandbox reset failed: \(reset.stderr)") }
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        var arguments = ["sandbox", "serve", "--port", "0", "--sandbox-path", self.sandboxPath] + extraArguments
        if let token { arguments += ["--token", token] }
        process.arguments = arguments
        process.environment = environment
        errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        var found: Int?
        while found == nil && Date() < deadline && process.isRunning {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { usleep(10_000); continue }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: "http://127.0.0.1:") {
                let digits = seen[range.upperBound...].prefix { $0.isNumber }
                found = Int(digits)
            }
        }
        guard let found else {
            process.terminate()
            throw ServeError(message: "sandbox serve did not start: \(seen)")
        }
        port = found
    }

    deinit {
        stop()
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Calls a control or API route with curl-like simplicity.
    public func request(_ method: String, _ path: String, body: String? = nil, token: String? = "test") throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body { request.httpBody = Data(body.utf8) }
        let semaphore = DispatchSemaphore(value: 0)
        let box = ResultBox()
        URLSession.shared.dataTask(with: request) { data, response, _ in
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.body = String(decoding: data ?? Data(), as: UTF8.self)
            semaphore.signal()
        }.resume()
        semaphore.wait()
        return (box.status, box.body)
    }

    /// How many requests the server answered for `"METHOD /path"`.
    public func count(_ key: String) throws -> Int {
        let (_, body) = try request("GET", "/__control/requests")
        let counts = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Int]
        return counts?[key] ?? 0
    }

    /// Adds fault rules (JSON).
    public func inject(_ rules: String) throws {
        let (status, body) = try request("POST", "/__control/faults", body: rules)
        guard status == 200 else { throw ServeError(message: "fault injection refused: \(body)") }
    }
}

final class ResultBox: @unchecked Sendable {
    var status = 0
    var body = ""
}

public struct ServeError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
