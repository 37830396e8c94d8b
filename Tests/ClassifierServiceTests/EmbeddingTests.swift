@testable import SharedModels
import Testing

@Suite struct EmbeddingTests {
    @Test func embeddingsAreUnitLengthDeterministicAndCloseForNearNames() {
        let a = HashEmbedding.embed("Tesla Model 3 Buyers")
        #expect(a.count == 256)
        #expect(abs(a.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
        #expect(a == HashEmbedding.embed("  tesla MODEL-3 buyers "))
        let near = HashEmbedding.cosine(a, HashEmbedding.embed("Tesla Model 3 Buyer"))
        let far = HashEmbedding.cosine(a, HashEmbedding.embed("Vegan Recipe Lovers"))
        #expect(near > 0.75)
        #expect(far < 0.3)
    }

    /// `embed` hashes bytes for ASCII names; the definition it must match, bit for bit, hashes characters.
    @Test(arguments: [
        "Tesla Model 3 Buyers", "", " ", "a", "ab", "x y", "  tesla MODEL-3 buyers ", "B2B IT Decision-Makers (SMB)",
        "Café Owners", "Ärzte & Apotheker", "日本 旅行 好き", "émigré co", "Straße", "a\r\nb", "👍 fans", "x" + String(repeating: "y", count: 300),
    ])
    func bytesAndCharactersGiveTheSameVector(name: String) {
        #expect(HashEmbedding.embed(name) == HashEmbedding.embedByCharacters(name))
    }

    @Test func theHashIsFixedAcrossProcessesAndVersions() {
        // FNV-1a 64 of "w:tesla": a changed hash would silently break every stored embedding.
        let vector = HashEmbedding.embed("tesla")
        let signature = vector.enumerated().filter { $0.element != 0 }.map { "\($0.offset):\($0.element > 0 ? "+" : "-")" }
        #expect(signature == HashEmbeddingGolden.tesla)
    }
}

/// Computed independently (a Python re-implementation of the same FNV-1a feature hashing).
enum HashEmbeddingGolden {
    static let tesla = ["32:-", "112:+", "131:+", "178:-", "229:+", "235:+"]
}
