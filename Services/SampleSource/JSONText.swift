import Foundation

/// The little JSON writing the hand-written page bodies need.
enum JSONText {
    private static let needsEscaping = CharacterSet(charactersIn: "\"\\").union(.controlCharacters)

    static func appendString(_ value: String, to out: inout String) {
        out += "\""
        if value.rangeOfCharacter(from: Self.needsEscaping) == nil {
            out += value
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case let control where control.value < 0x20:
                    let hex = String(control.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    static func appendArray(_ segments: [Segment], to out: inout String) {
        out += "["
        for (position, segment) in segments.enumerated() {
            if position > 0 { out += "," }
            segment.appendJSON(to: &out)
        }
        out += "]"
    }
}
