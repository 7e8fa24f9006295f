import Foundation
import Testing

@testable import PlanhatKit

/// Each catalog caches the schemas of its own models: a second catalog with another definition
/// for the same route never gets the first one's schemas.
@Suite("Schema cache")
struct SchemaCacheTests {
    struct NoBackend: PlanhatBackend {
        var info: BackendInfo { BackendInfo(kind: .sandbox, location: ":memory:") }
        func execute(_ request: PlanhatRequest) async throws -> JSONValue { [] }
    }

    /// The companies model without `arr`: the same route, another definition.
    static func companiesWithoutARR() throws -> ModelDefinition {
        var model = try Catalog.shared.model(named: "companies")
        model.fields.removeAll { $0.name == "arr" }
        return model
    }

    @Test("two catalogs, the same route, different fields: different schemas, whichever is asked first")
    func twoCatalogs() throws {
        let full = try Catalog.shared.model(named: "companies")
        let narrow = try Self.companiesWithoutARR()
        let wide = PlanhatService(catalog: Catalog(models: [full]), backend: NoBackend())
        let small = PlanhatService(catalog: Catalog(models: [narrow]), backend: NoBackend())
        for operation in ["create", "update", "bulkUpsert"] {
            let first = try wide.schema(model: "companies", operation: operation)
            let second = try small.schema(model: "companies", operation: operation)
            #expect(first != second, "\(operation)")
        }
        #expect(try wide.schema(model: "companies", operation: "create")["properties"]?["arr"] != nil)
        #expect(try small.schema(model: "companies", operation: "create")["properties"]?["arr"] == nil)
        // Validation reads the same schemas: only the narrow catalog refuses arr.
        #expect(throws: PlanhatError.self) { try small.prepare(model: "companies", operation: "create", parameters: ["name": "A", "arr": 1]) }
        #expect(try wide.prepare(model: "companies", operation: "create", parameters: ["name": "A", "arr": 1]).body?["arr"] == 1)
    }

    @Test("SchemaBuilder builds from the definition it is given, never a cached one for the same route")
    func builderFollowsTheDefinition() throws {
        let full = try Catalog.shared.model(named: "companies")
        let narrow = try Self.companiesWithoutARR()
        #expect(SchemaBuilder.schema(for: full, operation: .create)["properties"]?["arr"] != nil)
        #expect(SchemaBuilder.schema(for: narrow, operation: .create)["properties"]?["arr"] == nil)
        #expect(SchemaBuilder.schema(for: full, operation: .create)["properties"]?["arr"] != nil)
    }
}

extension SchemaCacheTests {
    @Test("a catalog keeps the schemas of its own models and builds others' without keeping them")
    func catalogCache() throws {
        let narrow = try Self.companiesWithoutARR()
        let catalog = Catalog(models: [narrow])
        let full = try Catalog.shared.model(named: "companies")
        #expect(catalog.schema(for: narrow, operation: .create)["properties"]?["arr"] == nil)
        #expect(catalog.schema(for: full, operation: .create)["properties"]?["arr"] != nil, "a foreign definition is built from itself")
        #expect(catalog.schema(for: narrow, operation: .create) == SchemaBuilder.build(narrow, .create), "its own is the one built from it")
        #expect(Catalog.shared.schema(for: full, operation: .update) == SchemaBuilder.schema(for: full, operation: .update))
    }
}
