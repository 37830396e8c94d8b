import SharedModels

/// Phrases (token sequences in normal form) to weighted targets, matched greedily longest-first so that
/// "electric vehicle" counts once, not also as "vehicle". Each token is also tried in its singular form.
struct PhraseIndex<Target: Hashable & Sendable>: Sendable {
    private(set) var entries: [String: [(target: Target, weight: Double)]] = [:]
    private(set) var longest = 1

    mutating func add(_ phrase: String, target: Target, weight: Double) {
        let tokens = TextNormalizer.tokens(phrase)
        guard !tokens.isEmpty else { return }
        self.entries[tokens.joined(separator: " "), default: []].append((target, weight))
        self.longest = max(self.longest, tokens.count)
    }

    /// Every match in `tokens` with the phrase it matched and where, longest phrase first at each position.
    func matches(_ tokens: [String], singulars: [String]) -> [(phrase: String, target: Target, weight: Double, range: Range<Int>)] {
        var found: [(String, Target, Double, Range<Int>)] = []
        var index = 0
        while index < tokens.count {
            var matched = false
            for length in stride(from: min(self.longest, tokens.count - index), through: 1, by: -1) {
                let range = index..<(index + length)
                for words in [tokens[range], singulars[range]] {
                    let phrase = words.joined(separator: " ")
                    if let targets = self.entries[phrase] {
                        found.append(contentsOf: targets.map { (phrase, $0.target, $0.weight, range) })
                        matched = true
                        break
                    }
                }
                if matched {
                    index += length
                    break
                }
            }
            if !matched { index += 1 }
        }
        return found
    }
}
