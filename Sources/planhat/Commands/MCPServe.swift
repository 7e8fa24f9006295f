import Foundation
import Logging
import PlanhatKit
import PlanhatMCP
import PlanhatRemote

/// Starts the MCP server on the backend the options select. With neither a token nor
/// `--sandbox` it refuses to start: demo data is never served to someone who meant their workspace.
struct MCPServe {
    let scope: ScopeOptions
    let backend: BackendOptions
    /// The tool set, answer budget and upstream (shared with every transport).
    var tools = MCPToolOptions()

    func run() async throws {
        let catalog = try scope.catalog()
        let settings = try backend.settings()
        guard backend.sandbox || settings.hasToken else {
            throw PlanhatError(
                status: 401,
                message: "no Planhat API token configured for the MCP server",
                details: [
                    "Set PLANHAT_API_TOKEN (or a profile in \(settings.configPath)) to serve your workspace,",
                    "or start it with --sandbox to serve the offline demo workspace.",
                ])
        }
        let source = try backend.makeBackend(settings, announceSandbox: false)
        let service = BackendOptions.service(
            catalog: catalog, backend: source, readOnly: settings.isReadOnly(requested: scope.readOnly), unknownFields: backend.unknownFields
        ).journaling(JournalSetup.recorder(face: .mcp, settings: settings))
        let options = try tools.options()
        let logger = Logger(label: "planhat.mcp")
        logger.info("serving \(catalog.models.count) models (\(options.toolset.rawValue) tools) on \(source.info.kind.rawValue) \(source.info.location)\(service.readOnly ? " (read-only)" : "")")
        let upstream = try tools.upstream(backend: source, baseURL: settings.baseURL, token: settings.token, logger: logger)
        if case .hosted(let hosted)? = upstream { logger.info("search_records and the document tools are forwarded to \(hosted.endpoint.absoluteString)") }
        try await Self.planhatServer(service: service, options: options, logger: logger, upstream: upstream).run()
    }

    /// The MCP server over `service`, as every transport serves it (stdio, and each HTTP session).
    static func planhatServer(service: PlanhatService, options: MCPServerOptions, logger: Logger, upstream: Upstream? = nil) -> PlanhatMCPServer {
        // Checked against every model, so a view of a model --models leaves out is listed as unavailable, not an error.
        let sandbox = service.backend.info.kind == .sandbox
        return PlanhatMCPServer(
            service: service, version: PlanhatVersion.current, options: options, logger: logger,
            views: { try SavedViews.all(store: SavedViewsFile.standard(), sandbox: sandbox) }, upstream: upstream)
    }
}
