import Foundation
import PlanhatKit
import Testing
import TerminalUI

@testable import Explorer

/// Key bindings are written once: every key a screen acts on is in the table its help and footer show.
@Suite("Key tables")
struct KeyTableTests {
    /// Every key a terminal can send that the explorer knows.
    static let candidates: [Key] = {
        var keys: [Key] = (32...126).compactMap { Unicode.Scalar($0).map { .character(Character($0)) } }
        keys += "abcdefghijklmnopqrstuvwxyz".map { .control($0) }
        keys += [.up, .down, .left, .right, .pageUp, .pageDown, .home, .end, .enter, .escape, .backspace, .delete, .tab, .backTab]
        keys += (1...12).map { .function($0) }
        return keys
    }()

    /// Whether a key changed anything: the pages, the overlay, the status, or asked for an effect.
    static func acts(_ key: Key, on driver: Driver) -> Bool {
        var copy = driver
        copy.effects = []
        let before = (copy.state.stack, copy.state.overlay, copy.state.status, copy.state.quitting)
        copy.send(key)
        return copy.state.stack != before.0 || copy.state.overlay != before.1 || copy.state.status != before.2 || copy.state.quitting != before.3 || !copy.effects.isEmpty
    }

    func check(_ driver: Driver, typing: Bool = false, _ name: String) {
        let table = Keys.table(for: driver.state.page, readOnly: false)
        for key in Self.candidates where Self.acts(key, on: driver) {
            if typing, case .character = key { continue }  // the "typing" binding: text goes into the field
            if table.contains(where: { $0.matches(key) }) { continue }
            Issue.record("\(name): \(key) does something but no binding of the page names it")
        }
    }

    @Test("models, operations, results, record and schema: every key that acts is a binding of the page")
    func lists() async throws {
        var driver = try Driver(height: 14)
        driver.send(.down, .down)
        check(driver, "models")
        driver.send(.enter, .down)
        check(driver, "operations")
        driver.send(.character(":"))
        driver.type("companies")
        driver.send(.enter)
        await driver.run()
        driver.send(.down, .down, .right)
        check(driver, "results")
        driver.send(.enter)
        await driver.run()
        driver.send(.pageDown)
        check(driver, "record")
        driver.open("companies", .create)
        driver.send(.function(2))
        driver.send(.down)
        check(driver, "schema")
    }

    @Test("parameters and forms: every key that acts is a binding of the page (typing aside)")
    func fieldPages() throws {
        var driver = try Driver()
        driver.open("companies", .list)
        check(driver, typing: true, "parameters")
        driver.open("companies", .create)
        driver.focus("status")
        check(driver, "form on a choice")
        driver.focus("name")
        check(driver, typing: true, "form on a text field")
    }

    @Test("the footer and the help show the page's bindings")
    func footerAndHelp() throws {
        var driver = try Driver(width: 160, height: 40)
        driver.send(.enter)
        let footer = driver.screen().line(39)
        for binding in Keys.Operations.table where binding.inFooter { #expect(footer.contains(binding.footerText), "\(binding.footerText)") }
        driver.send(.character("?"))
        let help = driver.screen().text
        for binding in Keys.Operations.table { #expect(help.contains(binding.action), "\(binding.action) is in the help") }
    }
}
