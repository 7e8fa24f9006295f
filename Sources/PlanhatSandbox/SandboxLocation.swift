import Foundation
import PlanhatKit

/// Where the sandbox file lives: `--sandbox-path`, else `$PLANHAT_SANDBOX_PATH`, else
/// `$XDG_DATA_HOME/planhat-explorer/sandbox.sqlite` (`~/.local/share/…` when unset).
public enum SandboxLocation {
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let directories = UserDirectories(environment: environment)
        if let explicit, !explicit.isEmpty { return directories.expand(explicit) }
        if let path = environment["PLANHAT_SANDBOX_PATH"], !path.isEmpty { return directories.expand(path) }
        return directories.data("sandbox.sqlite")
    }
}
