import Foundation

/// The top-level keys of a JSON object, and the raw text of its `id`, found by one pass over the
/// bytes (strings and nesting skipped), without building the document: a response may be megabytes
/// of records, and it is scanned, never parsed.
enum TopLevelKeys {
    enum Shape: Equatable {
        case object(Set<String>)
        case batch(isEmpty: Bool)
        case other
    }

    static func scan(_ data: Data) -> Shape {
        summary(data).shape
    }

    /// The shape, and for an object the bytes of its top-level `id` value.
    static func summary(_ data: Data) -> (shape: Shape, id: Data?) {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> (shape: Shape, id: Data?) in
            var index = 0
            func skipSpace() {
                while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
            }
            skipSpace()
            guard index < bytes.count else { return (.other, nil) }
            if bytes[index] == UInt8(ascii: "[") {
                index += 1
                skipSpace()
                return (.batch(isEmpty: index < bytes.count && bytes[index] == UInt8(ascii: "]")), nil)
            }
            guard bytes[index] == UInt8(ascii: "{") else { return (.other, nil) }
            var keys = Set<String>()
            var depth = 0
            var expectingKey = false
            var idKeySeen = false
            var idStart: Int?
            var idRange: Range<Int>?
            func closeID() {
                if let start = idStart, idRange == nil { idRange = start..<index }
                idStart = nil
            }
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    let start = index + 1
                    index += 1
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                        index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                    }
                    if depth == 1, expectingKey, index <= bytes.count {
                        let key = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<min(index, bytes.count)]), as: UTF8.self)
                        keys.insert(key)
                        idKeySeen = key == "id"
                        expectingKey = false
                    }
                case UInt8(ascii: ":") where depth == 1 && idKeySeen:
                    idKeySeen = false
                    idStart = index + 1
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    expectingKey = depth == 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 1 { closeID() }
                    depth -= 1
                    if depth == 0 {
                        let id = idRange.map { Data(UnsafeRawBufferPointer(rebasing: bytes[$0])) }
                        return (.object(keys), id)
                    }
                case UInt8(ascii: ","):
                    if depth == 1 { closeID() }
                    expectingKey = depth == 1
                default:
                    break
                }
                index += 1
            }
            return (.other, nil)
        }
    }
}
