/// Queries made ready for `EmbeddingIndex`'s shelves, side by side in flat arrays so a scan reads them through
/// pointers: each query's keys, rarest first, and what bounds its cosine with a vector that shares some of them (see
/// `EmbeddingIndex`). The batch holds the queries by their number of keys, fewest first: neighbours then mostly need
/// the same number of bit planes in a chunk, so a scan switches between its loops seldom (see `dedup_scan`).
struct EmbeddingBatch {
    let count: Int
    /// The batch's query `q` is the caller's query `order[q]`.
    let order: [Int]
    /// Every query's values, `HashEmbedding.dimensions` each.
    let values: [Float]
    /// Query `q`'s keys are `keys[keyStarts[q]..<keyStarts[q + 1]]`: the keys fewest vectors have come first, so
    /// lanes drop out soonest.
    let keys: [Int32]
    let keyStarts: [Int]
    /// `reach[keyStarts[q] + s - 1]`: the mass of query `q`'s `s` largest entries.
    let reach: [Float]
    /// The lowest score each query looks for: the floor, or the query's best match so far once the index raises it.
    private(set) var lowest: [Float]
    /// The fewest shared keys that could bound a cosine at `lowest` against a vector of any shape, per query: where
    /// shelves start looking for their own.
    private(set) var fewestAlone: [Int]

    init(queries: [[Float]], minimumScore: Float, keyCounts: [Int]) {
        var values: [Float] = []
        var keys: [Int32] = []
        var keyStarts = [0]
        var reach: [Float] = []
        let keyTotals = queries.map { query in query.count(where: { $0 != 0 }) }
        let order = queries.indices.sorted { (keyTotals[$0], $0) < (keyTotals[$1], $1) }
        for query in order.map({ queries[$0] }) {
            var queryKeys: [Int] = []
            var masses: [Float] = []
            for bucket in query.indices where query[bucket] != 0 {
                queryKeys.append(EmbeddingIndex.key(bucket, query[bucket]))
                masses.append(query[bucket] * query[bucket])
            }
            queryKeys.sort { keyCounts[$0] != keyCounts[$1] ? keyCounts[$0] < keyCounts[$1] : $0 < $1 }
            keys += queryKeys.map(Int32.init)
            keyStarts.append(keys.count)
            var sum: Float = 0
            for mass in masses.sorted(by: >) {
                sum += mass
                reach.append(sum)
            }
            values += query
        }
        self.count = queries.count
        self.order = order
        self.values = values
        self.keys = keys
        self.keyStarts = keyStarts
        self.reach = reach
        self.lowest = Array(repeating: minimumScore, count: queries.count)
        self.fewestAlone = []
        for query in 0..<self.count { self.fewestAlone.append(self.fewestAlone(query)) }
    }

    /// What the bound on a query's cosine rests on, for `EmbeddingShelf.missable`: every shelf asks, so `reach` is read
    /// through a pointer.
    struct Bound {
        /// `reach[s - 1]`: the mass of the query's `s` largest entries.
        let reach: UnsafeBufferPointer<Float>
        /// What the bound on the cosine, squared, must reach.
        let needed: Float
        /// The fewest shared keys worth testing (`fewestAlone`).
        let fewest: Int
    }

    /// What the bound on query `query`'s cosine, squared, must reach.
    func needed(_ query: Int) -> Float {
        self.lowest[query] * self.lowest[query]
    }

    /// Calls `body` with query `query`'s bound, whose `reach` points into the batch only while `body` runs.
    func withBound<Result>(of query: Int, _ body: (Bound) -> Result) -> Result {
        self.reach.withUnsafeBufferPointer { reach in
            let keys = self.keyStarts[query]..<self.keyStarts[query + 1]
            return body(Bound(reach: UnsafeBufferPointer(rebasing: reach[keys]), needed: self.needed(query), fewest: self.fewestAlone[query]))
        }
    }

    /// Looks only for vectors scoring at least `score` for query `query` from now on.
    mutating func raise(_ query: Int, to score: Float) {
        self.lowest[query] = score
        self.fewestAlone[query] = self.fewestAlone(query)
    }

    private func fewestAlone(_ query: Int) -> Int {
        let start = self.keyStarts[query]
        let keyCount = self.keyStarts[query + 1] - start
        guard keyCount > 0 else { return 1 }
        // A vector weighs 1 give or take rounding: 1.01 is more than any shelf can bring.
        return (1...keyCount).first { self.reach[start + $0 - 1] * 1.01 >= self.needed(query) } ?? keyCount + 1
    }
}
