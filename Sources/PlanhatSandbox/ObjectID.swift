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

/// SplitMix64: a small, fast generator whose sequence depends only on its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
