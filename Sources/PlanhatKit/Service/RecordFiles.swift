import Foundation

/// The file formats records are written in (`planhat export`, the explorer's `e`) and read back
/// from (`bulkUpsert` items): whatever is written in one reads back unchanged.
public enum RecordFormat: String, CaseIterable, Sendable, Hashable {
    /// One JSON object a line.
    case ndjson
    /// A header of field names, `custom.<Name>` columns for custom fields.
    case csv
    /// A JSON array of objects.
    case json

    /// The format a file name says: `.csv`, `.json`, `.ndjson` or `.jsonl`; `nil` for anything else.
    public init?(path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": self = .csv
        case "json": self = .json
        case "ndjson", "jsonl": self = .ndjson
        default: return nil
        }
    }
}

/// How one value becomes a CSV cell and back, so that a cell reads back as the value it was.
///
/// A cell is a number only where the field's type says number; where the type is unknown (custom
/// fields) a cell reads as a number only when it is written the way a number is written (no leading
/// zeros, no sign, no spaces), as `true`/`false` (any case, as spreadsheets write them) when it is
/// one of those, and as text otherwise; a quoted cell is always text. The writer quotes any text
/// that would otherwise read as something else.
public enum CellValue {
    /// The cell for a value: text as it is, numbers and Booleans as JSON writes them, `null`
    /// empty, arrays and objects as compact JSON; `quoted` when the text must be quoted to stay text.
    public static func cell(_ value: JSONValue?) -> (text: String, quoted: Bool) {
        switch value {
        case nil, .null?: return ("", false)
        case .string(let text)?: return (text, inferred(text, quoted: false) != .string(text) || text.isEmpty)
        case .bool(let flag)?: return (flag ? "true" : "false", false)
        case let value?: return (value.compactText(), false)
        }
    }

    /// A cell of a field whose type is unknown (a custom field): see the type rules above.
    public static func inferred(_ text: String, quoted: Bool) -> JSONValue {
        if quoted { return .string(text) }
        // Only a text of 4 or 5 bytes can be `true`, `false` or `null` in any case.
        if (4...5).contains(text.utf8.count) {
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: break
            }
        }
        if isCanonicalInteger(text), let number = Int(text) { return .integer(number) }
        if isCanonicalNumber(text), let number = Double(text), number.isFinite { return .number(number) }
        return .string(text)
    }

    /// `0`, `42`, `-7`; not `007`, `+7`, ` 7` or `1e3`.
    static func isCanonicalInteger(_ text: String) -> Bool {
        var digits = Substring(text).utf8
        if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        guard let first = digits.first, digits.allSatisfy(isDigit) else { return false }
        return first != UInt8(ascii: "0") || digits.count == 1
    }

    /// A number as JSON writes it: `1.5`, `-0.25`, `-1e-07`, `2E+10`; not `01.5`, `.5`, `1.`, `1,5` or `+5`:
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, read byte by byte (a regular expression
    /// per cell was most of a CSV export's time).
    static func isCanonicalNumber(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBufferPointer { isCanonicalNumber($0) }
    }

    /// ``isCanonicalNumber(_:)-(String)`` of text given as UTF-8 bytes.
    static func isCanonicalNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var at = 0
        func digits() -> Int {
            let start = at
            while at < bytes.count, isDigit(bytes[at]) { at += 1 }
            return at - start
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
        guard at < bytes.count, isDigit(bytes[at]) else { return false }
        if bytes[at] == UInt8(ascii: "0") { at += 1 } else { _ = digits() }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            guard digits() > 0 else { return false }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard digits() > 0 else { return false }
        }
        return at == bytes.count
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Writes records page by page as NDJSON, CSV or JSON, for `planhat export` and the explorer's
/// `e`. What it writes, ``BulkItems`` reads back unchanged (a test checks it for every model).
///
/// CSV columns are `_id`, then every top-level field seen in any record (sorted), then one
/// `custom.<Name>` column per custom field seen; with `columns` given, exactly those. Without
/// `columns` the records' compact bytes are spooled to a temporary file first (only their field
/// names are read on the way), so a field that first appears on a later page still gets its
/// column; the rows are then written from the spool's bytes a piece at a time, so memory does not
/// grow with the records.
public final class RecordWriter {
    private let output: FileHandle
    private let format: RecordFormat
    private var columns: [String]?
    private var spool: FileHandle?
    private var spoolPath: String?
    private var seen = ColumnNameCollector()
    private var rows: CSVRowBuilder?
    private var first = true
    /// How much of the spool is read, and how much CSV is gathered, before it is written out.
    static let chunkSize = 1 << 20

    /// - Parameter columns: the CSV columns (`custom.Segment` for a custom field); `nil` for every field.
    public init(output: FileHandle, format: RecordFormat, columns: [String]? = nil) throws {
        self.output = output
        self.format = format
        self.columns = columns
        if format == .json { try emit("[") }
        if format == .csv {
            if let columns {
                rows = CSVRowBuilder(columns: columns)
            } else {
                let path = NSTemporaryDirectory() + "planhat-export-\(UUID().uuidString).ndjson"
                spool = try FileOutput.createNew(path)
                spoolPath = path
            }
        }
    }

    deinit {
        if let spoolPath { unlink(spoolPath) }
    }

    /// Writes a page of records.
    public func write(_ records: [JSONValue]) throws {
        var text = ""
        switch format {
        case .ndjson:
            for record in records { text += record.compactText() + "\n" }
        case .json:
            for record in records {
                text += (first ? "\n" : ",\n") + record.compactText()
                first = false
            }
        case .csv:
            if spool != nil {
                try write(RawRecords(values: records))
                return
            }
            text = try csvLines(records)
        }
        try emit(text)
    }

    /// Writes a page of records kept as bytes: NDJSON and JSON get each record's bytes as they
    /// are; CSV rows are written from the bytes of the fields its columns need (a spooled CSV
    /// reads only the field names).
    public func write(_ records: RawRecords) throws {
        var bytes: [UInt8] = []
        switch format {
        case .ndjson:
            bytes.reserveCapacity(records.bytes.count + records.count)
            for index in 0..<records.count {
                bytes += records.record(index)
                bytes.append(0x0A)
            }
        case .json:
            bytes.reserveCapacity(records.bytes.count + 2 * records.count)
            for index in 0..<records.count {
                if !first { bytes.append(UInt8(ascii: ",")) }
                bytes.append(0x0A)
                bytes += records.record(index)
                first = false
            }
        case .csv:
            if let spool {
                bytes.reserveCapacity(records.bytes.count + records.count)
                records.bytes.withUnsafeBufferPointer { page in
                    for index in 0..<records.count { seen.add(page, records.span(index)) }
                }
                for index in 0..<records.count {
                    bytes += records.record(index)
                    bytes.append(0x0A)
                }
                try spool.write(contentsOf: bytes)
                return
            }
            guard records.count > 0 else { return }
            try writeHeaderOnce()
            var text: [UInt8] = []
            records.bytes.withUnsafeBufferPointer { page in
                for index in 0..<records.count { rows?.append(page, records.span(index), to: &text) }
            }
            try output.write(contentsOf: text)
            return
        }
        try output.write(contentsOf: bytes)
    }

    /// Ends the file: the JSON array is closed; a spooled CSV is written out.
    public func finish() throws {
        switch format {
        case .json: try emit("\n]\n")
        case .ndjson: break
        case .csv:
            guard let spool, let spoolPath else {
                try writeHeaderOnce()
                return
            }
            try spool.close()
            self.spool = nil
            let columns = ["_id"] + seen.names.subtracting(["_id"]).sorted { Self.columnOrder($0) < Self.columnOrder($1) }
            self.columns = columns
            var rows = CSVRowBuilder(columns: columns)
            guard let reader = FileHandle(forReadingAtPath: spoolPath) else { throw PlanhatError.file("cannot read back \(spoolPath)") }
            defer { try? reader.close() }
            // The spool holds compact lines this writer wrote: each row is written from a line's bytes.
            var pending: [UInt8] = []
            var text: [UInt8] = []
            text.reserveCapacity(Self.chunkSize + (Self.chunkSize >> 2))
            while let chunk = try reader.read(upToCount: Self.chunkSize), !chunk.isEmpty {
                pending.append(contentsOf: chunk)
                var done = 0
                pending.withUnsafeBufferPointer { lines in
                    var start = 0
                    for at in 0..<lines.count where lines[at] == 0x0A {
                        rows.append(lines, start..<at, to: &text)
                        start = at + 1
                    }
                    done = start
                }
                pending.removeFirst(done)
                if text.count >= Self.chunkSize {
                    try writeHeaderOnce()
                    try output.write(contentsOf: text)
                    text.removeAll(keepingCapacity: true)
                }
            }
            try writeHeaderOnce()
            if !text.isEmpty { try output.write(contentsOf: text) }
        }
    }

    /// The header line, before the first row (or alone, for a CSV without records).
    private func writeHeaderOnce() throws {
        guard first else { return }
        first = false
        try emit(CSV.row(columns ?? []) + "\n")
    }

    private func csvLines(_ records: [JSONValue]) throws -> String {
        let columns = self.columns ?? []
        var text = ""
        if first, !records.isEmpty {
            text += CSV.row(columns) + "\n"
            first = false
        }
        for record in records {
            text += Self.csvRow(columns.map { Self.value(of: $0, in: record) })
        }
        return text
    }

    /// One CSV line of cells.
    private static func csvRow(_ values: [JSONValue?]) -> String {
        let cells = values.map(CellValue.cell)
        let quoted = Set(cells.indices.filter { cells[$0].quoted })
        return CSV.row(cells.map(\.text), quoted: quoted) + "\n"
    }

    /// Fields first, then custom fields, each by name.
    static func columnOrder(_ name: String) -> (Int, String) {
        (name.hasPrefix("custom.") ? 1 : 0, name)
    }

    /// The value a column holds in a record (`custom.Segment` reads `custom` → `Segment`).
    static func value(of column: String, in record: JSONValue) -> JSONValue? {
        if column.hasPrefix("custom."), record[column] == nil { return record["custom"]?[String(column.dropFirst("custom.".count))] }
        return record[column]
    }

    private func emit(_ text: String) throws {
        try output.write(contentsOf: Data(text.utf8))
    }
}
