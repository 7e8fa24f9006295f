/// The program's version, shown by `--version` and sent as the User-Agent.
enum PlanhatVersion {
    static let current = "0.1.0"
    /// `0.1.0 (commit 1fd6be4a2b3c)`: what `--version` prints.
    static let full = "\(current) (commit \(BuildInfo.commit))"
}
