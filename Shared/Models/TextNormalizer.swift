import Foundation

/// The one normal form of names, shared by the classifier's lexicon matching, dedup and embeddings:
/// accents and width folded, lowercase, `&` and other punctuation as spaces, single spaces, trimmed.
/// "Tesla  Model-3 BUYERS" and "tesla model 3 buyers" are the same name.
public enum TextNormalizer {
    public static func normalize(_ text: String) -> String {
        self.tokens(text).joined(separator: " ")
    }

    public static func tokens(_ text: String) -> [String] {
        // Most names are ASCII: lowercase and split byte by byte. Anything else is folded by Foundation first
        // (accents, width, case), which gives the same tokens for ASCII but costs far more.
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return self.foldedTokens(text) }
        var tokens: [String] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                current.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                current.append(byte + 32)
            default:
                if !current.isEmpty {
                    tokens.append(String(decoding: current, as: UTF8.self))
                    current.removeAll(keepingCapacity: true)
                }
            }
        }
        if !current.isEmpty { tokens.append(String(decoding: current, as: UTF8.self)) }
        return tokens
    }

    static func foldedTokens(_ text: String) -> [String] {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).lowercased()
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                current.append(scalar)
            } else if !current.isEmpty {
                tokens.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { tokens.append(String(current)) }
        return tokens
    }

    /// A plural's singular by the common English rules ("buyers" → "buyer", "categories" → "category"),
    /// or the word itself; words of 3 letters or fewer and those ending in "ss", "us" or "is" are left alone.
    public static func singular(_ word: String) -> String {
        guard word.count > 3, word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us"), !word.hasSuffix("is") else { return word }
        if word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.hasSuffix("ches") || word.hasSuffix("shes") || word.hasSuffix("xes") { return String(word.dropLast(2)) }
        return String(word.dropLast())
    }
}
