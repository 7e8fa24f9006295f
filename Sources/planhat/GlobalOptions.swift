import ArgumentParser
import Foundation
import Logging
import PlanhatKit
import PlanhatSandbox

/// Options every command that reaches Planhat shares: which backend, how to reach it, and how
/// errors are printed. The token itself is never an option: it comes from `PLANHAT_API_TOKEN` or
/// a private config file.
struct BackendOptions: ParsableArguments {
    @Flag(name: .long, help: "Use the embedded sandbox, whatever token is configured.")
    var sandbox = false

    @OptionGroup var sandboxFile: SandboxPathOption

    @Option(name: .long, help: ArgumentHelp("The config profile to use (default $PLANHAT_PROFILE or the file's profile).", valueName: "name"))
    var profile: String?

    @Option(name: .long, help: ArgumentHelp("The API base URL (default $PLANHAT_API_URL or https://api.planhat.com).", valueName: "url"))
    var apiURL: String?

    @Flag(name: .long, help: "Use Planhat's demo environment, https://api.planhatdemo.com.")
    var demo = false

    @Option(name: .long, help: ArgumentHelp("Use a regional cluster: eu, eu2, eu3 or us2.", valueName: "region"))
    var region: String?

    @Option(name: .long, help: ArgumentHelp("Seconds before a request times out.", valueName: "seconds"))
    var timeout: Double = 30

    @Option(name: .long, help: ArgumentHelp("Attempts in all for a request answered 429.", valueName: "n"))
    var rateLimitAttempts = 5

    @Option(name: .long, help: ArgumentHelp("The longest a request may wait on 429s, in seconds.", valueName: "seconds"))
    var rateLimitBudget: Double = 60

    @Option(name: .long, help: ArgumentHelp("Client-side budget of requests a minute (Planhat's soft limit is 200).", valueName: "n"))
    var requestsPerMinute = 200

    @Flag(name: .long, help: "Print errors as a one-line JSON envelope on stderr.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Log level on stderr: trace, debug, info, notice, warning, error (default $PLANHAT_LOG_LEVEL or warning).", valueName: "level"))
    var logLevel: String?

    /// The sandbox file these options point at.
    var resolvedSandboxPath: String {
        sandboxFile.resolved
    }

    /// Flags, environment and config file, resolved.
    func settings() throws -> Settings {
        try SettingsLoader().load(SettingsRequest(profile: profile, apiURL: apiURL, demo: demo, region: region))
    }

    /// Whether requests go to the sandbox: `--sandbox`, or no token configured.
    func usesSandbox(_ settings: Settings) -> Bool {
        sandbox || !settings.hasToken
    }

    /// The backend the options and environment select.
    ///
    /// - Parameters:
    ///   - announceSandbox: say on stderr when the sandbox is used because no token is set.
    ///   - progress: called as multi-request operations advance.
    func makeBackend(
        _ settings: Settings, announceSandbox: Bool = true, sandboxPageCacheKiB: Int? = nil, progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) throws -> any PlanhatBackend {
        if usesSandbox(settings) {
            let path = resolvedSandboxPath
            if !sandbox && announceSandbox {
                Console.err("planhat: no PLANHAT_API_TOKEN configured; using the offline sandbox at \(path)")
            }
            return try SandboxBackend.open(path: path, pageCacheKiB: sandboxPageCacheKiB)
        }
        guard let token = settings.token else { throw PlanhatError(.unauthorized, message: "no API token configured") }
        return RemoteBackend(
            baseURL: settings.baseURL, token: token, profile: settings.profile, timeout: timeout,
            retry: RetryPolicy(rateLimitAttempts: rateLimitAttempts, rateLimitBudget: rateLimitBudget),
            limiter: RequestLimiter(limits: RequestLimiter.Limits(perMinute: requestsPerMinute)),
            userAgent: "planhat-explorer/\(PlanhatVersion.current)", progress: progress)
    }

    /// The service over the selected backend; read-only when asked or when the profile says so.
    /// Settings (and the config file) are read once.
    func makeService(
        catalog: Catalog = .shared, readOnly: Bool = false, announceSandbox: Bool = true, sandboxPageCacheKiB: Int? = nil,
        progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) throws -> PlanhatService {
        let settings = try settings()
        return PlanhatService(
            catalog: catalog,
            backend: try makeBackend(settings, announceSandbox: announceSandbox, sandboxPageCacheKiB: sandboxPageCacheKiB, progress: progress),
            readOnly: readOnly || settings.profileReadOnly)
    }
}

/// `--sandbox-path`, shared by every command that opens the sandbox.
struct SandboxPathOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The sandbox file (default $PLANHAT_SANDBOX_PATH or ~/.local/share/planhat-explorer/sandbox.sqlite).", valueName: "path"))
    var sandboxPath: String?

    /// The file: the option, else the environment, else the XDG default.
    var resolved: String {
        SandboxLocation.resolve(explicit: sandboxPath)
    }
}

/// Logs go to stderr, never stdout: `--log-level` or `PLANHAT_LOG_LEVEL` (default warning).
enum LogSetup {
    static func bootstrap(arguments: [String]) {
        var level = ProcessInfo.processInfo.environment["PLANHAT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        if let index = arguments.firstIndex(of: "--log-level"), index + 1 < arguments.count,
            let parsed = Logger.Level(rawValue: arguments[index + 1])
        {
            level = parsed
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
