import Foundation

/// A program that speaks newline-delimited JSON-RPC on stdin and stdout (an MCP server over stdio),
/// run as a child over pipes.
///
/// Lines are written as they are given and read back synchronously, one at a time, with nothing
/// between a request and the read of its answer but the pipes: timings measure the server, not the
/// client. A caller that reads on a thread of its own takes ``standardOutput`` instead of ``readLine()``.
public final class MCPLineClient: @unchecked Sendable {
    /// The child.
    public let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors: Pipe?
    private var buffer = Data()
    private var nextID = 1

    /// Starts `executable` with `arguments`.
    ///
    /// - Parameters:
    ///   - environment: the child's environment; nil: this process's.
    ///   - capturesStandardError: true to read the child's stderr from ``standardError``; false throws it away.
    public init(executable: String = ProcessRunner.planhatBinary, arguments: [String], environment: [String: String]? = nil, capturesStandardError: Bool = false) throws {
        errors = capturesStandardError ? Pipe() : nil
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors ?? FileHandle.nullDevice
        try process.run()
    }

    /// The child's pid.
    public var pid: Int32 { process.processIdentifier }

    /// Where the lines for the child go.
    public var standardInput: FileHandle { input.fileHandleForWriting }

    /// What the child writes on stdout, for a caller that reads it itself.
    public var standardOutput: FileHandle { output.fileHandleForReading }

    /// What the child writes on stderr, when captured.
    public var standardError: FileHandle? { errors?.fileHandleForReading }

    /// Writes one line (a newline is added).
    public func send(line: String) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    /// Sends a request with the next id (1, 2, …); `params` is JSON text. Returns the id.
    @discardableResult
    public func send(_ method: String, _ params: String = "{}") -> Int {
        let id = nextID
        nextID += 1
        send(line: #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#)
        return id
    }

    /// Sends a notification without params.
    public func notify(_ method: String) {
        send(line: #"{"jsonrpc":"2.0","method":"\#(method)"}"#)
    }

    /// The next line on stdout, waiting for it; empty once stdout has ended.
    public func readLine() -> Data {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                return Data(line)
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return Data() }
            buffer.append(chunk)
        }
    }

    /// Sends a request and reads the next line (its answer, when the server sends nothing else between).
    @discardableResult
    public func call(_ method: String, _ params: String = "{}") -> Data {
        send(method, params)
        return readLine()
    }

    /// `initialize` (its answer read) and `notifications/initialized`.
    public func initialize(protocolVersion: String = "2025-06-18", clientName: String = "planhat-tests") {
        call("initialize", #"{"protocolVersion":"\#(protocolVersion)","capabilities":{},"clientInfo":{"name":"\#(clientName)","version":"1"}}"#)
        notify("notifications/initialized")
    }

    /// Closes stdin, as a client that is done does.
    public func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    /// Closes stdin and waits for the child to exit; its status.
    @discardableResult
    public func stop() -> Int32 {
        closeInput()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
