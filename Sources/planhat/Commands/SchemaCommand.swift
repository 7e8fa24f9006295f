import ArgumentParser
import Foundation
import Logging
import PlanhatKit
import PlanhatRemote

/// `planhat schema <model> <operation>`: the JSON Schema of an operation's parameters.
struct SchemaCommand: ParsableCommand, ChoosesLogLevel {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of an operation's parameters.",
        discussion: "The same schema the MCP tool get_model_action_parameters returns. Example: planhat schema companies create")

    @Argument(help: "The model: a route or name such as companies, Company or \"End users\".")
    var model: String

    @Argument(help: "The operation: list, view, create, update, delete or bulkUpsert.")
    var operation: String

    @Flag(name: .long, help: SharedHelp.json)
    var json = false

    @OptionGroup var logging: LogLevelOption

    var logLevel: Logger.Level? { logging.level }

    func run() throws {
        let service = PlanhatService(backend: CatalogOnlyBackend())
        Console.out(try service.schema(model: model, operation: operation).prettyText())
    }
}

/// A backend for commands that only read the catalog and never send a request.
struct CatalogOnlyBackend: PlanhatBackend {
    var info: BackendInfo { BackendInfo(kind: .sandbox, location: "catalog") }

    func execute(_ request: PlanhatRequest) async throws -> JSONValue {
        throw PlanhatError(.internal, message: "this command does not send requests")
    }
}
