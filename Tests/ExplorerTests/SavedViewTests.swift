import Foundation
import PlanhatKit
import PlanhatRemote
import PlanhatTestSupport
import Testing

@testable import Explorer

@Suite("Saved views")
struct SavedViewTests {
    @Test("views.yaml: read with conditions, sort and columns; a problem names the file, the line and the key")
    func parse() throws {
        let text = "views:\n  risky:\n    model: companies\n    where:\n      h: {below: 50}\n      status: customer\n    sort: -arr\n    columns: [name, h]\n"
        let views = try SavedViewsFile.parse(text, path: "views.yaml")
        #expect(views == [SavedView(name: "risky", model: "companies", conditions: [ViewCondition(field: "h", op: .below, value: 50), ViewCondition(field: "status", op: .is, value: "customer")], sort: "-arr", columns: ["name", "h"])])
        let bad = "views:\n  risky:\n    model: companies\n    where:\n      h: {lower: 50}\n"
        #expect(throws: PlanhatError.self) { try SavedViewsFile.parse(bad, path: "views.yaml") }
        do { _ = try SavedViewsFile.parse(bad, path: "views.yaml") } catch let error as PlanhatError {
            #expect(error.message.hasPrefix("views.yaml:5: risky.where.h.lower: unknown comparison"), "\(error.message)")
        }
    }

    @Test("a view saved to the file reads back the same, beside the built-in ones")
    func saveAndLoad() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("views-\(UUID())/views.yaml").path
        let file = SavedViewsFile(path: path)
        let view = SavedView(name: "mine", title: "Mine", model: "companies", conditions: [ViewCondition(field: "arr", op: .from, value: 1000), ViewCondition(field: "arr", op: .to, value: 9000)], sort: "-arr", columns: ["name", "arr", "custom.Seats"])
        _ = try file.save(view)
        #expect(try file.load() == [view])
        #expect(try SavedViews.all(store: file, sandbox: true).map(\.name) == ["mine", "renewals-90d", "low-health", "tasks-this-week"])
    }

    @Test("the CLI runs a built-in view: every record meets its conditions, with its columns")
    func cliRun() throws {
        let folder = ProcessRunner.temporaryDirectory("views")
        let environment = ProcessRunner.environment(["PLANHAT_SANDBOX_PATH": folder.appendingPathComponent("s.sqlite").path, "XDG_CONFIG_HOME": folder.path])
        let list = try ProcessRunner.planhat(["views"], environment: environment)
        #expect(list.stdout.contains("renewals-90d") && list.stdout.contains("low-health"))
        let run = try ProcessRunner.planhat(["view", "run", "low-health", "--format", "json"], environment: environment)
        let rows = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { ($0["h"] as? Double ?? 100) < 40 })
        #expect(rows.allSatisfy { Set($0.keys).isSubset(of: ["name", "h", "arr", "owner", "phase", "lastActive", "_id"]) })
    }
}

@Suite("Saved views in the explorer")
struct ExplorerViewTests {
    @Test(":view NAME opens the view's records in a table of its columns; S saves the table as a view")
    func openAndSave() async throws {
        var driver = try Driver(width: 120, height: 40)
        driver.state.views = SavedView.sandboxBuiltIns
        driver.send(.character(":"))
        driver.type("view low-health")
        driver.send(.enter)
        let run = try #require(driver.effects.compactMap { effect -> (Int, SavedView)? in
            if case .runView(let id, let view) = effect { return (id, view) }
            return nil
        }.last)
        #expect(run.1.name == "low-health")
        let result = try await SavedViewRunner.run(run.1, service: driver.context.service)
        driver.feed(.response(id: run.0, result: .success(.array(result.records))))
        let page = try #require(driver.results)
        #expect(page.columns == run.1.columns + ["_id"])
        #expect(page.rows.count == result.records.count && page.exhausted)
        driver.send(.character("S"))
        #expect(driver.screen().text.contains("Save the view as: low-health"), "the prompt offers the open view's name")
        driver.send(.control("u"))
        driver.type("mine")
        driver.send(.enter)
        let saved = try #require(driver.effects.compactMap { effect -> SavedView? in
            if case .saveView(let view) = effect { return view }
            return nil
        }.last)
        #expect(saved.name == "mine" && saved.model == "companies" && saved.columns == run.1.columns && saved.sort == "h")
        #expect(saved.conditions == run.1.conditions)
    }
}
