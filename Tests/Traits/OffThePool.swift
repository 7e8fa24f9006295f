import Foundation
import Testing

/// Runs a test's body off Swift's cooperative thread pool, on threads of its own.
///
/// Tests that wait synchronously (a process to end, a tmux screen to show a text) hold a thread while
/// they wait. On the cooperative pool (one thread per core: two here) that starves every test that
/// serves something in process (an MCP server, the sandbox's HTTP server, the explorer's app loop)
/// until their clients time out. Suites that wait that way carry this trait: their bodies run on a
/// few threads of their own, which do not count against the pool.
public struct OffThePool: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await withTaskExecutorPreference(BlockingExecutor.shared) {
            try await function()
        }
    }
}

extension Trait where Self == OffThePool {
    /// The suite's tests wait synchronously: run them off the cooperative pool (see ``OffThePool``).
    public static var offThePool: Self { OffThePool() }
}

/// A task executor over a few threads of its own, at most one per core (at least two).
///
/// Bounded on purpose: an unbounded queue would start every waiting suite at once, and dozens of
/// child processes would then starve the in-process servers as surely as a blocked pool does.
final class BlockingExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = BlockingExecutor(threads: max(2, ProcessInfo.processInfo.activeProcessorCount))

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "off-the-pool-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
