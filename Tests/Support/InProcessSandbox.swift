import Foundation
import PlanhatKit
import PlanhatSandbox

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

/// A ``SandboxServer`` in this process on a free loopback port, over its own in-memory sandbox:
/// what ``ServedSandbox`` is without the process, with the fault injector at hand.
public final class InProcessSandbox: Sendable {
    public let port: Int
    /// The service behind the server, for looking at the sandbox directly.
    public let service: PlanhatService
    /// The server's faults and request counts.
    public let faults: FaultInjector
    private let task: Task<Void, any Error>

    /// The base URL to point clients at.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Seeds `companies` demo companies and starts the server; returns once it listens.
    ///
    /// - Throws: what the server throws before it listens (a host off loopback without a token).
    public init(companies: Int = 30, token: String? = nil, controlToken: String? = nil, host: String = "127.0.0.1",
                limits: ServeLimits = .standard) async throws {
        let store = try SandboxStore(path: nil)
        try DemoData(companies: companies).seed(into: store)
        let service = PlanhatService(backend: SandboxBackend(store: store))
        let faults = FaultInjector()
        let server = SandboxServer(service: service, token: token, host: host, port: 0, faults: faults, controlToken: controlToken, limits: limits)
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
        self.service = service
        self.faults = faults
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

    /// How many requests the server answered for `"METHOD /path"`.
    public func count(_ key: String) async -> Int {
        await faults.counts()[key] ?? 0
    }

    /// Adds fault rules (JSON, as `POST /__control/faults` takes them).
    public func inject(_ rules: String) async throws {
        await faults.add(try FaultRule.decodeList(Data(rules.utf8)))
    }
}
