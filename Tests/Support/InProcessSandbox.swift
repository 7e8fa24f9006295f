import Foundation
import HTTPFrontDoor
import PlanhatKit
import PlanhatRemote
import PlanhatSandbox

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Runs in-process servers on threads of their own: tests elsewhere in this process block Swift's
/// cooperative threads (running the built binary and waiting for it), which would starve them.
public final class DedicatedExecutor: TaskExecutor, @unchecked Sendable {
    public static let shared = DedicatedExecutor()
    private let queue = DispatchQueue(label: "local-sandbox-server", attributes: .concurrent)

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// A ``SandboxServer`` in this process over its own in-memory sandbox, with the fault injector at
/// hand: what ``ServedSandbox`` is without the process.
///
/// Clients reach it through ``transport(timeout:)``, which hands each request to the server's
/// handler: no socket, and no FlyingFox task that tests blocking Swift's cooperative threads could
/// starve past a client's timeout. ``ListeningSandbox`` serves one on a port.
public final class InProcessSandbox: Sendable {
    /// The server, for its handler.
    public let server: SandboxServer
    /// The service behind the server, for looking at the sandbox directly.
    public let service: PlanhatService
    /// The server's faults and request counts.
    public let faults: FaultInjector

    /// A base URL for clients of ``transport(timeout:)`` (never resolved: requests go to the handler).
    public let baseURL = "http://sandbox.in-process"

    /// Seeds `companies` demo companies; the server takes `token`, `controlToken`, `host`, `limits`
    /// and `tenantUUID` as ``SandboxServer`` does.
    public init(companies: Int = 30, token: String? = nil, controlToken: String? = nil, host: String = "127.0.0.1",
                limits: ServeLimits = .standard, tenantUUID: String? = nil) throws {
        let store = try SandboxStore(path: nil)
        try DemoData(companies: companies).seed(into: store)
        service = PlanhatService(backend: SandboxBackend(store: store), unknownFields: .allow)
        faults = FaultInjector()
        server = SandboxServer(service: service, token: token, host: host, port: 0, faults: faults, controlToken: controlToken, limits: limits,
                               tenantUUID: tenantUUID)
    }

    /// How many requests the server answered for `"METHOD /path"`.
    public func count(_ key: String) async -> Int {
        await faults.counts()[key] ?? 0
    }

    /// Adds fault rules (JSON, as `POST /__control/faults` takes them).
    public func inject(_ rules: String) async throws {
        await faults.add(try FaultRule.decodeList(Data(rules.utf8)))
    }

    /// A transport that hands each request to the server's handler, failing like URLSession would:
    /// `.timedOut` past `timeout`, `.networkConnectionLost` where a fault drops the connection.
    public func transport(timeout: TimeInterval = 10) -> DirectTransport {
        DirectTransport(server: server, timeout: timeout)
    }
}

/// An ``InProcessSandbox`` served on a free loopback port (front door and FlyingFox included), run on
/// its own threads.
public final class ListeningSandbox: Sendable {
    public let port: Int
    public let sandbox: InProcessSandbox
    private let task: Task<Void, any Error>

    /// The service behind the server.
    public var service: PlanhatService { sandbox.service }

    /// Seeds the sandbox and starts the server; returns once it listens.
    ///
    /// - Throws: what the server throws before it listens (a host off loopback without a token).
    public init(companies: Int = 30, token: String? = nil, controlToken: String? = nil, host: String = "127.0.0.1",
                limits: ServeLimits = .standard) async throws {
        let sandbox = try InProcessSandbox(companies: companies, token: token, controlToken: controlToken, host: host, limits: limits)
        let server = sandbox.server
        let (ports, continuation) = AsyncStream.makeStream(of: UInt16.self)
        let task = Task(executorPreference: DedicatedExecutor.shared) {
            defer { continuation.finish() }
            try await server.run { continuation.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw ServeError(message: "the server stopped before it listened")
        }
        self.port = Int(port)
        self.sandbox = sandbox
        self.task = task
    }

    deinit {
        task.cancel()
    }

    /// Stops the server and waits until it has.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// Hands requests to a ``SandboxServer``'s handler in this process (see ``InProcessSandbox/transport(timeout:)``).
public struct DirectTransport: HTTPTransport {
    let server: SandboxServer
    let timeout: TimeInterval

    public func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        guard let url = request.url, let components = URLComponents(url: url, resolvingAgainstBaseURL: false) else {
            throw URLError(.badURL)
        }
        let target = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let method = request.httpMethod ?? "GET"
        let headers = request.allHTTPHeaderFields ?? [:]
        let body = request.httpBody ?? Data()
        let server = self.server
        let timeout = self.timeout
        let answer = try await withThrowingTaskGroup(of: DirectAnswer?.self) { group in
            // The handler's work (parsing thousands of items) and the clock run off Swift's cooperative
            // threads, as they would in a server process and URLSession: tests blocking those threads
            // delay the answer's delivery, never which comes first.
            group.addTask(executorPreference: DedicatedExecutor.shared) {
                await server.answer(method: method, target: target, headers: headers, body: body)
            }
            group.addTask(executorPreference: DedicatedExecutor.shared) {
                try await Task.sleep(for: .seconds(timeout))
                throw URLError(.timedOut)
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let answer, let response = HTTPURLResponse(url: url, statusCode: answer.status, httpVersion: "HTTP/1.1", headerFields: answer.headers) else {
            throw URLError(.networkConnectionLost)
        }
        return (answer.body, response)
    }
}

/// One request a client sent and the status it got: what ``RecordingTransport`` keeps.
public struct RecordedExchange: Sendable {
    public var method: String
    /// The whole URL, host included (the in-process server itself ignores the host).
    public var url: URL
    public var headers: [String: String]
    public var body: JSONValue?
    public var status: Int

    /// `https://analytics.planhat.com`, `http://sandbox.in-process`.
    public var origin: String { "\(url.scheme ?? "")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")" }
    /// The path, percent-encoded as sent.
    public var path: String { URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? url.path }
    /// The query items, in order.
    public var query: [URLQueryItem] { URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? [] }
}

/// A transport that records every request exactly as the client built it (method, host, path,
/// query, headers, body) and the status it got, then hands it on.
public final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    private let next: any HTTPTransport
    private let lock = NSLock()
    private var recorded: [RecordedExchange] = []

    public init(_ next: any HTTPTransport) {
        self.next = next
    }

    /// What was sent so far, in order.
    public var exchanges: [RecordedExchange] { lock.withLock { recorded } }

    public func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        let (data, response) = try await next.send(request)
        let body = request.httpBody.flatMap { try? JSONValue.parse($0) }
        let exchange = RecordedExchange(
            method: request.httpMethod ?? "GET", url: request.url ?? URL(fileURLWithPath: "/"),
            headers: request.allHTTPHeaderFields ?? [:], body: body, status: response.statusCode)
        lock.withLock { recorded.append(exchange) }
        return (data, response)
    }
}

/// The ``PlanhatError`` a call fails with; nil when it succeeds (or fails otherwise).
public func failure(_ body: () async throws -> JSONValue) async -> PlanhatError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? PlanhatError
    }
}
