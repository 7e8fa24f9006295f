import CSupport
import Foundation

/// Files that must reach the disk even when the process dies of a fatal signal (a crash): the
/// program registers them ahead of time, and the terminal driver's crash handler writes them with
/// async-signal-safe calls before it restores the terminal.
public enum EmergencyFiles {
    /// One file to write: its final path and its bytes (written beside it first, then renamed).
    public struct File: Hashable, Sendable {
        public var path: String
        public var contents: Data

        public init(path: String, contents: Data) {
            self.path = path
            self.contents = contents
        }
    }

    /// Replaces the registered files (an empty list forgets them). Call from one thread.
    public static func register(_ files: [File]) {
        let paths = files.map { strdup($0.path) }
        let staging = files.map { file -> UnsafeMutablePointer<CChar>? in
            let url = URL(fileURLWithPath: file.path)
            return strdup(url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).crash").path)
        }
        defer { (paths + staging).forEach { free($0) } }
        let buffers = files.map { [UInt8]($0.contents) }
        var lengths = buffers.map(\.count)
        withPointers(buffers) { contents in
            var pathPointers = paths.map { UnsafePointer($0) }
            var stagingPointers = staging.map { UnsafePointer($0) }
            csupport_emergency_set(files.count, &pathPointers, &stagingPointers, contents, &lengths)
        }
    }

    /// Writes the registered files now (what the crash handler does).
    public static func writeNow() {
        csupport_emergency_write()
    }

    private static func withPointers(_ buffers: [[UInt8]], _ body: (UnsafePointer<UnsafePointer<UInt8>?>) -> Void) {
        let copies = buffers.map { buffer -> UnsafeMutablePointer<UInt8> in
            let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, buffer.count))
            pointer.initialize(from: buffer, count: buffer.count)
            return pointer
        }
        defer { copies.forEach { $0.deallocate() } }
        var pointers: [UnsafePointer<UInt8>?] = copies.map { UnsafePointer($0) }
        pointers.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { body(base) } else { var none: UnsafePointer<UInt8>? = nil; body(&none) }
        }
    }
}
