import DedupScan
import TestSupport
import Testing

/// The C count of shared keys, both versions, against counting bit by bit: random chunks and keys, every size of
/// miss budget (4, 6 and 8 bit planes), budgets from none to more than there are keys.
@Suite struct ScanKernelTests {
    static let keys = 512
    static let lanes = 256

    typealias Kernel = @Sendable (UnsafeRawPointer, Int, UnsafePointer<Int32>, Int32, Int32, Int, UnsafeMutablePointer<UInt64>) -> Void
    static let kernels: [(String, Kernel)] = [
        ("avx2", { dedup_scan_chunk_avx2($0, $1, $2, $3, $4, $5, $6) }),
        ("baseline", { dedup_scan_chunk_baseline($0, $1, $2, $3, $4, $5, $6) }),
        ("dispatched", { dedup_scan_chunk($0, $1, $2, $3, $4, $5, $6) }),
    ]

    @Test(arguments: [0, 1, 2])
    func passesExactlyTheLanesWithEnoughHits(kernel: Int) {
        let (name, scan) = Self.kernels[kernel]
        var random = SplitMix(seed: 17)
        for round in 0..<60 {
            // Denser rows in some rounds, so that lanes survive long and budgets run through every plane.
            let density = [2, 8, 64][round % 3]
            var chunk = [UInt64](repeating: 0, count: Self.keys * 4)
            for index in chunk.indices {
                for _ in 0..<density / 2 { chunk[index] |= 1 << (random.next() % 64) }
                if density == 64 { chunk[index] = random.next() | random.next() }
            }
            let count = 1 + Int(random.next() % 200)
            let keys = (0..<count).map { _ in Int32(random.next() % UInt64(Self.keys)) }
            let missable = Int(random.next() % UInt64(count))
            var passing = [UInt64](repeating: 0, count: 4)
            chunk.withUnsafeBytes { chunk in
                keys.withUnsafeBufferPointer { keys in
                    // With no chunk after this one to fetch, `ahead` is 0.
                    scan(chunk.baseAddress!, 32, keys.baseAddress!, Int32(count), Int32(missable), 0, &passing)
                }
            }
            for lane in 0..<Self.lanes {
                let hits = keys.filter { chunk[Int($0) * 4 + lane / 64] >> UInt64(lane % 64) & 1 == 1 }.count
                let passed = passing[lane / 64] >> UInt64(lane % 64) & 1 == 1
                #expect(passed == (count - hits <= missable), "\(name), round \(round), lane \(lane)")
            }
        }
    }
}
