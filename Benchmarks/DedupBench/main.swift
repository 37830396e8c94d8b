import Dedup
import Foundation
import SharedModels

// Prints the dedup index's lookups/s and p50/p99 per lookup (embedding the name included) on one core, with a
// catalog of N segment-like names (default 1,000,000), and checks a sample of answers against a brute-force scan.
// With --names, a file of real names one per line (sample-source's, say), the catalog also holds the file's first 90%
// and the last 10% are looked up as pages: names that share most words with many others, as a sync's late pages do.
//
//   dedup-bench [--topics N] [--lookups M] [--names FILE]

let arguments = CommandLine.arguments
func option(_ name: String) -> Int? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil }
}
let topics = option("--topics") ?? 1_000_000
let lookups = option("--lookups") ?? 20_000
let realNames: [String] = arguments.firstIndex(of: "--names").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }.map { path in
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        print("cannot read \(path)")
        exit(1)
    }
    return text.split(separator: "\n").map { TextNormalizer.normalize(String($0)) }
} ?? []
let realLookups = realNames.count / 10

/// Names like vendors' segments: a few common words around one or two rarer, brand-like ones.
struct Names {
    static let common = [
        "buyers", "owners", "enthusiasts", "shoppers", "intenders", "users", "lovers", "travelers", "in-market", "b2b",
        "decision makers", "professionals", "moms", "parents", "students", "high income", "luxury", "frequent", "new", "used",
        "auto", "insurance", "home", "credit", "cloud", "security", "fitness", "travel", "beauty", "gaming", "streaming", "pet",
    ]
    var state: UInt64 = 42

    mutating func random() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func word() -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return String((0..<(3 + Int(self.random() % 6))).map { _ in letters[Int(self.random() % 26)] })
    }

    mutating func next() -> String {
        var parts = [self.word()]
        if self.random() % 2 == 0 { parts.append(self.word()) }
        for _ in 0..<(1 + Int(self.random() % 3)) { parts.append(Self.common[Int(self.random() % UInt64(Self.common.count))]) }
        return parts.joined(separator: " ")
    }

    /// A catalog name with one word changed, dropped or added: near, sometimes above 0.75, rarely above 0.95.
    mutating func variant(of name: String) -> String {
        var words = name.split(separator: " ").map(String.init)
        switch self.random() % 3 {
        case 0: words[words.count - 1] = Self.common[Int(self.random() % UInt64(Self.common.count))]
        case 1 where words.count > 2: words.removeLast()
        default: words.append(Self.common[Int(self.random() % UInt64(Self.common.count))])
        }
        return words.joined(separator: " ")
    }
}

let clock = ContinuousClock()
func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

var names = Names()
let catalog = (0..<topics).map { _ in names.next() }
let loading = clock.now
var index = EmbeddingIndex(minimumScore: 0.75)
for name in catalog { index.add(HashEmbedding.embed(name)) }
print(String(format: "catalog: %d topics embedded and indexed in %.1f s", topics, milliseconds(clock.now - loading) / 1000))

// Half near-duplicates of catalog names, half new names.
let queries = (0..<lookups).map { number in
    number % 2 == 0 ? names.variant(of: catalog[Int(names.random() % UInt64(catalog.count))]) : names.next()
}

// One name at a time, as POST /api/topics and check-duplicate ask: latency per lookup.
let singles = queries.prefix(max(lookups / 5, 1))
var latencies: [Double] = []
var found = 0
let singleStart = clock.now
for query in singles {
    let start = clock.now
    if index.best(for: HashEmbedding.embed(query)) != nil { found += 1 }
    latencies.append(milliseconds(clock.now - start))
}
let singleSeconds = milliseconds(clock.now - singleStart) / 1000
latencies.sort()
print(
    String(
        format: "one at a time, 1 core: %.0f lookups/s, p50 %.3f ms, p99 %.3f ms (%d lookups, %d matched ≥ 0.75)",
        Double(singles.count) / singleSeconds, latencies[singles.count / 2], latencies[singles.count * 99 / 100], singles.count, found
    )
)

// Pages of 1,000, as an ingest asks: the index reads each chunk of its bitmaps once per page.
var pageLatencies: [Double] = []
found = 0
let batchStart = clock.now
for page in stride(from: 0, to: queries.count, by: 1000).map({ queries[$0..<min($0 + 1000, queries.count)] }) {
    let start = clock.now
    found += index.best(for: page.map(HashEmbedding.embed)).compactMap { $0 }.count
    pageLatencies.append(milliseconds(clock.now - start))
}
let batchSeconds = milliseconds(clock.now - batchStart) / 1000
pageLatencies.sort()
print(
    String(
        format: "pages of 1,000, 1 core: %.0f lookups/s, %.0f ms a page at p50, %.0f ms at worst (%d lookups, %d matched ≥ 0.75)",
        Double(queries.count) / batchSeconds, pageLatencies[pageLatencies.count / 2], pageLatencies[pageLatencies.count - 1],
        queries.count, found
    )
)

if realLookups > 0 {
    for name in realNames.dropLast(realLookups) { index.add(HashEmbedding.embed(name)) }
    var pageLatencies: [Double] = []
    var found = 0
    let start = clock.now
    for page in stride(from: realNames.count - realLookups, to: realNames.count, by: 1000).map({ realNames[$0..<min($0 + 1000, realNames.count)] }) {
        let pageStart = clock.now
        found += index.best(for: page.map(HashEmbedding.embed)).compactMap { $0 }.count
        pageLatencies.append(milliseconds(clock.now - pageStart))
    }
    pageLatencies.sort()
    print(
        String(
            format: "%d real names added; the next %d in pages of 1,000, 1 core: %.0f lookups/s, %.0f ms a page at p50 (%d matched ≥ 0.75)",
            realNames.count - realLookups, realLookups, Double(realLookups) / (milliseconds(clock.now - start) / 1000),
            pageLatencies[pageLatencies.count / 2], found
        )
    )
}

// A sample checked against a brute-force scan of the whole catalog, one at a time and as a page.
let vectors = catalog.prefix(200_000).map(HashEmbedding.embed)
var sample = EmbeddingIndex(minimumScore: 0.75)
for vector in vectors { sample.add(vector) }
let sampleQueries = queries.prefix(100).map(HashEmbedding.embed)
let paged = sample.best(for: sampleQueries)
for (number, vector) in sampleQueries.enumerated() {
    var best: EmbeddingIndex.Match?
    for (slot, candidate) in vectors.enumerated() {
        let score = HashEmbedding.cosine(vector, candidate)
        if score >= 0.75, score > (best?.score ?? -1) { best = EmbeddingIndex.Match(slot: slot, score: score) }
    }
    guard sample.best(for: vector) == best, paged[number] == best else {
        print("MISMATCH with brute force for \(queries[number])")
        exit(1)
    }
}
print("100 lookups against 200,000 topics agree with a brute-force scan, one at a time and as a page")
