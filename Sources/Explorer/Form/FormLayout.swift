import PlanhatKit

/// The display lines of a form's fields: a section heading, the field, its help (focused field
/// only) and its problem. The update scrolls by them and the view draws them.
enum FormLayout {
    enum Line: Hashable {
        case section(String)
        case field(Int)
        case help(Int)
        case issue(Int)

        var field: Int? {
            switch self {
            case .section: return nil
            case .field(let index), .help(let index), .issue(let index): return index
            }
        }
    }

    static func lines(_ page: FormPage) -> [Line] {
        var lines: [Line] = []
        var section: String?
        for (index, field) in page.form.fields.enumerated() {
            if field.section != section {
                if let heading = field.section { lines.append(.section(heading)) }
                section = field.section
            }
            lines.append(.field(index))
            if index == page.focus, !field.help.isEmpty { lines.append(.help(index)) }
            if field.issue != nil { lines.append(.issue(index)) }
        }
        return lines
    }

    /// Lines available to the fields: the body less the title, the summary and a spacer.
    static func visible(bodyHeight: Int) -> Int {
        max(1, bodyHeight - 3)
    }

    /// The scroll that keeps the focused field's lines on screen, moving as little as possible.
    static func scroll(_ page: FormPage, visible: Int) -> Int {
        let lines = lines(page)
        let mine = lines.indices.filter { lines[$0].field == page.focus }
        guard var first = mine.first, let last = mine.last else { return 0 }
        if first > 0, case .section = lines[first - 1] { first -= 1 }
        var scroll = page.scroll
        if last >= scroll + visible { scroll = last - visible + 1 }
        if first < scroll { scroll = first }
        return max(0, min(scroll, max(0, lines.count - visible)))
    }
}
