import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// The CLI's part of the defects found trying every face as a new user would.
@Suite("CLI defects stay fixed", .serialized, .offThePool)
struct CLIDefectTests {
    static let sandbox = ProcessRunner.seededSandbox("cli-defects", companies: 20)

    func planhat(_ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
        try ProcessRunner.planhat(arguments + ["--sandbox", "--sandbox-path", Self.sandbox], stdin: stdin)
    }

    @Test("bulkUpsert --items takes .csv, .json and .ndjson files and stdin; the CSV keeps text as text")
    func items() throws {
        let folder = ProcessRunner.temporaryDirectory("items")
        let csv = folder.appendingPathComponent("new.csv")
        try "name,externalId,custom.Account Number,custom.Code\nItems CSV Co,ITEMS-CSV,000123,\"007\"\n".write(to: csv, atomically: true, encoding: .utf8)
        let fromCSV = try planhat(["call", "companies", "bulkUpsert", "--items", csv.path, "--compact"])
        #expect(fromCSV.status == 0, "\(fromCSV.stderr)")
        #expect(try JSONValue.parse(fromCSV.stdout)["created"] == 1)
        let view = try planhat(["call", "companies", "view", "--id", "extid-ITEMS-CSV", "--compact"])
        let stored = try JSONValue.parse(view.stdout)
        #expect(stored["custom"]?["Account Number"] == "000123" && stored["custom"]?["Code"] == "007", "\(view.stdout)")

        let ndjson = folder.appendingPathComponent("more.ndjson")
        try "{\"name\":\"Items ND 1\",\"externalId\":\"ITEMS-ND-1\"}\n{\"name\":\"Items ND 2\",\"externalId\":\"ITEMS-ND-2\"}\n".write(to: ndjson, atomically: true, encoding: .utf8)
        let fromNDJSON = try planhat(["call", "companies", "bulkUpsert", "--items", ndjson.path, "--compact"])
        #expect(try JSONValue.parse(fromNDJSON.stdout)["created"] == 2, "\(fromNDJSON.stderr)")
        #expect(fromNDJSON.stderr.contains("3 items") == false && fromNDJSON.stderr.contains("companies: 2 items sent: created 2, updated 0, unchanged 0, 0 errors"))

        let fromStdin = try planhat(["call", "companies", "bulkUpsert", "--items", "-", "--compact"], stdin: "[{\"name\":\"Items Stdin\",\"externalId\":\"ITEMS-STDIN\",\"__v\":3}]")
        #expect(try JSONValue.parse(fromStdin.stdout)["created"] == 1, "\(fromStdin.stderr)")
        #expect(fromStdin.stderr.contains("left out 1 field Planhat computes: __v"))

        let wrong = try planhat(["call", "companies", "create", "--items", csv.path])
        #expect(wrong.status == 2 && wrong.stderr.contains("--items goes with bulkUpsert"))
    }

    @Test("--params @file refuses invalid UTF-8 with its byte offset, a NUL and a 10 MB name, and nothing is stored")
    func hostileParameters() throws {
        let folder = ProcessRunner.temporaryDirectory("hostile")
        let before = try planhat(["call", "companies", "list", "--params", #"{"limit":5000,"select":"name"}"#, "--compact"]).stdout
        var bytes = Data(#"{"name":"Bad "#.utf8)
        bytes.append(contentsOf: [0xFF, 0xFE])
        bytes.append(contentsOf: Data(#""}"#.utf8))
        let utf8 = folder.appendingPathComponent("utf8.json")
        try bytes.write(to: utf8)
        let badUTF8 = try planhat(["call", "companies", "create", "--params", "@" + utf8.path])
        #expect(badUTF8.status == 3 && badUTF8.stderr.contains("not valid UTF-8: byte 13 (0xFF)"), "\(badUTF8.stderr)")

        let nul = folder.appendingPathComponent("nul.json")
        try Data(#"{"name":"Nul\u0000Co"}"#.utf8).write(to: nul)
        let withNul = try planhat(["call", "companies", "create", "--params", "@" + nul.path])
        #expect(withNul.status == 3 && withNul.stderr.contains("NUL character"), "\(withNul.stderr)")

        let huge = folder.appendingPathComponent("huge.json")
        try Data(("{\"name\":\"" + String(repeating: "x", count: 10_500_000) + "\"}").utf8).write(to: huge)
        let tooLong = try planhat(["call", "companies", "create", "--params", "@" + huge.path])
        #expect(tooLong.status == 3 && tooLong.stderr.contains("at most 65535 characters"), "\(tooLong.stderr.prefix(300))")
        #expect(tooLong.stderr.count < 5_000, "the 10 MB value is not echoed")

        let after = try planhat(["call", "companies", "list", "--params", #"{"limit":5000,"select":"name"}"#, "--compact"]).stdout
        #expect(after == before, "nothing was stored")
    }

    @Test("the CLI clears a field with null, as the explorer does; an empty string for an enum says so")
    func clearWithNull() throws {
        let list = try JSONValue.parse(try planhat(["call", "companies", "list", "--params", #"{"limit":1}"#, "--compact"]).stdout)
        let id = try #require(list.arrayValue?.first?["_id"]?.stringValue)
        let cleared = try planhat(["call", "companies", "update", "--id", id, "--params", #"{"phase":null}"#, "--compact"])
        #expect(cleared.status == 0, "\(cleared.stderr)")
        #expect(try JSONValue.parse(cleared.stdout)["phase"] == nil)
        let empty = try planhat(["call", "companies", "update", "--id", id, "--params", #"{"status":""}"#])
        #expect(empty.status == 3 && empty.stderr.contains("to clear the field, send null"))
    }
}
