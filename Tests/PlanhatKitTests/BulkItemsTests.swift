import Foundation
import PlanhatKit
import PlanhatRemote
import PlanhatTestSupport
import Testing

@Suite("Bulk items from files")
struct BulkItemsTests {
    func write(_ text: String, as name: String) throws -> String {
        try ProcessRunner.temporaryFile(text, named: name)
    }

    var companies: ModelDefinition { Catalog.shared.model(route: "companies")! }

    @Test("CSV: quoted commas, quotes and line breaks, CRLF, a byte-order mark, blank lines")
    func csvParse() throws {
        let rows = try CSV.parse("\u{FEFF}a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"two\nlines\",\n")
        #expect(rows == [["a", "b"], ["x, y", "say \"hi\""], ["two\nlines", ""]])
        #expect(throws: CSV.ParseError(line: 2, reason: "a quoted cell is never closed")) { try CSV.parse("a\n\"open") }
        let cells = ["plain", "with, comma", "with \"quote\"", "two\nlines"]
        #expect(try CSV.parse(CSV.row(cells)) == [cells], "what the exporter writes, the reader reads")
    }

    @Test("CSV items take the field types: numbers, Booleans, day numbers, arrays, custom.* columns; empty cells are left out")
    func csvItems() throws {
        let path = try write("name,arr,domains,custom.Segment,custom.Seats,externalId\nAcme,1200.5,a.io;b.io,SMB,40,\nBeta,7,,,,B-1\n", as: "items.csv")
        let items = try BulkItems.read(path: path, model: companies).items
        #expect(items == [
            ["name": "Acme", "arr": 1200.5, "domains": ["a.io", "b.io"], "custom": ["Segment": "SMB", "Seats": 40]],
            ["name": "Beta", "arr": 7, "externalId": "B-1"],
        ])
        let invoices = try write("invoiceDate,amountTotal\n2024-10-04,10\n", as: "invoices.csv")
        #expect(try BulkItems.read(path: invoices, model: Catalog.shared.model(route: "invoices")!).items.first?["invoiceDate"] == 20000)
    }

    @Test("a bad cell names the row, the column, the value and what was expected")
    func badCell() throws {
        let path = try write("name,arr\nAcme,lots\n", as: "bad.csv")
        do {
            _ = try BulkItems.read(path: path, model: companies).items
            Issue.record("a bad number was accepted")
        } catch let error as PlanhatError {
            #expect(error.status == 400)
            #expect(error.message.hasSuffix("row 2, column arr: a number, got \"lots\""))
            #expect(error.fieldIssues.first?.path == "items[0].arr")
        }
    }

    @Test("JSON files: an array or {\"items\": [...]}; anything else and missing files explain themselves")
    func jsonItems() throws {
        #expect(try BulkItems.read(path: write("[{\"name\": \"A\"}]", as: "a.json"), model: companies).items == [["name": "A"]])
        #expect(try BulkItems.read(path: write("{\"items\": [{\"name\": \"B\"}]}", as: "b.json"), model: companies).items == [["name": "B"]])
        #expect(throws: PlanhatError.self) { try BulkItems.read(path: write("{\"name\": 1}", as: "c.json"), model: companies).items }
        #expect(throws: PlanhatError.self) { try BulkItems.read(path: write("[{", as: "d.json"), model: companies).items }
        do {
            _ = try BulkItems.read(path: "/nonexistent/items.csv", model: companies).items
        } catch let error as PlanhatError {
            #expect(error.message.contains("cannot read /nonexistent/items.csv"))
        }
    }

    @Test("chunks of at most 5 000, and summaries that add up with shifted error indexes")
    func chunksAndMerge() {
        let items = (0..<12_001).map { JSONValue.integer($0) }
        #expect(BulkItems.chunks(items).map(\.count) == [5_000, 5_000, 2_001])
        let merged = BulkItems.merge(["created": 2, "createdErrors": [["index": 1]]], ["created": 3, "createdErrors": [["index": 0]]], offset: 5_000)
        #expect(merged == ["created": 5, "createdErrors": [["index": 1], ["index": 5_000]]])
    }
}

@Suite("Home and XDG folders come from the environment")
struct UserDirectoriesTests {
    @Test("HOME is obeyed, and the XDG folders default under it")
    func homeFromEnvironment() {
        let directories = UserDirectories(environment: ["HOME": "/tmp/someone"])
        #expect(directories.home == "/tmp/someone")
        #expect(directories.config("config.yaml") == "/tmp/someone/.config/planhat-explorer/config.yaml")
        #expect(directories.state("drafts") == "/tmp/someone/.local/state/planhat-explorer/drafts")
        #expect(directories.data("sandbox.sqlite") == "/tmp/someone/.local/share/planhat-explorer/sandbox.sqlite")
        #expect(directories.expand("~/x.csv") == "/tmp/someone/x.csv")
        #expect(directories.expand("~") == "/tmp/someone")
        #expect(directories.expand("~other/x") == "~other/x")
        #expect(directories.abbreviate("/tmp/someone/a/b") == "~/a/b")
        #expect(directories.abbreviate("/tmp/someoneelse/a") == "/tmp/someoneelse/a")
    }

    @Test("absolute XDG folders win; relative or empty ones are ignored, as the XDG spec says")
    func xdgFolders() {
        let set = UserDirectories(environment: ["HOME": "/h", "XDG_CONFIG_HOME": "/c", "XDG_STATE_HOME": "/s", "XDG_DATA_HOME": "/d"])
        #expect(set.configHome == "/c" && set.stateHome == "/s" && set.dataHome == "/d")
        let relative = UserDirectories(environment: ["HOME": "/h/", "XDG_CONFIG_HOME": "rel", "XDG_STATE_HOME": "", "XDG_DATA_HOME": "./d"])
        #expect(relative.configHome == "/h/.config" && relative.stateHome == "/h/.local/state" && relative.dataHome == "/h/.local/share")
    }

    @Test("the settings, the sandbox path and bulk item files all use the same home")
    func oneHomeEverywhere() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID())").path
        #expect(SettingsLoader(environment: ["HOME": home]).configPath == home + "/.config/planhat-explorer/config.yaml")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try Data(#"[{"name":"A"}]"#.utf8).write(to: URL(fileURLWithPath: home + "/items.json"))
        let model = try Catalog.shared.model(named: "companies")
        let items = try BulkItems.read(path: "~/items.json", model: model, directories: UserDirectories(environment: ["HOME": home])).items
        #expect(items.count == 1)
    }
}

@Suite("CSV values keep their types both ways")
struct CSVTypeTests {
    func write(_ text: String) throws -> String {
        try ProcessRunner.temporaryFile(text, named: "items.csv")
    }

    var companies: ModelDefinition { Catalog.shared.model(route: "companies")! }

    @Test("a number only where the schema says number: leading zeros, quoted cells and ids stay text; TRUE/FALSE are Booleans where the schema says Boolean")
    func cellTypes() throws {
        let path = try write("""
            name,externalId,arr,custom.Account Number,custom.Code,custom.Seats,custom.Ratio,custom.Trial,custom.Flag,custom.Plus
            Acme,00042,000123,000123,"007",40,0.5,TRUE,"FALSE",+5

            """)
        let item = try #require(try BulkItems.read(path: path, model: companies).items.first)
        #expect(item["externalId"] == "00042", "an id stays text")
        #expect(item["arr"] == 123, "ARR is a number by its schema")
        #expect(item["custom"] == ["Account Number": "000123", "Code": "007", "Seats": 40, "Ratio": 0.5, "Trial": true, "Flag": "FALSE", "Plus": "+5"])
        let endusers = try write("email,featured,primary,archived\na@b.io,TRUE,false,Yes\n")
        let contact = try #require(try BulkItems.read(path: endusers, model: Catalog.shared.model(route: "endusers")!).items.first)
        #expect(contact["featured"] == true && contact["primary"] == false && contact["archived"] == true)
    }

    @Test("what the writer puts in a CSV cell reads back as the same value, for every kind of value a custom field holds")
    func cellsRoundTrip() throws {
        var generator = SeededGenerator(seed: 7)
        let texts = ["007", "000123", "42", "-7", "1.50", "0.5", "true", "FALSE", "null", "", " padded ", "a,b", "say \"hi\"", "two\nlines", "+5", "1e3", "2E+10", "12 000", "👩‍💻", "=SUM(A1)", "[1,2]"]
        var values: [JSONValue] = texts.map { .string($0) } + [.integer(0), .integer(-12), .integer(9_007_199_254_740_993), .number(0.25), .number(-1e-7), .bool(true), .bool(false)]
        for _ in 0..<200 { values.append(.integer(Int.random(in: -1_000_000...1_000_000, using: &generator))) }
        let records: [JSONValue] = values.enumerated().map { index, value in ["_id": .string(String(format: "%024x", index + 1)), "name": "N", "custom": ["Value": value]] }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).csv")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        let writer = try RecordWriter(output: handle, format: .csv)
        try writer.write(Array(records.prefix(100)))
        try writer.write(Array(records.dropFirst(100)))
        try writer.finish()
        try handle.close()
        let read = try BulkItems.read(path: url.path, model: companies).items
        #expect(read.count == records.count)
        for (written, back) in zip(records, read) {
            #expect(back["custom"]?["Value"] == written["custom"]?["Value"], "\(written["custom"]?["Value"]?.compactText() ?? "") came back as \(back["custom"]?["Value"]?.compactText() ?? "nothing")")
        }
    }

    @Test("a field first seen on a later page still gets its CSV column")
    func lateColumns() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).csv")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        let writer = try RecordWriter(output: handle, format: .csv)
        try writer.write([["_id": "a", "name": "First"]])
        try writer.write([["_id": "b", "name": "Second", "phase": "Late", "custom": ["Tier": "Gold"]]])
        try writer.finish()
        try handle.close()
        let rows = try CSV.parse(try String(contentsOf: url, encoding: .utf8))
        #expect(rows[0] == ["_id", "name", "phase", "custom.Tier"])
        #expect(rows[2] == ["b", "Second", "Late", "Gold"])
    }

    @Test("NDJSON and JSON files, computed fields left out and said so; invalid UTF-8 names its byte")
    func otherFormats() throws {
        let ndjson = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).ndjson")
        try Data(#"{"_id":"64b7a0c2e4b0a1b2c3d4e5f6","name":"A","__v":3,"createDate":"2024-01-01T00:00:00Z","renewalDaysFromNow":4}"# .utf8 + [0x0A] + Data(#"{"name":"B"}"#.utf8)).write(to: ndjson)
        let file = try BulkItems.read(path: ndjson.path, model: companies)
        #expect(file.items == [["_id": "64b7a0c2e4b0a1b2c3d4e5f6", "name": "A"], ["name": "B"]])
        #expect(file.ignored == ["__v", "createDate", "renewalDaysFromNow"])
        #expect(file.note == "left out 3 fields Planhat computes: __v, createDate, renewalDaysFromNow")
        do {
            _ = try BulkItems.read(data: Data([0x6E, 0x61, 0x6D, 0x65, 0x0A, 0xFF, 0x41]), name: "bad.csv", format: .csv, model: companies)
            Issue.record("invalid UTF-8 was read")
        } catch let error as PlanhatError {
            #expect(error.message.contains("byte 5"))
        }
    }
}
