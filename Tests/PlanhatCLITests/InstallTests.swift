import Foundation
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// `make install` puts the files the README lists under PREFIX, and `make uninstall` removes exactly
/// those. The debug binary is installed, into a temporary DESTDIR (the release build is the same recipe).
@Suite("make install and uninstall", .offThePool)
struct InstallTests {
    static let files = [
        "bin/planhat", "share/planhat-explorer/themes/default.yaml", "share/planhat-explorer/themes/light.yaml",
        "share/planhat-explorer/themes/high-contrast.yaml", "share/bash-completion/completions/planhat",
        "share/zsh/site-functions/_planhat", "share/fish/vendor_completions.d/planhat.fish", "share/man/man1/planhat.1",
    ]

    @Test("the binary, themes, completions and the man page; the installed binary runs from any directory; uninstall leaves nothing")
    func installAndUninstall() throws {
        let stage = ProcessRunner.temporaryDirectory("install").path
        let root = ProcessRunner.packageRoot.path
        let tool = root + "/.build/debug/generate-manual"
        try #require(FileManager.default.isExecutableFile(atPath: tool), "make build builds the manual generator")
        let make = ["-C", root, "--no-print-directory", "DESTDIR=\(stage)", "PREFIX=/opt/planhat", "INSTALL_BIN=\(ProcessRunner.planhatBinary)", "MANUAL_TOOL=\(tool)"]
        let installed = try ProcessRunner.run("/usr/bin/make", make + ["install-files"], environment: ProcessRunner.environment(), timeout: 120)
        #expect(installed.status == 0, "\(installed.stderr)")
        let prefix = stage + "/opt/planhat/"
        for file in Self.files { #expect(FileManager.default.fileExists(atPath: prefix + file), "\(file)") }
        #expect(try String(contentsOfFile: prefix + "share/bash-completion/completions/planhat", encoding: .utf8).contains("export"))
        #expect(try String(contentsOfFile: prefix + "share/man/man1/planhat.1", encoding: .utf8).contains(".Dt PLANHAT 1"), "an mdoc manual page")
        let elsewhere = ProcessRunner.temporaryDirectory("elsewhere")
        let models = try ProcessRunner.run("/bin/sh", ["-c", "cd \(elsewhere.path) && \(prefix)bin/planhat models"], environment: ProcessRunner.environment(), timeout: 60)
        #expect(models.status == 0 && models.stdout.contains("companies"), "\(models.stderr)")
        let removed = try ProcessRunner.run("/usr/bin/make", make + ["uninstall"], environment: ProcessRunner.environment(), timeout: 60)
        #expect(removed.status == 0, "\(removed.stderr)")
        let left = FileManager.default.enumerator(atPath: stage)?.allObjects.compactMap { $0 as? String }.filter {
            var directory: ObjCBool = false
            return FileManager.default.fileExists(atPath: stage + "/" + $0, isDirectory: &directory) && !directory.boolValue
        } ?? []
        #expect(left.isEmpty, "left behind: \(left)")
    }
}
