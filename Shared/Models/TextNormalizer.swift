import Foundation

/// The one normal form of names, shared by the classifier's lexicon matching, dedup and embeddings:
/// accents and width folded, lowercase, `&` and other punctuation as spaces, single spaces, trimmed.
/// "Tesla  Model-3 BUYERS" and "tesla model 3 buyers" are the same name.
public enum TextNormalizer {
    public static func normalize(_ text: String) -> String {
        self.tokens(text).joined(separator: " ")
    }

    public static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        self.forEachToken(text) { tokens.append(String(decoding: $0, as: UTF8.self)) }
        return tokens
    }

    /// Calls `body` with each token's UTF-8 bytes, in order, without making a string of it.
    public static func forEachToken(_ text: String, _ body: (ArraySlice<UInt8>) -> Void) {
        // Most names are ASCII: lowercase and split byte by byte. Anything else is folded by Foundation first
        // (accents, width, case), which gives the same tokens for ASCII but costs far more.
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
            for token in self.foldedTokens(text) { body(Array(token.utf8)[...]) }
            return
        }
        var bytes = Array(text.utf8)
        var start: Int?
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                if start == nil { start = index }
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                bytes[index] += 32
                if start == nil { start = index }
            default:
                if let first = start { body(bytes[first..<index]) }
                start = nil
            }
        }
        if let first = start { body(bytes[first...]) }
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

    /// A plural's singular by the common English rules ("buyers" → "buyer", "categories" → "category"), from a
    /// token's bytes; nil when the word is its own singular: words of 3 letters or fewer and those ending in "ss",
    /// "us" or "is" are left alone.
    public static func singular(_ word: ArraySlice<UInt8>) -> [UInt8]? {
        let ends = { (suffix: String) in word.count >= suffix.utf8.count && word.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) }
        guard word.last == UInt8(ascii: "s"), !ends("ss"), !ends("us"), !ends("is"), word.count > 3 else { return nil }
        if !word.allSatisfy({ $0 < 0x80 }), String(decoding: word, as: UTF8.self).count <= 3 { return nil }
        if ends("ies") { return Array(word.dropLast(3)) + [UInt8(ascii: "y")] }
        if ends("ches") || ends("shes") || ends("xes") { return Array(word.dropLast(2)) }
        return Array(word.dropLast())
    }
}
