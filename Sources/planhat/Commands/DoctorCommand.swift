import ArgumentParser
import Foundation
import Logging
import PlanhatKit
import PlanhatRemote
import PlanhatSandbox

/// `planhat doctor`: which backend, where, with which credentials, and whether it answers.
struct DoctorCommand: AsyncParsableCommand, ChoosesLogLevel {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show the backend, base URL, profile, masked token and paths, and check the connection.",
        discussion: "With --json the same facts are printed as one JSON document (the token masked as in the table).")

    @OptionGroup var backend: BackendOptions

    var logLevel: Logger.Level? { backend.logging.level }

    func run() async throws {
        let settings = try backend.settings()
        var report = DoctorReport(
            settings: settings, sandbox: backend.usesSandbox(settings), sandboxPath: backend.resolvedSandboxPath,
            configFound: FileManager.default.fileExists(atPath: settings.configPath))
        let started = Date()
        do {
            let service = try backend.makeService(readOnly: true, announceSandbox: false)
            let answer = try await service.perform(model: "companies", operation: "list", parameters: ["limit": 1, "select": "name"])
            report.check = .passed(records: answer.arrayValue?.count ?? 0, milliseconds: Int(Date().timeIntervalSince(started) * 1000))
            show(report)
        } catch let error as PlanhatError {
            report.check = .failed(error)
            show(report)
            throw error
        }
    }

    private func show(_ report: DoctorReport) {
        Console.out(backend.json ? report.jsonValue.prettyText() : Console.keyValues(report.rows))
    }
}

/// What `planhat doctor` found, as a table or as JSON. It holds the token's masked form only.
struct DoctorReport {
    /// The live check: a one-record list of companies.
    enum Check {
        case passed(records: Int, milliseconds: Int)
        case failed(PlanhatError)
    }

    var sandbox: Bool
    var baseURL: String
    var profile: String?
    /// The token as shown (``mask(_:)``), never the token.
    var maskedToken: String?
    var tokenSource: String?
    var configPath: String
    var configFound: Bool
    var sandboxPath: String
    var profileReadOnly: Bool
    /// The analytics host (metrics push, user activities).
    var analyticsURL: String
    /// The tenant UUID's first 4 characters, when one is configured (it authorises pushes).
    var maskedTenantUUID: String?
    var version = PlanhatVersion.current
    var check: Check?

    init(settings: Settings, sandbox: Bool, sandboxPath: String, configFound: Bool) {
        self.sandbox = sandbox
        baseURL = settings.baseURL
        profile = settings.profile
        maskedToken = settings.token.map(Self.mask)
        tokenSource = settings.tokenSource
        configPath = settings.configPath
        self.configFound = configFound
        self.sandboxPath = sandboxPath
        profileReadOnly = settings.profileReadOnly
        analyticsURL = settings.analyticsURL
        maskedTenantUUID = settings.tenantUUID.map { String($0.prefix(4)) + "…" }
    }

    /// The token's first 4 characters and an ellipsis; only the ellipsis for a token so short that
    /// 4 characters would be most of it.
    static func mask(_ token: APIToken) -> String {
        token.secret.count >= 12 ? token.masked : "…"
    }

    /// `key  value` rows for the table.
    var rows: [[String]] {
        var rows: [[String]] = [
            ["backend", sandbox ? "sandbox" : "remote"],
            ["base URL", sandbox ? "(sandbox: no network)" : baseURL],
            ["profile", profile ?? "(none)"],
            ["token", maskedToken.map { "\($0) (from \(tokenSource ?? "?"))" } ?? "not configured (set PLANHAT_API_TOKEN or a config profile)"],
            ["config", configPath + (configFound ? "" : " (not found)")],
            ["sandbox", sandboxPath],
            ["read-only", profileReadOnly ? "yes (profile)" : "no"],
            ["analytics", analyticsURL],
            ["tenant", maskedTenantUUID ?? "not configured (metrics push and user activities need PLANHAT_TENANT_UUID or tenant_uuid)"],
            ["version", version],
        ]
        switch check {
        case .passed(let records, let milliseconds):
            rows.append(["check", "ok: list companies (limit 1) answered \(records) record in \(milliseconds) ms"])
        case .failed(let error):
            rows.append(["check", "FAILED: \(error.headline)"])
        case nil:
            break
        }
        return rows
    }

    /// The same facts as one JSON object. `baseURL` is the API the settings select, which the
    /// sandbox backend does not use.
    var jsonValue: JSONValue {
        var token: [String: JSONValue] = ["configured": .bool(maskedToken != nil)]
        if let maskedToken { token["masked"] = .string(maskedToken) }
        if let tokenSource { token["source"] = .string(tokenSource) }
        var document: [String: JSONValue] = [
            "backend": .string(sandbox ? "sandbox" : "remote"),
            "baseURL": .string(baseURL),
            "profile": profile.map(JSONValue.string) ?? .null,
            "token": .object(token),
            "config": ["path": .string(configPath), "found": .bool(configFound)],
            "sandboxPath": .string(sandboxPath),
            "readOnly": .bool(profileReadOnly),
            "analyticsURL": .string(analyticsURL),
            "tenantUUID": ["configured": .bool(maskedTenantUUID != nil)],
            "version": .string(version),
        ]
        switch check {
        case .passed(let records, let milliseconds):
            document["check"] = ["ok": true, "operation": "companies list (limit 1)", "records": .integer(records), "milliseconds": .integer(milliseconds)]
        case .failed(let error):
            document["check"] = ["ok": false, "error": error.jsonValue["error"] ?? .null]
        case nil:
            break
        }
        return .object(document)
    }
}
