import Foundation
import Yams

/// A terminal colour: the terminal's default, one of the 16 ANSI colours, or a 256-colour index.
public enum Color: Hashable, Sendable {
    case terminalDefault
    case ansi(Int)
    case indexed(Int)

    static let names = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow", "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
    ]

    /// `cyan`, `bright-black`, `default` or a number from 0 to 255.
    init?(name: String) {
        let key = name.lowercased().replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: "grey", with: "bright-black").replacingOccurrences(of: "gray", with: "bright-black")
        if key == "default" || key == "none" {
            self = .terminalDefault
        } else if let index = Self.names.firstIndex(of: key) {
            self = .ansi(index)
        } else if let number = Int(key), (0...255).contains(number) {
            self = number < 16 ? .ansi(number) : .indexed(number)
        } else {
            return nil
        }
    }

    /// The colour on a terminal with only `colors` colours (8-colour terminals get the base 8).
    public func limited(to colors: Int) -> Color {
        switch self {
        case .terminalDefault: return self
        case .ansi(let index): return colors >= 16 ? self : .ansi(index % 8)
        case .indexed(let index):
            if colors >= 256 { return self }
            return .ansi(Self.nearestBase(index))
        }
    }

    /// A rough mapping of the 256-colour cube and grey ramp onto the 8 base colours.
    private static func nearestBase(_ index: Int) -> Int {
        if index >= 232 { return index >= 244 ? 7 : 0 }
        let cube = index - 16
        let red = cube / 36, green = (cube / 6) % 6, blue = cube % 6
        return (red >= 3 ? 1 : 0) | (green >= 3 ? 2 : 0) | (blue >= 3 ? 4 : 0)
    }
}

/// How a cell looks.
public struct Style: Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(foreground: Color = .terminalDefault, background: Color = .terminalDefault, bold: Bool = false,
                underline: Bool = false, reverse: Bool = false, dim: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }

    public static let plain = Style()

    /// This style without colours (for `NO_COLOR`): attributes keep selections visible.
    public var withoutColor: Style {
        Style(bold: bold, underline: underline, reverse: reverse || background != .terminalDefault, dim: dim)
    }
}

/// The semantic slots a theme fills.
public enum Slot: String, CaseIterable, Sendable {
    case text, muted, accent, selection, border, error, warning, success
    case jsonKey = "json-key", jsonString = "json-string", jsonNumber = "json-number", jsonBool = "json-bool", jsonNull = "json-null"
}

/// A colour theme: one style per slot.
public struct Theme: Sendable {
    public var name: String
    private var styles: [Slot: Style]

    public subscript(slot: Slot) -> Style {
        styles[slot] ?? .plain
    }

    /// The theme as a terminal with `colors` colours can show it; without colours when `noColor`.
    public func adapted(colors: Int, noColor: Bool) -> Theme {
        var copy = self
        for (slot, style) in styles {
            var adapted = style
            if noColor || colors < 8 {
                adapted = style.withoutColor
            } else {
                adapted.foreground = style.foreground.limited(to: colors)
                adapted.background = style.background.limited(to: colors)
            }
            copy.styles[slot] = adapted
        }
        return copy
    }

    /// Reads a theme from YAML:
    /// ```yaml
    /// name: default
    /// slots:
    ///   accent: {fg: cyan, bold: true}
    ///   selection: {fg: black, bg: cyan}
    /// ```
    /// Every slot must be present. Errors name the file and the key.
    public static func load(yaml: String, source: String) throws -> Theme {
        let document: Any?
        do {
            document = try Yams.load(yaml: yaml)
        } catch {
            throw ThemeError(source: source, key: nil, problem: "is not valid YAML: \(error)")
        }
        guard let root = document as? [String: Any] else {
            throw ThemeError(source: source, key: nil, problem: "must be a mapping with name and slots")
        }
        guard let slots = root["slots"] as? [String: Any] else {
            throw ThemeError(source: source, key: "slots", problem: "is missing or not a mapping")
        }
        var styles: [Slot: Style] = [:]
        for key in slots.keys.sorted() where Slot(rawValue: key) == nil {
            throw ThemeError(source: source, key: "slots.\(key)", problem: "is not a slot; slots are " + Slot.allCases.map(\.rawValue).joined(separator: ", "))
        }
        for slot in Slot.allCases {
            guard let entry = slots[slot.rawValue] as? [String: Any] else {
                throw ThemeError(source: source, key: "slots.\(slot.rawValue)", problem: "is missing (give at least {fg: default})")
            }
            styles[slot] = try style(entry, key: "slots.\(slot.rawValue)", source: source)
        }
        return Theme(name: root["name"] as? String ?? source, styles: styles)
    }

    private static func style(_ entry: [String: Any], key: String, source: String) throws -> Style {
        var style = Style()
        for (name, value) in entry {
            switch name {
            case "fg", "bg":
                guard let text = (value as? String) ?? (value as? Int).map(String.init), let color = Color(name: text) else {
                    throw ThemeError(source: source, key: "\(key).\(name)", problem: "'\(value)' is not a colour (a name such as cyan or bright-black, default, or 0-255)")
                }
                if name == "fg" { style.foreground = color } else { style.background = color }
            case "bold", "underline", "reverse", "dim":
                guard let flag = value as? Bool else {
                    throw ThemeError(source: source, key: "\(key).\(name)", problem: "must be true or false")
                }
                switch name {
                case "bold": style.bold = flag
                case "underline": style.underline = flag
                case "reverse": style.reverse = flag
                default: style.dim = flag
                }
            default:
                throw ThemeError(source: source, key: "\(key).\(name)", problem: "is not a style key (fg, bg, bold, underline, reverse, dim)")
            }
        }
        return style
    }

    /// A built-in theme by name, or a theme file by path.
    /// - Parameter folders: where a theme named without a path may also be (`<name>.yaml` there),
    ///   searched in order before the built-in themes: the user's themes folder, the installed one.
    public static func named(_ nameOrPath: String, folders: [String] = []) throws -> Theme {
        let isPath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml")
        if !isPath, let file = folders.map({ $0 + "/" + nameOrPath + ".yaml" }).first(where: { FileManager.default.isReadableFile(atPath: $0) }) {
            return try named(file)
        }
        if let builtIn = BuiltInThemes.yaml[nameOrPath] {
            return try load(yaml: builtIn, source: "built-in theme \(nameOrPath)")
        }
        guard isPath else {
            let known = Set(BuiltInThemes.yaml.keys).union(folders.flatMap { folder in
                ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
            })
            throw ThemeError(source: nameOrPath, key: nil, problem: "is not a theme: use " + known.sorted().joined(separator: ", ") + " or a path to a YAML file")
        }
        guard let data = FileManager.default.contents(atPath: nameOrPath) else {
            throw ThemeError(source: nameOrPath, key: nil, problem: "cannot be read")
        }
        return try load(yaml: String(decoding: data, as: UTF8.self), source: nameOrPath)
    }

    /// The default theme, which always loads.
    public static var fallback: Theme {
        (try? named("default")) ?? Theme(name: "plain", styles: [:])
    }
}

/// A theme that cannot be used: which file, which key, what is wrong.
public struct ThemeError: Error, CustomStringConvertible, Sendable {
    public var source: String
    public var key: String?
    public var problem: String

    public var description: String {
        key.map { "theme \(source): \($0) \(problem)" } ?? "theme \(source) \(problem)"
    }
}
