import Foundation
import PlanhatKit

/// Where the sandbox file lives: `--sandbox-path`, else `$PLANHAT_SANDBOX_PATH`, else
/// `$XDG_DATA_HOME/planhat-explorer/sandbox.sqlite` (`~/.local/share/…` when unset).
public enum SandboxLocation {
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return expand(explicit, environment) }
        if let path = environment["PLANHAT_SANDBOX_PATH"], !path.isEmpty { return expand(path, environment) }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (home(environment) + "/.local/share")
        return dataHome + "/planhat-explorer/sandbox.sqlite"
    }

    static func home(_ environment: [String: String]) -> String {
        environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
    }

    static func expand(_ path: String, _ environment: [String: String]) -> String {
        UserPath.expand(path, home: home(environment))
    }
}
