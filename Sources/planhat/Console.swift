import Foundation
import PlanhatKit
import TerminalUI

/// Writing to the terminal: results on stdout, everything else on stderr.
enum Console {
    private static let lock = NSLock()

    /// Writes a line to stdout.
    static func out(_ text: String) {
        write(text + "\n", to: FileHandle.standardOutput)
    }

    /// Writes a line to stderr.
    static func err(_ text: String) {
        write(text + "\n", to: FileHandle.standardError)
    }

    /// Reports an error on stderr: the full explanation, or a one-line JSON envelope.
    static func report(_ error: PlanhatError, json: Bool) {
        err(json ? error.jsonValue(for: .cli).compactText() : "error: " + error.report(for: .cli))
    }

    static func flush() {
        try? FileHandle.standardOutput.synchronize()
    }

    private static func write(_ text: String, to handle: FileHandle) {
        lock.lock()
        defer { lock.unlock() }
        handle.write(Data(text.utf8))
    }

    /// `key   value` lines with the values aligned.
    static func keyValues(_ rows: [[String]]) -> String {
        let width = rows.map { DisplayWidth.of($0.first ?? "") }.max() ?? 0
        return rows.map { DisplayWidth.pad($0.first ?? "", to: width) + "  " + $0.dropFirst().joined(separator: " ") }
            .joined(separator: "\n")
    }

    /// Lays rows out in columns padded to their display width.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { DisplayWidth.of($0[column]) }.max() ?? 0 }
        return all.map { row in
            row.indices.map { column in
                column == row.count - 1 ? row[column] : DisplayWidth.pad(row[column], to: widths[column])
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
