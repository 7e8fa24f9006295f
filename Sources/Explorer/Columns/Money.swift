import Foundation
import PlanhatKit

/// Amounts shown with their record's currency (`1,200 USD`): on models whose records carry a
/// currency (`_currency` on licenses, sales, assets, opportunities; `currency` on invoices, deals,
/// churn, projects, products, time entries), for the fields that hold money there. Companies keep
/// the tenant's base currency and carry none, so their amounts show as numbers.
public enum Money {
    /// The names of the fields that hold an amount on such a model.
    static let amountFields: Set<String> = ["mrr", "arr", "nrr", "value", "amountTotal", "total", "fees", "costRate", "totalCost", "renewalMrr", "renewalArr"]

    /// The model's currency field, when it has one.
    public static func currencyField(of model: ModelDefinition) -> String? {
        ["_currency", "currency"].first { model.field(named: $0) != nil }
    }

    /// Whether `field` of `model` is an amount in the record's currency.
    public static func isAmount(_ field: String, in model: ModelDefinition) -> Bool {
        guard currencyField(of: model) != nil, amountFields.contains(field), let type = model.field(named: field)?.type else { return false }
        return type == "number" || type == "integer"
    }

    /// The currency's code as a record holds it: a code (`"USD"`), or Planhat's expanded currency
    /// object (`{"_id": "USD", "symbol": "$", …}`).
    public static func code(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let code)? where !code.isEmpty: return code
        case .object(let members)?: return members["_id"]?.stringValue ?? members["code"]?.stringValue
        default: return nil
        }
    }
}

extension ResultsPage {
    /// The currency field the rows keep beside their columns: when an amount is shown and the
    /// model's records carry a currency.
    public var currencyField: String? {
        guard let field = Money.currencyField(of: model), columns.contains(where: { Money.isAmount($0, in: model) }) else { return nil }
        return field
    }
}

extension Money {
    /// The currency field a list showing `columns` must ask for besides them (none when no amount
    /// is shown, the model carries no currency, or it is a column already).
    public static func extraSelect(for columns: [String], in model: ModelDefinition) -> [String] {
        guard let field = currencyField(of: model), columns.contains(where: { isAmount($0, in: model) }), !columns.contains(field) else { return [] }
        return [field]
    }
}
