import SharedModels

/// Exact nearest-neighbour search over hash embeddings (`HashEmbedding`) above a cosine threshold: it answers
/// what a brute-force scan of every vector would, bit for bit, without looking at most of them.
///
/// How: buckets are taken in a fixed order, the rarest first (any fixed order is exact; rare buckets first keep
/// the lists a query walks short). A vector is posted under its leading nonzero buckets (with their sign)
/// while the norm of the buckets from there to its end is still at least the threshold; the rest, its tail, has
/// a norm below the threshold. So a vector with cosine ≥ threshold to a query shares a same-signed posted bucket
/// with it, and the first such bucket `j` has `|q from j on| ≥ threshold` (all the positive products lie from
/// `j` on). A query therefore walks its own buckets' posting lists, in order, only while its remaining norm can
/// reach the threshold, adding up each vector's products met on the way. What it has not added for a vector
/// lies after the last bucket where it met it, and is at most `|q after| · |x after|` (Cauchy–Schwarz), which
/// the postings carry; only vectors whose sum plus that bound reach the best score so far are scored exactly.
/// Scores are the same Float32 sums, in the same order, as `HashEmbedding.cosine`, so ties and thresholds fall
/// exactly as in a scan.
///
/// The higher the threshold, the shorter the posted part of each vector and the fewer lists a query walks, so
/// the index keeps one level of postings per threshold and asks the highest first: a match there is the best
/// overall, and only queries without one pay for the lower level.
public struct EmbeddingIndex: Sendable {
    public struct Match: Sendable, Equatable {
        /// The vector's position, in the order vectors were added.
        public let slot: Int
        public let score: Float

        public init(slot: Int, score: Float) {
            self.slot = slot
            self.score = score
        }
    }

    private struct Posting: Sendable {
        let slot: UInt32
        let value: Float
        /// The norm of the vector's buckets after this one.
        let tail: Float
    }

    /// The postings for one threshold.
    private struct Level: Sendable {
        let threshold: Float
        /// By `bucket * 2 + (negative ? 1 : 0)`.
        var lists = [[Posting]](repeating: [], count: HashEmbedding.dimensions * 2)
    }

    /// Float rounding in the bounds must never prune a true match: bounds are compared with this much slack.
    private static let slack: Float = 1e-4
    /// Highest threshold first; the last is the lowest score a match may have.
    private var levels: [Level]
    /// Every vector's nonzero buckets and values, `starts[slot]..<starts[slot + 1]`.
    private var starts: [Int] = [0]
    private var buckets: [UInt8] = []
    private var values: [Float] = []
    /// Per vector, while a query runs: the products added up so far, and the bound on the rest.
    private var sums: [Float] = []
    private var rests: [Float] = []
    private var touched: [UInt32] = []

    /// Each bucket's place in the order buckets are taken in.
    private let rank: [Int]

    /// `thresholds`: the scores at which answers change (say 0.95 and 0.75); matches below the lowest are none.
    /// `bucketOrder`: the buckets, rarest first (`rarestFirst`); index order when not given.
    public init(thresholds: [Float], bucketOrder: [Int]? = nil) {
        self.levels = thresholds.sorted(by: >).map { Level(threshold: $0) }
        let order = bucketOrder.flatMap { Set($0) == Set(0..<HashEmbedding.dimensions) && $0.count == HashEmbedding.dimensions ? $0 : nil }
            ?? Array(0..<HashEmbedding.dimensions)
        var rank = [Int](repeating: 0, count: HashEmbedding.dimensions)
        for (position, bucket) in order.enumerated() { rank[bucket] = position }
        self.rank = rank
    }

    /// The buckets ordered by how many of these embeddings use them, fewest first (ties by bucket).
    public static func rarestFirst(_ embeddings: some Sequence<[Float]>) -> [Int] {
        var counts = [Int](repeating: 0, count: HashEmbedding.dimensions)
        for embedding in embeddings {
            for (bucket, value) in embedding.enumerated() where value != 0 { counts[bucket] += 1 }
        }
        return (0..<HashEmbedding.dimensions).sorted { counts[$0] != counts[$1] ? counts[$0] < counts[$1] : $0 < $1 }
    }

    /// The nonzero buckets in the index's order, and the norm of each one's values from there to the end.
    private func ordered(_ embedding: [Float]) -> (buckets: [Int], tails: [Float]) {
        let buckets = embedding.indices.filter { embedding[$0] != 0 }.sorted { self.rank[$0] < self.rank[$1] }
        var tails = [Float](repeating: 0, count: buckets.count + 1)
        for position in buckets.indices.reversed() {
            let value = embedding[buckets[position]]
            tails[position] = (tails[position + 1] * tails[position + 1] + value * value).squareRoot()
        }
        return (buckets, tails)
    }

    public var count: Int { self.starts.count - 1 }

    /// Adds a vector (an embedding of `HashEmbedding.dimensions` values) and returns its slot.
    @discardableResult
    public mutating func add(_ embedding: [Float]) -> Int {
        let slot = self.count
        // Stored in bucket order, for scores summed as a scan sums them; posted in the index's order.
        for bucket in embedding.indices where embedding[bucket] != 0 {
            self.buckets.append(UInt8(bucket))
            self.values.append(embedding[bucket])
        }
        let (ordered, tails) = self.ordered(embedding)
        for (position, bucket) in ordered.enumerated() {
            let posting = Posting(slot: UInt32(slot), value: embedding[bucket], tail: tails[position + 1])
            for level in self.levels.indices where tails[position] >= self.levels[level].threshold - Self.slack {
                self.levels[level].lists[Self.list(bucket, embedding[bucket])].append(posting)
            }
        }
        self.starts.append(self.buckets.count)
        self.sums.append(0)
        self.rests.append(0)
        return slot
    }

    /// The vector with the highest cosine to `query` if it reaches the lowest threshold; the earliest slot on a tie.
    /// (Mutating only for the scratch space it reuses between queries.)
    public mutating func best(for query: [Float]) -> Match? {
        let (nonzero, tails) = self.ordered(query)
        for level in self.levels.indices {
            if let match = self.best(for: query, nonzero: nonzero, tails: tails, in: level) { return match }
        }
        return nil
    }

    private mutating func best(for query: [Float], nonzero: [Int], tails: [Float], in level: Int) -> Match? {
        let threshold = self.levels[level].threshold
        self.touched.removeAll(keepingCapacity: true)
        for (position, bucket) in nonzero.enumerated() {
            // No vector first met from here on can reach the threshold, and the bounds cover the rest.
            guard tails[position] >= threshold - Self.slack else { break }
            let value = query[bucket]
            let after = tails[position + 1]
            for posting in self.levels[level].lists[Self.list(bucket, value)] {
                let slot = Int(posting.slot)
                // Same signs: every product is positive, so a zero sum means not met yet.
                if self.sums[slot] == 0 { self.touched.append(posting.slot) }
                self.sums[slot] += value * posting.value
                self.rests[slot] = after * posting.tail
            }
        }
        var best: Match?
        for slot in self.touched.map(Int.init) {
            let bound = self.sums[slot] + self.rests[slot]
            self.sums[slot] = 0
            guard bound >= max(threshold, best?.score ?? 0) - Self.slack else { continue }
            let score = self.cosine(query, slot: slot)
            guard score >= threshold else { continue }
            if let current = best, score < current.score || (score == current.score && slot >= current.slot) { continue }
            best = Match(slot: slot, score: score)
        }
        return best
    }

    /// The dot product with the stored vector, summed in bucket order like `HashEmbedding.cosine` (whose other
    /// terms are zeros, which leave a Float sum unchanged).
    func cosine(_ query: [Float], slot: Int) -> Float {
        var sum: Float = 0
        for entry in self.starts[slot]..<self.starts[slot + 1] { sum += query[Int(self.buckets[entry])] * self.values[entry] }
        return sum
    }

    private static func list(_ bucket: Int, _ value: Float) -> Int {
        bucket * 2 + (value < 0 ? 1 : 0)
    }
}
