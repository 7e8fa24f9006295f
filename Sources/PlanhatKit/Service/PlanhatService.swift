import Foundation

/// A model and the operations offered on it, as `get_model_actions` lists them.
public struct ModelActions: Sendable, Hashable, Codable {
    public var route: String
    public var name: String
    public var operations: [ModelOperation]

    public init(route: String, name: String, operations: [ModelOperation]) {
        self.route = route
        self.name = name
        self.operations = operations
    }

    /// `{"route": "companies", "name": "Company", "operations": [...]}`
    public var jsonValue: JSONValue {
        .object([
            "route": .string(route), "name": .string(name),
            "operations": .array(operations.map { .string($0.rawValue) }),
        ])
    }
}

/// The three capabilities every face uses: discover models, describe an operation's parameters,
/// perform an operation. Rules (names, validation, read-only mode) live here once.
public struct PlanhatService: Sendable {
    public let catalog: Catalog
    public let backend: any PlanhatBackend
    /// Whether writes are refused (`--read-only`).
    public let readOnly: Bool
    private let validator = SchemaValidator()

    /// - Parameters:
    ///   - catalog: the models to offer (a restricted catalog for `--models`).
    ///   - backend: where requests go.
    ///   - readOnly: refuse create, update, delete and bulk upsert; overrides everything else.
    public init(catalog: Catalog = .shared, backend: any PlanhatBackend, readOnly: Bool = false) {
        self.catalog = catalog
        self.backend = backend
        self.readOnly = readOnly
    }

    /// The operations the session offers on `model`: all of them, or only reads when read-only.
    public func operations(of model: ModelDefinition) -> [ModelOperation] {
        readOnly ? model.operations.filter { !$0.isWrite } : model.operations
    }

    /// Every model with the operations this session offers on it.
    public func discover() -> [ModelActions] {
        catalog.models.compactMap { model in
            let operations = operations(of: model)
            return operations.isEmpty ? nil : ModelActions(route: model.route, name: model.name, operations: operations)
        }
    }

    /// The model and operation for names as people type them.
    ///
    /// - Throws: ``PlanhatError`` 404 for an unknown model or operation, 403 for a write when read-only.
    public func resolve(model name: String, operation operationName: String) throws -> (ModelDefinition, ModelOperation) {
        let model = try catalog.model(named: name)
        guard let operation = ModelOperation(forgiving: operationName), model.supports(operation) else {
            throw PlanhatError.unsupportedOperation(operationName, model: model)
        }
        try allow(operation, on: model)
        return (model, operation)
    }

    /// The JSON Schema of an operation's parameters.
    public func schema(model: String, operation: String) throws -> JSONValue {
        let (model, operation) = try resolve(model: model, operation: operation)
        return catalog.schema(for: model, operation: operation)
    }

    /// Checks parameters and turns them into the request a backend executes.
    ///
    /// - Throws: ``PlanhatError`` 400 naming every field at fault, or 404/403 from ``resolve(model:operation:)``.
    public func prepare(model name: String, operation operationName: String, parameters: JSONValue) throws -> PlanhatRequest {
        let (model, operation) = try resolve(model: name, operation: operationName)
        return try prepare(model: model, operation: operation, parameters: parameters)
    }

    /// Checks parameters for a resolved model and operation and builds the request.
    public func prepare(model: ModelDefinition, operation: ModelOperation, parameters: JSONValue) throws -> PlanhatRequest {
        try allow(operation, on: model)
        let parameters = parameters.isNull ? JSONValue.object([:]) : parameters
        guard let members = parameters.objectValue else {
            throw PlanhatError.malformedParameters("got \(parameters.typeName) \(parameters.preview())")
        }
        let issues = validator.issues(in: parameters, against: catalog.schema(for: model, operation: operation))
        guard issues.isEmpty else {
            throw PlanhatError.invalidParameters(issues, model: model.route, operation: operation)
        }
        return RequestBuilder(model: model, operation: operation).request(from: members)
    }

    /// Validates and performs an operation, answering with the API's JSON response.
    public func perform(model: String, operation: String, parameters: JSONValue) async throws -> JSONValue {
        try await backend.execute(try prepare(model: model, operation: operation, parameters: parameters))
    }

    /// Performs a prepared request.
    public func perform(_ request: PlanhatRequest) async throws -> JSONValue {
        try allow(request.operation, on: request.model)
        return try await backend.execute(request)
    }

    /// The read-only rule, in one place: a write is refused (403) when the session is read-only.
    public func allow(_ operation: ModelOperation, on model: ModelDefinition) throws {
        if readOnly && operation.isWrite { throw PlanhatError.readOnly(operation, model: model) }
    }

    /// Parses `PARAMETERS` text: a JSON object, or nothing at all for `{}`.
    ///
    /// - Throws: ``PlanhatError`` 400 when the text is not JSON or not an object.
    public static func parseParameters(_ text: String) throws -> JSONValue {
        try parseParameters(Data(text.utf8))
    }

    /// Parses `PARAMETERS` bytes (a file, stdin): a JSON object, or nothing at all for `{}`.
    /// Bytes that are not UTF-8 are refused with the offset of the first bad one, never replaced.
    ///
    /// - Throws: ``PlanhatError`` 400 when the bytes are not UTF-8 JSON or not an object.
    public static func parseParameters(_ data: Data) throws -> JSONValue {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .object([:]) }
        let value: JSONValue
        do {
            value = try JSONValue.parse(data)
        } catch let error as JSONParseError {
            throw PlanhatError.malformedParameters(error.reason)
        }
        switch value {
        case .object: return value
        case .null: return .object([:])
        default: throw PlanhatError.malformedParameters("got \(value.typeName) \(value.preview())")
        }
    }
}

/// Maps validated parameters onto Planhat's REST shape: the method, host and path the catalog says
/// (``PlanhatRequest/init(model:operation:recordID:query:body:)``), the query, the body.
struct RequestBuilder {
    let model: ModelDefinition
    let operation: ModelOperation

    func request(from parameters: [String: JSONValue]) -> PlanhatRequest {
        var request = PlanhatRequest(model: model, operation: operation)
        switch operation {
        case .list:
            request.query = listQuery(parameters)
            // A filter Planhat documents on another path (a company's status, externalId or sourceId:
            // /leancompanies) takes the list there: /companies would ignore it and answer everything.
            if let path = model.filters.first(where: { $0.path != nil && parameters[$0.name] != nil })?.path {
                request.resource = path
            }
        case .view, .delete:
            request.recordID = parameters["id"]?.stringValue
        case .create:
            request.body = .object(withFixedFields(parameters))
        case .update:
            var body = parameters
            request.recordID = body.removeValue(forKey: "id")?.stringValue
            request.body = .object(body)
        case .bulkUpsert:
            let items = parameters["items"]?.arrayValue ?? []
            request.body = .array(items.map { .object(withFixedFields($0.objectValue ?? [:])) })
        }
        return request
    }

    private func withFixedFields(_ record: [String: JSONValue]) -> [String: JSONValue] {
        record.merging(model.fixedFields ?? [:]) { _, fixed in fixed }
    }

    private func listQuery(_ parameters: [String: JSONValue]) -> [QueryItem] {
        var query: [QueryItem] = []
        for name in ["limit", "offset", "sort", "select"] {
            if let value = parameters[name] { query.append(QueryItem(name: name, value: queryText(value))) }
        }
        for filter in model.filters {
            if let value = parameters[filter.name] { query.append(QueryItem(name: filter.name, value: queryText(value))) }
        }
        for (name, value) in (model.fixedFields ?? [:]).sorted(by: { $0.key < $1.key }) {
            query.append(QueryItem(name: name, value: queryText(value)))
        }
        return query
    }

    private func queryText(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .number(let number): return number.rounded() == number ? String(Int(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return value.compactText()
        }
    }
}
