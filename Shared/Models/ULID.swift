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
        let randomChars = (0..<16).map { _ in alphabet[Int((generator.next() as UInt8) & 31)] }
        return String(timeChars.reversed() + randomChars)
    }

    static func isValid(_ text: Substring) -> Bool {
        text.count == 26 && text.allSatisfy { allowed.contains($0) }
    }
}
