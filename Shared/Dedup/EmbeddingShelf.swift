import DedupScan
import SharedModels

/// The vectors of an `EmbeddingIndex` with the same number of nonzero entries and the same collisions (see
/// `EmbeddingIndex.ShelfKey`), as bitmaps over chunks of 256 vectors ("lanes"): in a chunk, each (bucket, sign) key
/// has a row of 4 words, bit `lane % 64` of word `lane / 64` set when that lane's vector has the key. A chunk is
/// 16 kB, its rows one after the other, so a batch of queries reads it from memory once and then from the cache.
struct EmbeddingShelf: Sendable {
    typealias Row = SIMD4<UInt64>
    static let keys = HashEmbedding.dimensions * 2
    static let lanes = Row.scalarCount * 64
    private static let rowWords = Row.scalarCount

    /// How many nonzero entries every vector here has.
    let length: Int
    /// Each lane's slot in the index.
    private var slots: [Int32] = []
    /// `lightestTail[j]`: the least mass any vector here has in its `j` smallest entries.
    private var lightestTail: [Float]
    /// The most mass any vector here has in all its entries (1, give or take rounding).
    private var heaviest: Float = 0
    /// Key `k`'s row of chunk `c` is at word `(c * keys + k) * rowWords`.
    private var bitmaps: [UInt64] = []

    init(length: Int) {
        self.length = length
        self.lightestTail = [Float](repeating: .greatestFiniteMagnitude, count: length + 1)
    }

    var chunkCount: Int { (self.slots.count + Self.lanes - 1) / Self.lanes }

    mutating func add(slot: Int32, keys: [Int], masses: [Float]) {
        let (chunk, lane) = self.slots.count.quotientAndRemainder(dividingBy: Self.lanes)
        if lane == 0 { self.bitmaps.append(contentsOf: repeatElement(0, count: Self.keys * Self.rowWords)) }
        let (word, bit) = lane.quotientAndRemainder(dividingBy: 64)
        for key in keys { self.bitmaps[(chunk * Self.keys + key) * Self.rowWords + word] |= 1 << UInt64(bit) }
        self.slots.append(slot)
        var tail: Float = 0
        self.lightestTail[0] = 0
        for (count, mass) in masses.sorted().enumerated() {
            tail += mass
            self.lightestTail[count + 1] = min(self.lightestTail[count + 1], tail)
        }
        self.heaviest = max(self.heaviest, tail)
    }

    /// The fewest of query `query`'s keys a vector here must share for the bound on their cosine, squared, to
    /// reach the batch's `needed`; 0 when no count does.
    func fewestShared(_ batch: EmbeddingBatch, query: Int) -> Int {
        let start = batch.keyStarts[query]
        let keyCount = batch.keyStarts[query + 1] - start
        var shared = batch.fewestAlone[query]
        while shared <= min(keyCount, self.length) {
            let shelfMass = self.heaviest - self.lightestTail[self.length - shared]
            if batch.reach[start + shared - 1] * shelfMass >= batch.needed { return shared }
            shared += 1
        }
        return 0
    }

    /// How many chunks ahead a scan asks for rows: a single query's scan waits on memory, not on arithmetic.
    private static let prefetchDistance = 2
    private static let chunkBytes = Self.keys * MemoryLayout<Row>.size

    /// Calls `scan` with each chunk in turn: the rows of its first key, the bytes from one key's row to the next,
    /// the chunk's lanes' slots, and how far ahead the rows of a chunk still to come are (0 near the end).
    func forEachChunk(_ scan: (UnsafeRawPointer, Int, UnsafePointer<Int32>, Int) -> Void) {
        self.bitmaps.withUnsafeBytes { bitmaps in
            self.slots.withUnsafeBufferPointer { slots in
                guard let bitmaps = bitmaps.baseAddress, let slots = slots.baseAddress else { return }
                for chunk in 0..<self.chunkCount {
                    let ahead = chunk + Self.prefetchDistance < self.chunkCount ? Self.prefetchDistance * Self.chunkBytes : 0
                    scan(bitmaps + chunk * Self.chunkBytes, MemoryLayout<Row>.size, slots + chunk * Self.lanes, ahead)
                }
            }
        }
    }

    /// Appends to `found` `tag | slot` for each lane of the chunk at `rows` (rows `stride` bytes apart, lanes'
    /// slots at `slots`) that has at least `minimum` of `keys`, fetching the rows `ahead` bytes on (see
    /// `dedup_scan_chunk`). The count runs in C (`dedup_scan_chunk`): one build
    /// carries an AVX2 and a baseline version there, and the CPU picks; Swift can build for one only.
    static func scan(
        rows: UnsafeRawPointer, stride: Int, slots: UnsafePointer<Int32>, keys: UnsafeBufferPointer<Int32>, minimum: Int,
        ahead: Int, tag: UInt64, found: inout [UInt64]
    ) {
        var passing = Row()
        withUnsafeMutableBytes(of: &passing) { passing in
            let words = passing.baseAddress?.assumingMemoryBound(to: UInt64.self)
            dedup_scan_chunk(rows, stride, keys.baseAddress, Int32(keys.count), Int32(keys.count - minimum), ahead, words)
        }
        for word in 0..<Row.scalarCount {
            var bits = passing[word]
            while bits != 0 {
                found.append(tag | UInt64(UInt32(bitPattern: slots[word * 64 + bits.trailingZeroBitCount])))
                bits &= bits &- 1
            }
        }
    }
}
