import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The user's home and XDG base directories, resolved from the environment in one place.
///
/// `HOME` wins over the account database (so a test, `sudo -E` or a container that points `HOME`
/// elsewhere is obeyed; Foundation's `homeDirectoryForCurrentUser` reads the account database
/// only). `XDG_CONFIG_HOME`, `XDG_STATE_HOME`, `XDG_DATA_HOME` and `XDG_CACHE_HOME` are used when they hold an
/// absolute path, as the XDG Base Directory specification says; otherwise the spec's defaults
/// under home apply.
public struct UserDirectories: Sendable, Hashable {
    /// The home directory, without a trailing slash.
    public let home: String
    /// `$XDG_CONFIG_HOME`, or `~/.config`.
    public let configHome: String
    /// `$XDG_STATE_HOME`, or `~/.local/state`.
    public let stateHome: String
    /// `$XDG_DATA_HOME`, or `~/.local/share`.
    public let dataHome: String
    /// `$XDG_CACHE_HOME`, or `~/.cache`.
    public let cacheHome: String

    /// The folder name under each base directory.
    public static let applicationFolder = "planhat-explorer"

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = Self.absolute(environment["HOME"]) ?? Self.accountHome() ?? "/"
        self.home = home.count > 1 && home.hasSuffix("/") ? String(home.dropLast()) : home
        configHome = Self.absolute(environment["XDG_CONFIG_HOME"]) ?? Self.join(self.home, ".config")
        stateHome = Self.absolute(environment["XDG_STATE_HOME"]) ?? Self.join(self.home, ".local/state")
        dataHome = Self.absolute(environment["XDG_DATA_HOME"]) ?? Self.join(self.home, ".local/share")
        cacheHome = Self.absolute(environment["XDG_CACHE_HOME"]) ?? Self.join(self.home, ".cache")
    }

    /// `planhat-explorer/<name>` under the config directory.
    public func config(_ name: String) -> String { Self.join(configHome, Self.applicationFolder + "/" + name) }
    /// `planhat-explorer/<name>` under the state directory.
    public func state(_ name: String) -> String { Self.join(stateHome, Self.applicationFolder + "/" + name) }
    /// `planhat-explorer/<name>` under the data directory.
    public func data(_ name: String) -> String { Self.join(dataHome, Self.applicationFolder + "/" + name) }
    /// `planhat-explorer/<name>` under the cache directory (what can be read again at any time).
    public func cache(_ name: String) -> String { Self.join(cacheHome, Self.applicationFolder + "/" + name) }

    /// A path as a person typed it: `~` and `~/…` are under home; anything else is as it is.
    public func expand(_ path: String) -> String {
        if path == "~" { return home }
        return path.hasPrefix("~/") ? Self.join(home, String(path.dropFirst(2))) : path
    }

    /// A path shown to a person: under home it starts with `~`.
    public func abbreviate(_ path: String) -> String {
        guard home != "/", path == home || path.hasPrefix(home + "/") else { return path }
        return "~" + path.dropFirst(home.count)
    }

    private static func absolute(_ value: String?) -> String? {
        guard let value, value.hasPrefix("/") else { return nil }
        return value
    }

    private static func join(_ base: String, _ rest: String) -> String {
        base == "/" ? "/" + rest : base + "/" + rest
    }

    /// The home directory the account database records for this user.
    private static func accountHome() -> String? {
        #if canImport(Glibc)
            var record = passwd()
            var result: UnsafeMutablePointer<passwd>?
            var buffer = [CChar](repeating: 0, count: 4096)
            guard getpwuid_r(getuid(), &record, &buffer, buffer.count, &result) == 0, result != nil, let directory = record.pw_dir else { return nil }
            return String(cString: directory)
        #else
            return NSHomeDirectory()
        #endif
    }
}
