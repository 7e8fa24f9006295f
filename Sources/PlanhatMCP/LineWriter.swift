import Foundation
import MCP

#if canImport(Glibc)
    import Glibc

    /// write(2), from the C library this platform has.
    private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { Glibc.write(descriptor, bytes, count) }
#elseif canImport(Darwin)
    import Darwin

    private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { Darwin.write(descriptor, bytes, count) }
#endif

/// Writes whole lines to a file descriptor, one writer at a time (the reader thread answers
/// malformed lines while the server's tasks answer requests).
///
/// A reader that has gone away (the client closed its end of stdout) makes the write fail with
/// `EPIPE`, thrown like any other error, instead of raising `SIGPIPE`, which would end the process
/// without a word: the signal is blocked on the writing thread for the write and, when the write
/// raised it, taken back before it is unblocked. The process's own handling of `SIGPIPE` is left alone.
final class LineWriter: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func write(_ data: Data) throws {
        var message = data
        message.append(0x0A)
        try lock.withLock {
            try Self.withoutSIGPIPE {
                try message.withUnsafeBytes { buffer in
                    guard var pointer = buffer.baseAddress else { return }
                    var remaining = buffer.count
                    while remaining > 0 {
                        let written = systemWrite(descriptor, pointer, remaining)
                        if written < 0 {
                            if errno == EINTR { continue }
                            throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
                        }
                        pointer += written
                        remaining -= written
                    }
                }
            }
        }
    }

    /// Runs `body` with `SIGPIPE` blocked on this thread; a `SIGPIPE` it raised is consumed (one that
    /// was pending before is left pending).
    private static func withoutSIGPIPE(_ body: () throws -> Void) throws {
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var pendingBefore = sigset_t()
        sigpending(&pendingBefore)
        let wasPending = sigismember(&pendingBefore, SIGPIPE) == 1
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previousMask)
        var failed = true
        defer {
            if failed && !wasPending {
                var pendingAfter = sigset_t()
                sigpending(&pendingAfter)
                if sigismember(&pendingAfter, SIGPIPE) == 1 {
                    var noWait = timespec(tv_sec: 0, tv_nsec: 0)
                    _ = sigtimedwait(&pipeSignal, nil, &noWait)
                }
            }
            pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        }
        try body()
        failed = false
    }
}
