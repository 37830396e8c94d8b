import DedupScan
import TestSupport
import Testing

/// The C count of shared keys, both versions, against counting bit by bit: random runs of chunks laid out key by key
/// with padding between keys, chunks of several shelves, a few queries (each scanning its own streams) and many
/// (sharing each chunk, gathered), every size of miss budget (0 to 8 bit planes), budgets from none to one less than
/// there are keys, and queries a shelf skips.
@Suite struct ScanKernelTests {
    static let keys = Int(DEDUP_SCAN_KEYS)
    static let lanes = Int(DEDUP_SCAN_LANES)
    static let rowWords = lanes / 64

    typealias Kernel = @Sendable (
        UnsafeRawPointer, Int, Int32, UnsafePointer<Int32>, UnsafePointer<Int32>, UnsafePointer<Int32>, UnsafePointer<Int>,
        UnsafePointer<Int32>, Int32, UnsafeMutablePointer<UInt64>
    ) -> Int
    static let kernels: [(String, Kernel)] = [
        ("avx2", { dedup_scan_avx2($0, $1, $2, $3, $4, $5, $6, $7, $8, $9) }),
        ("baseline", { dedup_scan_baseline($0, $1, $2, $3, $4, $5, $6, $7, $8, $9) }),
        ("dispatched", { dedup_scan($0, $1, $2, $3, $4, $5, $6, $7, $8, $9) }),
    ]

    @Test(arguments: [0, 1, 2], [1, 3, 20])
    func passesExactlyTheLanesWithEnoughHits(kernel: Int, queries: Int) {
        let (name, scan) = Self.kernels[kernel]
        var random = SplitMix(seed: 17 + UInt64(queries))
        for round in 0..<12 {
            // Denser rows in some rounds, so that lanes survive long and budgets run through every plane.
            let density = [2, 8, 64][round % 3]
            let chunks = 1 + Int(random.next() % 9)
            let stride = chunks + 1 + Int(random.next() % 3)
            var bitmaps = [UInt64](repeating: 0, count: Self.keys * stride * Self.rowWords)
            for key in 0..<Self.keys {
                for word in 0..<chunks * Self.rowWords {
                    let index = key * stride * Self.rowWords + word
                    for _ in 0..<density / 2 { bitmaps[index] |= 1 << (random.next() % 64) }
                    if density == 64 { bitmaps[index] = random.next() | random.next() }
                }
            }
            let slots = (0..<chunks * Self.lanes).map { _ in Int32(random.next() % 1_000_000) }
            let shelves = 1 + Int(random.next() % 3)
            let chunkShelves = (0..<chunks).map { _ in Int32(random.next() % UInt64(shelves)) }
            var keys: [Int32] = []
            var keyStarts = [0]
            var missables: [Int32] = []
            for _ in 0..<queries {
                let count = 1 + Int(random.next() % 200)
                keys += (0..<count).map { _ in Int32(random.next() % UInt64(Self.keys)) }
                keyStarts.append(keys.count)
            }
            for _ in 0..<shelves {
                for query in 0..<queries {
                    let count = UInt64(keyStarts[query + 1] - keyStarts[query])
                    missables.append(random.next() % 5 == 0 ? -1 : Int32(random.next() % count))
                }
            }
            var found = [UInt64](repeating: 0, count: chunks * Self.lanes * queries)
            let written = bitmaps.withUnsafeBytes { bitmaps in
                scan(bitmaps.baseAddress!, stride * Self.rowWords * 8, Int32(chunks), slots, chunkShelves, keys, keyStarts, missables, Int32(queries), &found)
            }
            var expected: [UInt64] = []
            for query in 0..<queries {
                let queryKeys = keys[keyStarts[query]..<keyStarts[query + 1]]
                for chunk in 0..<chunks {
                    let missable = Int(missables[Int(chunkShelves[chunk]) * queries + query])
                    guard missable >= 0 else { continue }
                    for lane in 0..<Self.lanes {
                        let hits = queryKeys.filter { bitmaps[(Int($0) * stride + chunk) * Self.rowWords + lane / 64] >> UInt64(lane % 64) & 1 == 1 }.count
                        if queryKeys.count - hits <= missable {
                            expected.append(UInt64(query) << 32 | UInt64(slots[chunk * Self.lanes + lane]))
                        }
                    }
                }
            }
            #expect(found[0..<written].sorted() == expected.sorted(), "\(name), \(queries) queries, round \(round)")
        }
    }

    /// Scores summed like Swift sums them, a product and a sum at a time, to the bit.
    @Test func scoresLikeSwift() {
        var random = SplitMix(seed: 5)
        let dimensions = 256
        let queries = (0..<3 * dimensions).map { _ in Float(Int(random.next() % 2001) - 1000) / 997 }
        var starts = [0]
        var buckets: [UInt8] = []
        var values: [Float] = []
        for _ in 0..<50 {
            for bucket in stride(from: Int(random.next() % 7), to: dimensions, by: 1 + Int(random.next() % 20)) {
                buckets.append(UInt8(bucket))
                values.append(Float(Int(random.next() % 2001) - 1000) / 1009)
            }
            starts.append(buckets.count)
        }
        let found = (0..<200).map { _ in (random.next() % 3) << 32 | random.next() % 50 }
        var scores = [Float](repeating: 0, count: found.count)
        dedup_score(found, found.count, starts, buckets, values, queries, dimensions, &scores)
        for (entry, score) in zip(found, scores) {
            let (query, slot) = (Int(entry >> 32), Int(entry & 0xFFFF_FFFF))
            var sum: Float = 0
            for index in starts[slot]..<starts[slot + 1] { sum += queries[query * dimensions + Int(buckets[index])] * values[index] }
            #expect(score.bitPattern == sum.bitPattern)
        }
    }
}
