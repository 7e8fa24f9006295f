import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// `planhat mcp --http` offers what `--stdio` does: the resources, the quota waits said (and
/// cancellable), and forwarded answers held to `--max-result-bytes`. Driven by the Python reference
/// client (`mcp` 2.3.0) over Streamable HTTP, stateful and stateless.
@Suite("MCP over HTTP offers what stdio does", .offThePool, .enabled(if: PythonClientTests.python != nil))
struct HTTPParityTests {
    static func mode(_ stateless: Bool) -> [String] { stateless ? ["--stateless"] : [] }

    @Test("resources: the journal, the views index, each view paged and cut to --max-result-bytes, an unknown view refused", arguments: [false, true])
    func resources(stateless: Bool) throws {
        let server = try ServedMCPHTTP(["--sandbox", "--sandbox-path", HTTPEndToEndTests.sandbox(), "--max-result-bytes", "3000"] + Self.mode(stateless))
        defer { server.stop() }
        try HTTPEndToEndTests.check(["resources", server.url, "3000"])
        #expect(server.log().contains("method=resources/read status=200"), "the reads are logged as resources/read")
    }

    @Test("a call waiting for Planhat's quota: stateful hears progress while it waits and cancels it there (nothing sent); the one that waits says how long and why", arguments: [false, true])
    func quotaWait(stateless: Bool) throws {
        let rest = try ServedSandbox(token: QuotaWaitTests.secret)
        defer { rest.stop() }
        let environment = ProcessRunner.environment(["PLANHAT_API_URL": rest.baseURL, "PLANHAT_API_TOKEN": QuotaWaitTests.secret])
        let server = try ServedMCPHTTP(["--toolset", "hosted", "--requests-per-minute", "3", "--no-upstream"] + Self.mode(stateless), environment: environment)
        defer { server.stop() }
        try HTTPEndToEndTests.check(["wait", server.url, stateless ? "stateless" : "stateful"])
        #expect(try rest.count("GET /companies") == 4, "three quick calls and the patient one reached Planhat; a cancelled one never did")
    }

    @Test("forwarded answers (search_records, get_document on the remote backend) are cut to --max-result-bytes at a whole item and say so", arguments: [false, true])
    func forwardedCut(stateless: Bool) throws {
        let secret = UpstreamForwardingTests.secret
        let rest = try ServedSandbox(token: secret)
        defer { rest.stop() }
        let hosted = try HostedStandIn(token: secret)
        defer { hosted.stop() }
        let environment = ProcessRunner.environment(["PLANHAT_API_URL": rest.baseURL, "PLANHAT_API_TOKEN": secret])
        let server = try ServedMCPHTTP(["--toolset", "hosted", "--upstream-mcp", hosted.url, "--max-result-bytes", "4000"] + Self.mode(stateless), environment: environment)
        defer { server.stop() }
        try HTTPEndToEndTests.check(["forwarded", server.url, "4000"])
        #expect(try hosted.calls().filter { $0["tool"] == "search_records" }.count == 2)
    }
}
