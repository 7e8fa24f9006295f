import Foundation
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

@Suite("Version", .offThePool)
struct VersionTests {
    @Test("--version prints the version and the commit the binary was built from")
    func version() throws {
        let result = try ProcessRunner.planhat(["--version"])
        #expect(result.status == 0)
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.range(of: #"^\d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(\+changes)?|unknown)\)$"#, options: .regularExpression) != nil, "\(line)")
        let head = try ProcessRunner.run("/usr/bin/git", ["-C", ProcessRunner.packageRoot.path, "rev-parse", "--short=12", "HEAD"], environment: ProcessRunner.environment())
        if head.status == 0 { #expect(line.contains(head.stdout.trimmingCharacters(in: .whitespacesAndNewlines))) }
    }
}
