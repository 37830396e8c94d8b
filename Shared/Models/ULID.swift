import Foundation

/// 48-bit millisecond timestamp + 80 random bits, in lowercase Crockford base32 (26 chars), so ids sort by creation time.
/// Written and checked as ASCII bytes: an ingest page makes and reads back thousands of ids.
enum ULID {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
    private static let allowed: [Bool] = (0...255).map { alphabet.contains(UInt8($0)) }

    /// `prefix`, then a new ULID.
    static func make(at date: Date, after prefix: String) -> String {
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var generator = SystemRandomNumberGenerator()
        // Two draws of 64 bits, 40 of each used: one getrandom call per byte cost an ingest page 3,000 ids × 16 syscalls.
        let words: (UInt64, UInt64) = (generator.next(), generator.next())
        let head = Array(prefix.utf8)
        return String(unsafeUninitializedCapacity: head.count + 26) { bytes in
            var time = millis
            for index in (0..<10).reversed() {
                bytes[head.count + index] = Self.alphabet[Int(time & 31)]
                time >>= 5
            }
            for index in 0..<16 {
                let word = index < 8 ? words.0 : words.1
                bytes[head.count + 10 + index] = Self.alphabet[Int((word >> (5 * UInt64(index % 8))) & 31)]
            }
            for (index, byte) in head.enumerated() { bytes[index] = byte }
            return head.count + 26
        }
    }

    static func isValid(_ text: Substring) -> Bool {
        text.utf8.count == 26 && text.utf8.allSatisfy { Self.allowed[Int($0)] }
    }
}
