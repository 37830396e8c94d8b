import Foundation

/// Topic names as people type them, and the form dedup compares.
enum TopicName {
    static let maxLength = 500

    /// Case, accents, punctuation and spacing do not make a different topic: "Tesla  Model-3 Buyers" ≡ "tesla model 3 buyers".
    static func normalize(_ name: String) -> String {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        let words = folded.unicodeScalars.split { !CharacterSet.alphanumerics.contains($0) }.map { String(String.UnicodeScalarView($0)) }
        return words.joined(separator: " ")
    }
}
