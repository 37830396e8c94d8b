import DedupScan
import Dispatch
import Foundation
import SharedModels
import Synchronization

/// Exact nearest-neighbour search over hash embeddings (`HashEmbedding`) above a cosine threshold: it answers
/// what a brute-force scan of every vector would, bit for bit, while scoring only a handful of them.
///
/// Why a vector can be skipped: only the buckets `S` where the query `q` and a vector `x` are both nonzero with the
/// same sign add to `q·x` (the others add nothing or subtract), so by Cauchy–Schwarz `q·x ≤ |q_S| · |x_S|`. If
/// `|S| = s`, `|q_S|²` is at most the mass of the query's `s` largest entries, and `|x_S|²` at most `x`'s mass less
/// that of its `n − s` smallest entries (`x` has `n` nonzero entries; those outside `S` weigh at least that much).
/// Both bounds grow with `s`, so `q·x ≥ t` needs at least the smallest `s` at which their product reaches `t²`.
/// Vectors sit on shelves of one `n` and one shape of collisions, so every vector on a shelf has nearly the same
/// smallest entries and the shelf's `s` is nearly as tight as each vector's own: at 0.75, about three quarters of
/// the query's keys, when a random name has each key one time in twenty.
///
/// The count is taken on bitmaps, 512 vectors of a shelf at a time, each key's rows of all shelves' chunks in one
/// sequential stream (see `EmbeddingChunks`), where a vector drops out as soon as it has missed more of the query's
/// keys than it may. Only vectors that pass are scored, with the same Float32 sum, in the same order, as
/// `HashEmbedding.cosine`, so ties and the threshold fall exactly as in a scan. A single query reads the streams of
/// its keys; a batch of queries is answered chunk by chunk, so each chunk is read from memory once for the whole batch.
/// Each lookup counts and scores against `firstFloor` before `minimumScore`, and a query's bound rises to its best
/// match so far as the scan goes on: most of a real catalog's work is near relatives that a tighter bound rules out.
/// A raised bound still passes every vector that could beat or tie that match, so the answer is the scan's.
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

    /// A shelf's vectors: `length` nonzero entries, and `collisions`, their squared norm before normalising less
    /// `length` (0 when every bucket holds one feature, 3 for one bucket holding two), with values from
    /// `collisionClasses` on together. More classes make tighter shelves but more of them, each with a part-filled
    /// chunk: 24 was fastest at a million names.
    private struct ShelfKey: Hashable {
        let length: Int
        let collisions: Int
    }

    /// Every lookup first looks for vectors scoring at least this; only a query with none looks down to
    /// `minimumScore`. A match found here is the best there is, since everything else scores below it. Names with
    /// many near relatives (a sync's later pages: `Engaged: Interest > … (Texas, 18-24)`) share enough keys at 0.75
    /// with thousands of vectors, and at 0.9 with few: pages of sample-source's names went from 430–460 to
    /// 2,000–2,800 lookups/s on one core at a million topics. A name with no match at all pays for both looks,
    /// unless its page's sample shows the first look is not worth it (see `bestOnOneCore`).
    public static let firstFloor: Float = 0.9
    /// Float rounding must never drop a true match: bounds are loosened by this much.
    private static let slack: Float = 1e-4
    /// A query's bound is raised to its best match so far only when that is at least this much higher: each raise
    /// recomputes the query's budget on every shelf.
    private static let raiseStep: Float = 0.02
    /// The chunks a scan reads before it first raises bounds; each later part is as large as all before it.
    private static let firstPart = 64
    private static let collisionClasses = 24
    /// The cores a batch is split across: those the process may run on.
    private static let cores: Int = {
        let available = Int(dedup_available_cores())
        return available > 0 ? available : ProcessInfo.processInfo.activeProcessorCount
    }()
    /// How many queries of a batch look at `firstFloor` before the rest of the batch does, or skips that look.
    private static let sampleSize = 64
    /// Below this many queries a core, a batch is not worth splitting.
    private static let queriesPerCore = 64
    /// The lowest score a match may have.
    public let minimumScore: Float
    /// Every vector's nonzero buckets and values in bucket order, `starts[slot]..<starts[slot + 1]`.
    private var starts: [Int] = [0]
    private var buckets: [UInt8] = []
    private var values: [Float] = []
    private var shelves: [EmbeddingShelf] = []
    private var shelfNumbers: [ShelfKey: Int] = [:]
    /// Every shelf's bitmaps.
    private var chunks = EmbeddingChunks()
    /// How many vectors have each key: a query tests its rarest keys first.
    private var keyCounts = [Int](repeating: 0, count: EmbeddingChunks.keys)

    public init(minimumScore: Float) {
        self.minimumScore = minimumScore
    }

    public var count: Int { self.starts.count - 1 }

    /// Adds a vector (an embedding of `HashEmbedding.dimensions` values) and returns its slot.
    @discardableResult
    public mutating func add(_ embedding: [Float]) -> Int {
        let slot = self.count
        var keys: [Int] = []
        var masses: [Float] = []
        for bucket in embedding.indices where embedding[bucket] != 0 {
            self.buckets.append(UInt8(bucket))
            self.values.append(embedding[bucket])
            keys.append(Self.key(bucket, embedding[bucket]))
            masses.append(embedding[bucket] * embedding[bucket])
        }
        self.starts.append(self.buckets.count)
        // A zero vector scores 0 against everything, below any threshold: it needs no shelf.
        guard let lightest = masses.min() else { return slot }
        for key in keys { self.keyCounts[key] += 1 }
        let squaredNorm = Int((1 / lightest).rounded())
        let shelfKey = ShelfKey(length: keys.count, collisions: min(squaredNorm - keys.count, Self.collisionClasses))
        let number = self.shelfNumbers[shelfKey] ?? self.shelves.count
        if number == self.shelves.count {
            self.shelves.append(EmbeddingShelf(length: keys.count))
            self.shelfNumbers[shelfKey] = number
        }
        self.chunks.add(slot: Int32(slot), keys: keys, shelf: number, lane: self.shelves[number].count % EmbeddingChunks.lanes)
        self.shelves[number].add(masses: masses)
        return slot
    }

    /// The vector with the highest cosine to `query` if it reaches `minimumScore`; the earliest slot on a tie.
    public func best(for query: [Float]) -> Match? {
        self.best(for: [query])[0]
    }

    /// `best(for:)` of each query (embeddings of `HashEmbedding.dimensions` values), reading each chunk of bitmaps
    /// once for all of them. A large batch is split across the cores: the index only reads.
    public func best(for queries: [[Float]]) -> [Match?] {
        let parts = min(Self.cores, queries.count / Self.queriesPerCore)
        guard parts > 1 else { return self.bestOnOneCore(for: queries) }
        let answers = Mutex([[Match?]](repeating: [], count: parts))
        let size = (queries.count + parts - 1) / parts
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let found = self.bestOnOneCore(for: Array(queries[part * size..<min((part + 1) * size, queries.count)]))
            answers.withLock { $0[part] = found }
        }
        return answers.withLock { $0.flatMap { $0 } }
    }

    /// Looks at `firstFloor` first, and at `minimumScore` only for the queries with nothing that good. The first
    /// look pays only when it answers a good share of a batch (it costs about a third of the second), so a sample
    /// of the batch looks first: when less than a third of it finds a match that good, as on a page of new names,
    /// the rest of the batch goes straight to `minimumScore`.
    private func bestOnOneCore(for queries: [[Float]]) -> [Match?] {
        guard self.minimumScore < Self.firstFloor else { return self.best(for: queries, atLeast: self.minimumScore) }
        var answers = [Match?](repeating: nil, count: queries.count)
        let step = max(queries.count / Self.sampleSize, 1)
        let sample = queries.indices.filter { $0 % step == 0 }
        let rest = queries.indices.filter { $0 % step != 0 }
        var pending = self.look(sample, of: queries, atLeast: Self.firstFloor, into: &answers)
        if 3 * (sample.count - pending.count) >= sample.count {
            pending += self.look(rest, of: queries, atLeast: Self.firstFloor, into: &answers)
        } else {
            pending += rest
        }
        _ = self.look(pending, of: queries, atLeast: self.minimumScore, into: &answers)
        return answers
    }

    /// Looks up `queries[i]` for each `i` in `indexes`, at `floor`, into `answers`; returns those with no match.
    private func look(_ indexes: [Int], of queries: [[Float]], atLeast floor: Float, into answers: inout [Match?]) -> [Int] {
        guard !indexes.isEmpty else { return [] }
        var unanswered: [Int] = []
        for (query, match) in zip(indexes, self.best(for: indexes.map { queries[$0] }, atLeast: floor)) {
            if let match { answers[query] = match } else { unanswered.append(query) }
        }
        return unanswered
    }

    /// The best vector scoring at least `floor` for each query. The chunks are scanned a part at a time, and a
    /// query that has found a match looks only for ones as good from the next part on: a name with thousands of near
    /// relatives finds one early, and a tighter bound passes far fewer of the rest.
    private func best(for queries: [[Float]], atLeast floor: Float) -> [Match?] {
        var batch = EmbeddingBatch(queries: queries, minimumScore: floor - Self.slack, keyCounts: self.keyCounts)
        var missables = [Int32](repeating: 0, count: self.shelves.count * batch.count)
        for query in 0..<batch.count { self.setMissables(&missables, batch, query: query) }
        var best = [Match?](repeating: nil, count: batch.count)
        var scanned = 0
        while scanned < self.chunks.count {
            let part = scanned..<min(max(scanned * 2, Self.firstPart), self.chunks.count)
            self.merge(self.chunks.scan(batch, missables: missables, chunks: part), into: &best, for: batch, atLeast: floor)
            scanned = part.upperBound
            guard scanned < self.chunks.count else { break }
            for (query, match) in best.enumerated() {
                guard let match, match.score - Self.slack >= batch.lowest[query] + Self.raiseStep else { continue }
                batch.raise(query, to: match.score - Self.slack)
                self.setMissables(&missables, batch, query: query)
            }
        }
        return batch.order.indices.reduce(into: [Match?](repeating: nil, count: batch.count)) { answers, query in
            answers[batch.order[query]] = best[query]
        }
    }

    /// How many keys a vector may miss, shelf by shelf, for the batch's query `query`.
    private func setMissables(_ missables: inout [Int32], _ batch: EmbeddingBatch, query: Int) {
        batch.withBound(of: query) { bound in
            for (number, shelf) in self.shelves.enumerated() { missables[number * batch.count + query] = shelf.missable(bound) }
        }
    }

    /// Scores the vectors that passed the count, `query << 32 | slot` each (the batch's queries), and keeps each
    /// query's best at `floor` or above: the highest score, the earliest slot on a tie.
    private func merge(_ found: [UInt64], into best: inout [Match?], for batch: EmbeddingBatch, atLeast floor: Float) {
        // Scored in C, which fetches the vectors some candidates ahead: they are scattered over the whole index.
        let scores = [Float](unsafeUninitializedCapacity: found.count) { scores, initialized in
            dedup_score(found, found.count, self.starts, self.buckets, self.values, batch.values, HashEmbedding.dimensions, scores.baseAddress)
            initialized = found.count
        }
        for (entry, score) in zip(found, scores) where score >= floor {
            let (query, slot) = (Int(entry >> 32), Int(entry & 0xFFFF_FFFF))
            if let current = best[query], score < current.score || (score == current.score && slot >= current.slot) { continue }
            best[query] = Match(slot: slot, score: score)
        }
    }

    /// A (bucket, sign) key: the row of the bitmaps that says which vectors have that bucket with that sign.
    static func key(_ bucket: Int, _ value: Float) -> Int {
        bucket * 2 + (value < 0 ? 1 : 0)
    }
}
