// Export figures: `planhat export` of one model from `planhat sandbox serve` in every format, side by
// side with a plain Python exporter (urllib, the same paging) in the same run.
import Foundation
import PlanhatKit
import PlanhatSandbox
import PlanhatTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// One finished child: its wall time, its peak resident memory and its exit status.
struct ChildRun {
    var milliseconds: Double
    var peakKiB: Int
    var status: Int32

    /// GNU time, which reports the peak memory of the program it runs (a child's own `wait4`
    /// accounting counts the bench's memory before the exec too).
    static let time = "/usr/bin/time"

    /// Runs `executable` under GNU time when it is there: the wall time, and the child's own peak.
    static func measure(_ executable: String, _ arguments: [String], environment: [String: String]) -> ChildRun {
        guard FileManager.default.isExecutableFile(atPath: time) else { return spawn(executable, arguments, environment: environment) }
        let report = NSTemporaryDirectory() + "planhat-bench-time-\(getpid()).txt"
        defer { unlink(report) }
        var run = spawn(time, ["-f", "%M", "-o", report, executable] + arguments, environment: environment)
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        run.peakKiB = text.split(whereSeparator: \.isNewline).last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        return run
    }

    /// Spawns `executable` with `arguments` and `environment` (nil: the bench's own, passed as it is)
    /// with its output discarded, and waits for it.
    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String]?) -> ChildRun {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in argv + (envp ?? []) { free(pointer) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let spawned = envp.map { posix_spawn(&pid, executable, &actions, nil, argv, $0) } ?? posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { return ChildRun(milliseconds: .nan, peakKiB: 0, status: -1) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
        return ChildRun(milliseconds: elapsed, peakKiB: usage.ru_maxrss, status: status)
    }
}

/// `planhat export companies --max N` against a served sandbox, each format `runs` times, alternated
/// with the Python exporter so that the machine's drift falls on both alike.
struct ExportFigures {
    var binary: String
    var python: String
    var script: String
    var baseURL: String
    var folder: URL
    var records = 20_000
    var runs = 3
    /// The issue's target for each export, in milliseconds.
    static let target = 500.0

    /// The lines of a file (NDJSON records; CSV rows with the header).
    static func lines(_ path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        return data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    @MainActor func measure() {
        var environment = ProcessInfo.processInfo.environment
        environment["PLANHAT_API_URL"] = baseURL
        environment["PLANHAT_API_TOKEN"] = "bench"
        for format in RecordFormat.allCases {
            let ours = folder.appendingPathComponent("export.\(format.rawValue)").path
            let theirs = folder.appendingPathComponent("python.\(format.rawValue)").path
            var planhat: [ChildRun] = []
            var baseline: [ChildRun] = []
            for _ in 0..<runs {
                planhat.append(ChildRun.measure(binary, [
                    "export", "companies", "--format", format.rawValue, "--max", String(records), "--output", ours, "--requests-per-minute", "100000",
                ], environment: environment))
                if FileManager.default.isExecutableFile(atPath: python) {
                    baseline.append(ChildRun.measure(python, [script, baseURL, format.rawValue, String(records), "5000", theirs], environment: environment))
                }
            }
            let failed = planhat.contains { $0.status != 0 }
            let written = format == .json ? "" : ", \(Self.lines(ours) - (format == .csv ? 1 : 0)) records"
            let size = (try? FileManager.default.attributesOfItem(atPath: ours)[.size] as? Int) ?? 0
            let figure = Figure(
                name: "Export \(records) companies to \(format.rawValue.uppercased()) (planhat export)", samples: planhat.map(\.milliseconds), target: Self.target,
                memory: String(format: "%.0f MB", Double(planhat.map(\.peakKiB).max() ?? 0) / 1024),
                note: failed ? "an export FAILED" : String(format: "%.1f MB written", Double(size) / 1_000_000) + written)
            report(figure)
            guard !baseline.isEmpty else { continue }
            let python = Figure(name: "Export \(records) companies to \(format.rawValue.uppercased()) (Python urllib)", samples: baseline.map(\.milliseconds))
            let ratio = python.quantile(0.5) / figure.quantile(0.5)
            report(Figure(
                name: python.name, samples: python.samples, memory: String(format: "%.0f MB", Double(baseline.map(\.peakKiB).max() ?? 0) / 1024),
                note: baseline.contains { $0.status != 0 } ? "the Python export FAILED" : String(format: "ours %.1f× %@", ratio >= 1 ? ratio : 1 / ratio, ratio >= 1 ? "faster" : "slower")))
        }
    }
}

/// The sandbox's own figures: seeding (scaled to the 1 000 000-company target) and a sorted,
/// selected list at the size seeded.
@MainActor func sandboxFigures(companies: Int, sandbox: String) async throws -> PlanhatService {
    let cpuBefore = cpuSeconds()
    let seeding = try milliseconds { try DemoData(companies: companies).reset(fileAt: sandbox) }
    let cpu = cpuSeconds() - cpuBefore
    let scaled = seeding * 1_000_000 / Double(max(1, companies))
    let records = try SandboxStore(path: sandbox).counts().values.reduce(0, +)
    // The CPU time beside the wall time: on a shared machine the wall time is mostly waiting.
    report(Figure(
        name: "Sandbox: seed \(companies) companies", samples: [seeding], target: 30_000 * Double(companies) / 1_000_000,
        note: String(format: "%d records; CPU %.1f s; scaled to 1M companies: %.1f s wall, %.1f s CPU (target 30 s)",
                     records, cpu, scaled / 1000, cpu * 1_000_000 / Double(max(1, companies)))))
    let service = PlanhatService(backend: try SandboxBackend.open(path: sandbox))
    var samples: [Double] = []
    for _ in 0..<100 {
        samples.append(try await asyncMilliseconds {
            _ = try await service.perform(model: "companies", operation: "list", parameters: ["sort": "-arr", "select": "name,arr,status", "limit": 100])
        })
    }
    report(Figure(name: "Sandbox: list sort -arr select name,arr,status (100)", samples: samples, target: 20, note: "at \(companies) companies (the target is for 1M)"))
    return service
}

/// The user and system CPU seconds this process has used so far.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let seconds = { (time: timeval) in Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
