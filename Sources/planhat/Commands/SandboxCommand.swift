import ArgumentParser
import Foundation
import HTTPFrontDoor
import Logging
import PlanhatKit
import PlanhatRemote
import PlanhatSandbox

/// `planhat sandbox …`: the embedded offline workspace.
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Manage the embedded sandbox workspace.",
        subcommands: [Reset.self, Info.self, Serve.self])

    /// `planhat sandbox reset [--companies N]`
    struct Reset: ParsableCommand, ChoosesLogLevel {
        static let configuration = CommandConfiguration(
            abstract: "Replace the sandbox's data with freshly seeded demo data.")

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How many companies to seed (their contacts, licenses and the rest follow).", valueName: "n"))
        var companies = String(DemoData.defaultCompanies)

        @OptionGroup var sandboxFile: SandboxPathOption

        @Flag(name: .long, help: SharedHelp.json)
        var json = false

        @OptionGroup var logging: LogLevelOption

        /// What `--companies` accepts.
        static let companiesRule = OptionRule<Int>.wholeNumber("--companies", in: 0...2_000_000)

        var logLevel: Logger.Level? { logging.level }

        func validate() throws {
            _ = try Self.companiesRule.value(of: companies)
        }

        func run() throws {
            let companies = try Self.companiesRule.value(of: self.companies)
            let path = sandboxFile.resolved
            let start = Date()
            let total: Int
            do {
                try DemoData(companies: companies).reset(fileAt: path)
                total = try SandboxStore(path: path).counts().values.reduce(0, +)
            } catch let error as PlanhatError {
                throw error
            } catch {
                throw PlanhatError(
                    status: 500, message: "cannot reset the sandbox at \(path): \(error)",
                    details: ["Choose another file with --sandbox-path / PLANHAT_SANDBOX_PATH."])
            }
            Console.err(String(format: "seeded %d companies (%d records) in %.1f s", companies, total, Date().timeIntervalSince(start)))
            Console.out(path)
        }
    }

    /// `planhat sandbox info`
    struct Info: ParsableCommand, ChoosesLogLevel {
        static let configuration = CommandConfiguration(abstract: "Show where the sandbox is and what it holds.")

        @OptionGroup var sandboxFile: SandboxPathOption

        @Flag(name: .long, help: SharedHelp.json)
        var json = false

        @OptionGroup var logging: LogLevelOption

        var logLevel: Logger.Level? { logging.level }

        func run() throws {
            let path = sandboxFile.resolved
            let backend = try SandboxBackend.open(path: path)
            let counts = try backend.store.counts()
            Console.out("sandbox: \(path)")
            Console.out(Console.table(["MODEL", "RECORDS"], counts.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] }))
        }
    }

    /// `planhat sandbox serve`: the sandbox over HTTP as a local Planhat stand-in.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the sandbox over HTTP with Planhat's URL layout, for scripts and tests.",
            discussion: """
                Point any Planhat client at it: PLANHAT_API_URL=http://127.0.0.1:4010 PLANHAT_API_TOKEN=any planhat call companies list
                Fault injection: --faults FILE (a JSON list of rules) or POST /__control/faults, e.g.
                  {"path": "/companies", "method": "GET", "count": 2, "status": 429, "retryAfter": "1"}
                  {"path": "/companies", "method": "POST", "status": 500}
                  {"path": "/endusers", "delayMs": 3000}   {"path": "/companies", "drop": "after"}
                GET /__control/requests counts the requests served; DELETE clears faults or counts.
                Off loopback (--host 0.0.0.0 or another address) --token is required, and the control routes
                answer only with --control-token (403 without it).
                The analytics host's routes (metrics push POST /dimensiondata/<tenant UUID>, user activities
                POST /analytics/<tenant UUID>) are served here too: point PLANHAT_ANALYTICS_URL at this server.
                Like Planhat's they take no token; the tenant UUID in the path must be --tenant-uuid when given
                (any on loopback without it; off loopback they answer 403 without it).
                Limits: bodies up to --max-body-mb (413 past it), heads up to 32 KB (431), 10 s for a request's
                head and 60 s of silence before the connection is closed.
                """)

        @Option(name: .long, help: "The IP address to listen on: 127.0.0.1 (this machine only), ::1, or 0.0.0.0 for every interface (needs --token).")
        var host = "127.0.0.1"

        @Option(name: .long, help: "The port (0 picks a free one; the port is printed on stderr).")
        var port: UInt16 = 4010

        @Option(name: .long, help: ArgumentHelp("The Bearer token clients must send (default on loopback: any non-empty token; required elsewhere).", valueName: "token"))
        var token: String?

        @Option(name: .customLong("read-only-token"), help: ArgumentHelp("A second Bearer token that may only read: its writes get 403, like a Planhat user without the permission.", valueName: "token"))
        var readOnlyToken: String?

        @Option(name: .customLong("control-token"), help: ArgumentHelp("The Bearer token the /__control/* routes require (default: none on loopback; off loopback they are off without it).", valueName: "token"))
        var controlToken: String?

        @Option(name: .customLong("tenant-uuid"), help: ArgumentHelp("The tenant UUID the analytics routes require in their path (default: any on loopback; off loopback they are off without it).", valueName: "uuid"))
        var tenantUUID: String?

        @Option(name: .customLong("max-body-mb"), help: ArgumentHelp("The largest request body in MB; larger ones get 413 before they are read.", valueName: "n"))
        var maxBodyMB = ServeLimits.standard.maxBodyBytes / 1_048_576

        @Option(name: .long, help: ArgumentHelp("A JSON file of fault rules to serve first.", valueName: "file"))
        var faults: String?

        @OptionGroup var sandboxFile: SandboxPathOption

        func validate() throws {
            let address: ListenAddress
            do {
                address = try ListenAddress(host: host)
            } catch {
                throw ValidationError("--host: \(error.description)")
            }
            if token?.isEmpty == true { throw ValidationError("--token must not be empty") }
            if readOnlyToken?.isEmpty == true { throw ValidationError("--read-only-token must not be empty") }
            if controlToken?.isEmpty == true { throw ValidationError("--control-token must not be empty") }
            if tenantUUID?.isEmpty == true { throw ValidationError("--tenant-uuid must not be empty") }
            if !address.isLoopback && token == nil { throw ValidationError(SandboxServer.tokenRequiredMessage(host: host)) }
            guard ServeLimits.bodyMegabytesRange.contains(maxBodyMB) else {
                let range = ServeLimits.bodyMegabytesRange
                throw ValidationError("--max-body-mb must be from \(range.lowerBound) to \(range.upperBound), got \(maxBodyMB)")
            }
        }

        func run() async throws {
            var rules: [FaultRule] = []
            if let faults {
                guard let data = FileManager.default.contents(atPath: faults) else {
                    throw PlanhatError.file("cannot read the faults file \(faults)")
                }
                do {
                    rules = try FaultRule.decodeList(data)
                } catch {
                    throw PlanhatError(.usage, message: "the faults file \(faults) is not a list of fault rules: \(FaultRule.describe(error))")
                }
            }
            let path = sandboxFile.resolved
            let address = try ListenAddress(host: host)
            // Like Planhat, the stand-in takes fields it does not know and drops them without a word.
            let service = PlanhatService(backend: try SandboxBackend.open(path: path), unknownFields: .allow)
            var limits = ServeLimits.standard
            limits.maxBodyBytes = maxBodyMB * 1_048_576
            let server = SandboxServer(service: service, token: token, host: host, port: port, faults: FaultInjector(rules: rules),
                                       controlToken: controlToken, limits: limits, tenantUUID: tenantUUID, readOnlyToken: readOnlyToken)
            let tokenNote = token == nil ? "any non-empty Bearer token" : "the Bearer token given with --token"
            let hasControlToken = controlToken != nil
            try await server.run { bound in
                if !address.isLoopback {
                    for line in Self.exposureWarning(address: address, port: bound, sandbox: path, hasControlToken: hasControlToken) {
                        Console.err("WARNING: \(line)")
                    }
                }
                Console.err("planhat sandbox serve: listening on \(Self.url(address, port: bound)) (sandbox \(path); \(tokenNote))")
            }
        }

        /// `http://127.0.0.1:4010`; for a wildcard address, the loopback URL this machine can use too.
        static func url(_ address: ListenAddress, port: UInt16) -> String {
            let url = "http://\(address.urlHost):\(port)"
            switch address.host {
            case "0.0.0.0": return "\(url) (every interface; from this machine http://127.0.0.1:\(port))"
            case "::": return "\(url) (every interface; from this machine http://[::1]:\(port))"
            default: return url
            }
        }

        /// The warning printed before serving on an address other machines can reach.
        static func exposureWarning(address: ListenAddress, port: UInt16, sandbox: String, hasControlToken: Bool) -> [String] {
            [
                "sandbox serve is listening on \(address.host), which is NOT a loopback address.",
                "Anyone who can reach port \(port) of this machine can read and change the sandbox \(sandbox)",
                "with the --token value, sent in clear text (plain HTTP, no TLS). Use 127.0.0.1 unless you mean it.",
                hasControlToken
                    ? "The control routes (/__control/*: faults, request counts) need Authorization: Bearer <--control-token>."
                    : "The control routes (/__control/*: faults, request counts) are off (403): no --control-token was given.",
            ]
        }
    }
}
