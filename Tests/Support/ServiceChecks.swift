import Foundation
import PlanhatKit

extension PlanhatService {
    /// The error `prepare` throws for these parameters, or nil when they are accepted.
    public func rejection(_ model: String, _ operation: String, _ parameters: JSONValue) -> PlanhatError? {
        do {
            _ = try prepare(model: model, operation: operation, parameters: parameters)
            return nil
        } catch {
            return error as? PlanhatError
        }
    }
}
