import Foundation
import PlanhatTestSupport
import Testing

@testable import PlanhatKit

/// Records kept as bytes (an export's pass-through) read back as the values the full parser gives,
/// and are refused, to the full parser, wherever the text is not well-formed JSON.
@Suite("Records pass through as bytes")
struct RawRecordsTests {
    /// The values a JSON array's elements parse to, through Foundation.
    func parsed(_ text: String) throws -> [JSONValue] {
        try #require(try JSONValue.parse(text).arrayValue)
    }

    func split(_ text: String) throws -> RawRecords {
        try #require(RawRecords(splitting: Data(text.utf8)), "not split: \(text)")
    }

    @Test("random records, compact and indented: each record's bytes read back as the value JSONSerialization gives", arguments: 0..<20)
    func randomRecords(_ seed: Int) throws {
        var rng = Seeded(seed: UInt64(seed) + 1_700)
        let values = (0..<8).map { _ in Arbitrary.object(&rng, depth: 0) } + [Arbitrary.value(&rng)]
        for text in [JSONValue.array(values).compactText(), JSONValue.array(values).prettyText()] {
            let records = try split(text)
            let expected = try parsed(text)
            #expect(records.count == expected.count)
            for index in expected.indices {
                #expect(records.value(index) == expected[index])
                // The bytes are compact JSON that parses to the same value.
                #expect(try JSONValue.parse(Data(records.record(index))) == expected[index])
                #expect(!records.record(index).contains(0x0A))
                #expect(records.members(index, named: nil) == (expected[index].objectValue ?? [:]))
                #expect(Set(records.keys(index)) == Set(expected[index].objectValue.map { Array($0.keys) } ?? []))
            }
        }
    }

    @Test("escapes, surrogate pairs, Unicode, numbers and whitespace read as the full parser reads them")
    func awkwardText() throws {
        let text = """
             [ {"a" : "line\\nbreak\\ttab \\"quote\\" back\\\\slash \\/ \\u00e9 \\ud83c\\udf89 東京 🎉", "n": [0, -0, 1.0, 2.5, -1e3, 1E-2, 9223372036854775807, -9223372036854775808, 1e300, 12345678901234567890],
             "t": true, "f": false, "z": null, "o": {"\\u0041b": {}, "e": []}, "k\\"ey": 1} ,
             [], "text", 42, null ]\r\n
            """
        let records = try split(text)
        let expected = try parsed(text)
        #expect(records.count == 5)
        for index in expected.indices { #expect(records.value(index) == expected[index]) }
        #expect(records.members(0, named: ["a"])["a"] == expected[0]["a"])
        #expect(records.members(0, named: ["k\"ey"])["k\"ey"] == .integer(1))
        #expect(records.members(1, named: nil).isEmpty, "an array has no members")
        #expect(String(decoding: records.record(0).prefix(6), as: UTF8.self) == #"{"a":""#)
    }

    @Test("what is not one well-formed JSON array is refused, so the full parser says what is wrong",
          arguments: [
            "", "{}", "[", "[1,]", "[1 2]", "[1] x", #"["a"#, #"[{"a":1,}]"#, #"[{"a" 1}]"#, #"[{1:2}]"#, "[01]", "[1.]", "[.5]",
            "[+1]", "[1e]", "[-]", "[tru]", "[nul]", #"["\x"]"#, #"["\u12"]"#, #"["\ud83c"]"#, #"["\udf89"]"#, "[\"a\u{1}b\"]",
            "[\"tab\there\"]", "[NaN]", "[Infinity]",
          ])
    func malformed(_ text: String) {
        #expect(RawRecords(splitting: Data(text.utf8)) == nil, "split: \(text)")
    }

    @Test("invalid UTF-8 inside a string (a lone continuation byte, an overlong form, a surrogate, a cut sequence) is refused")
    func invalidUTF8() {
        for bytes: [UInt8] in [[0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF5, 0x80, 0x80, 0x80], [0xFF]] {
            let data = Data([UInt8(ascii: "["), UInt8(ascii: "\"")] + bytes + [UInt8(ascii: "\""), UInt8(ascii: "]")])
            #expect(RawRecords(splitting: data) == nil, "took \(bytes)")
        }
        let good = Data("[\"é東🎉\"]".utf8)
        #expect(RawRecords(splitting: good)?.value(0) == .string("é東🎉"))
    }

    @Test("the filter check on bytes keeps and leaves out exactly what the check on values does")
    func filterCheckAgrees() throws {
        let a = AnswerCheckTests.a, b = AnswerCheckTests.b
        let answer: JSONValue = [
            ["_id": "1", "companyId": .string(a)], ["_id": "2", "companyId": .string(b)], ["_id": "3"],
            ["_id": "4", "companyId": .null], ["_id": "5", "companyId": .string(a), "title": "x"],
        ]
        let service = PlanhatService(backend: CannedBackend(answer))
        let request = try service.prepare(model: "tasks", operation: "list", parameters: ["companyId": .string(a)])
        let byValue = ListFilterCheck.check(answer, request: request)
        let byBytes = ListFilterCheck.check(try split(answer.compactText()), request: request)
        #expect(byBytes.notices == byValue.notices)
        #expect((0..<byBytes.records.count).map { byBytes.records.value($0) } == byValue.records.arrayValue)
        #expect(byBytes.records.count == 4, "only the record with another companyId is left out")
    }

    @Test("a backend that answers only values gives the same checked page as bytes")
    func pageFromValues() async throws {
        let a = AnswerCheckTests.a, b = AnswerCheckTests.b
        let answer: JSONValue = [["_id": "1", "companyId": .string(a)], ["_id": "2", "companyId": .string(b)]]
        let service = PlanhatService(backend: CannedBackend(answer))
        let model = try service.catalog.model(named: "tasks")
        let raw = try await service.rawListPage(model: model, parameters: ["companyId": .string(a)])
        let values = try await service.listPage(model: model, parameters: ["companyId": .string(a)])
        #expect(raw.received == values.received)
        #expect(raw.notices == values.notices)
        #expect((0..<raw.records.count).map { raw.records.value($0) } == values.records)
    }

    /// A backend that answers lists with indented bytes, as a server may.
    final class BytesBackend: RawListingBackend {
        let answer: JSONValue
        init(_ answer: JSONValue) { self.answer = answer }
        var info: BackendInfo { BackendInfo(kind: .remote, location: "https://api.planhat.com") }
        func execute(_ request: PlanhatRequest) async throws -> JSONValue { answer }
        func executeList(_ request: PlanhatRequest) async throws -> Data { Data(answer.prettyText().utf8) }
    }

    @Test("a backend that answers bytes gives the page the values would: the same records, received count and notices")
    func pageFromBytes() async throws {
        let a = AnswerCheckTests.a, b = AnswerCheckTests.b
        let answer: JSONValue = [["_id": "1", "companyId": .string(a)], ["_id": "2", "companyId": .string(b)], ["_id": "3", "title": "t"]]
        for parameters: JSONValue in [["companyId": .string(a)], [:]] {
            let bytes = PlanhatService(backend: BytesBackend(answer))
            let values = PlanhatService(backend: CannedBackend(answer))
            let model = try bytes.catalog.model(named: "tasks")
            let raw = try await bytes.rawListPage(model: model, parameters: parameters)
            let page = try await values.listPage(model: model, parameters: parameters)
            #expect(raw.received == page.received)
            #expect(raw.notices == page.notices)
            #expect((0..<raw.records.count).map { raw.records.value($0) } == page.records)
            #expect(bytes.memory.hasSeen("title", on: "tasks"), "the fields seen are learned from the bytes too")
        }
        // Not an array (a server's error text with a 200): read the way it always was, no records.
        let odd = PlanhatService(backend: BytesBackend("not a list"))
        let page = try await odd.rawListPage(model: try odd.catalog.model(named: "tasks"), parameters: [:])
        #expect(page.records.count == 0 && page.received == 0)
    }

    @Test("a CSV cell's number test reads byte by byte exactly what the regular expression it replaced accepted")
    func canonicalNumbers() {
        let pattern = #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"#
        var texts = ["0", "-0", "42", "-7", "007", "01.5", ".5", "1.", "1,5", "+5", "1.5", "-0.25", "-1e-07", "2E+10", "1e", "1e+",
                     "-", "", " 1", "1 ", "١٢", "1.5.2", "0x1F", "1e3.5", "12345678901234567890", "9.", "-.5", "00", "0.0", "1E5"]
        var rng = Seeded(seed: 77)
        let alphabet = Array("0123456789-+.eE x")
        for _ in 0..<2_000 { texts.append(String((0..<Int.random(in: 1...7, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? "0" })) }
        for text in texts {
            let byRegex = text.range(of: pattern, options: .regularExpression) != nil
            #expect(CellValue.isCanonicalNumber(text) == byRegex, "\(text)")
            #expect(CellValue.isCanonicalInteger(text) == (byRegex && !text.contains(where: { ".eE".contains($0) })), "\(text)")
        }
    }

    @Test("a CSV cell with a CRLF inside is quoted (the CRLF is one character, and the bytes are what count)")
    func crlfIsQuoted() throws {
        #expect(CSV.escape("two\r\nlines") == "\"two\r\nlines\"")
        #expect(CSV.escape("plain é") == "plain é")
        #expect(try CSV.parse(CSV.row(["a\r\nb", "c"]) + "\n") == [["a\r\nb", "c"]])
    }

    /// What a writer wrote for `pages`, given as values or as bytes.
    func written(_ format: RecordFormat, columns: [String]? = nil, _ pages: [[JSONValue]], asBytes: Bool) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).\(format.rawValue)")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        let writer = try RecordWriter(output: handle, format: format, columns: columns)
        for page in pages {
            if asBytes { try writer.write(try split(JSONValue.array(page).prettyText())) } else { try writer.write(page) }
        }
        try writer.finish()
        try handle.close()
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test("every format writes records given as bytes exactly as it writes them given as values", arguments: RecordFormat.allCases)
    func writerAgrees(_ format: RecordFormat) throws {
        var rng = Seeded(seed: 4_242)
        let pages: [[JSONValue]] = [
            [["_id": "a", "name": "First", "custom": ["Tier": "Gold", "Seats": 12]], ["_id": "b", "arr": 1.5, "tags": ["x", "y"]]],
            [],
            // A top-level field named like a custom column wins over the custom field, as with values.
            [["_id": "d", "custom.Tier": "Top", "custom": ["Tier": "Inner", "Seats": 3]], ["_id": "e", "custom": "not an object"]],
            [["_id": "c", "name": "Third", "phase": "Late", "note": "comma, \"quote\"\nline"]] + (0..<5).map { _ in Arbitrary.object(&rng, keys: ["_id", "name"]) },
        ]
        #expect(try written(format, pages, asBytes: true) == written(format, pages, asBytes: false))
        if format == .csv {
            let columns = ["_id", "name", "custom.Tier", "missing"]
            #expect(try written(format, columns: columns, pages, asBytes: true) == written(format, columns: columns, pages, asBytes: false))
        }
    }
}
