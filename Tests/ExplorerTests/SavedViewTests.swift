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
