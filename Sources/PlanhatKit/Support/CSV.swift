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
