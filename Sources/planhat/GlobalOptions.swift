import ArgumentParser
import Foundation
import Logging
import PlanhatKit
import PlanhatRemote
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

    @Option(name: .long, help: ArgumentHelp("Use a regional cluster, api-<region>.planhat.com: eu, eu2, eu3, us2, us4…", valueName: "region"))
    var region: String?

    // Numbers keep the text typed and are read through their rule (`Rules`): `.unconditional`
    // lets `--timeout -1` reach the rule, which names the option, the value and what is allowed.

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Seconds before a request times out.", valueName: "seconds"))
    var timeout = "30"

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Attempts in all for a request answered 429.", valueName: "n"))
    var rateLimitAttempts = "5"

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The longest a request may wait on 429s, in seconds.", valueName: "seconds"))
    var rateLimitBudget = "60"

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Client-side budget of requests a minute (Planhat's soft limit is 200).", valueName: "n"))
    var requestsPerMinute = "200"

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Client-side cap of requests a second (Planhat's hard limit is 150).", valueName: "n"))
    var requestsPerSecond = "150"

    @Flag(name: .long, help: SharedHelp.json)
    var json = false

    @Flag(name: .long, help: "Send fields the catalog does not document (what Planhat stores is verified and any drop reported).")
    var allowUnknownFields = false

    /// What the service does with an undocumented field.
    var unknownFields: UnknownFields { allowUnknownFields ? .allow : .whenSeen }

    @OptionGroup var logging: LogLevelOption

    /// What each option accepts.
    enum Rules {
        static let apiURL = OptionRule<String>(option: "--api-url", expected: "an http or https URL such as https://api.planhat.com") { text in
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
                return nil
            }
            return text
        }
        /// The rule for region names is the core's (``Settings/isRegionName(_:)``); the CLI names the option.
        static let region = OptionRule<String>(option: "--region", expected: Settings.regionExpectation) { Settings.isRegionName($0) ? $0 : nil }
        static let timeout = OptionRule<Double>.seconds("--timeout")
        static let rateLimitAttempts = OptionRule<Int>.wholeNumber("--rate-limit-attempts", atLeast: 1)
        static let rateLimitBudget = OptionRule<Double>.seconds("--rate-limit-budget", allowingZero: true)
        static let requestsPerMinute = OptionRule<Int>.wholeNumber("--requests-per-minute", atLeast: 1)
        static let requestsPerSecond = OptionRule<Int>.wholeNumber("--requests-per-second", atLeast: 1)
    }

    func validate() throws {
        _ = try Rules.apiURL.value(of: apiURL)
        _ = try Rules.region.value(of: region)
        _ = try Rules.timeout.value(of: timeout)
        _ = try Rules.rateLimitAttempts.value(of: rateLimitAttempts)
        _ = try Rules.rateLimitBudget.value(of: rateLimitBudget)
        _ = try Rules.requestsPerMinute.value(of: requestsPerMinute)
        _ = try Rules.requestsPerSecond.value(of: requestsPerSecond)
    }

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
    ///   - transport: the HTTP client to share (one per backend when nil).
    ///   - limiter: the request limiter to share (one per backend when nil: ``limits()``).
    func makeBackend(
        _ settings: Settings, announceSandbox: Bool = true, sandboxPageCacheKiB: Int? = nil, progress: (@Sendable (TransferProgress) -> Void)? = nil,
        transport: (any HTTPTransport)? = nil, limiter: RequestLimiter? = nil
    ) throws -> any PlanhatBackend {
        if usesSandbox(settings) {
            let path = resolvedSandboxPath
            if !sandbox && announceSandbox {
                Console.err("planhat: no PLANHAT_API_TOKEN configured; using the offline sandbox at \(path)")
            }
            // An existing file is opened by the first request: a start that never reaches it pays nothing.
            return try DeferredSandboxBackend.open(path: path, pageCacheKiB: sandboxPageCacheKiB)
        }
        guard let token = settings.token else { throw PlanhatError(.unauthorized, message: "no API token configured") }
        let shared: any HTTPTransport = try transport ?? URLSessionTransport(timeout: Rules.timeout.value(of: timeout))
        let limiter = try limiter ?? RequestLimiter(limits: limits())
        let retry = RetryPolicy(
            rateLimitAttempts: try Rules.rateLimitAttempts.value(of: rateLimitAttempts), rateLimitBudget: try Rules.rateLimitBudget.value(of: rateLimitBudget))
        let remote: @Sendable (APIToken) -> RemoteBackend = { token in
            RemoteBackend(
                baseURL: settings.baseURL, token: token, profile: settings.profile, retry: retry, limiter: limiter, transport: shared,
                userAgent: "planhat-explorer/\(PlanhatVersion.current)", progress: progress,
                analyticsURL: settings.analyticsURL, tenantUUID: settings.tenantUUID)
        }
        guard let session = settings.oauth else { return remote(token) }
        // Signed in with planhat login: each request takes the current token, refreshed when due or after a 401.
        return RefreshingBackend(session: session, info: BackendInfo(kind: .remote, location: settings.baseURL, profile: settings.profile), make: remote)
    }

    /// The request limits `--requests-per-minute` and `--requests-per-second` give.
    func limits() throws -> RequestLimiter.Limits {
        RequestLimiter.Limits(
            perSecond: try Rules.requestsPerSecond.value(of: requestsPerSecond), perMinute: try Rules.requestsPerMinute.value(of: requestsPerMinute))
    }

    /// The service over the selected backend; read-only when asked or when the profile says so.
    /// Settings (and the config file) are read once. With a `face`, its writes are journaled.
    func makeService(
        catalog: Catalog = .shared, readOnly: Bool = false, announceSandbox: Bool = true, sandboxPageCacheKiB: Int? = nil,
        progress: (@Sendable (TransferProgress) -> Void)? = nil, face: JournalFace? = nil
    ) throws -> PlanhatService {
        let settings = try settings()
        return Self.service(
            catalog: catalog,
            backend: try makeBackend(settings, announceSandbox: announceSandbox, sandboxPageCacheKiB: sandboxPageCacheKiB, progress: progress),
            readOnly: settings.isReadOnly(requested: readOnly), unknownFields: unknownFields
        ).journaling(face.flatMap { JournalSetup.recorder(face: $0, settings: settings) })
    }

    /// The service over `backend`, keeping the tenant's custom fields in the user's cache when the
    /// backend is remote.
    static func service(catalog: Catalog, backend: any PlanhatBackend, readOnly: Bool, unknownFields: UnknownFields) -> PlanhatService {
        let cache = CustomFieldsCache.standard(for: backend.info)
        return PlanhatService(
            catalog: catalog, backend: backend, readOnly: readOnly, unknownFields: unknownFields, memory: FieldMemory(keptIn: cache), customFieldsCache: cache)
    }
}

extension PlanhatService {
    /// The service with the tenant's custom fields, or as it is when they cannot be read (said on
    /// stderr: a command is not refused because the definitions cannot be read).
    func withCustomFieldsOrWarning() async -> PlanhatService {
        do {
            return try await withCustomFields()
        } catch {
            let reason = (error as? PlanhatError)?.headline ?? "\(error)"
            Console.err("planhat: custom fields are left out: the tenant's definitions cannot be read (\(reason))")
            return self
        }
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

/// `--log-level`, shared by every command.
struct LogLevelOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Log level on stderr: trace, debug, info, notice, warning, error or critical (default $PLANHAT_LOG_LEVEL or warning).", valueName: "level"))
    var logLevel: String?

    /// The levels, in any case: `debug` or `DEBUG`.
    static let rule = OptionRule<Logger.Level>.oneOf("--log-level", caseInsensitive: true)

    /// The level asked for, if any.
    var level: Logger.Level? {
        try? Self.rule.value(of: logLevel)
    }

    func validate() throws {
        _ = try Self.rule.value(of: logLevel)
    }
}

/// A command whose options may choose the log level.
protocol ChoosesLogLevel {
    /// `--log-level`, if given.
    var logLevel: Logger.Level? { get }
}

/// Help shared by several commands.
enum SharedHelp {
    static let json = ArgumentHelp("Print errors as a one-line JSON envelope on stderr.")
}

/// Logs go to stderr, never stdout: `--log-level`, else `PLANHAT_LOG_LEVEL`, else warning.
enum LogSetup {
    /// The level to log at, and a warning to print when `PLANHAT_LOG_LEVEL` is set to something that
    /// is not a level (it is then ignored: a typo in the environment does not stop a server an MCP
    /// client starts).
    static func level(option: Logger.Level?, environment: [String: String]) -> (level: Logger.Level, warning: String?) {
        if let option { return (option, nil) }
        guard let text = environment["PLANHAT_LOG_LEVEL"], !text.isEmpty else { return (.warning, nil) }
        do {
            return (try LogLevelOption.rule.value(of: text), nil)
        } catch {
            let refusal = OptionRefusal(option: "PLANHAT_LOG_LEVEL", value: text, expected: LogLevelOption.rule.expected)
            return (.warning, "planhat: \(refusal); logging at warning")
        }
    }

    /// Sends every logger to stderr at the level chosen; once, before anything logs.
    static func bootstrap(option: Logger.Level?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let (level, warning) = level(option: option, environment: environment)
        if let warning { Console.err(warning) }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
