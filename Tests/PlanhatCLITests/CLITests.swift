import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// The `planhat` binary end to end: output, stderr and exit codes.
@Suite("CLI", .offThePool)
struct CLITests {
    /// An environment with no token and a private sandbox file.
    let environment: [String: String]
    let sandboxPath: String

    init() {
        sandboxPath = ProcessRunner.temporaryDirectory("cli").appendingPathComponent("sandbox.sqlite").path
        environment = ProcessRunner.environment(["PLANHAT_SANDBOX_PATH": sandboxPath])
    }

    func planhat(_ arguments: String..., stdin: String? = nil) throws -> ProcessResult {
        try ProcessRunner.planhat(arguments, environment: environment, stdin: stdin)
    }

    @Test("models lists every model with its operations, as a table and as JSON")
    func models() throws {
        let table = try planhat("models")
        #expect(table.status == 0)
        #expect(table.stdout.contains("companies"))
        #expect(table.stdout.contains("/conversations (type=note)"))
        let json = try planhat("models", "--json")
        let list = try #require(try JSONValue.parse(json.stdout).arrayValue)
        #expect(list.count == Catalog.shared.models.count)
        #expect(list.first == ["route": "companies", "name": "Company", "operations": ["list", "view", "create", "update", "delete", "bulkUpsert"]])
    }

    @Test("schema prints the JSON Schema, names forgiven")
    func schema() throws {
        let result = try planhat("schema", "Companies", "create")
        #expect(result.status == 0)
        let schema = try JSONValue.parse(result.stdout)
        #expect(schema["required"] == ["name"])
        #expect(try planhat("schema", "End users", "list").status == 0)
        #expect(try planhat("schema", "companies", "explode").status == 5)
    }

    @Test("call prints the three companies with the highest ARR, with only the selected fields")
    func topThree() throws {
        let result = try planhat("call", "companies", "list", "--params", #"{"limit":3,"sort":"-arr","select":"name,arr"}"#)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(try JSONValue.parse(result.stdout).arrayValue)
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { Set($0.objectValue?.keys.map { $0 } ?? []) == ["_id", "name", "arr"] })
        let arrs = rows.compactMap { $0["arr"]?.intValue }
        #expect(arrs == arrs.sorted(by: >))
        #expect(result.stderr.contains("no PLANHAT_API_TOKEN configured; using the offline sandbox at \(sandboxPath)"))
        let quiet = try planhat("call", "companies", "list", "--sandbox", "--params", #"{"limit":1}"#)
        #expect(quiet.stderr.isEmpty, "--sandbox asked for it: no notice")
    }

    @Test("parameters come inline, from a file or from stdin")
    func parameterSources() throws {
        let file = ProcessRunner.temporaryDirectory("params").appendingPathComponent("p.json")
        try Data(#"{"limit":2,"select":"name"}"#.utf8).write(to: file)
        let fromFile = try planhat("call", "companies", "list", "--sandbox", "--params", "@\(file.path)", "--compact")
        #expect(fromFile.status == 0)
        #expect(try JSONValue.parse(fromFile.stdout).arrayValue?.count == 2)
        #expect(!fromFile.stdout.trimmingCharacters(in: .newlines).contains("\n"), "--compact prints one line")
        let fromStdin = try planhat("call", "companies", "list", "--sandbox", "--params", "-", stdin: #"{"limit":4}"#)
        #expect(try JSONValue.parse(fromStdin.stdout).arrayValue?.count == 4)
        let missingFile = try planhat("call", "companies", "list", "--sandbox", "--params", "@/nonexistent.json")
        #expect(missingFile.status == 3)
    }

    @Test("create, view by extid, update, delete, then view is not found")
    func lifecycle() throws {
        let created = try planhat("call", "companies", "create", "--sandbox", "--params", #"{"name":"CLI Co","externalId":"CLI-1"}"#)
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(try JSONValue.parse(created.stdout)["_id"]?.stringValue)
        let viewed = try planhat("call", "companies", "view", "--sandbox", "--id", "extid-CLI-1")
        #expect(try JSONValue.parse(viewed.stdout)["_id"]?.stringValue == id)
        let updated = try planhat("call", "companies", "update", "--sandbox", "--id", id, "--params", #"{"phase":"Renewal"}"#)
        #expect(try JSONValue.parse(updated.stdout)["phase"] == "Renewal")
        #expect(try planhat("call", "companies", "delete", "--sandbox", "--id", id).status == 0)
        let gone = try planhat("call", "companies", "view", "--sandbox", "--id", id)
        #expect(gone.status == 5)
        #expect(gone.stderr.contains("404 Not Found"))
    }

    @Test("bad input gives a clear message and the documented exit code", arguments: [
        (["call", "compnies", "list", "--sandbox"], Int32(5), "did you mean companies"),
        (["call", "companies", "list", "--sandbox", "--params", #"{"limit":-1}"#], 3, "limit: -1 is not allowed; expected an integer from 1 to 5000"),
        (["call", "companies", "create", "--sandbox", "--params", "{}"], 3, "name: missing"),
        (["call", "companies", "list", "--sandbox", "--params", "{not json"], 3, "PARAMETERS must be a JSON object"),
        (["call", "companies", "list", "--sandbox", "--params", "[1]"], 3, "got array"),
        (["call", "companies", "view", "--sandbox", "--id", "000000000000000000000000"], 5, "no company with id"),
        (["call", "companies", "frobnicate", "--sandbox"], 5, "supports list, view"),
        (["call", "companies", "create", "--sandbox", "--read-only", "--params", #"{"name":"X"}"#], 4, "read-only"),
        (["call"], 2, "Missing expected argument"),
        (["frobnicate"], 2, "Unexpected argument"),
        (["sandbox", "reset", "--companies=-4"], 2, "error: --companies: -4 is not allowed; expected a whole number from 0 to 2000000"),
    ])
    func badInput(_ arguments: [String], _ status: Int32, _ message: String) throws {
        let result = try ProcessRunner.planhat(arguments, environment: environment)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty, "errors never go to stdout")
        #expect(!result.stderr.contains("Fatal error"), "no crash trace")
    }

    @Test("--json prints a one-line error envelope")
    func jsonEnvelope() throws {
        let result = try planhat("call", "companies", "create", "--sandbox", "--json", "--params", #"{"name":"X","status":"zombie"}"#)
        #expect(result.status == 3)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        let envelope = try JSONValue.parse(String(lines[0]))
        #expect(envelope["error"]?["status"] == 400)
        #expect(envelope["error"]?["fields"]?.arrayValue?.first?["path"] == "status")
        #expect(envelope["error"]?["cause"] == "invalidParameters")
        #expect(envelope["error"]?["guidance"]?.stringValue?.contains("planhat schema") == true, "guidance in the CLI's words")
    }

    @Test("sandbox reset reseeds with the company count asked for")
    func reset() throws {
        let result = try planhat("sandbox", "reset", "--companies", "25")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .newlines) == sandboxPath)
        let list = try planhat("call", "companies", "list", "--sandbox", "--params", #"{"select":"name","limit":100}"#)
        #expect(try JSONValue.parse(list.stdout).arrayValue?.count == 25)
        let info = try planhat("sandbox", "info")
        #expect(info.stdout.contains("companies") && info.stdout.contains("25"))
    }

    @Test("every schema is valid JSON Schema 2020-12 to an independent validator",
          .enabled(if: ProcessRunner.pythonHasJSONSchema))
    func schemasPassJSONSchemaMetaValidation() throws {
        let folder = ProcessRunner.temporaryDirectory("schemas")
        var paths: [String] = []
        for model in Catalog.shared.models {
            for operation in model.operations {
                let result = try planhat("schema", model.route, operation.rawValue)
                #expect(result.status == 0)
                let file = folder.appendingPathComponent("\(model.route)-\(operation.rawValue).json")
                try Data(result.stdout.utf8).write(to: file)
                paths.append(file.path)
            }
        }
        let script = """
            import json, sys, jsonschema
            for path in sys.argv[1:]:
                jsonschema.Draft202012Validator.check_schema(json.load(open(path)))
            print(len(sys.argv) - 1)
            """
        let check = try ProcessRunner.run("/usr/bin/env", ["python3", "-c", script] + paths, environment: environment)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.trimmingCharacters(in: .newlines) == String(paths.count))
    }
}
