import Foundation
import PlanhatKit
import PlanhatSandbox
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Nothing lost", .offThePool)
struct CrashSafetyTests {
    /// A fresh folder with a sandbox of `companies` companies in it, and the environment to run in.
    func seeded(_ name: String, companies: Int) throws -> (folder: URL, sandbox: String, environment: [String: String]) {
        let folder = ProcessRunner.temporaryDirectory(name)
        let sandbox = folder.appendingPathComponent("sandbox.sqlite").path
        let environment = ProcessRunner.environment()
        #expect(try ProcessRunner.planhat(["sandbox", "reset", "--companies", String(companies), "--sandbox-path", sandbox], environment: environment).status == 0)
        return (folder, sandbox, environment)
    }

    @Test("kill -9 during a 20 000-item bulk upsert leaves a sound database holding whole chunks of 5 000 only")
    func killDuringWrite() throws {
        let (folder, sandbox, environment) = try seeded("kill9", companies: 5)
        let items = (0..<20_000).map { index -> JSONValue in ["name": .string("Killed \(index)"), "externalId": .string("K-\(index)")] }
        let file = folder.appendingPathComponent("items.json")
        try Data(JSONValue.object(["items": .array(items)]).compactText().utf8).write(to: file)

        let killedWhileRunning = try killAfter(1.5, ["call", "companies", "bulkUpsert", "--sandbox", "--sandbox-path", sandbox, "--params", "@" + file.path, "--compact"], environment)

        let store = try SandboxStore(path: sandbox)
        #expect(try store.integrityCheck() == "ok")
        let companies = try store.counts()["companies"] ?? -1
        // Each chunk of 5 000 is one request and one transaction, as on Planhat: whole chunks or nothing.
        #expect((companies - 5) % 5_000 == 0 && (5...20_005).contains(companies), "a partial chunk was written: \(companies)")
        if killedWhileRunning { #expect(companies < 20_005, "killed mid-run, the chunks after it were never sent") }
        // The file still works as a sandbox afterwards.
        let after = try ProcessRunner.planhat(["call", "companies", "list", "--sandbox", "--sandbox-path", sandbox, "--params", #"{"limit":1}"#], environment: environment)
        #expect(after.status == 0)
    }

    @Test("a reset interrupted by kill -9 leaves the previous sandbox intact")
    func killDuringReset() throws {
        let (_, sandbox, environment) = try seeded("kill9-reset", companies: 7)
        _ = try killAfter(1.5, ["sandbox", "reset", "--companies", "50000", "--sandbox-path", sandbox], environment)
        let store = try SandboxStore(path: sandbox)
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.counts()["companies"] == 7)
    }

    /// Starts `planhat` with `arguments`, sends SIGKILL after `seconds`; returns whether it was still running.
    private func killAfter(_ seconds: Double, _ arguments: [String], _ environment: [String: String]) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessRunner.planhatBinary)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(useconds_t(seconds * 1_000_000))
        let running = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return running
    }
}
