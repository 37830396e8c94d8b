/// 256-dimensional signed feature hashing of a normalised name: word unigrams, word bigrams and character
/// trigrams, each hashed with 64-bit FNV-1a (fixed, unlike Swift's per-process `Hasher`) into a bucket and a
/// sign, then L2-normalised. Pure: the same name gives the same vector, bit for bit, in any process.
public enum HashEmbedding {
    public static let dimensions = 256

    public static func embed(_ name: String) -> [Float] {
        let tokens = TextNormalizer.tokens(name)
        var vector = [Float](repeating: 0, count: Self.dimensions)
        func add(_ feature: String) {
            let hash = Self.fnv1a(feature)
            let bucket = Int(hash % UInt64(Self.dimensions))
            vector[bucket] += (hash >> 63) == 0 ? 1 : -1
        }
        for token in tokens { add("w:" + token) }
        for (first, second) in zip(tokens, tokens.dropFirst()) { add("b:" + first + " " + second) }
        let text = Array(" " + tokens.joined(separator: " ") + " ")
        if text.count >= 3 {
            for index in 0...(text.count - 3) { add("c:" + String(text[index..<index + 3])) }
        }
        let norm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return vector }
        return vector.map { $0 / norm }
    }

    /// Cosine similarity of two embeddings (both already unit length, so a dot product).
    public static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for index in 0..<min(a.count, b.count) { sum += a[index] * b[index] }
        return sum
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
