import CNCursesW
import CSupport
import Foundation
import TerminalUI

#if canImport(Glibc)
    import Glibc
#endif

/// The write end of the self-pipe the termination handlers report to (written only by handlers).
nonisolated(unsafe) private var signalPipeWrite: Int32 = -1

/// The ncurses (wide-character) terminal: the only type that touches ncurses.
public final class NCursesDriver: TerminalDriver {
    private let window: UnsafeMutablePointer<WINDOW>
    private var pairs: [PairKey: Int16] = [:]
    public let colors: Int
    private var stopped = false
    private var signalPipeRead: Int32 = -1

    private struct PairKey: Hashable {
        var foreground: Int16
        var background: Int16
    }

    /// Starts full-screen mode. Falls back to `C.UTF-8` without a UTF-8 locale.
    ///
    /// - Throws: ``TerminalUnavailable`` when stdin or stdout is not a terminal, or `TERM` is unusable.
    /// - Parameter mouse: whether clicks and the wheel are read (they take the terminal's own text
    ///   selection, which then needs Shift).
    public init(mouse: Bool = true) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalUnavailable(description: "the explorer needs a terminal (stdin and stdout are not one); use planhat models, planhat call … or planhat --stdio instead")
        }
        setlocale(LC_ALL, "")
        if let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) != "UTF-8" {
            setlocale(LC_ALL, "C.UTF-8")
        }
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r"),
            let screen = newterm(nil, output, input)
        else {
            throw TerminalUnavailable(description: "cannot start the terminal (TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "unset")); set TERM to xterm-256color or similar")
        }
        _ = set_term(screen)
        guard let window = cnc_stdscr() else { throw TerminalUnavailable(description: "ncurses has no screen") }
        self.window = window
        raw()  // Ctrl-S, Ctrl-C and Ctrl-Z reach the program instead of the terminal driver.
        noecho()
        nonl()
        keypad(window, true)
        curs_set(0)
        set_escdelay(25)
        if mouse {
            mousemask(cnc_mouse_events(), nil)
            mouseinterval(0)
        }
        if has_colors() {
            start_color()
            use_default_colors()
            colors = Int(cnc_colors())
        } else {
            colors = 0
        }
        restoreOnSignals()
    }

    deinit {
        stop()
    }

    public var size: (width: Int, height: Int) {
        (Int(getmaxx(window)), Int(getmaxy(window)))
    }

    public func stop() {
        guard !stopped else { return }
        stopped = true
        endwin()
    }

    /// Leaves curses mode completely while `body` runs another program on the terminal (nothing
    /// reads the terminal meanwhile: the UI loop is inside this call), then takes the terminal back,
    /// drops what arrived meanwhile (the terminal's replies to the program's queries, keys meant for
    /// it) and redraws everything.
    public func suspend(_ body: () -> Void) {
        def_prog_mode()
        endwin()
        body()
        reset_prog_mode()
        keypad(window, true)
        discardPendingInput()
        clearok(window, true)
        wrefresh(window)
    }

    /// Discards typeahead: what is queued now, and what trickles in over the next few milliseconds
    /// (a terminal answers a cursor-position query after the program that asked has ended).
    private func discardPendingInput() {
        flushinp()
        wtimeout(window, 60)
        var character: wint_t = 0
        var discarded = 0
        while wget_wch(window, &character) != ERR, discarded < 4_096 { discarded += 1 }
    }

    public func emit(_ sequence: String) {
        _ = sequence.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
    }

    public func readKey(timeoutMilliseconds: Int32) -> Key? {
        wtimeout(window, timeoutMilliseconds)
        var character: wint_t = 0
        switch wget_wch(window, &character) {
        case KEY_CODE_YES where Int32(character) == KEY_MOUSE:
            var x: Int32 = 0, y: Int32 = 0
            switch cnc_read_mouse(&x, &y) {
            case 1: return .mouse(MouseEvent(.click, x: Int(x), y: Int(y)))
            case 2: return .mouse(MouseEvent(.wheelUp, x: Int(x), y: Int(y)))
            case 3: return .mouse(MouseEvent(.wheelDown, x: Int(x), y: Int(y)))
            default: return nil
            }
        case KEY_CODE_YES:
            return Self.functionKey(Int32(character))
        case OK:
            guard let scalar = Unicode.Scalar(UInt32(character)) else { return nil }
            return Key(scalar: scalar)
        default:
            return nil
        }
    }

    private static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        case 265...276: return .function(Int(code) - 264)  // KEY_F(1) … KEY_F(12)
        default: return nil
        }
    }

    public func draw(_ buffer: CellBuffer) {
        for y in 0..<min(buffer.height, size.height) {
            for run in buffer.runs(row: y) where run.x < size.width {
                _ = wattrset(window, attributes(run.style))
                var wide = run.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
                wide.append(0)
                _ = mvwaddnwstr(window, Int32(y), Int32(run.x), wide, Int32(wide.count - 1))
            }
        }
        _ = wattrset(window, 0)
        wnoutrefresh(window)
        doupdate()
    }

    private func attributes(_ style: Style) -> Int32 {
        var value: Int32 = 0
        if style.bold { value |= cnc_a_bold() }
        if style.underline { value |= cnc_a_underline() }
        if style.reverse { value |= cnc_a_reverse() }
        if style.dim { value |= cnc_a_dim() }
        if colors > 0 { value |= cnc_color_pair(Int32(pair(style))) }
        return value
    }

    private func pair(_ style: Style) -> Int16 {
        let key = PairKey(foreground: Self.number(style.foreground), background: Self.number(style.background))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let existing = pairs[key] { return existing }
        guard pairs.count < 250 else { return 0 }
        let number = Int16(pairs.count + 1)
        init_pair(number, key.foreground, key.background)
        pairs[key] = number
        return number
    }

    private static func number(_ color: Color) -> Int16 {
        switch color {
        case .terminalDefault: return -1
        case .ansi(let index), .indexed(let index): return Int16(index)
        }
    }

    /// SIGTERM, SIGHUP and SIGINT are written to a self-pipe (async-signal-safe) that the UI loop
    /// reads, so the terminal is restored outside the handler; fatal signals restore it at once.
    private func restoreOnSignals() {
        // A parent (or the pool thread that started this one) may have left these blocked.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signalNumber in [SIGTERM, SIGHUP, SIGINT, SIGWINCH] { sigaddset(&unblock, signalNumber) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            signalPipeRead = fds[0]
            signalPipeWrite = fds[1]
            for signalNumber in [SIGTERM, SIGHUP, SIGINT] {
                signal(signalNumber) { received in
                    var byte = UInt8(truncatingIfNeeded: received)
                    _ = write(signalPipeWrite, &byte, 1)
                }
            }
        }
        for signalNumber in [SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            signal(signalNumber) { received in
                // What must not be lost (the drafts of changed forms) goes to disk first.
                csupport_emergency_write()
                endwin()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    public func takeSignal() -> Int32? {
        guard signalPipeRead >= 0 else { return nil }
        var byte: UInt8 = 0
        return read(signalPipeRead, &byte, 1) == 1 ? Int32(byte) : nil
    }
}
