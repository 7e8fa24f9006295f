import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// The release tarball `make dist` builds, as these tests find it.
///
/// `make test` builds the tarball first and names it in `PLANHAT_DIST_TARBALL`: then it must exist and
/// every check runs (on CI too, where `CI` is set, a missing tarball fails rather than skips). Run by
/// hand (`swift test`) without a tarball in `dist/`, the suite is skipped and says how to build one.
enum DistTarball {
    /// The tarball `make test` built, when it names one.
    static let named = ProcessInfo.processInfo.environment["PLANHAT_DIST_TARBALL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether a missing tarball is a failure: `make test` named one, or this is CI.
    static var required: Bool { named != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    /// The tarball to check: the one named, else the newest `dist/planhat-*-linux-*.tar.gz`.
    static var path: String? {
        if let named { return named }
        let dist = ProcessRunner.packageRoot.appendingPathComponent("dist")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dist.path)) ?? []
        return names.filter { $0.hasPrefix("planhat-") && $0.contains("-linux-") && $0.hasSuffix(".tar.gz") }
            .map { dist.appendingPathComponent($0).path }
            .max { modified($0) < modified($1) }
    }

    static var present: Bool { path.map { FileManager.default.fileExists(atPath: $0) } ?? false }

    private static func modified(_ path: String) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
    }
}

/// The libraries a binary needs, as the dynamic loader resolves them (`ldd`), with no library path set.
struct LinkedLibraries {
    /// Each needed library's name and where it resolved (`not found` when it did not).
    var entries: [(name: String, path: String)]

    init(binary: String, environment: [String: String]) throws {
        let result = try ProcessRunner.run("/usr/bin/ldd", [binary], environment: environment, timeout: 30)
        entries = result.stdout.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ").map(String.init).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = words.first, !name.isEmpty else { return nil }
            if let arrow = words.firstIndex(of: "=>") {
                let target = words.dropFirst(arrow + 1).first ?? ""
                return (name, target == "not" ? "not found" : target)
            }
            return (name, name)  // the vDSO and the loader itself
        }
    }

    /// The Swift runtime's libraries, which the toolchain ships and a Debian machine does not have.
    static let swiftRuntime = ["libswift", "libFoundation", "lib_Foundation", "libdispatch", "libBlocksRuntime", "libicu"]

    /// Entries from the Swift runtime, unresolved, or resolved outside the system's library folders.
    var foreign: [String] {
        entries.filter { name, path in
            Self.swiftRuntime.contains { name.hasPrefix($0) } || path == "not found"
                || !["/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/"].contains { path.hasPrefix($0) } && !name.hasPrefix("linux-vdso")
        }.map { "\($0.name) => \($0.path)" }
    }

    func has(_ prefix: String) -> Bool { entries.contains { $0.name.hasPrefix(prefix) } }
}

@Suite(
    "make dist: the release tarball runs without the Swift toolchain", .offThePool,
    .enabled(if: DistTarball.required || DistTarball.present, "no tarball in dist/: run `make dist` (make test builds it and requires it)"))
struct DistTests {
    /// The tarball unpacked into a fresh folder: its top folder (`planhat-<version>-linux-<arch>`).
    static func unpacked() throws -> (folder: String, name: String) {
        let tarball = try #require(DistTarball.path, "make dist builds dist/planhat-<version>-linux-<arch>.tar.gz")
        try #require(FileManager.default.fileExists(atPath: tarball), "\(tarball) is missing: make dist builds it")
        let into = ProcessRunner.temporaryDirectory("dist").path
        let untar = try ProcessRunner.run("/bin/tar", ["-xzf", tarball, "-C", into], environment: ProcessRunner.environment(), timeout: 120)
        try #require(untar.status == 0, "\(untar.stderr)")
        let name = URL(fileURLWithPath: tarball).lastPathComponent.replacingOccurrences(of: ".tar.gz", with: "")
        return (into + "/" + name, name)
    }

    /// The environment of a machine without the toolchain: no library path, no toolchain on PATH.
    static func bare(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessRunner.environment(extra)
        environment.removeValue(forKey: "LD_LIBRARY_PATH")
        environment["PATH"] = "/usr/local/bin:/usr/bin:/bin"
        return environment
    }

    @Test("named planhat-<version>-linux-<arch>, laid out like PREFIX, and --version says that version and a commit")
    func layoutAndVersion() throws {
        let (folder, name) = try Self.unpacked()
        let machine = try ProcessRunner.run("/usr/bin/uname", ["-m"], environment: Self.bare(), timeout: 10).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for file in InstallTests.files { #expect(FileManager.default.fileExists(atPath: folder + "/" + file), "\(file)") }
        let version = try ProcessRunner.run(folder + "/bin/planhat", ["--version"], environment: Self.bare(), timeout: 30)
        #expect(version.status == 0, "\(version.stderr)")
        let printed = version.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(name == "planhat-\(printed.split(separator: " ").first ?? "")-linux-\(machine)", "\(name) vs --version \(printed)")
        #expect(printed.contains("(commit "), "\(printed)")
    }

    @Test("ldd lists only the system's own libraries: no Swift runtime or Foundation from the toolchain")
    func onlySystemLibraries() throws {
        let (folder, _) = try Self.unpacked()
        let libraries = try LinkedLibraries(binary: folder + "/bin/planhat", environment: Self.bare())
        #expect(libraries.foreign.isEmpty, "not the system's: \(libraries.foreign)")
        for system in ["libc.so", "libcurl", "libncursesw", "libsqlite3"] {
            #expect(libraries.has(system), "\(system) is linked from the system: \(libraries.entries.map(\.name))")
        }
    }

    @Test("the unpacked binary runs models, --stdio (initialize, tools/list) and the explorer in tmux, with no library path")
    func runsWithoutTheToolchain() throws {
        let (folder, _) = try Self.unpacked()
        let binary = folder + "/bin/planhat"
        let sandbox = ProcessRunner.temporaryDirectory("dist-sandbox").appendingPathComponent("sandbox.sqlite").path

        let models = try ProcessRunner.run(binary, ["models"], environment: Self.bare(), timeout: 60)
        #expect(models.status == 0, "\(models.stderr)")
        #expect(models.stdout.contains("companies") && models.stdout.contains("endusers"), "\(models.stdout)")

        let server = try MCPLineClient(executable: binary, arguments: ["--stdio", "--sandbox", "--sandbox-path", sandbox], environment: Self.bare())
        let initialize = String(decoding: server.call("initialize", #"{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"dist-test","version":"1"}}"#), as: UTF8.self)
        #expect(initialize.contains("\"protocolVersion\"") && initialize.contains("\"serverInfo\""), "\(initialize)")
        server.notify("notifications/initialized")
        let tools = String(decoding: server.call("tools/list"), as: UTF8.self)
        #expect(tools.contains("perform_model_action"), "\(tools)")
        // What the running server has loaded: no Swift runtime from anywhere (a RUNPATH would find the toolchain's).
        // (read with cat: Foundation reads only a /proc file's first page)
        let maps = try ProcessRunner.run("/bin/cat", ["/proc/\(server.pid)/maps"], environment: Self.bare(), timeout: 10).stdout
        let loaded = Set(maps.split(separator: "\n").compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).last.map(String.init) }.filter { $0.hasPrefix("/") })
        #expect(!loaded.isEmpty, "the server's memory map is readable")
        let runtime = loaded.filter { path in LinkedLibraries.swiftRuntime.contains { (path as NSString).lastPathComponent.hasPrefix($0) } }
        #expect(runtime.isEmpty, "the server loaded the Swift runtime: \(runtime.sorted())")
        #expect(server.stop() == 0)

        // Run in place, it finds the themes beside it (share/planhat-explorer/themes): a theme added
        // there is accepted by name, a name found nowhere is refused.
        let themes = folder + "/share/planhat-explorer/themes/"
        try FileManager.default.copyItem(atPath: themes + "light.yaml", toPath: themes + "dist-check.yaml")
        let added = try ProcessRunner.run(binary, ["explore", "--theme", "dist-check", "--sandbox", "--sandbox-path", sandbox], environment: Self.bare(), timeout: 60)
        #expect(!added.stderr.contains("--theme"), "\(added.stderr)")
        let missing = try ProcessRunner.run(binary, ["explore", "--theme", "dist-nowhere", "--sandbox", "--sandbox-path", sandbox], environment: Self.bare(), timeout: 60)
        #expect(missing.status != 0 && missing.stderr.contains("--theme"), "\(missing.stderr)")

        try #require(TmuxSession.available, "tmux is installed by make deps")
        let session = try TmuxSession(command: "env -u LD_LIBRARY_PATH PATH=/usr/bin:/bin \(binary) --sandbox --sandbox-path \(sandbox)")
        let screen = try session.screen(containing: "\(Catalog.shared.models.count) models", timeout: 60)
        #expect(screen.found, "the explorer's first screen; it was:\n\(screen.text)")
        #expect(screen.text.contains("companies"))
        try session.keys("q")
        #expect(session.exitStatus() == "EXIT=0")
    }
}
