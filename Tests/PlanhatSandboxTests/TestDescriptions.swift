import PlanhatKit
import Testing

extension ModelDefinition: CustomTestStringConvertible {
    public var testDescription: String { route }
}
