import Foundation

/// What the explorer needs from a terminal. ncurses implements it; tests render into buffers instead.
public protocol TerminalDriver: AnyObject {
    /// Columns and rows.
    var size: (width: Int, height: Int) { get }
    /// How many colours the terminal shows (8, 16, 256…).
    var colors: Int { get }
    /// The next key, or `nil` after `timeoutMilliseconds` without one.
    func readKey(timeoutMilliseconds: Int32) -> Key?
    /// Shows the buffer.
    func draw(_ buffer: CellBuffer)
    /// Writes an escape sequence straight to the terminal (OSC 52 clipboard).
    func emit(_ sequence: String)
    /// Restores the terminal exactly as it was.
    func stop()
    /// A termination signal (SIGTERM, SIGINT, SIGHUP) received since the last call, if any.
    func takeSignal() -> Int32?
    /// Gives the terminal to another program (`$EDITOR`) while `body` runs, then takes it back.
    func suspend(_ body: () -> Void)
}

extension TerminalDriver {
    public func takeSignal() -> Int32? { nil }
    public func suspend(_ body: () -> Void) { body() }
}

/// Why the terminal could not be started.
public struct TerminalUnavailable: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

