import Foundation
import Testing

@testable import PlanhatKit

/// Every model × operation the catalog offers.
let allOperations: [(ModelDefinition, ModelOperation)] = Catalog.shared.models.flatMap { model in
    model.operations.map { (model, $0) }
}

@Suite("JSON Schemas")
struct SchemaTests {
    @Test("every schema is a well-formed draft 2020-12 object schema", arguments: allOperations)
    func wellFormed(_ model: ModelDefinition, _ operation: ModelOperation) throws {
        let schema = SchemaBuilder.schema(for: model, operation: operation)
        #expect(schema["$schema"] == .string(SchemaBuilder.dialect))
        #expect(schema["type"] == "object")
        #expect(schema["title"]?.stringValue?.isEmpty == false)
        #expect(schema["description"]?.stringValue?.isEmpty == false)
        let properties = try #require(schema["properties"]?.objectValue)
        for (name, property) in properties {
            #expect(property["title"]?.stringValue != nil, "\(model.route) \(operation) \(name) has no title")
            #expect(property["description"]?.stringValue != nil, "\(model.route) \(operation) \(name) has no description")
            #expect(property["type"] != nil || property["const"] != nil, "\(model.route) \(operation) \(name) has no type")
        }
        for required in schema["required"]?.arrayValue ?? [] {
            #expect(properties[required.stringValue ?? ""] != nil, "required \(required.preview()) is not a property")
        }
    }

    @Test("schemas follow the operation's shape")
    func shapes() throws {
        let companies = try Catalog.shared.model(named: "companies")
        let list = SchemaBuilder.schema(for: companies, operation: .list)
        #expect(list["properties"]?["limit"]?["maximum"] == 5000)
        #expect(list["properties"]?["limit"]?["default"] == 100)
        #expect(list["properties"]?["offset"]?["minimum"] == 0)
        #expect(list["properties"]?["sort"] != nil && list["properties"]?["select"] != nil)
        let endusers = try Catalog.shared.model(named: "endusers")
        #expect(SchemaBuilder.schema(for: endusers, operation: .list)["properties"]?["companyId"] != nil)
        #expect(SchemaBuilder.schema(for: companies, operation: .view)["required"] == ["id"])
        #expect(SchemaBuilder.schema(for: companies, operation: .delete)["required"] == ["id"])
        #expect(SchemaBuilder.schema(for: companies, operation: .create)["required"] == ["name"])
        let create = SchemaBuilder.schema(for: endusers, operation: .create)
        // Planhat assigns an end user's company by its email's domain when companyId is left out.
        #expect(create["required"] == ["email"])
        #expect(create["properties"]?["email"]?["format"] == "email")
        #expect(create["properties"]?["_id"] == nil, "read-only fields are not offered")
        let update = SchemaBuilder.schema(for: companies, operation: .update)
        #expect(update["required"] == ["id"])
        #expect(update["minProperties"] == 2)
        let bulk = SchemaBuilder.schema(for: companies, operation: .bulkUpsert)
        #expect(bulk["required"] == ["items"])
        #expect(bulk["properties"]?["items"]?["items"]?["properties"]?["_id"] != nil)
        let status = SchemaBuilder.schema(for: companies, operation: .create)["properties"]?["status"]
        #expect(status?["enum"] == ["prospect", "coming", "customer", "canceled", "lost"])
        let notes = try Catalog.shared.model(named: "notes")
        #expect(SchemaBuilder.schema(for: notes, operation: .create)["properties"]?["type"]?["const"] == "note")
        let invoices = try Catalog.shared.model(named: "invoices")
        #expect(SchemaBuilder.schema(for: invoices, operation: .create)["properties"]?["invoiceDate"]?["type"] == "integer")
    }

    @Test("humanized titles")
    func titles() {
        #expect(SchemaBuilder.humanize("companyId") == "Company id")
        #expect(SchemaBuilder.humanize("_currency") == "Currency")
        #expect(SchemaBuilder.humanize("arr") == "ARR")
        #expect(SchemaBuilder.humanize("renewalArr") == "Renewal ARR")
    }
}
