import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// The Python reference client (`mcp` 2.3.0 from PyPI, installed by `make test`) against the binary.
@Suite("MCP with the Python reference client", .offThePool)
struct PythonClientTests {
    static let python: String? = {
        let configured: String? = ProcessInfo.processInfo.environment["PLANHAT_MCP_PYTHON"]
        let local: String = ProcessRunner.packageRoot.appendingPathComponent(".build/mcp-venv/bin/python").path
        let candidates: [String] = [configured, local].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    @Test("initialize, tools, schema, top three by ARR, create/view/update/delete, read-only schemas, a cancelled bulk upsert, malformed lines", .enabled(if: PythonClientTests.python != nil))
    func referenceClient() throws {
        let script = ProcessRunner.packageRoot.appendingPathComponent("Tests/PlanhatMCPTests/python_client_check.py").path
        let sandbox = ProcessRunner.temporaryDirectory("py").appendingPathComponent("s.sqlite").path
        let result = try ProcessRunner.run(Self.python ?? "python3", [script, ProcessRunner.planhatBinary, sandbox], environment: ProcessRunner.environment(), timeout: 240)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("ALL CHECKS PASSED"), "\(result.stdout)")
    }
}
