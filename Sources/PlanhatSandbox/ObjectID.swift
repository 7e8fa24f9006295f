import Foundation

/// Planhat ids: MongoDB ObjectIds, 24 hex characters whose first 8 are the creation time.
enum ObjectID {
    /// A new id created at `date`, random in its other 16 characters.
    static func make(date: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(date: date, using: &generator)
    }

    /// An id created at `date` from `generator`: the same generator state gives the same id.
    static func make<G: RandomNumberGenerator>(date: Date, using generator: inout G) -> String {
        let seconds = UInt32(clamping: Int(date.timeIntervalSince1970))
        return hex(UInt64(seconds), width: 8) + hex(generator.next(), width: 16)
    }

    private static func hex(_ value: UInt64, width: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
