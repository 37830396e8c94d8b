import Dedup
import SharedModels
import TestSupport
import Testing

/// The index against a brute-force scan of every vector: same best match, same score to the bit, for catalogs
/// and queries built to sit around the thresholds (near-duplicates, reordered words, typos) and far from them.
@Suite struct EmbeddingIndexTests {
    static let minimumScore: Float = 0.75

    @Test(arguments: [1, 2, 3, 4])
    func answersExactlyWhatABruteForceScanAnswers(seed: UInt64) {
        var names = NameGenerator(seed: seed)
        let catalog = (0..<3000).map { _ in names.next() }
        let vectors = catalog.map(HashEmbedding.embed)
        var index = EmbeddingIndex(minimumScore: Self.minimumScore)
        for vector in vectors { index.add(vector) }

        var queries = (0..<400).map { _ in names.variant(of: catalog[Int(names.random.next() % UInt64(catalog.count))]) }
        queries += (0..<200).map { _ in names.next() }
        queries += ["a", "ab", "x y", "", "tesla"]
        var matchedAboveFirstFloor = 0
        var matchedBelowIt = 0
        let queryVectors = queries.map(HashEmbedding.embed)
        let asPage = index.best(for: queryVectors)
        for (number, vector) in queryVectors.enumerated() {
            let expected = Self.bruteForce(vector, vectors, minimum: Self.minimumScore)
            #expect(index.best(for: vector) == expected, "query \(queries[number])")
            #expect(asPage[number] == expected, "query \(queries[number]) in a page")
            if let expected { expected.score >= EmbeddingIndex.firstFloor ? (matchedAboveFirstFloor += 1) : (matchedBelowIt += 1) }
        }
        // The queries must exercise matches found by either look, not only misses.
        #expect(matchedAboveFirstFloor > 100)
        #expect(matchedBelowIt > 50)
    }

    /// A page of names mostly in the catalog has its sample find matches at `firstFloor` or above, so the whole page
    /// looks there first; on a page of mostly new names the sample finds few, and the rest of the page skips that
    /// look. Both answer what a scan answers, the near-duplicates among the new names included.
    @Test func pagesOfKnownAndOfNewNamesAnswerLikeAScan() {
        var names = NameGenerator(seed: 7)
        let catalog = (0..<3000).map { _ in names.next() }
        let vectors = catalog.map(HashEmbedding.embed)
        var index = EmbeddingIndex(minimumScore: Self.minimumScore)
        for vector in vectors { index.add(vector) }
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let known = (0..<300).map { number in number % 3 == 0 ? names.variant(of: catalog[number]) : catalog[number * 7] }
        let new = (0..<300).map { number in
            number % 5 == 0
                ? names.variant(of: catalog[number])
                : String((0..<12).map { _ in letters[Int(names.random.next() % 26)] }) + " " + names.next()
        }
        for page in [known, new] {
            let queries = page.map(HashEmbedding.embed)
            let expected = queries.map { Self.bruteForce($0, vectors, minimum: Self.minimumScore) }
            #expect(index.best(for: queries) == expected)
            #expect(expected.count { $0 != nil } > 50)
        }
    }

    @Test func aDuplicateNameMatchesItselfAtOneAndTheEarliestCopyWins() {
        var index = EmbeddingIndex(minimumScore: Self.minimumScore)
        let vector = HashEmbedding.embed("Tesla Model 3 Buyers")
        index.add(HashEmbedding.embed("Golf Enthusiasts"))
        index.add(vector)
        index.add(vector)
        #expect(index.best(for: vector)?.slot == 1)
        #expect(index.best(for: vector)?.score == HashEmbedding.cosine(vector, vector))
        #expect(index.best(for: HashEmbedding.embed("Dog Owners")) == nil)
    }

    /// 1,400 vectors of one shape fill a shelf past two chunks of 512, with the match deep in a later chunk:
    /// every chunk is scanned, and among equal scores the earliest slot wins.
    @Test func shelvesOfManyChunksAndTiesAnswerLikeAScan() {
        var index = EmbeddingIndex(minimumScore: Self.minimumScore)
        var vectors: [[Float]] = []
        var random = SplitMix(seed: 9)
        // Names of one length and no collisions share a shelf.
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        for _ in 0..<1_400 {
            let word = String((0..<8).map { _ in letters[Int(random.next() % 26)] })
            vectors.append(HashEmbedding.embed(word + " buyers"))
        }
        let target = HashEmbedding.embed("zebra crossing buyers")
        vectors += [target, target, target]
        for vector in vectors { index.add(vector) }
        let queries = [target, HashEmbedding.embed("zebra crossing buyer"), HashEmbedding.embed("zebra crossings buyers"), vectors[3], vectors[650]]
        let asPage = index.best(for: queries)
        for (number, query) in queries.enumerated() {
            let expected = Self.bruteForce(query, vectors, minimum: Self.minimumScore)
            #expect(index.best(for: query) == expected)
            #expect(asPage[number] == expected)
        }
        #expect(index.best(for: target)?.slot == 1_400)
    }

    /// Lookups between adds, as the bitmaps move to more room several times (each shelf's chunks regrouped), and a
    /// copy taken on the way, which keeps answering for the vectors it held.
    @Test func answersBetweenAddsAndACopyKeepsItsVectors() {
        var names = NameGenerator(seed: 11)
        var index = EmbeddingIndex(minimumScore: Self.minimumScore)
        var vectors: [[Float]] = []
        var copy: (index: EmbeddingIndex, vectors: [[Float]])?
        for round in 0..<6 {
            let catalog = (0..<800).map { _ in names.next() }
            for name in catalog {
                vectors.append(HashEmbedding.embed(name))
                index.add(vectors[vectors.count - 1])
            }
            if round == 2 { copy = (index, vectors) }
            let queries = (0..<20).map { _ in HashEmbedding.embed(names.variant(of: catalog[Int(names.random.next() % 800)])) }
            let asPage = index.best(for: queries)
            for (number, query) in queries.enumerated() {
                let expected = Self.bruteForce(query, vectors, minimum: Self.minimumScore)
                #expect(index.best(for: query) == expected)
                #expect(asPage[number] == expected)
                if let copy {
                    #expect(copy.index.best(for: query) == Self.bruteForce(query, copy.vectors, minimum: Self.minimumScore))
                }
            }
        }
        #expect(copy?.index.count == 2400)
    }

    @Test func anEmptyPageAndZeroVectorsFindNothing() {
        var index = EmbeddingIndex(minimumScore: Self.minimumScore)
        #expect(index.best(for: HashEmbedding.embed("tesla")) == nil)
        index.add(HashEmbedding.embed(""))
        index.add(HashEmbedding.embed("tesla"))
        #expect(index.best(for: [[Float]]()).isEmpty)
        let tesla = HashEmbedding.embed("tesla")
        let itself = EmbeddingIndex.Match(slot: 1, score: HashEmbedding.cosine(tesla, tesla))
        #expect(index.best(for: [HashEmbedding.embed(""), tesla]) == [nil, itself])
        #expect(index.count == 2)
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
