import Foundation

/// A terminal for tests, as Ratatui's `TestBackend` is: it plays a script of keys, waits for text
/// to appear on screen before going on, and keeps every frame drawn, so a whole app loop runs
/// without a real terminal.
public final class RecordingTerminal: TerminalDriver, @unchecked Sendable {
    /// One step of the script.
    public enum Step: Sendable {
        /// Press a key.
        case key(Key)
        /// Wait until the last frame contains the text.
        case waitFor(String)
        /// Change the terminal's size.
        case resize(width: Int, height: Int)
    }

    private let lock = NSLock()
    private var steps: [Step]
    private var width: Int
    private var height: Int
    private var frames: [CellBuffer] = []
    private var emitted: [String] = []
    private var stopped = false
    private var suspended = 0
    private let deadline: Date
    private var failure: String?

    public let colors: Int

    /// - Parameters:
    ///   - timeout: the longest the script may take; after it the terminal sends Ctrl-C and
    ///     ``failure`` says which step it was waiting on.
    public init(width: Int = 100, height: Int = 30, colors: Int = 256, script: [Step], timeout: TimeInterval = 30) {
        self.width = width
        self.height = height
        self.colors = colors
        steps = script
        deadline = Date().addingTimeInterval(timeout)
    }

    public var size: (width: Int, height: Int) { lock.withLock { (width, height) } }

    public func readKey(timeoutMilliseconds: Int32) -> Key? {
        if let key = nextKey() { return key }
        usleep(2_000)
        return nil
    }

    /// The script's next key; `nil` while it waits for text (or has ended).
    private func nextKey() -> Key? {
        lock.lock()
        defer { lock.unlock() }
        if Date() > deadline, failure == nil {
            failure = "timed out at \(steps.first.map { "\($0)" } ?? "the end of the script")"
            steps = []
            return .control("c")
        }
        while let step = steps.first {
            switch step {
            case .key(let key):
                steps.removeFirst()
                return key
            case .resize(let newWidth, let newHeight):
                steps.removeFirst()
                width = newWidth
                height = newHeight
                return .resize
            case .waitFor(let text):
                guard frames.last?.text.contains(text) == true else { return nil }
                steps.removeFirst()
            }
        }
        return nil
    }

    public func draw(_ buffer: CellBuffer) {
        lock.withLock { frames.append(buffer) }
    }

    public func emit(_ sequence: String) {
        lock.withLock { emitted.append(sequence) }
    }

    public func stop() {
        lock.withLock { stopped = true }
    }

    public func suspend(_ body: () -> Void) {
        lock.withLock { suspended += 1 }
        body()
    }

    /// Every frame drawn, in order.
    public var drawn: [CellBuffer] { lock.withLock { frames } }
    /// The escape sequences written straight to the terminal (OSC 52 copies).
    public var sequences: [String] { lock.withLock { emitted } }
    /// Whether the app restored the terminal.
    public var wasStopped: Bool { lock.withLock { stopped } }
    /// How often the app handed the terminal to another program.
    public var suspensions: Int { lock.withLock { suspended } }
    /// Why the script did not finish, if it did not.
    public var timedOut: String? { lock.withLock { failure } }
}
