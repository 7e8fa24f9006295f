import Foundation
import PlanhatKit
import Yams

/// A Planhat API token. Its description is masked, so printing, logging or interpolating it by
/// accident shows `abcd…` and never the secret.
public struct APIToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself: only the HTTP client reads it.
    public let secret: String

    public init?(_ secret: String) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        self.secret = trimmed
    }

    /// The first 4 characters and an ellipsis.
    public var masked: String { String(secret.prefix(4)) + "…" }
    public var description: String { masked }
    public var debugDescription: String { "APIToken(\(masked))" }
}

/// Where requests go and with which credentials, resolved from flags, environment and config file.
public struct Settings: Sendable {
    /// The default Planhat API.
    public static let defaultBaseURL = PlanhatAPI.defaultBaseURL
    /// Planhat's demo environment.
    public static let demoBaseURL = "https://api.planhatdemo.com"
    /// Regional clusters seen in use (`api-<region>.planhat.com`); any name of that shape is accepted.
    public static let regions = ["eu", "eu2", "eu3", "us2", "us4"]

    /// What a region name looks like, in words.
    public static let regionExpectation = "a cluster name such as " + regions.joined(separator: ", ") + " (api-<region>.planhat.com)"

    /// Whether `name` has the shape of a cluster name. Planhat names clusters after the app's
    /// subdomain (`api-us4.planhat.com` is in use and undocumented), so the shape is checked, not a list.
    public static func isRegionName(_ name: String) -> Bool {
        name.range(of: "^[a-z]{2}[a-z0-9-]{0,14}$", options: .regularExpression) != nil
    }

    public var token: APIToken?
    /// Where the token came from: `PLANHAT_API_TOKEN`, `profile work (token_file …)`.
    public var tokenSource: String?
    public var baseURL: String
    /// Planhat's tracking and metrics host: `https://analytics.planhat.com` wherever the tenant lives
    /// (`PLANHAT_ANALYTICS_URL` or the profile's `analytics_url` point it elsewhere, e.g. at `sandbox serve`).
    public var analyticsURL: String = PlanhatAPI.analyticsBaseURL
    /// The tenant UUID the analytics endpoints (metrics push, user activities) take in their path:
    /// `PLANHAT_TENANT_UUID`, or the profile's `tenant_uuid`.
    public var tenantUUID: String?
    /// The pattern of a record's address in the Planhat web app (`PLANHAT_WEB_URL`, or the profile's `web_url`).
    public var webURL: String?
    /// The tenant's name in the web app's addresses (`PLANHAT_TENANT_SLUG`, or the profile's `tenant_slug`).
    public var tenantSlug: String?
    public var profile: String?
    /// The config file read, if any.
    public var configPath: String
    /// Settings from the chosen profile that the faces may use (read-only by default, models).
    public var profileReadOnly: Bool

    /// Whether a session is read-only: asked for (`--read-only`), or set by the profile. A profile's
    /// `read_only: true` cannot be lifted by a flag.
    public func isReadOnly(requested: Bool) -> Bool {
        requested || profileReadOnly
    }

    /// The `planhat login` credentials the token comes from, which refresh it; nil for a static token.
    public var oauth: OAuthSession?

    /// Whether a token is configured: the remote backend is then the default.
    public var hasToken: Bool { token != nil }

    /// How much the write journal keeps: `PLANHAT_JOURNAL`, else the file's `journal:`, else full.
    public var journalMode: JournalMode = .full
}

/// The flags that influence ``Settings``.
public struct SettingsRequest: Sendable {
    public var profile: String?
    public var apiURL: String?
    public var demo: Bool
    public var region: String?

    public init(profile: String? = nil, apiURL: String? = nil, demo: Bool = false, region: String? = nil) {
        self.profile = profile
        self.apiURL = apiURL
        self.demo = demo
        self.region = region
    }
}

/// Reads `$XDG_CONFIG_HOME/planhat-explorer/config.yaml` and the environment.
///
/// ```yaml
/// profile: work            # the profile used without --profile
/// profiles:
///   work:
///     token_file: ~/.config/planhat-explorer/work.token
///     region: eu
///   demo:
///     token: "…"
///     base_url: https://api.planhatdemo.com
///     read_only: true
///     tenant_uuid: fb08c97b-41f5-4a22-8888-579a3ce223ae   # metrics push, user activities
///     analytics_url: https://analytics.planhat.com          # the default
///     tenant_slug: acme          # the name after ws.planhat.com/ in the web app's addresses (o)
///     web_url: https://ws.planhat.com/{tenant}/home/data-explorer/{route}?preview={Model}.{id}   # the default
/// ```
/// The config file and any token file must not be readable by group or others.
public struct SettingsLoader: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The config file's path.
    public var configPath: String {
        directories.config("config.yaml")
    }

    private var directories: UserDirectories {
        UserDirectories(environment: environment)
    }

    /// Resolves the settings.
    ///
    /// - Throws: ``PlanhatError`` (400) for an unreadable or too-open config or token file, an
    ///   unknown profile or region, or a malformed base URL.
    public func load(_ request: SettingsRequest = SettingsRequest()) throws -> Settings {
        let file = try readConfigFile()
        let profileName = request.profile ?? environment["PLANHAT_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? file?.defaultProfile
        var profile: ConfigFile.Profile?
        if let profileName {
            guard let found = file?.profiles[profileName] else {
                let known = file?.profiles.keys.sorted().joined(separator: ", ") ?? ""
                throw PlanhatError(
                    .configuration, message: "no profile '\(profileName)' in \(configPath)",
                    details: [known.isEmpty ? "The file defines no profiles." : "Profiles there: \(known)."])
            }
            profile = found
        }
        var token: APIToken?
        var source: String?
        var oauth: OAuthSession?
        let signIn = CredentialsStore(profile: profileName, environment: environment)
        if let value = environment["PLANHAT_API_TOKEN"], let parsed = APIToken(value) {
            token = parsed
            source = "PLANHAT_API_TOKEN"
        } else if let credentials = try signIn.load(), let parsed = APIToken(credentials.accessToken) {
            // `planhat login` comes before a token in the config file: signing in is the newer act.
            token = parsed
            source = "OAuth sign-in (planhat login, \(signIn.path))"
            oauth = OAuthSession(store: signIn, clientSecret: environment["PLANHAT_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : $0 })
        } else if let profile, let profileName {
            if let inline = profile.token.flatMap(APIToken.init) {
                token = inline
                source = "profile \(profileName) (token in \(configPath))"
            } else if let path = profile.tokenFile {
                let expanded = expand(path)
                try requirePrivate(expanded, kind: "token file")
                guard let text = FileManager.default.contents(atPath: expanded).map({ String(decoding: $0, as: UTF8.self) }),
                    let parsed = APIToken(text)
                else {
                    throw PlanhatError(.configuration, message: "the token file \(expanded) of profile \(profileName) is missing or empty")
                }
                token = parsed
                source = "profile \(profileName) (token_file \(expanded))"
            }
        }
        let baseURL = try resolveBaseURL(request, profile: profile)
        var settings = Settings(
            token: token, tokenSource: source, baseURL: baseURL, profile: profileName, configPath: configPath,
            profileReadOnly: profile?.readOnly ?? false)
        settings.oauth = oauth
        let analytics = environment["PLANHAT_ANALYTICS_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? profile?.analyticsURL
        if let analytics { settings.analyticsURL = try httpURL(analytics, option: "analytics_url") }
        let tenant = environment["PLANHAT_TENANT_UUID"].flatMap { $0.isEmpty ? nil : $0 } ?? profile?.tenantUUID
        settings.tenantUUID = tenant?.trimmingCharacters(in: .whitespacesAndNewlines)
        settings.journalMode = try journalMode(file)
        settings.webURL = environment["PLANHAT_WEB_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? profile?.webURL
        settings.tenantSlug = environment["PLANHAT_TENANT_SLUG"].flatMap { $0.isEmpty ? nil : $0 } ?? profile?.tenantSlug
        if let pattern = settings.webURL, !(pattern.hasPrefix("https://") || pattern.hasPrefix("http://")) || !pattern.contains("{id}") {
            throw PlanhatError(
                .configuration, message: "the web_url '\(pattern)' is not an address pattern",
                fieldIssues: [FieldIssue(path: "web_url", value: pattern, expected: "an http(s) address with {id} (and {tenant}, {route}, {model} or {Model}), e.g. https://ws.planhat.com/{tenant}/home/data-explorer/{route}?preview={Model}.{id}")])
        }
        if let uuid = settings.tenantUUID, uuid.isEmpty || uuid.contains(where: { $0 == "/" || $0.isWhitespace }) {
            throw PlanhatError(
                .configuration, message: "the tenant UUID '\(uuid)' is not one",
                fieldIssues: [FieldIssue(path: "tenant_uuid", value: uuid, expected: "the tenant's UUID, e.g. fb08c97b-41f5-4a22-8888-579a3ce223ae")])
        }
        return settings
    }

    /// `PLANHAT_JOURNAL`, else the config file's `journal:`, else `full`.
    private func journalMode(_ file: ConfigFile?) throws -> JournalMode {
        let (source, value): (String, String?) =
            if let text = environment["PLANHAT_JOURNAL"], !text.isEmpty { ("PLANHAT_JOURNAL", text) } else { ("journal", file?.journal) }
        guard let value else { return .full }
        guard let mode = JournalMode(rawValue: value.lowercased()) else {
            throw PlanhatError(
                .configuration, message: "\(source == "journal" ? "journal in \(configPath)" : source) is '\(value)'; expected \(JournalMode.expectation)",
                fieldIssues: [FieldIssue(path: source, value: value, expected: JournalMode.expectation)])
        }
        return mode
    }

    private func resolveBaseURL(_ request: SettingsRequest, profile: ConfigFile.Profile?) throws -> String {
        let candidate: String
        if let url = request.apiURL {
            candidate = url
        } else if request.demo {
            candidate = Settings.demoBaseURL
        } else if let region = request.region {
            candidate = try regionURL(region)
        } else if let url = environment["PLANHAT_API_URL"], !url.isEmpty {
            candidate = url
        } else if let url = profile?.baseURL {
            candidate = url
        } else if let region = profile?.region {
            candidate = try regionURL(region)
        } else {
            candidate = Settings.defaultBaseURL
        }
        return try httpURL(candidate, option: "api-url")
    }

    /// `candidate` without a trailing slash, when it is an http(s) URL.
    private func httpURL(_ candidate: String, option: String) throws -> String {
        let trimmed = candidate.hasSuffix("/") ? String(candidate.dropLast()) : candidate
        guard let url = URL(string: trimmed), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            let example = option == "api-url" ? "https://api.planhat.com" : PlanhatAPI.analyticsBaseURL
            let what = option == "api-url" ? "API URL" : "analytics URL"
            throw PlanhatError(
                .configuration, message: "the \(what) '\(candidate)' is not an http(s) URL",
                fieldIssues: [FieldIssue(path: option, value: candidate, expected: "a URL such as \(example)")])
        }
        return trimmed
    }

    private func regionURL(_ region: String) throws -> String {
        guard Settings.isRegionName(region) else {
            throw PlanhatError(
                .configuration, message: "'\(region)' is not a region name",
                fieldIssues: [FieldIssue(path: "region", value: region, expected: Settings.regionExpectation)])
        }
        return "https://api-\(region).planhat.com"
    }

    private func readConfigFile() throws -> ConfigFile? {
        let path = configPath
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try requirePrivate(path, kind: "config file")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PlanhatError(.configuration, message: "cannot read the config file \(path)")
        }
        do {
            return try YAMLDecoder().decode(ConfigFile.self, from: data)
        } catch {
            throw PlanhatError(
                .configuration, message: "the config file \(path) is not valid: \(ConfigFile.describe(error))",
                details: ["Expected: profile: NAME, journal: full | light | off and profiles: {NAME: {token_file | token, base_url | region, read_only, tenant_uuid, analytics_url}}."])
        }
    }

    /// Refuses a file that group or others can read: a token must stay the owner's.
    func requirePrivate(_ path: String, kind: String) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let permissions = attributes[.posixPermissions] as? Int
        else {
            throw PlanhatError(.configuration, message: "cannot read the \(kind) \(path)")
        }
        if permissions & 0o077 != 0 {
            throw PlanhatError(
                .configuration,
                message: "the \(kind) \(path) is readable by others (mode \(String(permissions & 0o777, radix: 8))); it may hold a token",
                details: ["Fix it with: chmod 600 \(path)"])
        }
    }

    private func expand(_ path: String) -> String {
        directories.expand(path)
    }
}

/// The config file's shape.
struct ConfigFile: Decodable {
    struct Profile: Decodable {
        var token: String?
        var tokenFile: String?
        var baseURL: String?
        var region: String?
        var readOnly: Bool?
        var tenantUUID: String?
        var analyticsURL: String?
        var webURL: String?
        var tenantSlug: String?

        enum CodingKeys: String, CodingKey {
            case token, region
            case webURL = "web_url"
            case tenantSlug = "tenant_slug"
            case tokenFile = "token_file"
            case baseURL = "base_url"
            case readOnly = "read_only"
            case tenantUUID = "tenant_uuid"
            case analyticsURL = "analytics_url"
        }
    }

    var defaultProfile: String?
    var profiles: [String: Profile]
    /// `journal: full | light | off`.
    var journal: String?

    enum CodingKeys: String, CodingKey {
        case defaultProfile = "profile"
        case profiles, journal
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        defaultProfile = try container.decodeIfPresent(String.self, forKey: .defaultProfile)
        profiles = try container.decodeIfPresent([String: Profile].self, forKey: .profiles) ?? [:]
        journal = try container.decodeIfPresent(String.self, forKey: .journal)
    }

    static func describe(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
            @unknown default:
                break
            }
        }
        return String(describing: error)
    }
}
