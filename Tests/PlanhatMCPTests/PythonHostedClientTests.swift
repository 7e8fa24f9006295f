import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// The Python reference client (`mcp` 2.3.0) against the hosted tool set of the binary.
@Suite("MCP hosted tools with the Python reference client", .offThePool)
struct PythonHostedClientTests {
    @Test("--toolset all and hosted: declarations, pages, every FILTER operator, SELECT, writes, read-only, allow-list, budget", .enabled(if: PythonClientTests.python != nil))
    func hostedTools() throws {
        let script = ProcessRunner.packageRoot.appendingPathComponent("Tests/PlanhatMCPTests/python_hosted_check.py").path
        let sandbox = ProcessRunner.temporaryDirectory("pyh").appendingPathComponent("s.sqlite").path
        let result = try ProcessRunner.run(PythonClientTests.python ?? "python3", [script, ProcessRunner.planhatBinary, sandbox], environment: ProcessRunner.environment(), timeout: 240)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("ALL CHECKS PASSED"), "\(result.stdout)")
    }
}
