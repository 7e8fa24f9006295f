import Foundation
import PlanhatKit
import PlanhatSandbox
import Testing
import TerminalUI

@testable import Explorer

/// A context over an in-memory sandbox (only validation and the catalog are used by the update).
func makeContext(readOnly: Bool = false, drafts: DraftStore? = nil) throws -> ExplorerContext {
    let store = try SandboxStore(path: nil)
    try DemoData(companies: 12).seed(into: store)
    return ExplorerContext(
        service: PlanhatService(backend: SandboxBackend(store: store), readOnly: readOnly), exportFolder: "/tmp/exports", drafts: drafts,
        now: { Date(timeIntervalSince1970: 1_800_000_000) })
}

/// Feeds keys (and typed text) into the update, collecting effects.
struct Driver {
    var state: ExplorerState
    let context: ExplorerContext
    var effects: [Effect] = []

    init(width: Int = 100, height: Int = 30, context: ExplorerContext) {
        state = ExplorerState(width: width, height: height)
        self.context = context
    }

    init(width: Int = 100, height: Int = 30, readOnly: Bool = false, drafts: DraftStore? = nil) throws {
        state = ExplorerState(width: width, height: height)
        context = try makeContext(readOnly: readOnly, drafts: drafts)
    }

    /// Performs the call in flight against the context's sandbox and feeds the answer back.
    mutating func run() async {
        guard let pending = state.pending else { return }
        for effect in effects.reversed() {
            guard case .perform(let id, let request) = effect, id == pending.id else { continue }
            do {
                let outcome = try await context.service.run(request)
                feed(.response(id: id, result: .success(outcome.value), notices: outcome.notices))
            } catch let error as PlanhatError {
                answer(.failure(error))
            } catch {
                answer(.failure(PlanhatError(status: 500, message: "\(error)")))
            }
            return
        }
    }

    mutating func send(_ keys: Key...) {
        for key in keys { feed(.key(key)) }
    }

    /// Updates with an action, then does what the app does at once for effects that read files
    /// (a draft): their answers come back as actions.
    mutating func feed(_ action: Action) {
        let produced = ExplorerUpdate.update(&state, action, context: context)
        effects += produced
        for case .loadDraft(let key) in produced { feed(.draftLoaded(key: key, context.drafts?.load(key))) }
    }

    mutating func type(_ text: String) {
        for character in text { send(.character(character)) }
    }

    mutating func answer(_ result: Result<JSONValue, PlanhatError>) {
        guard let id = state.pending?.id else { return }
        feed(.response(id: id, result: result))
    }

    /// From the first screen: the first model's list parameters, `limit` typed over, run.
    mutating func runCompanies(limit: String) {
        send(.enter, .enter, .control("u"))
        type(limit)
        send(.enter)
    }

    /// The request of the last `perform` effect.
    var lastCall: PlanhatRequest? {
        for effect in effects.reversed() {
            if case .perform(_, let request) = effect { return request }
        }
        return nil
    }
}

func companies(_ count: Int, from start: Int = 0) -> JSONValue {
    .array((start..<(start + count)).map { index in
        ["_id": .string(String(format: "%024x", index + 1)), "name": .string("Company \(index)"), "arr": .integer(1000 * (count - index)), "status": "customer"]
    })
}

@Suite("Explorer update")
struct UpdateTests {
    @Test("filter models, open one, open list, run it, and land on the results")
    func browseToResults() throws {
        var driver = try Driver()
        driver.send(.character("/"))
        driver.type("end")
        guard case .models(let models) = driver.state.page else { Issue.record("not on models"); return }
        #expect(ExplorerUpdate.visibleModels(models, context: driver.context).map(\.model.route) == ["endusers"])
        driver.send(.enter)
        guard case .operations(let operations) = driver.state.page else { Issue.record("not on operations"); return }
        #expect(operations.model.route == "endusers")
        driver.send(.enter)
        guard case .parameters(let parameters) = driver.state.page else { Issue.record("not on parameters"); return }
        #expect(parameters.fields.map(\.name).prefix(4) == ["limit", "offset", "sort", "select"])
        #expect(parameters.fields.contains { $0.name == "companyId" })
        #expect(parameters.fields[0].input.text == "100")
        driver.send(.tab, .tab)
        driver.type("-lastActive")
        driver.send(.control("s"))
        let call = try #require(driver.lastCall)
        #expect(call.model.route == "endusers" && call.operation == .list)
        #expect(call.pathAndQuery == "/endusers?limit=100&sort=-lastActive&select=name,email,companyName,position", "the table asks only for its columns")
        #expect(driver.state.pending != nil)
        driver.answer(.success(companies(3)))
        guard case .results(let results) = driver.state.page else { Issue.record("not on results"); return }
        #expect(results.rows.count == 3 && results.exhausted)
        #expect(ExplorerView.breadcrumb(driver.state) == "Models › endusers › list › results (sort -lastActive)")
    }

    @Test("typing q in a text field types it; outside it quits")
    func quitKeys() throws {
        var driver = try Driver()
        driver.send(.character("/"), .character("q"))
        #expect(!driver.state.quitting)
        driver.send(.escape, .character("q"))
        #expect(driver.state.quitting)
        var other = try Driver()
        other.send(.control("c"))
        #expect(other.state.quitting && other.effects.contains(.quit))
    }

    @Test("invalid list parameters show the core's 400 in a dialog and keep the typed values")
    func invalidParameters() throws {
        var driver = try Driver()
        driver.runCompanies(limit: "-5")
        guard case .error(let error)? = driver.state.overlay else { Issue.record("no error dialog"); return }
        #expect(error.status == 400 && error.message.contains("limit"))
        #expect(driver.lastCall == nil, "nothing sent")
        driver.send(.escape)
        guard case .parameters(let page) = driver.state.page else { Issue.record("left the form"); return }
        #expect(page.fields[0].input.text == "-5")
    }

    @Test("scrolling to the last loaded row fetches the next page with offset")
    func paging() throws {
        var driver = try Driver()
        driver.runCompanies(limit: "5")
        driver.answer(.success(companies(5)))
        driver.send(.character("G"))
        let call = try #require(driver.lastCall)
        #expect(call.queryValue("offset") == "5" && call.queryValue("limit") == "5")
        driver.answer(.success(companies(2, from: 5)))
        guard case .results(let page) = driver.state.page else { Issue.record("not on results"); return }
        #expect(page.rows.count == 7 && page.exhausted)
    }

    @Test("Esc cancels the call in flight; a late answer is ignored")
    func cancel() throws {
        var driver = try Driver()
        driver.send(.enter, .enter, .enter)
        let id = try #require(driver.state.pending?.id)
        driver.send(.escape)
        #expect(driver.state.pending == nil)
        #expect(driver.effects.contains(.cancel(id: id)))
        _ = ExplorerUpdate.update(&driver.state, .response(id: id, result: .success(companies(2))), context: driver.context)
        guard case .parameters = driver.state.page else { Issue.record("the late answer moved the screen"); return }
    }

    @Test("a failed call shows status and guidance and leaves the previous screen intact")
    func failure() throws {
        var driver = try Driver()
        driver.send(.enter, .enter, .enter)
        driver.answer(.failure(PlanhatError(status: 429, message: "slow down")))
        guard case .error(let error)? = driver.state.overlay else { Issue.record("no dialog"); return }
        #expect(error.status == 429)
        guard case .parameters = driver.state.page else { Issue.record("screen changed"); return }
        let screen = ExplorerView.render(driver.state, context: driver.context, theme: .fallback).text
        #expect(screen.contains("429 Too Many Requests"))
        #expect(screen.contains("Rate limit hit"))
        #expect(!screen.contains("get_model_action") && !screen.contains("MODEL_ROUTE"), "guidance in the explorer's words")
    }

    @Test("sort by the focused column toggles direction; live filter keeps matching rows")
    func sortAndFilter() throws {
        var driver = try Driver()
        driver.send(.enter, .enter, .enter)
        driver.answer(.success(companies(12)))
        driver.send(.right, .right)
        driver.send(.character("s"))
        #expect(driver.lastCall?.queryValue("sort") == "-arr")
        driver.answer(.success(companies(12)))
        driver.send(.character("s"))
        #expect(driver.lastCall?.queryValue("sort") == "arr")
        driver.answer(.success(companies(12)))
        driver.send(.character("/"))
        driver.type("COMPANY 1")
        guard case .results(let page) = driver.state.page else { Issue.record("not on results"); return }
        #expect(page.visibleRows.map { page.record(at: $0)["name"] } == ["Company 1", "Company 10", "Company 11"])
    }

    @Test("Enter on a row fetches the full record; / searches it; n and N move between matches")
    func record() throws {
        var driver = try Driver(height: 12)
        driver.send(.enter, .enter, .enter)
        driver.answer(.success(companies(3)))
        driver.send(.enter)
        #expect(driver.lastCall?.operation == .view)
        #expect(driver.lastCall?.recordID == String(format: "%024x", 1))
        var record: [String: JSONValue] = ["_id": "a", "name": "Acme"]
        for index in 0..<30 { record["field\(index)"] = .string(index % 10 == 0 ? "needle \(index)" : "hay") }
        driver.answer(.success(.object(record)))
        driver.send(.character("/"))
        driver.type("needle")
        driver.send(.enter)
        guard case .record(var page) = driver.state.page else { Issue.record("not on record"); return }
        #expect(page.matches.count == 3)
        driver.send(.character("n"), .character("n"))
        guard case .record(let moved) = driver.state.page else { Issue.record("not on the record after n: \(driver.state.page)"); return }
        page = moved
        #expect(page.match == 2)
        #expect(page.offset > 0, "scrolled to the match")
        driver.send(.character("N"))
        guard case .record(let back) = driver.state.page else { Issue.record("not on the record after N: \(driver.state.page)"); return }
        #expect(back.match == 1)
        driver.send(.character("y"))
        #expect(driver.effects.contains { if case .copy(let text) = $0 { return text.contains("needle 0") } else { return false } })
    }

    @Test(": lands on the model's list results; a part of a name jumps to its match; an unknown name says so and offers close matches")
    func jump() async throws {
        var driver = try Driver()
        driver.send(.character(":"))
        driver.type("contacts")
        driver.send(.enter)
        #expect(driver.lastCall?.model.route == "endusers" && driver.lastCall?.operation == .list)
        await driver.run()
        guard case .results(let results) = driver.state.page else { Issue.record("not on the results: \(driver.state.page)"); return }
        #expect(results.model.route == "endusers" && !results.rows.isEmpty, "one Enter away from data")
        #expect(ExplorerView.breadcrumb(driver.state) == "Models › endusers › results")
        driver.send(.escape)
        guard case .operations(let operations) = driver.state.page else { Issue.record("Esc does not go back to the operations"); return }
        #expect(operations.model.route == "endusers")

        driver.send(.character(":"))
        driver.type("compnies")
        driver.send(.enter)
        guard case .prompt(let prompt)? = driver.state.overlay else { Issue.record("the prompt closed on an unknown name"); return }
        #expect(prompt.problem?.contains("unknown model 'compnies'") == true)
        #expect(prompt.choices.first == "companies")
        #expect(driver.lastCall?.model.route == "endusers", "nothing was sent for the unknown name")
        #expect(driver.screen().text.contains("unknown model 'compnies'; did you mean companies?"))
        driver.send(.enter)
        #expect(driver.lastCall?.model.route == "companies", "Enter takes the close match offered")
        await driver.run()
        guard case .results(let companies) = driver.state.page else { Issue.record("not on companies"); return }
        #expect(companies.model.route == "companies")

        driver.send(.character(":"))
        driver.type("opp")
        guard case .prompt(let typing)? = driver.state.overlay else { Issue.record("no prompt"); return }
        #expect(typing.choices.first == "opportunities", "choices follow the typing")
        driver.send(.enter)
        #expect(driver.lastCall?.model.route == "opportunities")

        driver.send(.character(":"))
        driver.type("unicorns")
        driver.send(.enter)
        guard case .prompt(let unknown)? = driver.state.overlay else { Issue.record("the prompt closed"); return }
        #expect(unknown.problem?.hasPrefix("unknown model 'unicorns'") == true)
        driver.send(.escape)
        #expect(driver.state.overlay == nil)
        driver.send(.character("j"))
        #expect(driver.state.overlay == nil, "keys work again after Esc")
    }

    @Test("the operations list filters too; Enter in the filter opens the match")
    func operationsFilter() throws {
        var driver = try Driver()
        driver.send(.enter, .character("/"))
        driver.type("bulk")
        guard case .operations(let page) = driver.state.page else { Issue.record("not on operations"); return }
        #expect(page.visibleOperations == [.bulkUpsert])
        driver.send(.enter)
        guard case .form(let form) = driver.state.page else { Issue.record("did not open bulkUpsert"); return }
        #expect(form.operation == .bulkUpsert)
    }

    @Test("read-only sessions do not offer writes")
    func readOnly() throws {
        var driver = try Driver(readOnly: true)
        driver.send(.enter)
        guard case .operations(let page) = driver.state.page else { Issue.record("no operations"); return }
        #expect(page.operations == [.list, .view])
    }
}
