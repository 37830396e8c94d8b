import SharedModels

/// The vocabulary ids of a name's tokens and of their singulars, computed once per name.
struct TokenizedText: Sendable {
    let ids: [Int32]
    let singularIDs: [Int32]

    init(_ text: String, vocabulary: Vocabulary) {
        var ids: [Int32] = []
        var singularIDs: [Int32] = []
        ids.reserveCapacity(16)
        singularIDs.reserveCapacity(16)
        TextNormalizer.forEachToken(text) { token in
            let id = vocabulary.id(token)
            ids.append(id)
            singularIDs.append(TextNormalizer.singular(token).map { vocabulary.id($0[...]) } ?? id)
        }
        self.ids = ids
        self.singularIDs = singularIDs
    }
}
