import Foundation

/// A cursor over a list of `count` rows shown `visible` at a time: selection and scroll offset,
/// moved by the usual keys. Only the visible rows are ever rendered.
public struct ListCursor: Hashable, Sendable {
    public var selected = 0
    public var offset = 0

    public init(selected: Int = 0, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    /// Applies a navigation key (one of `keys`); returns whether the key was one.
    public mutating func handle(_ key: Key, count: Int, visible: Int, keys: ListKeys = .list) -> Bool {
        let page = max(1, visible - 1)
        switch key {
        case keys.up: selected -= 1
        case keys.down: selected += 1
        case keys.pageUp: selected -= page
        case keys.pageDown: selected += page
        case keys.halfUp: selected -= max(1, visible / 2)
        case keys.halfDown: selected += max(1, visible / 2)
        case keys.first: selected = 0
        case keys.last: selected = count - 1
        default: return false
        }
        clamp(count: count, visible: visible)
        return true
    }

    /// Keeps the selection inside the list and on screen.
    public mutating func clamp(count: Int, visible: Int) {
        selected = max(0, min(selected, count - 1))
        if selected < offset { offset = selected }
        if visible > 0, selected >= offset + visible { offset = selected - visible + 1 }
        offset = max(0, min(offset, max(0, count - visible)))
    }
}

/// A single-line text field: its text and a cursor between grapheme clusters, edited by keys.
///
/// Keys arrive one Unicode scalar at a time, and a scalar may join the character before it (a
/// zero-width joiner, a combining mark, a skin tone, the second half of a flag) instead of adding
/// one. So the cursor is kept as a scalar offset and reported in characters: inserting never
/// assumes the text grew by one character, and moving or deleting always takes a whole cluster.
public struct TextField: Hashable, Sendable {
    public private(set) var text: String
    /// Where the cursor is, in Unicode scalars from the start (always on a character boundary).
    private var scalarOffset: Int

    public init(_ text: String = "") {
        self.text = text
        scalarOffset = text.unicodeScalars.count
    }

    /// The cursor, in characters (grapheme clusters) from the start: 0 … `text.count`.
    public var cursor: Int {
        get { GraphemeText.characterOffset(ofScalarOffset: scalarOffset, in: text) }
        set { scalarOffset = GraphemeText.scalarOffset(ofCharacterOffset: max(0, min(newValue, text.count)), in: text) }
    }

    /// Replaces the text and puts the cursor at its end.
    public mutating func set(_ newText: String) {
        self = TextField(newText)
    }

    /// The keys that edit a text field.
    public enum Keys {
        public static let erase = KeyBinding([.backspace], "Backspace", "delete before the cursor")
        public static let delete = KeyBinding([.delete], "Del", "delete at the cursor")
        public static let left = KeyBinding([.left], "←", "cursor left")
        public static let right = KeyBinding([.right], "→", "cursor right")
        public static let start = KeyBinding([.home, .control("a")], "Home ^A", "to the start")
        public static let end = KeyBinding([.end, .control("e")], "End ^E", "to the end")
        public static let clear = KeyBinding([.control("u")], "^U", "clear the text")
        /// Every editing binding, for the help.
        public static let all = [erase, delete, left, right, start, end, clear]
    }

    /// Applies an editing key; returns whether the text field used it.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .character(let character):
            insert(String(character))
        case Keys.erase:
            let position = cursor
            guard position > 0 else { return true }
            let start = text.index(text.startIndex, offsetBy: position - 1)
            let removedScalars = text[start].unicodeScalars.count
            text.remove(at: start)
            scalarOffset = GraphemeText.roundedUp(scalarOffset - removedScalars, in: text)
        case Keys.delete:
            let position = cursor
            guard position < text.count else { return true }
            text.remove(at: text.index(text.startIndex, offsetBy: position))
            scalarOffset = GraphemeText.roundedUp(scalarOffset, in: text)
        case Keys.left: cursor -= 1
        case Keys.right: cursor += 1
        case Keys.start: scalarOffset = 0
        case Keys.end: scalarOffset = text.unicodeScalars.count
        case Keys.clear:
            text = ""
            scalarOffset = 0
        default:
            return false
        }
        return true
    }

    /// Inserts text (one key's scalar, or pasted text) at the cursor and moves past it. When the
    /// inserted scalars join a neighbouring character, the cursor ends after the joined cluster.
    public mutating func insert(_ inserted: String) {
        let scalars = text.unicodeScalars
        let index = scalars.index(scalars.startIndex, offsetBy: min(scalarOffset, scalars.count))
        text.unicodeScalars.insert(contentsOf: inserted.unicodeScalars, at: index)
        scalarOffset = GraphemeText.roundedUp(scalarOffset + inserted.unicodeScalars.count, in: text)
    }

    /// Draws the field with a visible cursor block, scrolled so the cursor stays in view.
    public func render(into buffer: inout CellBuffer, x: Int, y: Int, width: Int, style: Style, cursorStyle: Style, focused: Bool) {
        guard width > 0 else { return }
        let characters = Array(text)
        let position = min(cursor, characters.count)
        let start = GraphemeText.scrollStart(characters, cursor: position, width: width)
        buffer.fill(x: x, y: y, width: width, height: 1, style: style)
        buffer.put(String(characters[start...]), x: x, y: y, style: style, maxWidth: width)
        if focused {
            let column = x + DisplayWidth.of(String(characters[start..<position]))
            let under = position < characters.count ? String(characters[position]) : " "
            if column < x + width { buffer.put(under, x: column, y: y, style: cursorStyle, maxWidth: 2) }
        }
    }
}

/// Positions in text counted in grapheme clusters and in Unicode scalars, and back.
enum GraphemeText {
    /// The characters before a scalar offset, a cluster cut in two counting as before it.
    static func characterOffset(ofScalarOffset offset: Int, in text: String) -> Int {
        var scalars = 0
        var characters = 0
        for character in text {
            if scalars >= offset { break }
            scalars += character.unicodeScalars.count
            characters += 1
        }
        return characters
    }

    /// The scalar offset where the character at `offset` starts.
    static func scalarOffset(ofCharacterOffset offset: Int, in text: String) -> Int {
        text.prefix(offset).reduce(0) { $0 + $1.unicodeScalars.count }
    }

    /// A scalar offset moved forward to the next character boundary (it may fall inside a cluster
    /// after an edit joined scalars).
    static func roundedUp(_ offset: Int, in text: String) -> Int {
        var scalars = 0
        for character in text {
            if scalars >= offset { return scalars }
            scalars += character.unicodeScalars.count
        }
        return scalars
    }

    /// The first character to show so that the one at `cursor` (and the cursor block) fit in
    /// `width` columns.
    static func scrollStart(_ characters: [Character], cursor: Int, width: Int) -> Int {
        var start = cursor
        var used = cursor < characters.count ? max(1, DisplayWidth.of(characters[cursor])) : 1
        while start > 0 {
            let columns = DisplayWidth.of(characters[start - 1])
            if used + columns > width { break }
            used += columns
            start -= 1
        }
        return start
    }
}

/// Lays out table columns by display width within the space available.
public enum TableLayout {
    /// The widths of columns with these headers and cells: wide enough for the content seen,
    /// at least the header, at most `cap` columns each.
    public static func widths(headers: [String], rows: [[String]], cap: Int = 40) -> [Int] {
        headers.indices.map { column in
            let content = rows.lazy.prefix(200).map { DisplayWidth.of($0[column]) }.max() ?? 0
            return min(cap, max(DisplayWidth.of(headers[column]), content, 3))
        }
    }
}

/// Copying through the terminal (OSC 52), which works over SSH and inside tmux.
public enum Clipboard {
    /// The escape sequence that puts `text` on the clipboard.
    public static func osc52(_ text: String) -> String {
        "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
    }
}
