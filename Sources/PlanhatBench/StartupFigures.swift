// Start-up figures: how long a command takes from spawn to its exit (or to its first answer), for the
// release binary (Swift runtime linked dynamically) and the `make dist` binary (static) side by side.
import Foundation
import PlanhatKit
import PlanhatTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Start-up timings of one binary.
struct StartupFigures {
    /// The binary and how it is linked, for the figure names ("dynamic", "static").
    var binary: String
    var linking: String
    var sandbox: String
    var runs = 30

    /// Spawn → exit of `binary arguments`, with stdout and stderr to /dev/null: posix_spawn and
    /// waitpid, so nothing but the child is timed.
    func spawnToExit(_ arguments: [String]) -> [Double] {
        (0..<runs).map { _ in
            milliseconds { _ = ChildRun.spawn(binary, arguments, environment: nil) }
        }
    }

    /// Spawn → the `initialize` answer of `planhat --stdio`.
    func mcpInitialize() throws -> [Double] {
        try (0..<runs).map { _ in
            var child: MCPLineClient?
            let time = try milliseconds {
                child = try MCPLineClient(executable: binary, arguments: ["--stdio", "--sandbox", "--sandbox-path", sandbox])
                child?.initialize(clientName: "bench")
            }
            child?.stop()
            return time
        }
    }

    /// Launch in a fresh tmux pane → the explorer's first full screen seen by `capture-pane`, and the
    /// same for a pane that only prints that text (what tmux and the polling cost by themselves).
    func explorerFirstScreen(runs: Int = 5) throws -> (explorer: [Double], tmuxAlone: [Double]) {
        let text = "\(Catalog.shared.models.count) models"
        func time(_ command: String) throws -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            let session = try TmuxSession(command: command, width: 120, height: 40, socketPrefix: "planhat-bench", keepsExitStatus: false)
            _ = try session.screen(containing: text, timeout: 10, every: 0)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
            for pid in try session.panePIDs() where pid > 0 { kill(pid, SIGTERM) }
            usleep(100_000)
            session.end()
            return elapsed
        }
        let explorer = try (0..<runs).map { _ in try time("\(binary) --sandbox --sandbox-path \(sandbox)") }
        let alone = try (0..<runs).map { _ in try time("sh -c 'printf \"\(text)\"; sleep 5'") }
        return (explorer, alone)
    }

    /// Every start-up figure of this binary, reported with its target.
    @MainActor func measure() throws {
        report(Figure(name: "Start (\(linking)): planhat --version", samples: spawnToExit(["--version"])))
        report(Figure(name: "Start (\(linking)): planhat models", samples: spawnToExit(["models"]), target: 10))
        report(Figure(name: "Start (\(linking)): MCP spawn → initialize", samples: try mcpInitialize(), target: 10))
        if TmuxSession.available {
            let (explorer, alone) = try explorerFirstScreen()
            let tmux = Figure(name: "", samples: alone).quantile(0.5)
            report(Figure(name: "Start (\(linking)): explorer first full screen (tmux)", samples: explorer, target: 40,
                                note: String(format: "tmux + polling alone: %.1f ms", tmux)))
        }
    }
}

/// What building the catalog costs in the process: decoding the embedded document (as every start
/// did) against building the generated values (as start-up does now).
@MainActor func catalogFigures(runs: Int = 50) {
    let decoding = (0..<runs).map { _ in milliseconds { _ = try? Catalog.decodedFromDocument() } }
    let building = (0..<runs).map { _ in milliseconds { _ = Catalog(models: Catalog.embeddedModels()) } }
    report(Figure(name: "Catalog: decode the embedded JSON document", samples: decoding, note: "what every start paid before"))
    report(Figure(name: "Catalog: build the generated values", samples: building, note: "what start-up pays now"))
}

/// Prints the figures as one table: each with its target and whether the median meets it.
func printTable(_ figures: [Figure]) {
    let header = ["FIGURE", "MEDIAN ms", "P10–P90 ms", "P99 ms", "RUNS", "TARGET ms", "MET", "PEAK MEM", "NOTE"]
    let table = [header] + figures.map(\.row)
    let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
    for row in table {
        print(row.indices.map { $0 == row.count - 1 ? row[$0] : row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
    }
}
