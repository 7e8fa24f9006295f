import Foundation
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

@testable import PlanhatKit

/// Every case is reproducible from its seed (SplitMix64, as the demo data uses).
typealias Seeded = SeededGenerator

/// Random JSON, with the awkward values that break parsers and validators.
enum Arbitrary {
    static let strings = ["", "a", "extid-", "srcid-x", "-arr", "name,arr", "2026-02-30", "2026-11-29T09:30:00Z", "ana@acme.io",
                          "\u{0}", "\u{1F}", "\"", "\\", "東京", "🎉", String(repeating: "x", count: 300), "custom.Segment"]

    static func value(_ rng: inout Seeded, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 6 : 8), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .integer([0, -1, 1, 5000, 5001, Int.max, Int.min, Int.random(in: -1000...1000, using: &rng)].randomElement(using: &rng) ?? 0)
        case 3: return .number([0.5, -0.0, 1e300, -2.5, 0.1].randomElement(using: &rng) ?? 0)
        case 4, 5: return .string(strings.randomElement(using: &rng) ?? "")
        case 6: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(&rng, depth: depth + 1) })
        default: return object(&rng, depth: depth + 1)
        }
    }

    static func object(_ rng: inout Seeded, depth: Int = 0, keys: [String] = []) -> JSONValue {
        let pool = keys + ["id", "limit", "offset", "sort", "select", "name", "items", "custom", "companyId", "email", "x"]
        var members: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 0...5, using: &rng) {
            members[pool.randomElement(using: &rng) ?? "x"] = value(&rng, depth: depth)
        }
        return .object(members)
    }

    /// A value the field's schema accepts.
    static func valid(_ schema: JSONValue, _ rng: inout Seeded) -> JSONValue {
        if let constant = schema["const"] { return constant }
        if let values = schema["enum"]?.arrayValue, let pick = values.randomElement(using: &rng) { return pick }
        // A free-text value with known spellings: the schema names them, and only those (or a tenant's) pass.
        if let values = schema["x-canonical"]?.arrayValue, let pick = values.randomElement(using: &rng) { return pick }
        if let pattern = schema["pattern"]?.stringValue {
            if let examples = schema["examples"]?.arrayValue, let example = examples.randomElement(using: &rng) { return example }
            var options = ["64b7a0c2e4b0a1b2c3d4e5f6"]
            if pattern.contains("extid-") { options.append("extid-ACC 1") }
            if pattern.contains("srcid-") { options.append("srcid-0015") }
            return .string(options.randomElement(using: &rng) ?? options[0])
        }
        switch (schema["type"]?.stringValue, schema["format"]?.stringValue) {
        case ("string", "iso-date"): return .string(["2024-02-29", "2019-12-11T09:09:08.000Z"].randomElement(using: &rng) ?? "2024-02-29")
        case ("string", "iso-date-time"): return .string(["2026-11-29T09:30:00.000Z", "2026-11-29"].randomElement(using: &rng) ?? "2026-11-29")
        case ("string", "email"): return "ana@acme.io"
        case ("string", "uri"): return "https://acme.io/x"
        case ("string", _): return .string(["Acme", "東京 ✓", "O'Brien & Co", ""].randomElement(using: &rng) ?? "")
        case ("integer", _), ("number", _):
            let low = schema["exclusiveMinimum"].flatMap(\.doubleValue).map { $0 + 1 } ?? schema["minimum"]?.doubleValue ?? 0
            let high = schema["maximum"]?.doubleValue ?? low + 1000
            return .integer(Int(Double.random(in: low...max(low, high), using: &rng).rounded(.up).clamped(max(low, low.rounded(.up)), high)))
        case ("boolean", _): return .bool(Bool.random(using: &rng))
        case ("array", _):
            let items = schema["items"] ?? [:]
            return .array((0..<Int.random(in: (schema["minItems"]?.intValue ?? 0)...3, using: &rng)).map { _ in valid(items, &rng) })
        case ("object", _):
            if let properties = schema["properties"]?.objectValue {
                var members: [String: JSONValue] = [:]
                for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                    members[name] = valid(properties[name] ?? [:], &rng)
                }
                for (name, property) in properties where Bool.random(using: &rng) && Int.random(in: 0..<4, using: &rng) == 0 {
                    members[name] = valid(property, &rng)
                }
                if let minimum = schema["minProperties"]?.intValue, members.count < minimum,
                    let extra = properties.keys.sorted().first(where: { members[$0] == nil })
                {
                    members[extra] = valid(properties[extra] ?? [:], &rng)
                }
                return .object(members)
            }
            return ["Segment": "SMB", "Seats": 12, "Onboarded": true]
        default:
            return .null
        }
    }
}

extension Double {
    func clamped(_ low: Double, _ high: Double) -> Double { Swift.min(Swift.max(self, low), high) }
}

@Suite("Properties")
struct PropertyTests {
    let service = PlanhatService(backend: RecordingBackend())

    @Test("arbitrary JSON never crashes the validator; every rejection is a 400 that names a field", arguments: 0..<40)
    func arbitraryParameters(_ seed: Int) {
        var rng = Seeded(seed: UInt64(seed) &* 7919)
        for _ in 0..<25 {
            let model = Catalog.shared.models.randomElement(using: &rng)!
            let operation = model.operations.randomElement(using: &rng)!
            let parameters = Bool.random(using: &rng) ? Arbitrary.object(&rng) : Arbitrary.value(&rng)
            do {
                _ = try service.prepare(model: model.route, operation: operation.rawValue, parameters: parameters)
            } catch let error as PlanhatError {
                #expect(error.status == 400)
                if parameters.objectValue != nil {
                    #expect(!error.fieldIssues.isEmpty, "\(model.route) \(operation): \(error.message)")
                    #expect(error.fieldIssues.allSatisfy { !$0.expected.isEmpty })
                }
            } catch {
                Issue.record("not a PlanhatError: \(error)")
            }
        }
    }

    @Test("schema-valid parameters always pass", arguments: allOperations)
    func validParametersPass(_ model: ModelDefinition, _ operation: ModelOperation) {
        var rng = Seeded(seed: UInt64(model.route.utf8.reduce(0) { $0 &* 31 &+ Int($1) } & 0xFFFF) + UInt64(operation.rawValue.count))
        let schema = SchemaBuilder.schema(for: model, operation: operation)
        for _ in 0..<20 {
            let parameters = Arbitrary.valid(schema, &rng)
            do {
                _ = try service.prepare(model: model.route, operation: operation.rawValue, parameters: parameters)
            } catch {
                Issue.record("\(model.route) \(operation) rejected \(parameters.compactText()): \(error)")
                return
            }
        }
    }

    @Test("JSON text round-trips: parse(print(x)) == x, numbers by value", arguments: 0..<20)
    func roundTrip(_ seed: Int) throws {
        var rng = Seeded(seed: UInt64(seed) + 99)
        for _ in 0..<20 {
            let value = Arbitrary.value(&rng)
            let back = try JSONValue.parse(value.compactText())
            #expect(back.compactText() == value.compactText())
            #expect(try JSONValue.parse(value.prettyText()).compactText() == value.compactText())
        }
    }

    @Test("hostile text gets a clear 400: NUL, invalid UTF-8, 10 000 levels of nesting, 10 MB")
    func hostileText() {
        let inputs = [
            "\u{0}", "{\"a\":\"\u{0}\"}", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
            String(decoding: [0x7B, 0xFF, 0xFE, 0x7D], as: UTF8.self), "{\"limit\": 1e999}",
            "{\"name\":\"" + String(repeating: "x", count: 10_000_000) + "\"}",
        ]
        for input in inputs {
            let shown = input.count > 40 ? "\(input.prefix(40).debugDescription)… (\(input.count) characters)" : input.debugDescription
            do {
                // Text that is well-formed JSON (the 10 MB name) gets past the parser: the validator must refuse it.
                let parameters = try PlanhatService.parseParameters(input)
                let error = #expect(throws: PlanhatError.self, "\(shown) was accepted") {
                    try service.prepare(model: "companies", operation: "create", parameters: parameters)
                }
                #expect(error?.status == 400, "\(shown)")
                #expect(error?.cause == .invalidParameters, "\(shown)")
                #expect(error?.fieldIssues.map(\.path) == ["name"], "the error names the field: \(shown)")
                #expect(error?.message.contains("expected at most") == true, "the error says the limit: \(error?.message.prefix(200) ?? "")")
            } catch let error as PlanhatError {
                #expect(error.status == 400, "\(shown)")
                #expect(error.message.hasPrefix("PARAMETERS must be a JSON object"), "\(shown): \(error.message.prefix(200))")
            } catch {
                Issue.record("unexpected \(error) for \(shown)")
            }
        }
    }
}

@Suite("Core fuzz corpus", .offThePool)
struct CoreFuzzCorpusTests {
    @Test("every saved fuzz input for the parser, the validator and request building replays without breaking a rule (make fuzz finds new ones)")
    func replay() throws {
        let (inputs, result) = try ProcessRunner.replayCorpus("corpus", tool: "PlanhatCoreFuzz")
        #expect(inputs >= 9)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("replayed \(inputs) inputs: no rule broken"))
    }
}
