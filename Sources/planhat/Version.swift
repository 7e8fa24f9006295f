/// The program's version, shown by `--version` and sent as the User-Agent.
enum PlanhatVersion {
    static let current = "0.1.0"
}
