import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// Whatever `planhat export` writes, `planhat call <model> bulkUpsert --items` takes back unchanged:
/// for every model with data, in every format, field by field.
@Suite("Export, then bulk upsert the export", .serialized, .offThePool)
struct RoundTripTests {
    static let sandbox = ProcessRunner.seededSandbox("roundtrip", companies: 30)

    /// Fields every write sets anew: compared apart from the rest.
    static let writeStamps: Set<String> = ["lastUpdated", "updatedAt"]

    /// Models whose bulk upsert matches records (a metrics push adds data points instead).
    static var models: [String] {
        Catalog.shared.models.filter { $0.supports(.list) && $0.supports(.bulkUpsert) && !$0.isPush }.map(\.route)
    }

    func export(_ model: String, _ format: RecordFormat, to path: String) throws {
        let result = try ProcessRunner.planhat(["export", model, "--format", format.rawValue, "--output", path, "--sandbox", "--sandbox-path", Self.sandbox])
        #expect(result.status == 0, "export \(model) \(format): \(result.stderr)")
    }

    /// The records of an NDJSON export, by `_id`.
    func records(_ path: String) throws -> [String: JSONValue] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        return Dictionary(try lines.map { line in
            let record = try JSONValue.parse(String(line))
            return (record["_id"]?.stringValue ?? "", record)
        }, uniquingKeysWith: { first, _ in first })
    }

    @Test("every model with data, every format: the records come back field by field", arguments: RoundTripTests.models, RecordFormat.allCases)
    func roundTrip(model: String, format: RecordFormat) throws {
        let folder = ProcessRunner.temporaryDirectory("roundtrip-\(model)")
        let before = folder.appendingPathComponent("before.ndjson").path
        try export(model, .ndjson, to: before)
        let original = try records(before)
        guard !original.isEmpty else { return }  // a model the demo data leaves empty
        let file = folder.appendingPathComponent("export.\(format.rawValue)").path
        try export(model, format, to: file)

        let upsert = try ProcessRunner.planhat(["call", model, "bulkUpsert", "--items", file, "--compact", "--sandbox", "--sandbox-path", Self.sandbox])
        #expect(upsert.status == 0, "\(model) \(format): \(upsert.stderr)")
        let summary = try JSONValue.parse(upsert.stdout)
        let matched = (summary["updated"]?.intValue ?? 0) + (summary["nonupdates"]?.intValue ?? 0)
        #expect(summary["created"] == 0 && matched == original.count, "\(model) \(format): every item matched its record: \(upsert.stdout.prefix(400))")
        for errors in ["createdErrors", "updatedErrors", "permissionErrors"] {
            #expect(summary[errors]?.arrayValue?.isEmpty ?? true, "\(model) \(format) \(errors): \(summary[errors]?.compactText().prefix(400) ?? "")")
        }

        let after = folder.appendingPathComponent("after.ndjson").path
        try export(model, .ndjson, to: after)
        let written = try records(after)
        #expect(Set(written.keys) == Set(original.keys), "\(model) \(format): the same records")
        for (id, record) in original {
            let old = record.objectValue ?? [:], new = written[id]?.objectValue ?? [:]
            for key in Set(old.keys).union(new.keys).subtracting(Self.writeStamps) where !same(old[key], new[key]) {
                Issue.record("\(model) \(format) \(id).\(key): \(old[key]?.compactText() ?? "absent") became \(new[key]?.compactText() ?? "absent")")
            }
        }
    }

    /// 5 and 5.0 are the same number; an empty custom object and none are the same.
    func same(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        if a == b { return true }
        if let x = a?.doubleValue, let y = b?.doubleValue { return x == y }
        if let x = a?.objectValue, let y = b?.objectValue {
            return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { same(x[$0], y[$0]) }
        }
        if let x = a?.arrayValue, let y = b?.arrayValue { return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) } }
        return false
    }
}
