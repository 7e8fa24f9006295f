import ArgumentParser
import Foundation
import PlanhatKit
import PlanhatSandbox

/// `planhat doctor`: which backend, where, with which credentials, and whether it answers.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show the backend, base URL, profile, masked token and paths, and check the connection.")

    @OptionGroup var backend: BackendOptions

    func run() async throws {
        let settings = try backend.settings()
        let sandbox = backend.usesSandbox(settings)
        let configFound = FileManager.default.fileExists(atPath: settings.configPath)
        var rows: [[String]] = [
            ["backend", sandbox ? "sandbox" : "remote"],
            ["base URL", sandbox ? "(sandbox: no network)" : settings.baseURL],
            ["profile", settings.profile ?? "(none)"],
            ["token", settings.token.map { "\($0.masked) (from \(settings.tokenSource ?? "?"))" } ?? "not configured (set PLANHAT_API_TOKEN or a config profile)"],
            ["config", settings.configPath + (configFound ? "" : " (not found)")],
            ["sandbox", backend.resolvedSandboxPath],
            ["read-only", settings.profileReadOnly ? "yes (profile)" : "no"],
            ["version", PlanhatVersion.current],
        ]
        let started = Date()
        do {
            let service = try backend.makeService(readOnly: true, announceSandbox: false)
            let answer = try await service.perform(model: "companies", operation: "list", parameters: ["limit": 1, "select": "name"])
            let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
            rows.append(["check", "ok: list companies (limit 1) answered \(answer.arrayValue?.count ?? 0) record in \(milliseconds) ms"])
            Console.out(Console.keyValues(rows))
        } catch let error as PlanhatError {
            rows.append(["check", "FAILED: \(error.headline)"])
            Console.out(Console.keyValues(rows))
            throw error
        }
    }
}
