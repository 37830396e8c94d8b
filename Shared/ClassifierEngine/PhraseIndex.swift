import SharedModels

/// Phrases (token sequences in normal form) to weighted targets, matched greedily longest-first so that
/// "electric vehicle" counts once, not also as "vehicle". Each token is also tried in its singular form.
struct PhraseIndex<Target: Hashable & Sendable>: Sendable {
    private(set) var entries: [String: [(target: Target, weight: Double)]] = [:]
    /// Every proper prefix of a phrase, so a match stops growing as soon as no phrase can continue it.
    private(set) var prefixes: Set<String> = []
    private(set) var longest = 1

    mutating func add(_ phrase: String, target: Target, weight: Double) {
        let tokens = TextNormalizer.tokens(phrase)
        guard !tokens.isEmpty else { return }
        self.entries[tokens.joined(separator: " "), default: []].append((target, weight))
        for length in 1..<tokens.count { self.prefixes.insert(tokens[0..<length].joined(separator: " ")) }
        self.longest = max(self.longest, tokens.count)
    }

    /// Every match in `tokens` with the phrase it matched and where, longest phrase first at each position.
    func matches(_ tokens: [String], singulars: [String]) -> [(phrase: String, target: Target, weight: Double, range: Range<Int>)] {
        var found: [(String, Target, Double, Range<Int>)] = []
        var index = 0
        while index < tokens.count {
            // The longest phrase starting here, in the words as written or in their singulars (as written on a tie).
            let written = self.longestMatch(tokens, from: index)
            let singular = self.longestMatch(singulars, from: index)
            guard let match = (singular?.length ?? 0) > (written?.length ?? 0) ? singular : written else {
                index += 1
                continue
            }
            let range = index..<(index + match.length)
            found.append(contentsOf: self.entries[match.phrase, default: []].map { (match.phrase, $0.target, $0.weight, range) })
            index += match.length
        }
        return found
    }

    private func longestMatch(_ words: [String], from start: Int) -> (phrase: String, length: Int)? {
        var phrase = ""
        var best: (String, Int)?
        for length in 1...min(self.longest, words.count - start) {
            if length > 1 { phrase += " " }
            phrase += words[start + length - 1]
            if self.entries[phrase] != nil { best = (phrase, length) }
            if !self.prefixes.contains(phrase) { break }
        }
        return best
    }
}
