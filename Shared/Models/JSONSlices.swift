/// Finds values inside JSON text without decoding them: for a large answer whose items are passed on as they are
/// (classifier-service's classifications, stored as written). It only follows strings, nesting and separators, so
/// it is fast, and it answers `nil` for text that is not shaped as asked rather than guessing.
public enum JSONSlices {
    /// The byte ranges of the elements of the array that the top-level object of `bytes` has under `key`.
    public static func elements(of key: String, in bytes: [UInt8]) -> [Range<Int>]? {
        guard let array = self.value(of: key, inObjectAt: 0, of: bytes) ?? nil, bytes[array.lowerBound] == UInt8(ascii: "[") else { return nil }
        var elements: [Range<Int>] = []
        var index = self.skipSpace(array.lowerBound + 1, in: bytes)
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { return elements }
        while index < array.upperBound {
            guard let end = self.skipValue(index, in: bytes) else { return nil }
            elements.append(index..<end)
            index = self.skipSpace(end, in: bytes)
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "]") { return elements }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index = self.skipSpace(index + 1, in: bytes)
        }
        return nil
    }

    /// The range of the value that the object starting at `start` of `bytes` has under `key` (a key with escapes is
    /// compared as written): `.some(nil)` when it has no such member, `nil` when there is no well-formed object there.
    public static func value(of key: String, inObjectAt start: Int, of bytes: [UInt8]) -> Range<Int>?? {
        let wanted = Array(key.utf8)
        var index = self.skipSpace(start, in: bytes)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index = self.skipSpace(index + 1, in: bytes)
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { return .some(nil) }
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\""), let keyEnd = self.skipString(index, in: bytes) else { return nil }
            let isWanted = bytes[index + 1..<keyEnd - 1].elementsEqual(wanted)
            index = self.skipSpace(keyEnd, in: bytes)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            let valueStart = self.skipSpace(index + 1, in: bytes)
            guard let valueEnd = self.skipValue(valueStart, in: bytes) else { return nil }
            if isWanted { return valueStart..<valueEnd }
            index = self.skipSpace(valueEnd, in: bytes)
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "}") { return .some(nil) }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index = self.skipSpace(index + 1, in: bytes)
        }
        return nil
    }

    /// Where the value starting at `start` ends.
    private static func skipValue(_ start: Int, in bytes: [UInt8]) -> Int? {
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""): return self.skipString(start, in: bytes)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard let end = self.skipString(index, in: bytes) else { return nil }
                    index = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
                index += 1
            }
            return nil
        default:
            // A number, true, false or null: up to the next separator.
            var index = start
            while index < bytes.count, !self.isSeparator(bytes[index]) { index += 1 }
            return index > start ? index : nil
        }
    }

    /// Where the string starting at `start` (its opening quote) ends, past its closing quote.
    private static func skipString(_ start: Int, in bytes: [UInt8]) -> Int? {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return nil
    }

    private static func skipSpace(_ start: Int, in bytes: [UInt8]) -> Int {
        var index = start
        while index < bytes.count, self.isSpace(bytes[index]) { index += 1 }
        return index
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || self.isSpace(byte)
    }
}
