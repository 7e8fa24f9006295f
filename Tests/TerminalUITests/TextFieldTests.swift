import Testing

@testable import TerminalUI

/// Types text the way a terminal delivers it: one Unicode scalar per key.
private func typeScalars(_ text: String, into field: inout TextField) {
    for scalar in text.unicodeScalars { _ = field.handle(Key(scalar: scalar)) }
}

/// Every kind of multi-scalar grapheme cluster Unicode has, each as one character.
let clusters: [(kind: String, text: String)] = [
    ("ZWJ sequence", "👩‍💻"),
    ("family ZWJ sequence", "👨‍👩‍👧‍👦"),
    ("skin tone modifier", "👍🏽"),
    ("ZWJ with modifier", "🧑🏿‍🚀"),
    ("flag (regional indicators)", "🇸🇪"),
    ("keycap", "1️⃣"),
    ("emoji variation selector", "❤️"),
    ("text variation selector", "☺︎"),
    ("tag sequence", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"),
    ("combining accent", "e\u{301}"),
    ("stacked combining marks", "a\u{301}\u{323}\u{30A}"),
    ("Hangul jamo L V T", "\u{1100}\u{1161}\u{11A8}"),
    ("Devanagari conjunct", "क्ष"),
    ("Thai with tone mark", "กี่"),
    ("spacing mark", "का"),
]

/// Clusters that join the character after them (a prepended mark): typed before a character, the
/// cursor ends after the cluster they form with it.
let prepended = "\u{600}"

@Suite("Text fields edit by grapheme cluster")
struct TextFieldTests {
    @Test("typing any cluster scalar by scalar keeps the text and the cursor right", arguments: clusters.map(\.text))
    func typingClusters(cluster: String) {
        #expect(cluster.count == 1, "the fixture itself is one character")
        var field = TextField()
        typeScalars("a" + cluster + "b", into: &field)
        #expect(field.text == "a" + cluster + "b")
        #expect(field.cursor == 3)
        #expect(field.cursor <= field.text.count)
    }

    @Test("a cluster typed between characters, then moved over and deleted whole", arguments: clusters.map(\.text))
    func editingAroundClusters(cluster: String) {
        var field = TextField("xy")
        _ = field.handle(.left)
        typeScalars(cluster, into: &field)
        #expect(field.text == "x" + cluster + "y")
        #expect(field.cursor == 2)
        _ = field.handle(.left)
        #expect(field.cursor == 1)
        _ = field.handle(.delete)
        #expect(field.text == "xy")
        typeScalars(cluster, into: &field)
        _ = field.handle(.backspace)
        #expect(field.text == "xy")
        #expect(field.cursor == 1)
    }

    @Test("the reported crash: 👩‍💻 typed into an empty field, then more text")
    func reportedCrash() {
        var field = TextField()
        typeScalars("👩‍💻 works", into: &field)
        #expect(field.text == "👩‍💻 works")
        _ = field.handle(.home)
        _ = field.handle(.right)
        _ = field.handle(.backspace)
        #expect(field.text == " works")
    }

    @Test("a prepended mark joins the character after it, and the cursor moves past both")
    func prependedMark() {
        var field = TextField("xy")
        _ = field.handle(.left)
        typeScalars(prepended, into: &field)
        #expect(field.text == "x\u{600}y")
        #expect(field.text.count == 2)
        #expect(field.cursor == 2)
        _ = field.handle(.backspace)
        #expect(field.text == "x")
    }

    @Test("a combining mark typed first (no base) does not break the field")
    func leadingCombiningMark() {
        var field = TextField()
        typeScalars("\u{301}\u{200D}\u{FE0F}x", into: &field)
        #expect(field.cursor == field.text.count)
        while !field.text.isEmpty { _ = field.handle(.backspace) }
        #expect(field.cursor == 0)
    }

    @Test("random editing over tricky scalars never leaves the cursor outside the text")
    func randomEditing() {
        let pool: [Unicode.Scalar] = ["a", "\u{301}", "\u{200D}", "\u{FE0F}", "\u{FE0E}", "\u{1F469}", "\u{1F4BB}", "\u{1F3FD}", "\u{1F1F8}", "\u{1F1EA}",
                                      "\u{1100}", "\u{1161}", "\u{11A8}", "\u{915}", "\u{94D}", "\u{937}", "\u{E01F0}", "\u{E0067}", "\u{600}", "\u{20E3}", "1", "好"]
        let moves: [Key] = [.left, .right, .home, .end, .backspace, .delete]
        var generator = SplitMix(seed: 0x5EED)
        for _ in 0..<300 {
            var field = TextField()
            var expected = ""
            var onlyAppended = true
            for _ in 0..<40 {
                if generator.next() % 4 == 0 {
                    let key = moves[Int(generator.next() % UInt64(moves.count))]
                    _ = field.handle(key)
                    onlyAppended = false
                } else {
                    let scalar = pool[Int(generator.next() % UInt64(pool.count))]
                    _ = field.handle(Key(scalar: scalar))
                    expected.unicodeScalars.append(scalar)
                }
                #expect(field.cursor >= 0 && field.cursor <= field.text.count)
                var buffer = CellBuffer(width: 12, height: 1)
                field.render(into: &buffer, x: 0, y: 0, width: 12, style: .plain, cursorStyle: .plain, focused: true)
            }
            if onlyAppended { #expect(field.text == expected) }
        }
    }

    @Test("a long line of wide characters scrolls so the cursor stays on screen")
    func wideScroll() {
        var field = TextField(String(repeating: "好", count: 30))
        var buffer = CellBuffer(width: 10, height: 1)
        field.render(into: &buffer, x: 0, y: 0, width: 10, style: .plain, cursorStyle: Style(reverse: true), focused: true)
        #expect(buffer[8, 0].style.reverse, "the cursor block follows the last four wide characters")
        #expect(buffer.line(0) == String(repeating: "好", count: 4))
        _ = field.handle(.home)
        buffer = CellBuffer(width: 10, height: 1)
        field.render(into: &buffer, x: 0, y: 0, width: 10, style: .plain, cursorStyle: Style(reverse: true), focused: true)
        #expect(buffer[0, 0].style.reverse)
    }

    @Test("the text area edits by cluster too", arguments: clusters.map(\.text))
    func textArea(cluster: String) {
        var area = TextArea("ab")
        _ = area.handle(.end, visible: 5)
        _ = area.handle(.left, visible: 5)
        for scalar in cluster.unicodeScalars { _ = area.handle(Key(scalar: scalar), visible: 5) }
        #expect(area.text == "a" + cluster + "b")
        #expect(area.column == 2)
        _ = area.handle(.backspace, visible: 5)
        #expect(area.text == "ab")
        var buffer = CellBuffer(width: 4, height: 2)
        area.render(into: &buffer, x: 0, y: 0, width: 4, height: 2, style: .plain, cursorStyle: .plain)
    }
}

/// A small seeded generator, so failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Display width")
struct DisplayWidthTests {
    @Test("display widths count CJK and emoji as two columns")
    func widths() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("東京") == 4)
        #expect(DisplayWidth.of("🎉") == 2)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.truncate("東京データ株式会社", to: 7) == "東京デ…")
        #expect(DisplayWidth.of(DisplayWidth.pad("東京データ", to: 7)) == 7)
    }

    @Test("every multi-scalar cluster has the width of what the terminal draws", arguments: [
        ("👩‍💻", 2), ("👨‍👩‍👧‍👦", 2), ("👍🏽", 2), ("🇸🇪", 2), ("1️⃣", 2), ("❤️", 2), ("☺︎", 1), ("e\u{301}", 1),
        ("a\u{301}\u{323}\u{30A}", 1), ("\u{1100}\u{1161}\u{11A8}", 2), ("क्ष", 1),
    ])
    func clusterWidths(cluster: String, width: Int) {
        #expect(DisplayWidth.of(cluster) == width)
    }
}
