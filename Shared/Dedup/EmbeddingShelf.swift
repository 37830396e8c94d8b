/// The vectors of an `EmbeddingIndex` with the same number of nonzero entries and the same collisions (see
/// `EmbeddingIndex.ShelfKey`): what bounds their cosine with a query, and how many there are. Their bitmaps are in
/// the index's `EmbeddingChunks`, 512 vectors of one shelf a chunk.
struct EmbeddingShelf: Sendable {
    /// How many nonzero entries every vector here has.
    let length: Int
    /// How many vectors are here.
    private(set) var count = 0
    /// `lightestTail[j]`: the least mass any vector here has in its `j` smallest entries.
    private var lightestTail: [Float]
    /// The most mass any vector here has in all its entries (1, give or take rounding).
    private var heaviest: Float = 0

    init(length: Int) {
        self.length = length
        self.lightestTail = [Float](repeating: .greatestFiniteMagnitude, count: length + 1)
    }

    mutating func add(masses: [Float]) {
        self.count += 1
        var tail: Float = 0
        self.lightestTail[0] = 0
        for (count, mass) in masses.sorted().enumerated() {
            tail += mass
            self.lightestTail[count + 1] = min(self.lightestTail[count + 1], tail)
        }
        self.heaviest = max(self.heaviest, tail)
    }

    /// How many of a query's keys a vector here may miss and still share enough of them for the bound on their
    /// cosine, squared, to reach `bound.needed`; -1 when no count of shared keys does. The bound only grows with the
    /// count (both factors are sums of more, or less subtracted), so a binary search finds the least.
    func missable(_ bound: EmbeddingBatch.Bound) -> Int32 {
        let keyCount = bound.reach.count
        return self.lightestTail.withUnsafeBufferPointer { lightestTail in
            func reaches(_ shared: Int) -> Bool {
                bound.reach[shared - 1] * (self.heaviest - lightestTail[self.length - shared]) >= bound.needed
            }
            var (fewest, most) = (bound.fewest, min(keyCount, self.length))
            guard fewest <= most, reaches(most) else { return -1 }
            while fewest < most {
                let middle = (fewest + most) / 2
                if reaches(middle) { most = middle } else { fewest = middle + 1 }
            }
            return Int32(keyCount - fewest)
        }
    }
}
