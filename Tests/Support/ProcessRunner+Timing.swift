import Foundation

extension ProcessRunner {
    /// Runs a program with its output thrown away and waits for its exit as `waitUntilExit` does, with
    /// no polling and no time limit: for timings (``run(_:_:environment:stdin:timeout:captureOutput:)``
    /// looks every 5 ms). Returns its exit status.
    @discardableResult
    public static func runToExit(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
