import Dedup
import SharedModels
import TestSupport
import Testing

/// The index against a brute-force scan of every vector: same best match, same score to the bit, for catalogs
/// and queries built to sit around the thresholds (near-duplicates, reordered words, typos) and far from them.
@Suite struct EmbeddingIndexTests {
    static let thresholds: [Float] = [0.95, 0.75]

    @Test(arguments: [1, 2, 3, 4])
    func answersExactlyWhatABruteForceScanAnswers(seed: UInt64) {
        var names = NameGenerator(seed: seed)
        let catalog = (0..<3000).map { _ in names.next() }
        let vectors = catalog.map(HashEmbedding.embed)
        var index = EmbeddingIndex(thresholds: Self.thresholds)
        for vector in vectors { index.add(vector) }

        var queries = (0..<400).map { _ in names.variant(of: catalog[Int(names.random.next() % UInt64(catalog.count))]) }
        queries += (0..<200).map { _ in names.next() }
        queries += ["a", "ab", "x y", "", "tesla"]
        var matched = 0
        for query in queries {
            let vector = HashEmbedding.embed(query)
            let expected = Self.bruteForce(vector, vectors, minimum: Self.thresholds.min() ?? 0)
            #expect(index.best(for: vector) == expected, "query \(query)")
            if expected != nil { matched += 1 }
        }
        // The queries must exercise matches, not only misses.
        #expect(matched > 200)
    }

    @Test func aDuplicateNameMatchesItselfAtOneAndTheEarliestCopyWins() {
        var index = EmbeddingIndex(thresholds: Self.thresholds)
        let vector = HashEmbedding.embed("Tesla Model 3 Buyers")
        index.add(HashEmbedding.embed("Golf Enthusiasts"))
        index.add(vector)
        index.add(vector)
        #expect(index.best(for: vector)?.slot == 1)
        #expect(index.best(for: vector)?.score == HashEmbedding.cosine(vector, vector))
        #expect(index.best(for: HashEmbedding.embed("Dog Owners")) == nil)
    }

    static func bruteForce(_ query: [Float], _ vectors: [[Float]], minimum: Float) -> EmbeddingIndex.Match? {
        var best: EmbeddingIndex.Match?
        for (slot, vector) in vectors.enumerated() {
            let score = HashEmbedding.cosine(query, vector)
            if score >= minimum, score > (best?.score ?? -1) { best = EmbeddingIndex.Match(slot: slot, score: score) }
        }
        return best
    }
}

/// Segment-like names from a small vocabulary, and variants of them that land near the thresholds.
struct NameGenerator {
    static let words = [
        "tesla", "model", "buyers", "electric", "vehicle", "owners", "luxury", "travel", "enthusiasts", "golf", "dog", "cat",
        "insurance", "auto", "home", "mortgage", "credit", "card", "holders", "small", "business", "it", "decision", "makers",
        "cloud", "security", "moms", "kids", "students", "college", "fitness", "yoga", "running", "shoes", "coffee", "lovers",
        "streaming", "tv", "gamers", "mobile", "android", "iphone", "users", "frequent", "flyers", "hotel", "beach", "ski",
    ]
    var random: SplitMix

    init(seed: UInt64) {
        self.random = SplitMix(seed: seed)
    }

    mutating func next() -> String {
        let count = 1 + Int(self.random.next() % 5)
        return (0..<count).map { _ in Self.words[Int(self.random.next() % UInt64(Self.words.count))] }.joined(separator: " ")
    }

    /// The same name, or with a word dropped, added or swapped, a letter changed, or a plural.
    mutating func variant(of name: String) -> String {
        var words = name.split(separator: " ").map(String.init)
        switch self.random.next() % 6 {
        case 0: break
        case 1 where words.count > 1: words.remove(at: Int(self.random.next() % UInt64(words.count)))
        case 2: words.append(Self.words[Int(self.random.next() % UInt64(Self.words.count))])
        case 3 where words.count > 1: words.swapAt(0, words.count - 1)
        case 4:
            let index = Int(self.random.next() % UInt64(words.count))
            words[index] = String(words[index].dropLast()) + "x"
        default: words[words.count - 1] += "s"
        }
        return words.joined(separator: " ")
    }
}
