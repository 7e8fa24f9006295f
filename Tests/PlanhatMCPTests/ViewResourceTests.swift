import Foundation
import MCP
import PlanhatKit
import PlanhatMCP
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// The saved views as MCP resources (`planhat://views/NAME`), read through the SDK's client from
/// the built binary, checked against `planhat view run` on the same sandbox.
@Suite("MCP saved-view resources through the SDK client", .offThePool)
struct ViewResourceTests {
    /// A views.yaml with one view of every company, wide enough that a small budget cuts it.
    static let file = """
        views:
          all-companies:
            title: Every company, largest ARR first
            model: companies
            sort: -arr
            columns: [name, arr, phase, status, h, renewalDaysFromNow, owner]
          customers-named-a:
            model: companies
            where:
              status: customer
              name: {contains: a}
            columns: [name, status]

        """

    /// An environment whose config folder holds ``file``, and the sandbox every process shares.
    static func setting() throws -> (environment: [String: String], sandbox: String) {
        let config = ProcessRunner.temporaryDirectory("views-config")
        let folder = config.appendingPathComponent("planhat-explorer")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try file.write(to: folder.appendingPathComponent("views.yaml"), atomically: true, encoding: .utf8)
        let sandbox = ProcessRunner.temporaryDirectory("views-sandbox").appendingPathComponent("s.sqlite").path
        return (ProcessRunner.environment(["XDG_CONFIG_HOME": config.path]), sandbox)
    }

    static func connect(_ arguments: [String], environment: [String: String]) async throws -> (MCPLineClient, Client) {
        let child = try MCPLineClient(arguments: arguments, environment: environment)
        let client = Client(name: "view-tests", version: "1.0")
        _ = try await client.connect(transport: StdioLineTransport(input: child.standardOutput.fileDescriptor, output: child.standardInput.fileDescriptor))
        return (child, client)
    }

    static func read(_ client: Client, _ uri: String) async throws -> JSONValue {
        let contents = try await client.readResource(uri: uri)
        let text = try #require(contents.first?.text)
        #expect(contents.first?.mimeType == "application/json")
        return try JSONValue.parse(text)
    }

    @Test("resources/list names every view with its definition; reading one gives the records planhat view run prints, paged")
    func listAndRead() async throws {
        let (environment, sandbox) = try Self.setting()
        let (child, client) = try await Self.connect(["--stdio", "--sandbox", "--sandbox-path", sandbox], environment: environment)
        defer { child.stop() }
        let (resources, _) = try await client.listResources()
        let uris = resources.map(\.uri)
        #expect(uris.contains("planhat://journal/recent"))
        for name in ["all-companies", "customers-named-a", "renewals-90d", "low-health", "tasks-this-week"] {
            #expect(uris.contains("planhat://views/\(name)"), "\(name) is listed: \(uris)")
        }
        let renewals = try #require(resources.first { $0.uri == "planhat://views/renewals-90d" })
        let description = try #require(renewals.description)
        #expect(description.contains("model companies") && description.contains("renewalDaysFromNow from 0 and renewalDaysFromNow to 90"))
        #expect(description.contains("sort -arr") && description.contains("columns name, arr, renewalDaysFromNow, owner, h, phase"))
        #expect(renewals.title == "Renewals in the next 90 days, largest ARR first")

        // The index lists the same views with their definitions.
        let index = try await Self.read(client, "planhat://views")
        let listed = try #require(index["views"]?.arrayValue)
        #expect(listed.compactMap { $0["name"]?.stringValue }.sorted() == ["all-companies", "customers-named-a", "low-health", "renewals-90d", "tasks-this-week"])
        #expect(listed.first { $0["name"] == "customers-named-a" }?["where"]?.arrayValue?.count == 2)

        // Reading a view runs it: the records planhat view run prints, in its order, with its columns.
        let cli = try ProcessRunner.planhat(["view", "run", "renewals-90d", "--format", "json", "--sandbox", "--sandbox-path", sandbox], environment: environment)
        #expect(cli.status == 0, "\(cli.stderr)")
        let expected = try #require(try JSONValue.parse(cli.stdout).arrayValue)
        #expect(!expected.isEmpty)
        let read = try await Self.read(client, "planhat://views/renewals-90d?limit=200")
        let records = try #require(read["records"]?.arrayValue)
        #expect(records.compactMap { $0["_id"]?.stringValue } == expected.compactMap { $0["_id"]?.stringValue })
        #expect(records.first.map { Set($0.objectValue?.keys.map { $0 } ?? []) }?.isSubset(of: ["_id", "name", "arr", "renewalDaysFromNow", "owner", "h", "phase"]) == true)
        #expect(read["page"] == ["offset": 0, "limit": 200, "returned": .integer(expected.count), "more": false])
        #expect(read["view"]?["name"] == "renewals-90d")
        #expect(read["line"]?.stringValue == "\(expected.count) companies from offset 0; no more")

        // Pages: 25 by default, the next from nextOffset, and together the same order as one big page.
        let first = try await Self.read(client, "planhat://views/all-companies")
        #expect(first["page"] == ["offset": 0, "limit": 25, "returned": 25, "more": true, "nextOffset": 25])
        #expect(first["line"]?.stringValue == "25 companies from offset 0; more: read planhat://views/all-companies?offset=25")
        let second = try await Self.read(client, "planhat://views/all-companies?offset=25")
        #expect(second["page"]?["offset"] == 25 && second["page"]?["returned"] == 25)
        let both = try await Self.read(client, "planhat://views/all-companies?limit=50")
        let ids = { (answer: JSONValue) in answer["records"]?.arrayValue?.compactMap { $0["_id"]?.stringValue } ?? [] }
        #expect(ids(first) + ids(second) == ids(both))
        let arrs = both["records"]?.arrayValue?.compactMap { $0["arr"]?.doubleValue } ?? []
        #expect(arrs == arrs.sorted(by: >), "the view's sort -arr")

        // Conditions the list cannot send are checked here, and the answer says which.
        let named = try await Self.read(client, "planhat://views/customers-named-a?limit=200")
        let namedRecords = try #require(named["records"]?.arrayValue)
        #expect(!namedRecords.isEmpty && namedRecords.allSatisfy { $0["status"] == "customer" && ($0["name"]?.stringValue?.lowercased().contains("a") ?? false) })
        #expect(named["appliedLocally"]?.arrayValue?.contains("name contains a") == true)

        // Bad URIs are errors that say what is expected.
        await #expect { _ = try await client.readResource(uri: "planhat://views/nope") } throws: { error in
            "\(error)".contains("no view is called 'nope'") && "\(error)".contains("renewals-90d")
        }
        await #expect { _ = try await client.readResource(uri: "planhat://views/all-companies?offset=x") } throws: { error in
            "\(error)".contains("offset") && "\(error)".contains("'x' is not a whole number")
        }
        await #expect { _ = try await client.readResource(uri: "planhat://views/all-companies?limit=0") } throws: { error in
            "\(error)".contains("limit") && "\(error)".contains("from 1 to")
        }
        await #expect { _ = try await client.readResource(uri: "planhat://views/all-companies?page=2") } throws: { error in
            "\(error)".contains("unknown parameter")
        }
    }

    @Test("a view over the byte budget is cut at a whole record and says where to continue; --models says which views cannot run")
    func budgetAndAllowList() async throws {
        let (environment, sandbox) = try Self.setting()
        let (child, client) = try await Self.connect(["--stdio", "--sandbox", "--sandbox-path", sandbox, "--max-result-bytes", "2000"], environment: environment)
        let contents = try await client.readResource(uri: "planhat://views/all-companies")
        let text = try #require(contents.first?.text)
        #expect(text.utf8.count <= 2_000, "\(text.utf8.count) bytes")
        let answer = try JSONValue.parse(text)
        let returned = try #require(answer["page"]?["returned"]?.intValue)
        #expect(returned > 0 && returned < 25)
        #expect(answer["page"]?["nextOffset"]?.intValue == returned && answer["page"]?["more"] == true)
        #expect(answer["truncated"]?["continueOffset"]?.intValue == returned)
        #expect(answer["truncated"]?["budgetBytes"]?.intValue != nil)
        let line = try #require(answer["line"]?.stringValue)
        #expect(line.contains("more: read planhat://views/all-companies?offset=\(returned)") && line.contains("to stay under"))
        // Following nextOffset walks the whole view under the budget: every record once, in the order planhat view run prints.
        var ids = answer["records"]?.arrayValue?.compactMap { $0["_id"]?.stringValue } ?? []
        var page = answer["page"]
        while page?["more"] == true, let offset = page?["nextOffset"]?.intValue {
            let next = try await client.readResource(uri: "planhat://views/all-companies?offset=\(offset)")
            let nextText = try #require(next.first?.text)
            #expect(nextText.utf8.count <= 2_000)
            let nextAnswer = try JSONValue.parse(nextText)
            ids += nextAnswer["records"]?.arrayValue?.compactMap { $0["_id"]?.stringValue } ?? []
            page = nextAnswer["page"]
        }
        #expect(page?["more"] == false)
        let cli = try ProcessRunner.planhat(["view", "run", "all-companies", "--format", "json", "--sandbox", "--sandbox-path", sandbox], environment: environment)
        #expect(ids == (try JSONValue.parse(cli.stdout).arrayValue ?? []).compactMap { $0["_id"]?.stringValue })
        child.stop()

        let (narrow, narrowClient) = try await Self.connect(["--stdio", "--sandbox", "--sandbox-path", sandbox, "--models", "tasks"], environment: environment)
        defer { narrow.stop() }
        let (resources, _) = try await narrowClient.listResources()
        let renewals = try #require(resources.first { $0.uri == "planhat://views/renewals-90d" })
        #expect(renewals.description?.contains("Not available in this session: companies is not among the models offered") == true)
        await #expect { _ = try await narrowClient.readResource(uri: "planhat://views/renewals-90d") } throws: { error in
            "\(error)".contains("does not offer") && "\(error)".contains("tasks")
        }
        let tasks = try await Self.read(narrowClient, "planhat://views/tasks-this-week")
        #expect(tasks["page"]?["more"] != nil && tasks["records"]?.arrayValue != nil)
    }

    @Test("a views file that does not load is said in the list and on read; the journal stays listed")
    func brokenFile() async throws {
        let (environment, sandbox) = try Self.setting()
        let path = try #require(environment["XDG_CONFIG_HOME"]) + "/planhat-explorer/views.yaml"
        try "views:\n  bad:\n    model: companies\n    where:\n      h: {lower: 50}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let (child, client) = try await Self.connect(["--stdio", "--sandbox", "--sandbox-path", sandbox], environment: environment)
        defer { child.stop() }
        let (resources, _) = try await client.listResources()
        #expect(resources.contains { $0.uri == "planhat://journal/recent" })
        let index = try #require(resources.first { $0.uri == "planhat://views" })
        #expect(index.description?.contains("The views file cannot be loaded") == true && index.description?.contains("views.yaml:") == true)
        await #expect { _ = try await client.readResource(uri: "planhat://views/renewals-90d") } throws: { error in
            "\(error)".contains("views.yaml") && "\(error)".contains("lower")
        }
        // The file is read again at each request: mended, its view is there without a restart.
        try "views:\n  mended:\n    model: companies\n    where:\n      h: {below: 50}\n    columns: [name, h]\n".write(toFile: path, atomically: true, encoding: .utf8)
        let (again, _) = try await client.listResources()
        #expect(again.contains { $0.uri == "planhat://views/mended" })
        let mended = try await Self.read(client, "planhat://views/mended?limit=200")
        #expect(mended["records"]?.arrayValue?.allSatisfy { ($0["h"]?.doubleValue ?? 100) < 50 } == true)
    }
}

/// The same resources with the Python reference client (`mcp` 2.3.0).
@Suite("MCP saved-view resources with the Python reference client", .offThePool)
struct PythonViewResourceTests {
    @Test("list, a view's page, continuing from nextOffset, an unknown view", .enabled(if: PythonClientTests.python != nil))
    func pythonClient() throws {
        let (environment, sandbox) = try ViewResourceTests.setting()
        let script = ProcessRunner.packageRoot.appendingPathComponent("Tests/PlanhatMCPTests/python_views_check.py").path
        let config = try #require(environment["XDG_CONFIG_HOME"])
        let result = try ProcessRunner.run(PythonClientTests.python ?? "python3", [script, ProcessRunner.planhatBinary, sandbox, config], environment: environment, timeout: 240)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("ALL CHECKS PASSED"), "\(result.stdout)")
    }
}
