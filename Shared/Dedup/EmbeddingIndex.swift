import SharedModels

/// Exact nearest-neighbour search over hash embeddings (`HashEmbedding`) above a cosine threshold: it answers
/// what a brute-force scan of every vector would, bit for bit, while scoring only a handful of them.
///
/// Why a vector can be skipped: for unit vectors, `q·x ≤ Σ |q_i x_i|` over the buckets where both are nonzero
/// with the same sign (the others add nothing or subtract), and by Cauchy–Schwarz that is at most the norm of `q`
/// over those buckets. So `q·x ≥ t` needs `x` to share, with the same sign, buckets that hold at least `t²` of the
/// query's squared mass. Two necessary conditions follow, both checked on one bitmap per (bucket, sign) for 64
/// vectors at a time:
/// - every group of the query's buckets whose mass exceeds `1 − t²` must have a shared bucket (a vector can miss
///   at most that much), and
/// - the vector must share at least as many buckets as the fewest of the query's heaviest buckets that reach `t²`
///   (counted in parallel with bit-sliced counters).
/// Only vectors that pass both are scored, with the same Float32 sum, in the same order, as `HashEmbedding.cosine`,
/// so ties and thresholds fall exactly as in a scan. Thresholds are tried highest first: a match there is the best
/// overall, and the cheaper high-threshold filter answers the common case.
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

    /// Float rounding must never drop a true match: the filters' masses are compared with this much slack.
    private static let slack: Float = 1e-4
    /// Highest first; the last is the lowest score a match may have.
    public let thresholds: [Float]
    /// Every vector's nonzero buckets and values in bucket order, `starts[slot]..<starts[slot + 1]`.
    private var starts: [Int] = [0]
    private var buckets: [UInt8] = []
    private var values: [Float] = []
    /// One bitmap per key (`bucket * 2 + (negative ? 1 : 0)`), each `stride` words long, one after the other: bit
    /// `slot % 64` of word `slot / 64` is set when the vector has that key. Each bitmap is contiguous, so a query
    /// streams through its keys' bitmaps.
    private var bitmaps: [UInt64] = []
    private var stride = 0
    private static let keys = HashEmbedding.dimensions * 2

    /// `thresholds`: the scores at which answers change (say 0.95 and 0.75); matches below the lowest are none.
    public init(thresholds: [Float]) {
        self.thresholds = thresholds.sorted(by: >)
    }

    public var count: Int { self.starts.count - 1 }

    /// Adds a vector (an embedding of `HashEmbedding.dimensions` values) and returns its slot.
    @discardableResult
    public mutating func add(_ embedding: [Float]) -> Int {
        let slot = self.count
        let (word, bit) = slot.quotientAndRemainder(dividingBy: 64)
        if word >= self.stride { self.widen(to: max(16, self.stride * 2)) }
        for bucket in embedding.indices where embedding[bucket] != 0 {
            self.buckets.append(UInt8(bucket))
            self.values.append(embedding[bucket])
            self.bitmaps[Self.key(bucket, embedding[bucket]) * self.stride + word] |= 1 << UInt64(bit)
        }
        self.starts.append(self.buckets.count)
        return slot
    }

    /// The vector with the highest cosine to `query` if it reaches the lowest threshold; the earliest slot on a tie.
    public func best(for query: [Float]) -> Match? {
        // The query's (bucket, sign) keys with their squared mass, heaviest first.
        let keys = query.indices.filter { query[$0] != 0 }.map { (key: Self.key($0, query[$0]), mass: query[$0] * query[$0]) }
            .sorted { $0.mass != $1.mass ? $0.mass > $1.mass : $0.key < $1.key }
        for threshold in self.thresholds {
            if let match = self.best(for: query, keys: keys, threshold: threshold) { return match }
        }
        return nil
    }

    private func best(for query: [Float], keys: [(key: Int, mass: Float)], threshold: Float) -> Match? {
        let needed = threshold * threshold - Self.slack
        // The fewest shared keys that can hold the needed mass: the heaviest ones.
        var minimumShared = 0
        var mass: Float = 0
        while mass < needed, minimumShared < keys.count {
            mass += keys[minimumShared].mass
            minimumShared += 1
        }
        guard mass >= needed else { return nil }
        // Groups of keys each holding more than a vector may miss; an incomplete last group constrains nothing.
        let missable = 1 - threshold * threshold + Self.slack
        var groups: [[Int]] = []
        var group: [Int] = []
        var groupMass: Float = 0
        for (key, keyMass) in keys {
            group.append(key)
            groupMass += keyMass
            if groupMass > missable {
                groups.append(group)
                (group, groupMass) = ([], 0)
            }
        }
        // Each key's bitmap as an offset into `bitmaps`.
        let counted = keys.map { $0.key * self.stride }
        let groupOffsets = groups.map { $0.map { $0 * self.stride } }
        var found: [Int] = []
        self.bitmaps.withUnsafeBufferPointer { bitmaps in
            for word in 0..<((self.count + 63) / 64) {
                var candidates: UInt64 = word == self.count / 64 ? (1 << UInt64(self.count % 64)) &- 1 : ~0
                for group in groupOffsets {
                    var any: UInt64 = 0
                    for offset in group { any |= bitmaps[offset + word] }
                    candidates &= any
                    if candidates == 0 { break }
                }
                if candidates != 0, minimumShared > 1 {
                    candidates = Self.sharing(atLeast: minimumShared, of: counted, word: word, lanes: candidates, in: bitmaps)
                }
                while candidates != 0 {
                    found.append(word * 64 + candidates.trailingZeroBitCount)
                    candidates &= candidates &- 1
                }
            }
        }
        var best: Match?
        for slot in found {
            let score = self.cosine(query, slot: slot)
            guard score >= threshold else { continue }
            if let current = best, score < current.score || (score == current.score && slot >= current.slot) { continue }
            best = Match(slot: slot, score: score)
        }
        return best
    }

    /// Doubles the bitmaps' length, moving each to its new place.
    private mutating func widen(to stride: Int) {
        var widened = [UInt64](repeating: 0, count: Self.keys * stride)
        for key in 0..<Self.keys where self.stride > 0 {
            for word in 0..<self.stride { widened[key * stride + word] = self.bitmaps[key * self.stride + word] }
        }
        self.bitmaps = widened
        self.stride = stride
    }

    /// The lanes of `lanes` whose vectors have at least `minimum` of the keys (bitmap offsets, heaviest key first):
    /// one bit-sliced counter per lane. Once few keys remain, lanes that can no longer reach `minimum` drop out,
    /// and the word is done when none is left.
    private static func sharing(
        atLeast minimum: Int, of keys: [Int], word: Int, lanes: UInt64, in bitmaps: UnsafeBufferPointer<UInt64>
    ) -> UInt64 {
        var planes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &planes) { raw in
            let plane = UnsafeMutableBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt64.self), count: 9)
            var alive = lanes
            for (index, offset) in keys.enumerated() {
                var carry = bitmaps[offset + word] & alive
                var level = 0
                while carry != 0 && level < plane.count {
                    (plane[level], carry) = (plane[level] ^ carry, plane[level] & carry)
                    level += 1
                }
                let remaining = keys.count - index - 1
                if remaining < minimum, remaining % 4 == 0 {
                    alive &= Self.atLeast(minimum - remaining, plane)
                    if alive == 0 { return 0 }
                }
            }
            return alive & Self.atLeast(minimum, plane)
        }
    }

    /// The lanes whose bit-sliced count is at least `minimum`, comparing planes from the top.
    private static func atLeast(_ minimum: Int, _ plane: UnsafeMutableBufferPointer<UInt64>) -> UInt64 {
        var greater: UInt64 = 0
        var equal: UInt64 = ~0
        for level in (0..<plane.count).reversed() {
            if (minimum >> level) & 1 == 1 {
                equal &= plane[level]
            } else {
                greater |= equal & plane[level]
                equal &= ~plane[level]
            }
        }
        return greater | equal
    }

    /// The dot product with the stored vector, summed in bucket order like `HashEmbedding.cosine` (whose other
    /// terms are zeros, which leave a Float sum unchanged).
    func cosine(_ query: [Float], slot: Int) -> Float {
        var sum: Float = 0
        for entry in self.starts[slot]..<self.starts[slot + 1] { sum += query[Int(self.buckets[entry])] * self.values[entry] }
        return sum
    }

    private static func key(_ bucket: Int, _ value: Float) -> Int {
        bucket * 2 + (value < 0 ? 1 : 0)
    }
}
