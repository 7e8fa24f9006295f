import Foundation
import MCP

#if canImport(Glibc)
    import Glibc
#endif

/// Writes whole lines to a file descriptor, one writer at a time (the reader thread answers
/// malformed lines while the server's tasks answer requests).
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
            try message.withUnsafeBytes { buffer in
                guard var pointer = buffer.baseAddress else { return }
                var remaining = buffer.count
                while remaining > 0 {
                    let written = Glibc.write(descriptor, pointer, remaining)
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
