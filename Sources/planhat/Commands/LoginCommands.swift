import ArgumentParser
import Foundation
import Logging
import PlanhatKit
import PlanhatLogin
import PlanhatRemote

#if canImport(Glibc)
    import Glibc
#endif

/// `planhat login`: signs in to Planhat with OAuth (authorization code + PKCE S256, loopback redirect)
/// and keeps the tokens in the profile's 0600 credentials file, which every face then uses.
struct LoginCommand: AsyncParsableCommand, ChoosesLogLevel {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in to Planhat with OAuth and keep the tokens for every face (CLI, explorer, MCP).",
        discussion: """
            Create an OAuth Client in Planhat's App Center (App Center → New App → OAuth Client) and register
            exactly http://127.0.0.1:47615/callback (or your --port / --redirect-uri) as its Redirect URL.
            The client secret comes from PLANHAT_CLIENT_SECRET or a prompt that does not echo, never a flag;
            without one the login is a public client (PKCE only).
            """)

    @Option(name: .long, help: ArgumentHelp("The OAuth Client's id, pk_… (default $PLANHAT_CLIENT_ID).", valueName: "id"))
    var clientID: String?

    @Option(name: .long, help: ArgumentHelp("The loopback port of the redirect URL http://127.0.0.1:<port>/callback (default 47615).", valueName: "port"))
    var port: UInt16?

    @Option(name: .long, help: ArgumentHelp("The whole redirect URL, e.g. http://localhost:47615/callback (instead of --port).", valueName: "uri"))
    var redirectURI: String?

    @Flag(name: .long, help: "Do not start a browser: print the URL and take the redirected address pasted back.")
    var noBrowser = false

    @Option(name: .long, help: ArgumentHelp("The profile to sign in for (default $PLANHAT_PROFILE or the config file's).", valueName: "name"))
    var profile: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Seconds to wait for the browser (default 300).", valueName: "seconds"))
    var timeout = "300"

    @OptionGroup var logging: LogLevelOption

    var logLevel: Logger.Level? { logging.level }

    static let timeoutRule = OptionRule<Double>.seconds("--timeout")

    func validate() throws {
        if port != nil && redirectURI != nil { throw ValidationError("--port and --redirect-uri both name the redirect: give one") }
        _ = try Self.timeoutRule.value(of: timeout)
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let clientID = (clientID ?? environment["PLANHAT_CLIENT_ID"]).flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw PlanhatError(
                .usage, message: "--client-id is required (or PLANHAT_CLIENT_ID): the id (pk_…) of an OAuth Client from Planhat's App Center")
        }
        let redirect = redirectURI ?? "http://127.0.0.1:\(port ?? LoginFlow.defaultPort)/callback"
        let secret = try Self.clientSecret(environment)
        let profileName = profile ?? environment["PLANHAT_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        let store = CredentialsStore(profile: profileName)
        let flow = LoginFlow(
            clientID: clientID, clientSecret: secret,
            authorizeURL: environment["PLANHAT_OAUTH_AUTHORIZE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? TokenEndpoint.planhatAuthorizeURL,
            tokenURL: environment["PLANHAT_OAUTH_TOKEN_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? TokenEndpoint.planhatTokenURL,
            redirectURI: redirect, timeout: .milliseconds(Int(try Self.timeoutRule.value(of: timeout) * 1_000)))
        let browser: (@Sendable (URL) -> Bool)? = noBrowser ? nil : { @Sendable url in Browser.open(url, environment: environment) }
        let credentials = try await flow.run(LoginFlow.Interaction(openBrowser: browser, say: { Console.err($0) }, readsPaste: noBrowser))
        try store.save(credentials)
        let expiry = credentials.expiresAt.map { "expires \(ISO8601DateFormatter().string(from: $0))" } ?? "no expiry given"
        Console.err("Signed in\(profileName.map { " (profile \($0))" } ?? ""): access token …\(credentials.accessToken.suffix(4)), \(expiry)\(credentials.refreshToken == nil ? "" : ", refreshable"); kept in \(store.path) (0600).")
    }

    /// `PLANHAT_CLIENT_SECRET`, or a prompt without echo on a terminal; nil: a public client.
    static func clientSecret(_ environment: [String: String]) throws -> String? {
        if let secret = environment["PLANHAT_CLIENT_SECRET"], !secret.isEmpty { return secret }
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        FileHandle.standardError.write(Data("Client secret (sk_…; Enter for a public client): ".utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        let line = readLine()?.trimmingCharacters(in: .whitespaces) ?? ""
        return line.isEmpty ? nil : line
    }
}

/// Starts the user's browser: `$PLANHAT_BROWSER` or `$BROWSER` (a command line, the URL appended),
/// else `xdg-open` when a display is there, else `open` on macOS.
enum Browser {
    static func open(_ url: URL, environment: [String: String]) -> Bool {
        var command: [String]
        if let custom = environment["PLANHAT_BROWSER"] ?? environment["BROWSER"], !custom.isEmpty {
            command = custom.split(separator: " ").map(String.init)
        } else {
            #if os(macOS)
                command = ["open"]
            #else
                guard environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil else { return false }
                command = ["xdg-open"]
            #endif
        }
        command.append(url.absoluteString)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
            return true
        } catch {
            return false
        }
    }
}

/// `planhat logout`: deletes the profile's local credentials.
struct LogoutCommand: ParsableCommand, ChoosesLogLevel {
    static let configuration = CommandConfiguration(commandName: "logout", abstract: "Delete the local Planhat sign-in (planhat login) of a profile.")

    @Option(name: .long, help: ArgumentHelp("The profile (default $PLANHAT_PROFILE).", valueName: "name"))
    var profile: String?

    @OptionGroup var logging: LogLevelOption

    var logLevel: Logger.Level? { logging.level }

    func run() throws {
        let store = CredentialsStore(profile: profile ?? ProcessInfo.processInfo.environment["PLANHAT_PROFILE"].flatMap { $0.isEmpty ? nil : $0 })
        let removed = store.delete()
        Console.err(removed ? "Removed the local credentials (\(store.path))." : "Not signed in: no credentials at \(store.path).")
        Console.err("Planhat advertises no revocation endpoint: to end the grant on Planhat's side, disconnect the app under your Planhat profile's Applications tab.")
    }
}

/// `planhat auth status`: which credential is in use, never more than its last 4 characters.
struct AuthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "auth", abstract: "Show the Planhat credential in use.", subcommands: [Status.self], defaultSubcommand: Status.self)

    struct Status: ParsableCommand, ChoosesLogLevel {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Which credential is in use (environment, OAuth sign-in or config), its expiry and last 4 characters.")

        @Option(name: .long, help: ArgumentHelp("The profile (default $PLANHAT_PROFILE or the config file's).", valueName: "name"))
        var profile: String?

        @OptionGroup var logging: LogLevelOption

        var logLevel: Logger.Level? { logging.level }

        func run() throws {
            let settings = try SettingsLoader().load(SettingsRequest(profile: profile))
            guard let token = settings.token else {
                Console.out("No credential: set PLANHAT_API_TOKEN, run planhat login, or add a token to a profile in \(settings.configPath).")
                return
            }
            var lines = ["Credential: \(settings.tokenSource ?? "configured")", "Token: …\(token.secret.suffix(4))", "API: \(settings.baseURL)"]
            if let session = settings.oauth, let credentials = try session.store.load() {
                let expiry = credentials.expiresAt.map { ISO8601DateFormatter().string(from: $0) + ($0 < Date() ? " (expired: refreshed on next use)" : "") } ?? "not given (lasts until refused)"
                lines.append("Expires: \(expiry)")
                lines.append("Refresh token: \(credentials.refreshToken == nil ? "none" : "kept")")
                lines.append("Client: \(credentials.clientID)")
            }
            Console.out(lines.joined(separator: "\n"))
        }
    }
}
