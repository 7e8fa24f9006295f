import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads stdin on its own thread and hands the router one message per line.
final class LineReader: @unchecked Sendable {
    private let descriptor: Int32
    private let router: MessageRouter

    init(descriptor: Int32, router: MessageRouter) {
        self.descriptor = descriptor
        self.router = router
    }

    func run() {
        var pending = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                break
            }
            if count == 0 { break }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: 0x0A) {
                var line = pending[pending.startIndex..<newline]
                if line.last == 0x0D { line = line.dropLast() }
                pending.removeSubrange(pending.startIndex...newline)
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { router.receive(Data(line)) }
            }
        }
        if !pending.isEmpty, !pending.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
            router.receive(pending)
        }
        router.finish()
    }
}
