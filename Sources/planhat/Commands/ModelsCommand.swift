import ArgumentParser
import Foundation
import Logging
import PlanhatKit
import PlanhatRemote

/// `planhat models`: the models and their operations.
struct ModelsCommand: ParsableCommand, ChoosesLogLevel {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List Planhat's models and the operations each offers.")

    @Flag(name: .long, help: "Print the list as JSON, as the MCP tool get_model_actions answers (and errors as a JSON envelope).")
    var json = false

    @Flag(name: .long, help: "Show only the operations a read-only session allows.")
    var readOnly = false

    @OptionGroup var logging: LogLevelOption

    var logLevel: Logger.Level? { logging.level }

    func run() throws {
        let catalog = Catalog.shared
        let models = catalog.models.compactMap { model -> (ModelDefinition, [ModelOperation])? in
            let operations = readOnly ? model.operations.filter { !$0.isWrite } : model.operations
            return operations.isEmpty ? nil : (model, operations)
        }
        if json {
            let list = models.map { ModelActions(route: $0.0.route, name: $0.0.name, operations: $0.1).jsonValue }
            Console.out(JSONValue.array(list).prettyText())
            return
        }
        let rows = models.map { model, operations in
            [model.route, model.name, operations.map(\.rawValue).joined(separator: " "), apiPath(model)]
        }
        Console.out(Console.table(["ROUTE", "NAME", "OPERATIONS", "API PATH"], rows))
    }

    /// `/companies`, or `/conversations (type=note)` for models that live inside another.
    private func apiPath(_ model: ModelDefinition) -> String {
        let fixed = (model.fixedFields ?? [:]).sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.stringValue ?? $0.value.compactText())" }
        return fixed.isEmpty ? "/\(model.path)" : "/\(model.path) (\(fixed.joined(separator: ", ")))"
    }
}
