import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// What the CLI says about answers it checked: a filter the server ignored, a field it did not store.
@Suite("Checked answers over the wire", .offThePool)
struct CheckedAnswerTests {
    func environment(_ server: ServedSandbox) -> [String: String] {
        ProcessRunner.environment(["PLANHAT_API_URL": server.baseURL, "PLANHAT_API_TOKEN": "test"])
    }

    @Test("a list filter the server ignored is caught: the records that do not match are left out, and stderr says so")
    func ignoredFilter() throws {
        let server = try ServedSandbox()
        let wanted = "aaaaaaaaaaaaaaaaaaaaaaaa", other = "bbbbbbbbbbbbbbbbbbbbbbbb"
        // The server answers every task whatever the filter, as Planhat does with a filter a route does not take.
        let everything = #"[{"_id":"111111111111111111111111","action":"Call","companyId":"\#(wanted)"},{"_id":"222222222222222222222222","action":"Mail","companyId":"\#(other)"},{"_id":"333333333333333333333333","action":"Demo","companyId":"\#(other)"}]"#
        let rule: JSONValue = ["path": "/tasks", "method": "GET", "status": 200, "body": .string(everything)]
        try server.inject(rule.compactText())
        let result = try ProcessRunner.planhat(["call", "tasks", "list", "--params", #"{"companyId":"\#(wanted)"}"#], environment: environment(server))
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(try JSONValue.parse(Data(result.stdout.utf8)).arrayValue)
        #expect(rows.map { $0["action"] } == ["Call"], "never the wrong records")
        #expect(result.stderr.contains("warning: the server ignored the filter companyId=\(wanted): 2 records of 3 did not match and were left out"))
    }

    @Test("an export checks every page too: the records an ignored filter let through are not exported, and stderr says so")
    func ignoredFilterInExport() throws {
        let server = try ServedSandbox()
        let wanted = "aaaaaaaaaaaaaaaaaaaaaaaa", other = "bbbbbbbbbbbbbbbbbbbbbbbb"
        let everything = #"[{"_id":"111111111111111111111111","action":"Call","companyId":"\#(wanted)"},{"_id":"222222222222222222222222","action":"Mail","companyId":"\#(other)"}]"#
        let rule: JSONValue = ["path": "/tasks", "method": "GET", "status": 200, "body": .string(everything)]
        try server.inject(rule.compactText())
        let result = try ProcessRunner.planhat(
            ["export", "tasks", "--format", "ndjson", "--params", #"{"companyId":"\#(wanted)"}"#], environment: environment(server))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 1 && result.stdout.contains("Call"))
        #expect(result.stderr.contains("warning: the server ignored the filter companyId=\(wanted): 1 record of 2 did not match and were left out"), "\(result.stderr)")
    }

    @Test("an export passes the server's records through as they came: its key order and escapes kept, only the whitespace between tokens dropped; JSON and CSV too")
    func passThrough() throws {
        let server = try ServedSandbox()
        // Key order and escapes a decode and re-encode would change (sorted keys, "é" written as is).
        let answer = "[\n  { \"zeta\" : 1.50, \"_id\" : \"111111111111111111111111\", \"action\" : \"Call \\u00e9\\n\", \"custom\": {\"Tier\": \"Gold\"} },\n  {\"_id\":\"222222222222222222222222\",\"action\":\"Mail\"}\n]\n"
        let rule: JSONValue = ["path": "/tasks", "method": "GET", "status": 200, "body": .string(answer), "count": 3]
        try server.inject(rule.compactText())
        let ndjson = try ProcessRunner.planhat(["export", "tasks", "--format", "ndjson"], environment: environment(server))
        #expect(ndjson.status == 0, "\(ndjson.stderr)")
        #expect(ndjson.stdout == #"{"zeta":1.50,"_id":"111111111111111111111111","action":"Call \u00e9\n","custom":{"Tier":"Gold"}}"# + "\n" + #"{"_id":"222222222222222222222222","action":"Mail"}"# + "\n")
        let json = try ProcessRunner.planhat(["export", "tasks", "--format", "json"], environment: environment(server))
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.hasPrefix("[\n" + #"{"zeta":1.50,"#) && json.stdout.hasSuffix(#""action":"Mail"}"# + "\n]\n"))
        let csv = try ProcessRunner.planhat(["export", "tasks", "--format", "csv"], environment: environment(server))
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = try CSV.parse(csv.stdout)
        #expect(rows.first == ["_id", "action", "zeta", "custom.Tier"])
        #expect(rows.dropFirst().first == ["111111111111111111111111", "Call é\n", "1.5", "Gold"])
    }

    @Test("a field Planhat does not store is reported, and an unknown field is refused with the way to send it anyway")
    func droppedField() throws {
        let server = try ServedSandbox()
        let refused = try ProcessRunner.planhat(["call", "companies", "create", "--params", #"{"name":"Drop AB","nickname":"DAB"}"#], environment: environment(server))
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("nickname") && refused.stderr.contains("--allow-unknown-fields"), "\(refused.stderr)")
        #expect(try server.count("POST /companies") == 0, "refused before the network")

        let sent = try ProcessRunner.planhat(
            ["call", "companies", "create", "--allow-unknown-fields", "--params", #"{"name":"Drop AB","nickname":"DAB"}"#], environment: environment(server))
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(try server.count("POST /companies") == 1)
        let record = try JSONValue.parse(Data(sent.stdout.utf8))
        #expect(record["name"] == "Drop AB" && record["nickname"] == nil, "the sandbox drops it as Planhat does")
        #expect(sent.stderr.contains("warning: Planhat did not store: nickname"), "\(sent.stderr)")
        #expect(sent.stderr.contains("warning: sent fields the catalog does not document (unknown fields allowed): nickname"))
    }

    @Test("a bulk upsert reads back a sample of what it wrote and reports the fields not stored")
    func bulkVerification() throws {
        let server = try ServedSandbox()
        let items = ProcessRunner.temporaryDirectory("bulk-verify").appendingPathComponent("items.json")
        try Data(#"[{"name":"Bulk One","nickname":"B1"},{"name":"Bulk Two","nickname":"B2"}]"#.utf8).write(to: items)
        let result = try ProcessRunner.planhat(
            ["call", "companies", "bulkUpsert", "--allow-unknown-fields", "--items", items.path], environment: environment(server))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: in the items read back: Planhat did not store: nickname"), "\(result.stderr)")
        let log = try JSONValue.parse(Data(try server.request("GET", "/__control/requests").body.utf8)).objectValue ?? [:]
        let readBack = log.filter { $0.key.hasPrefix("GET /companies/") }.values.compactMap(\.intValue).reduce(0, +)
        #expect(readBack == 2, "each upserted item is read back (up to \(PlanhatService.bulkSampleSize)): \(log)")
    }

    @Test("a read-back that fails does not fail the bulk upsert, which was applied: the warning says what could not be checked")
    func readBackFails() throws {
        let server = try ServedSandbox()
        try server.inject(#"{"path": "/companies/", "method": "GET", "status": 404, "count": 5}"#)
        let items = ProcessRunner.temporaryDirectory("bulk-unverified").appendingPathComponent("items.json")
        try Data(#"[{"name":"Unchecked One"}]"#.utf8).write(to: items)
        let result = try ProcessRunner.planhat(["call", "companies", "bulkUpsert", "--items", items.path], environment: environment(server))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try JSONValue.parse(Data(result.stdout.utf8))["created"] == 1)
        #expect(result.stderr.contains("warning: the upsert was applied, but reading back company "), "\(result.stderr)")
        #expect(result.stderr.contains("to check what was stored failed (404 Not Found"), "\(result.stderr)")
    }

    @Test("a field the workspace's records carry is learned by one run and accepted by the next, from a 0600 file beside the custom fields")
    func learnedAcrossRuns() throws {
        let server = try ServedSandbox()
        let environment = environment(server)
        let refused = try ProcessRunner.planhat(["call", "companies", "create", "--params", #"{"name":"Learn AB","legacyScore":3}"#], environment: environment)
        #expect(refused.status == 3, "not seen yet: \(refused.stderr)")
        // Planhat's records carry a field the catalog does not document.
        let rule: JSONValue = ["path": "/companies", "method": "GET", "status": 200, "body": #"[{"_id":"111111111111111111111111","name":"Old AB","legacyScore":7}]"#]
        try server.inject(rule.compactText())
        let listed = try ProcessRunner.planhat(["call", "companies", "list"], environment: environment)
        #expect(listed.status == 0, "\(listed.stderr)")
        let learned = try #require(FileManager.default.subpaths(atPath: environment["XDG_CACHE_HOME"] ?? "")?.first { $0.hasSuffix(".learned.json") })
        let path = (environment["XDG_CACHE_HOME"] ?? "") + "/" + learned
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)

        let accepted = try ProcessRunner.planhat(["call", "companies", "create", "--params", #"{"name":"Learn AB","legacyScore":3}"#], environment: environment)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stderr.contains("warning: sent fields the catalog does not document (the workspace's records carry them): legacyScore"))
        #expect(accepted.stderr.contains("warning: Planhat did not store: legacyScore"), "the sandbox drops it, and the check says so")
    }
}
