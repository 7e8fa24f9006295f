import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` with the git commit the target is built from, before every build, so
/// `planhat --version` can say it. Outside a git checkout (a source tarball) the commit is
/// `unknown`. The file is rewritten only when the commit changes, so builds stay incremental.
@main
struct BuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildInfo.swift")
        let package = context.package.directoryURL.path
        let script = """
            commit=$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
            dirty=$(git -C "$1" status --porcelain --untracked-files=no 2>/dev/null | head -1)
            [ -n "$dirty" ] && commit="$commit+changes"
            text="/// Generated at build time by the BuildInfo plugin.
            enum BuildInfo { static let commit = \\"$commit\\" }"
            if [ "$(cat "$2" 2>/dev/null)" != "$text" ]; then printf '%s\\n' "$text" > "$2"; fi
            """
        return [
            .prebuildCommand(
                displayName: "Recording the commit planhat is built from",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "build-info", package, output.path],
                outputFilesDirectory: context.pluginWorkDirectoryURL)
        ]
    }
}
