import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program in the terminal's foreground, the way `system(3)` does: in this process's own
/// process group (so it may read the terminal; Foundation's `Process` puts children in a group of
/// their own, where reading the terminal fails and vim says "Error reading input"), with default
/// signal handling and no blocked signals, while this process ignores the keyboard's SIGINT and
/// SIGQUIT until the program ends.
public enum ForegroundProcess {
    /// Why the program could not be started.
    public struct LaunchFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `arguments[0]` (a path) with the rest as its arguments and waits for it.
    ///
    /// - Returns: its exit status (128 + the signal when a signal ended it).
    public static func run(_ arguments: [String]) throws -> Int32 {
        guard let executable = arguments.first else { throw LaunchFailure(description: "no program given") }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signalNumber in [SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD] { sigaddset(&defaults, signalNumber) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let previousInterrupt = signal(SIGINT, SIG_IGN)
        let previousQuit = signal(SIGQUIT, SIG_IGN)
        defer {
            signal(SIGINT, previousInterrupt)
            signal(SIGQUIT, previousQuit)
        }
        var pid: pid_t = 0
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let result = posix_spawn(&pid, executable, nil, &attributes, &argv, environ)
        guard result == 0 else {
            throw LaunchFailure(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signalled = status & 0x7F
        if signalled != 0 && signalled != 0x7F { return 128 + signalled }
        return (status >> 8) & 0xFF
    }
}
