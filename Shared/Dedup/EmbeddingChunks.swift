import DedupScan

/// Every shelf's vectors as bitmaps over chunks of 512 vectors ("lanes") of one shelf each: in a chunk, each
/// (bucket, sign) key has a row of 8 words, bit `lane % 64` of word `lane / 64` set when that lane's vector has the
/// key. Chunks of 512 make half the visits of 256 for a few more rows read in each: pages of a million synthetic
/// names went from 3,900–4,100 to 4,500–4,900 lookups/s on one core, real names' pages stayed at 2,800–3,300;
/// 1,024 was slower for both.
///
/// The rows are stored key by key: each key's rows of every chunk one after the other, all shelves together. A query
/// scanning chunk after chunk reads a few long sequential streams (one per key it tests), which the hardware
/// prefetches, and touches few memory pages: rows scattered over chunks, or over shelves each of their own, cost a
/// TLB miss for nearly every row. When the chunks outgrow their room, the rows move to a larger one, each shelf's
/// chunks together (so that neighbouring chunks mostly share a miss budget). A batch of queries reads a chunk's rows
/// from memory once and then from the cache (see `dedup_scan`).
struct EmbeddingChunks: Sendable {
    /// The (bucket, sign) keys, `HashEmbedding.dimensions * 2`.
    static let keys = Int(DEDUP_SCAN_KEYS)
    static let lanes = Int(DEDUP_SCAN_LANES)
    private static let rowWords = lanes / 64
    private static let rowBytes = rowWords * MemoryLayout<UInt64>.size

    /// How many chunks there are.
    private(set) var count = 0
    /// Key `k`'s row of chunk `c` is at word `(k * rowStride + c) * rowWords`.
    private var bitmaps: [UInt64] = []
    /// How many chunks each key's rows have room for.
    private var capacity = 0
    /// Rows from one key's to the next: the capacity and two rows more, so that the keys' rows of one chunk do
    /// not all fall in the same cache set, as they would a power-of-two number of bytes apart.
    private var rowStride: Int { self.capacity + 2 }
    /// Each chunk's lanes' slots in the index (0 for a lane not yet filled: it has no key, so no scan passes it).
    private var slots: [Int32] = []
    /// Each chunk's shelf.
    private var shelves: [Int32] = []
    /// Each shelf's last chunk, where its next vector goes.
    private var lastChunks: [Int] = []

    /// Puts the vector `slot`, with the keys `keys`, in lane `lane` of shelf `shelf`'s last chunk, or of a new one
    /// when `lane` is 0.
    mutating func add(slot: Int32, keys: [Int], shelf: Int, lane: Int) {
        if lane == 0 { self.addChunk(shelf: shelf) }
        let chunk = self.lastChunks[shelf]
        let (word, bit) = lane.quotientAndRemainder(dividingBy: 64)
        for key in keys { self.bitmaps[(key * self.rowStride + chunk) * Self.rowWords + word] |= 1 << UInt64(bit) }
        self.slots[chunk * Self.lanes + lane] = slot
    }

    private mutating func addChunk(shelf: Int) {
        if self.count == self.capacity { self.grow() }
        if shelf == self.lastChunks.count { self.lastChunks.append(0) }
        self.lastChunks[shelf] = self.count
        self.shelves.append(Int32(shelf))
        self.slots.append(contentsOf: repeatElement(0, count: Self.lanes))
        self.count += 1
    }

    /// Half as much room again (O(1) a chunk, amortised), each shelf's chunks moved together, in their order.
    private mutating func grow() {
        let order = self.shelves.indices.sorted { (self.shelves[$0], $0) < (self.shelves[$1], $1) }
        let oldStride = self.rowStride * Self.rowWords
        self.capacity = max(self.capacity * 3 / 2, 16)
        let newStride = self.rowStride * Self.rowWords
        var grown = [UInt64](repeating: 0, count: Self.keys * newStride)
        grown.withUnsafeMutableBufferPointer { grown in
            self.bitmaps.withUnsafeBufferPointer { bitmaps in
                guard let grown = grown.baseAddress, let bitmaps = bitmaps.baseAddress else { return }
                for key in 0..<Self.keys {
                    for (chunk, old) in order.enumerated() {
                        (grown + key * newStride + chunk * Self.rowWords)
                            .update(from: bitmaps + key * oldStride + old * Self.rowWords, count: Self.rowWords)
                    }
                }
            }
        }
        self.bitmaps = grown
        self.slots = order.flatMap { self.slots[$0 * Self.lanes..<($0 + 1) * Self.lanes] }
        for (chunk, old) in order.enumerated() { self.lastChunks[Int(self.shelves[old])] = chunk }
        self.shelves = order.map { self.shelves[$0] }
    }

    /// How many entries a scan writes at most a call: a single query scans 64 chunks a call, a batch one at least.
    private static let scanEntries = 1 << 14

    /// `query << 32 | slot` for each vector of the chunks `chunks` that misses at most
    /// `missables[shelf * batch.count + query]` of the batch's query `query`'s keys (none when that is negative), for
    /// every query. The count runs in C (`dedup_scan`): one build carries an AVX2 and a baseline version there, and
    /// the CPU picks; Swift can build for one only.
    func scan(_ batch: EmbeddingBatch, missables: [Int32], chunks: Range<Int>) -> [UInt64] {
        guard batch.count > 0, !chunks.isEmpty else { return [] }
        // As many chunks a call as leave room for all their lanes for every query.
        let run = min(max(Self.scanEntries / (Self.lanes * batch.count), 1), chunks.count)
        let output = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: run * Self.lanes * batch.count)
        defer { output.deallocate() }
        var found: [UInt64] = []
        self.bitmaps.withUnsafeBytes { bitmaps in
            self.slots.withUnsafeBufferPointer { slots in
                self.shelves.withUnsafeBufferPointer { shelves in
                    batch.keys.withUnsafeBufferPointer { keys in
                        batch.keyStarts.withUnsafeBufferPointer { keyStarts in
                            missables.withUnsafeBufferPointer { missables in
                                guard let bitmaps = bitmaps.baseAddress, let slots = slots.baseAddress, let shelves = shelves.baseAddress
                                else { return }
                                for first in stride(from: chunks.lowerBound, to: chunks.upperBound, by: run) {
                                    let written = dedup_scan(
                                        bitmaps + first * Self.rowBytes, self.rowStride * Self.rowBytes,
                                        Int32(min(run, chunks.upperBound - first)), slots + first * Self.lanes, shelves + first, keys.baseAddress,
                                        keyStarts.baseAddress, missables.baseAddress, Int32(batch.count), output.baseAddress
                                    )
                                    found += output.prefix(written)
                                }
                            }
                        }
                    }
                }
            }
        }
        return found
    }
}
