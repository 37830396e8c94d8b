import SharedModels

/// Topic names as people type them, and the form dedup compares.
enum TopicName {
    static let maxLength = 500

    /// Case, accents, punctuation and spacing do not make a different topic: "Tesla  Model-3 Buyers" ≡ "tesla model 3 buyers"
    /// (the normal form the classifier and the embeddings use too).
    static func normalize(_ name: String) -> String {
        TextNormalizer.normalize(name)
    }
}
