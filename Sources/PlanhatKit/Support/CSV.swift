/// CSV as spreadsheets read it: text as is, other JSON values compact, quoted when needed.
public enum CSV {
    /// One line of cells, without the line break.
    public static func row(_ cells: [String]) -> String {
        cells.map(escape).joined(separator: ",")
    }

    /// The cell text of a JSON value: strings as they are, `null` empty, the rest compact JSON.
    public static func cell(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: return ""
        case .string(let text)?: return text
        case let value?: return value.compactText()
        }
    }

    /// Quotes a cell holding a comma, a quote or a line break.
    public static func escape(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension CSV {
    /// Why a CSV text could not be read.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The 1-based line where the problem starts.
        public var line: Int
        public var reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }

        public var description: String { "line \(line): \(reason)" }
    }

    /// The rows of a CSV text (RFC 4180: quoted cells may hold commas, quotes and line breaks).
    /// Blank lines are skipped; a leading byte-order mark is ignored.
    ///
    /// - Throws: ``ParseError`` for a quote left open.
    public static func parse(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var line = 1
        var quoteLine = 1
        var characters = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let scalar = pending {
                pending = nil
                return scalar
            }
            return characters.next()
        }
        func endRow() {
            row.append(cell)
            cell = ""
            if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
            row = []
        }
        var first = true
        while let scalar = next() {
            defer { first = false }
            if first && scalar == "\u{FEFF}" { continue }
            if quoted {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" {
                            cell.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pending = following
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    cell.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where cell.isEmpty:
                quoted = true
                quoteLine = line
            case ",":
                row.append(cell)
                cell = ""
            case "\r":
                if let following = next(), following != "\n" { pending = following }
                endRow()
                line += 1
            case "\n":
                endRow()
                line += 1
            default:
                cell.unicodeScalars.append(scalar)
            }
        }
        if quoted { throw ParseError(line: quoteLine, reason: "a quoted cell is never closed") }
        if !cell.isEmpty || !row.isEmpty { endRow() }
        return rows
    }
}
