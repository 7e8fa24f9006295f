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
    /// The columns a spooled CSV gets, found from the values as the writer's rule says: `_id`, the
    /// other top-level fields sorted, then the custom fields as `custom.<Name>` sorted.
    static func expectedColumns(_ records: [JSONValue]) -> [String] {
        var seen = Set<String>()
        for record in records {
            for (key, value) in record.objectValue ?? [:] {
                if key == "custom", let custom = value.objectValue { seen.formUnion(custom.keys.map { "custom." + $0 }) } else { seen.insert(key) }
            }
        }
        return ["_id"] + seen.subtracting(["_id"]).sorted { ($0.hasPrefix("custom.") ? 1 : 0, $0) < ($1.hasPrefix("custom.") ? 1 : 0, $1) }
    }

    /// What a CSV writer wrote for pages given as JSON text: as bytes, or as the values they read as.
    func writtenCSV(columns: [String]? = nil, _ pages: [String], asBytes: Bool) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).csv")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        let writer = try RecordWriter(output: handle, format: .csv, columns: columns)
        for page in pages {
            let records = try split(page)
            if asBytes { try writer.write(records) } else { try writer.write((0..<records.count).map(records.value)) }
        }
        try writer.finish()
        try handle.close()
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Pages as a server may send them: escapes, number spellings the values write otherwise
    /// (`1.50`, `1E5`, `-0`), text that reads as a number or a Boolean, arrays and objects, a
    /// repeated name, an escaped name, a raw DEL, records that are not objects.
    static let awkwardPages = [
        #"""
        [{"_id":"a1","name":"Line\nbreak \"q\" back\\slash \/ \u00e9 \ud83c\udf89 東京","arr":1.50,"mrr":10041.67,"n0":-0,
          "big":12345678901234567890,"max":9223372036854775807,"min":-9223372036854775808,"e":1E5,"tiny":-1e-07,
          "d18":123456789012345678,"d19":1234567890123456789,"neg":-42,"zero":0,"t":true,"f":false,"z":null,
          "s":["a","b,c","q\"uote","\u00e9","","東京"],"mixed":[1,-0,1.5,[],[[2]],null,true,{"b":1,"a":[2]}],
          "obj":{"z":1,"a":"x,y"},"del":["\u007f"],"rawdel":["a\#u{7F}b"],"rawdeltext":"a\#u{7F}b","empty":[],"eo":{},
          "custom":{"Tier":"Gold","Seats":12,"Num":"42","Zip":"007","T":"TRUE","Nu":"Null","F":"fAlSe","Sp":"true ",
            "Cafe":"café","Fünf":"fünf","Neg":"-0","Exp":"1e5","Inf":"1e400","Huge":"12345678901234567890","Empty":"",
            "Esc\u0041":"x","Multi":["a","b"],"Frac":0.1,"Obj":{"k":"v"}}},
         {"_id":"a2","custom.Tier":"Top","custom":{"Tier":"Inner","Seats":3},"name":"first","name":"second","na\u006de2":"escaped name"},
         {"_id":"a3","custom.Tier":null,"custom":{"Tier":"Inner"}}]
        """#,
        "[]",
        #"""
        [ {"_id":"b1","custom":"not an object","late":"only here"}, "text", 42, null, [1,2],
          {"_id":"b2","crlf":"two\r\nlines","comma":",","quote":"\"","spaces":"  padded  ","date":"2024-01-01",
           "time":"2026-11-29T09:30:00.000Z","tab":"a\tb","nul":"\u0000"},
          {} ]
        """#,
    ]

    @Test("CSV rows written from records' bytes are byte for byte the rows written from their values, on awkward records")
    func csvFromBytesAgreesOnAwkwardRecords() throws {
        var values: [JSONValue] = []
        for page in Self.awkwardPages {
            let records = try split(page)
            values += (0..<records.count).map(records.value)
        }
        // The rows from values, with the columns the rule gives: what the writer has always written.
        let expected = try writtenCSV(columns: Self.expectedColumns(values), Self.awkwardPages, asBytes: false)
        #expect(try writtenCSV(Self.awkwardPages, asBytes: true) == expected, "spooled, from bytes")
        #expect(try writtenCSV(Self.awkwardPages, asBytes: false) == expected, "spooled, from values")
        #expect(try writtenCSV(columns: Self.expectedColumns(values), Self.awkwardPages, asBytes: true) == expected, "columns given, from bytes")
        let rows = try CSV.parseCells(expected)
        #expect(rows.count == 1 + values.count)
        let header = rows[0].map(\.text)
        func cell(_ row: Int, _ column: String) -> CSV.Cell? { header.firstIndex(of: column).map { rows[row][$0] } }
        #expect(header.first == "_id" && header.contains("custom.EscA") && header.contains("name2") && header.contains("custom"))
        #expect(cell(1, "arr") == CSV.Cell("1.5") && cell(1, "e") == CSV.Cell("100000") && cell(1, "n0") == CSV.Cell("0"))
        #expect(cell(1, "custom.Num") == CSV.Cell("42", quoted: true) && cell(1, "custom.T") == CSV.Cell("TRUE", quoted: true))
        #expect(cell(1, "custom.Inf") == CSV.Cell("1e400") && cell(1, "custom.Empty") == CSV.Cell("", quoted: true))
        #expect(cell(2, "name") == CSV.Cell("second") && cell(2, "custom.Tier") == CSV.Cell("Top"))
        #expect(cell(3, "custom.Tier") == CSV.Cell(""), "a top-level custom.Tier of null wins over the custom field")
        let chosen = ["_id", "name", "name", "custom.Tier", "custom.Missing", "missing", "custom", "mixed", "s"]
        #expect(try writtenCSV(columns: chosen, Self.awkwardPages, asBytes: true) == writtenCSV(columns: chosen, Self.awkwardPages, asBytes: false))
    }

    @Test("a spooled CSV read back in many pieces (records across the pieces' edges) writes the rows its values give")
    func csvFromBytesAcrossChunks() throws {
        var rng = Seeded(seed: 99)
        let records: [JSONValue] = (0..<6_000).map { index in
            [
                "_id": .string("r\(index)"), "name": .string(String(repeating: "n", count: index % 900) + ",\"é"),
                "custom": .object(["K\(index % 7)": .integer(index), "Text": .string("\(index)")]), "v": Arbitrary.value(&rng),
            ]
        }
        let pages = stride(from: 0, to: records.count, by: 1_000).map { Array(records[$0..<min(records.count, $0 + 1_000)]) }
        let spooled = pages.reduce(0) { $0 + JSONValue.array($1).compactText().utf8.count }
        #expect(spooled > 2 * RecordWriter.chunkSize, "the spool is read in several pieces")
        let expected = try written(.csv, columns: Self.expectedColumns(records), pages, asBytes: false)
        #expect(try written(.csv, pages, asBytes: true) == expected)
        #expect(try written(.csv, pages, asBytes: false) == expected)
    }
}
