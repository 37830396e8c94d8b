import Foundation

/// 48-bit millisecond timestamp + 80 random bits, in lowercase Crockford base32 (26 chars), so ids sort by creation time.
enum ULID {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
    private static let allowed = Set(alphabet)

    static func make(at date: Date) -> String {
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var generator = SystemRandomNumberGenerator()
        var time = millis
        var timeChars: [Character] = []
        for _ in 0..<10 {
            timeChars.append(alphabet[Int(time & 31)])
            time >>= 5
        }
        // Two draws of 64 bits, 40 of each used: one getrandom call per byte cost an ingest page 3,000 ids × 16 syscalls.
        let words: [UInt64] = [generator.next(), generator.next()]
        let randomChars = (0..<16).map { alphabet[Int((words[$0 / 8] >> (5 * UInt64($0 % 8))) & 31)] }
        return String(timeChars.reversed() + randomChars)
    }

    static func isValid(_ text: Substring) -> Bool {
        text.count == 26 && text.allSatisfy { allowed.contains($0) }
    }
}
