import Foundation
import PlanhatKit
import PlanhatSandbox
import Testing
import TerminalUI

@testable import Explorer

extension Driver {
    /// Types text the way the terminal delivers it: one Unicode scalar per key.
    mutating func typeScalars(_ text: String) {
        for scalar in text.unicodeScalars { send(Key(scalar: scalar)) }
    }
}

/// Regressions of the defects found trying the explorer as a new user would (issue 19).
@Suite("Explorer defects stay fixed")
struct DefectTests {
    static let clusters = ["👩‍💻", "👨‍👩‍👧‍👦", "🇸🇪", "👍🏽", "e\u{301}", "1️⃣", "\u{1100}\u{1161}\u{11A8}", "क्ष"]

    @Test("multi-scalar characters in a form's text field, scalar by scalar, reach the parameters", arguments: clusters)
    func clusterInForm(cluster: String) throws {
        var driver = try Driver()
        driver.open("notes", .create)
        driver.focus("subject")
        driver.typeScalars("Hi " + cluster + "!")
        let field = try #require(driver.form?.focused)
        #expect(field.input.text == "Hi " + cluster + "!")
        #expect(driver.form?.form.parameters().parameters["subject"] == .string("Hi " + cluster + "!"))
        _ = driver.screen()
    }

    @Test("multi-scalar characters in the / filter, the : prompt and the record search", arguments: clusters)
    func clusterInPrompts(cluster: String) async throws {
        var driver = try Driver()
        driver.send(.character("/"))
        driver.typeScalars(cluster)
        _ = driver.screen()
        driver.send(.escape, .character(":"))
        driver.typeScalars(cluster)
        _ = driver.screen()
        guard case .prompt(let prompt)? = driver.state.overlay else { Issue.record("no prompt"); return }
        #expect(prompt.field.text == cluster)
        driver.send(.escape)
        let record = try await driver.firstRecord("companies")
        driver.state.stack.append(.record(RecordPage(model: try Catalog.shared.model(named: "companies"), record: record)))
        driver.send(.character("/"))
        driver.typeScalars(cluster + cluster)
        guard case .record(let page) = driver.state.page else { Issue.record("not on the record"); return }
        #expect(page.search?.query == cluster + cluster)
        _ = driver.screen()
    }
}
