import Foundation
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

@Suite("The CLI uses $HOME, not the account's home", .offThePool)
struct HomeTests {
    @Test("with only HOME set, the sandbox and the config file are under it")
    func homeOnly() throws {
        let home = ProcessRunner.temporaryDirectory("home").path
        var environment = ProcessRunner.environment(["HOME": home])
        for key in ["XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"] { environment.removeValue(forKey: key) }
        let info = try ProcessRunner.planhat(["sandbox", "info"], environment: environment)
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains("sandbox: \(home)/.local/share/planhat-explorer/sandbox.sqlite"))
        #expect(FileManager.default.fileExists(atPath: home + "/.local/share/planhat-explorer/sandbox.sqlite"))
        let doctor = try ProcessRunner.planhat(["doctor", "--sandbox"], environment: environment)
        #expect(doctor.stdout.contains(home + "/.config/planhat-explorer/config.yaml"), "\(doctor.stdout)")
        let sandboxPath = try ProcessRunner.planhat(["sandbox", "info", "--sandbox-path", "~/elsewhere.sqlite"], environment: environment)
        #expect(sandboxPath.stdout.contains("sandbox: \(home)/elsewhere.sqlite"))
    }
}
