import Foundation
import PlanhatKit
import PlanhatTestSupport
import Testing
import TerminalUI

@testable import Explorer

@Suite("Explorer rendering")
struct RenderTests {
    static let sizes = [(120, 40), (80, 24), (40, 12)]

    func screen(_ driver: Driver) -> CellBuffer {
        ExplorerView.render(driver.state, context: driver.context, theme: .fallback)
    }

    @Test("the models screen: header, badge, breadcrumb, rows, footer", arguments: RenderTests.sizes)
    func models(_ width: Int, _ height: Int) throws {
        let driver = try Driver(width: width, height: height)
        let buffer = screen(driver)
        #expect(buffer.width == width && buffer.height == height)
        #expect(buffer.line(0).hasPrefix(" Planhat Explorer"))
        #expect(buffer.line(0).contains("SANDBOX"))
        #expect(buffer.line(1).contains("Models"))
        #expect(buffer.text.contains("companies"))
        #expect(buffer.line(height - 1).contains("Enter open model"))
        for y in 0..<height { #expect(DisplayWidth.of(buffer.line(y)) <= width, "row \(y) overflows") }
        #expect(buffer[1, 3].style == Theme.fallback[.selection], "the first model is selected")
    }

    @Test("results with wide characters are cut by display width, never mid-glyph", arguments: RenderTests.sizes)
    func wideCharacters(_ width: Int, _ height: Int) throws {
        var driver = try Driver(width: width, height: height)
        driver.send(.enter, .enter, .enter)
        driver.answer(.success([
            ["_id": "000000000000000000000001", "name": "東京データ株式会社 ホールディングス 🎉 グループ", "arr": 120000, "status": "customer"],
            ["_id": "000000000000000000000002", "name": "Zürich Versicherung AG", "arr": 90000, "status": "prospect"],
        ]))
        let buffer = screen(driver)
        #expect(buffer.text.contains("東京"))
        for y in 0..<height {
            #expect(DisplayWidth.of(buffer.line(y)) <= width)
            for x in 0..<width where buffer[x, y].width == 2 {
                #expect(x + 1 < width && buffer[x + 1, y].width == 0, "a wide glyph keeps its second column")
            }
        }
        #expect(buffer.text.contains("2 records"))
    }

    @Test("the help overlay lists the keys of the current screen", arguments: RenderTests.sizes)
    func help(_ width: Int, _ height: Int) throws {
        var driver = try Driver(width: width, height: height)
        driver.send(.character("?"))
        let text = screen(driver).text
        #expect(text.contains("Keys: models"))
        #expect(text.contains("filter"))
    }

    @Test("a terminal too small gets a notice instead of garbage")
    func tooSmall() throws {
        let driver = try Driver(width: 20, height: 6)
        #expect(screen(driver).text.contains("Terminal too small"))
    }

    @Test("the record screen colours JSON by slot")
    func jsonColours() throws {
        var driver = try Driver()
        driver.send(.enter, .enter, .enter)
        driver.answer(.success(companies(1)))
        driver.send(.enter)
        driver.answer(.success(["_id": "x", "name": "Acme", "arr": 5, "active": true, "owner": nil]))
        let buffer = screen(driver)
        let theme = Theme.fallback
        var found: Set<Slot> = []
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                for slot in [Slot.jsonKey, .jsonString, .jsonNumber, .jsonBool, .jsonNull] where buffer[x, y].style == theme[slot] && buffer[x, y].character != " " {
                    found.insert(slot)
                }
            }
        }
        #expect(found == [.jsonKey, .jsonString, .jsonNumber, .jsonBool, .jsonNull])
    }

    @Test("100 000 rows: a frame renders only what is visible")
    func largeTable() throws {
        var driver = try Driver(width: 120, height: 40)
        driver.send(.enter, .enter, .enter)
        driver.answer(.success(companies(100_000)))
        driver.send(.character("G"))
        let buffer = screen(driver)
        #expect(buffer.text.contains("Company 99999"))
        driver.send(.character("/"))
        driver.type("company 4242")
        guard case .results(let page) = driver.state.page else { Issue.record("not on results"); return }
        #expect(page.visibleRows.count == 11)
    }
}

@Suite("Themes")
struct ThemeTests {
    @Test("the built-in themes load, and equal the files in themes/", arguments: ["default", "light", "high-contrast"])
    func builtIn(_ name: String) throws {
        let theme = try Theme.named(name)
        #expect(theme.name == name)
        let file = ProcessRunner.packageRoot.appendingPathComponent("themes/\(name).yaml")
        let fromFile = try Theme.named(file.path)
        for slot in Slot.allCases { #expect(fromFile[slot] == theme[slot], "\(name) \(slot)") }
    }

    @Test("a broken theme names the file and the key", arguments: [
        ("name: x\nslots: {text: {fg: default}}", "slots.muted"),
        ("name: x\nslots:\n  text: {fg: chartreuse}", "slots.text.fg"),
        ("name: x\nslots:\n  text: {shiny: true}", "slots.text.shiny"),
        ("name: x\nslots:\n  texty: {fg: red}", "slots.texty"),
        ("[not: a mapping", "not valid YAML"),
    ])
    func broken(_ yaml: String, _ expected: String) {
        do {
            _ = try Theme.load(yaml: yaml, source: "/tmp/mine.yaml")
            Issue.record("accepted a broken theme")
        } catch let error as ThemeError {
            #expect(error.description.contains("/tmp/mine.yaml"))
            #expect(error.description.contains(expected), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("NO_COLOR drops colours but keeps the selection visible; 8-colour terminals get base colours")
    func fallbacks() throws {
        let theme = try Theme.named("default")
        let plain = theme.adapted(colors: 256, noColor: true)
        #expect(plain[.selection].foreground == .terminalDefault && plain[.selection].reverse)
        let light = try Theme.named("light").adapted(colors: 8, noColor: false)
        for slot in Slot.allCases {
            for color in [light[slot].foreground, light[slot].background] {
                if case .ansi(let index) = color { #expect(index < 8) }
                if case .indexed = color { Issue.record("\(slot) keeps a 256-colour index") }
            }
        }
    }

    @Test("an unknown theme name lists the choices")
    func unknownName() {
        #expect(throws: ThemeError.self) { try Theme.named("neon") }
    }
}
