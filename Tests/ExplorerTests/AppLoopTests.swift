import Foundation
import PlanhatKit
import Testing
import TerminalUI

@testable import Explorer

/// The app loop itself (keys, effects, answers from the backend, drawing), run on a recording
/// terminal instead of tmux: what the tmux suites check end to end, here in process.
@Suite("Explorer app loop on a recording terminal")
struct AppLoopTests {
    /// Runs the explorer over the in-memory sandbox until the script ends with a quit.
    static func run(_ script: [RecordingTerminal.Step], width: Int = 100, height: Int = 30) async throws -> RecordingTerminal {
        // Generous: backend answers come from the shared concurrency pool, which other suites keep busy.
        let terminal = RecordingTerminal(width: width, height: height, script: script, timeout: 120)
        let app = ExplorerApp(context: try makeContext(), theme: .fallback)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                app.run(driver: terminal)
                done.resume()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        return terminal
    }

    static func keys(_ text: String) -> [RecordingTerminal.Step] {
        text.map { .key(.character($0)) }
    }

    @Test("browse: the models, :companies lands on its list, a record opens, y copies it, q quits and restores the terminal")
    func browse() async throws {
        let terminal = try await Self.run([.waitFor("Planhat Explorer"), .key(.character(":"))] + Self.keys("companies") + [
            .key(.enter), .waitFor("› results"), .key(.enter), .waitFor("Company: "), .key(.character("y")), .waitFor("copied"), .key(.character("q")),
        ])
        #expect(terminal.timedOut == nil, "\(terminal.timedOut ?? "")")
        #expect(terminal.wasStopped, "the terminal is restored")
        let frames = terminal.drawn.map(\.text)
        #expect(frames.contains { $0.contains("Models › companies › results") })
        #expect(terminal.sequences.contains { $0.hasPrefix("\u{1B}]52;c;") }, "the copy went out as OSC 52")
    }

    @Test("a resize redraws at the new size at once; Esc cancels nothing when nothing is in flight")
    func resize() async throws {
        let terminal = try await Self.run([.waitFor("Planhat Explorer"), .resize(width: 60, height: 18), .waitFor("Planhat Explorer"), .key(.escape), .key(.character("q"))])
        #expect(terminal.timedOut == nil)
        let last = try #require(terminal.drawn.last)
        #expect(last.width == 60 && last.height == 18)
    }

    @Test("a form: an empty Ctrl-S shows the required field; Ctrl-C quits from a text field (q types there)")
    func formKeys() async throws {
        let script: [RecordingTerminal.Step] = [.waitFor("Planhat Explorer"), .key(.character("/"))] + Self.keys("notes") + [.key(.enter), .key(.character("/"))]
            + Self.keys("create") + [.key(.enter), .waitFor("Create a note"), .key(.control("s")), .waitFor("required"), .key(.character("q")), .key(.control("c"))]
        let terminal = try await Self.run(script)
        #expect(terminal.timedOut == nil, "\(terminal.timedOut ?? "")")
        #expect(terminal.wasStopped)
        #expect(terminal.drawn.last?.text.contains("problem") == true)
    }
}
