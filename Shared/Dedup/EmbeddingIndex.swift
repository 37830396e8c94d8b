import SharedModels

/// Exact nearest-neighbour search over hash embeddings (`HashEmbedding`) above a cosine threshold: it answers
/// what a brute-force scan of every vector would, bit for bit, without looking at most of them.
///
/// How: buckets are taken in index order. A vector is posted under its leading nonzero buckets (with their sign)
/// while the norm of the buckets from there to its end is still at least the threshold; the rest, its tail, has
/// a norm below the threshold. A query scans the posting lists of its own buckets, in order, while its own
/// remaining norm can still reach the threshold. Any vector with cosine ≥ threshold must share a same-signed
/// bucket with the query inside its posted part (else the dot product is at most its tail's norm), and the first
/// one met bounds its cosine by `q[k]·x[k] + |q after k|·|x after k|` (Cauchy–Schwarz), so only vectors whose
/// bound reaches the best score so far are scored exactly. Scores are the same Float32 sums, in the same
/// order, as `HashEmbedding.cosine`, so ties and thresholds fall exactly as in a scan.
///
/// The higher the threshold, the shorter the posted part of each vector and the fewer lists a query scans, so
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

    /// `thresholds`: the scores at which answers change (say 0.95 and 0.75); matches below the lowest are none.
    public init(thresholds: [Float]) {
        self.levels = thresholds.sorted(by: >).map { Level(threshold: $0) }
    }

    public var count: Int { self.starts.count - 1 }

    /// Adds a vector (an embedding of `HashEmbedding.dimensions` values) and returns its slot.
    @discardableResult
    public mutating func add(_ embedding: [Float]) -> Int {
        let slot = self.count
        let nonzero = embedding.indices.filter { embedding[$0] != 0 }
        var tails = [Float](repeating: 0, count: nonzero.count + 1)
        for position in nonzero.indices.reversed() {
            let value = embedding[nonzero[position]]
            tails[position] = (tails[position + 1] * tails[position + 1] + value * value).squareRoot()
        }
        for (position, bucket) in nonzero.enumerated() {
            self.buckets.append(UInt8(bucket))
            self.values.append(embedding[bucket])
            let posting = Posting(slot: UInt32(slot), value: embedding[bucket], tail: tails[position + 1])
            for level in self.levels.indices where tails[position] >= self.levels[level].threshold - Self.slack {
                self.levels[level].lists[Self.list(bucket, embedding[bucket])].append(posting)
            }
        }
        self.starts.append(self.buckets.count)
        return slot
    }

    /// The vector with the highest cosine to `query` if it reaches the lowest threshold; the earliest slot on a tie.
    public func best(for query: [Float]) -> Match? {
        let nonzero = query.indices.filter { query[$0] != 0 }
        var tails = [Float](repeating: 0, count: nonzero.count + 1)
        for position in nonzero.indices.reversed() {
            let value = query[nonzero[position]]
            tails[position] = (tails[position + 1] * tails[position + 1] + value * value).squareRoot()
        }
        for level in self.levels {
            if let match = self.best(for: query, nonzero: nonzero, tails: tails, in: level) { return match }
        }
        return nil
    }

    private func best(for query: [Float], nonzero: [Int], tails: [Float], in level: Level) -> Match? {
        var best: Match?
        for (position, bucket) in nonzero.enumerated() {
            // No vector first met from here on can reach the threshold.
            guard tails[position] >= level.threshold - Self.slack else { break }
            let value = query[bucket]
            let after = tails[position + 1]
            for posting in level.lists[Self.list(bucket, value)] {
                let floor = max(level.threshold, best?.score ?? 0) - Self.slack
                guard value * posting.value + after * posting.tail >= floor else { continue }
                let score = self.cosine(query, slot: Int(posting.slot))
                guard score >= level.threshold else { continue }
                if let current = best, score < current.score || (score == current.score && Int(posting.slot) >= current.slot) { continue }
                best = Match(slot: Int(posting.slot), score: score)
            }
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
