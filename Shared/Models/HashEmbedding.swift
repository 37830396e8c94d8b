/// 256-dimensional signed feature hashing of a normalised name: word unigrams, word bigrams and character
/// trigrams, each hashed with 64-bit FNV-1a (fixed, unlike Swift's per-process `Hasher`) into a bucket and a
/// sign, then L2-normalised. Pure: the same name gives the same vector, bit for bit, in any process.
public enum HashEmbedding {
    public static let dimensions = 256

    public static func embed(_ name: String) -> [Float] {
        var text: [UInt8] = [UInt8(ascii: " ")]
        var tokens: [Range<Int>] = []
        TextNormalizer.forEachToken(name) { token in
            tokens.append(text.count..<text.count + token.count)
            text.append(contentsOf: token)
            text.append(UInt8(ascii: " "))
        }
        // In ASCII a byte is a character; anything else is hashed character by character the slow way.
        guard text.allSatisfy({ $0 < 0x80 }) else { return self.embedByCharacters(name) }
        var vector = [Float](repeating: 0, count: Self.dimensions)
        func add(_ hash: UInt64) {
            vector[Int(hash % UInt64(Self.dimensions))] += (hash >> 63) == 0 ? 1 : -1
        }
        text.withUnsafeBufferPointer { text in
            for token in tokens { add(Self.fnv1a(text[token], from: Self.wordSeed)) }
            for (first, second) in zip(tokens, tokens.dropFirst()) {
                // "b:" + first + " " + second: the space between them in `text` is that space.
                add(Self.fnv1a(text[first.lowerBound..<second.upperBound], from: Self.bigramSeed))
            }
            if text.count >= 3 {
                for start in 0...(text.count - 3) { add(Self.fnv1a(text[start..<start + 3], from: Self.trigramSeed)) }
            }
        }
        return Self.normalized(vector)
    }

    /// The definition `embed` follows, on `Character`s: for names that are not ASCII once normalised.
    static func embedByCharacters(_ name: String) -> [Float] {
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
        return Self.normalized(vector)
    }

    private static func normalized(_ vector: [Float]) -> [Float] {
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

    public static func fnv1a(_ text: String) -> UInt64 {
        self.fnv1a(text.utf8, from: 0xcbf2_9ce4_8422_2325)
    }

    /// FNV-1a of `bytes` continued from `hash`, the hash of what comes before them.
    static func fnv1a(_ bytes: some Sequence<UInt8>, from hash: UInt64) -> UInt64 {
        var hash = hash
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// The hashes of each kind of feature's prefix, where their own bytes continue.
    private static let wordSeed = fnv1a("w:")
    private static let bigramSeed = fnv1a("b:")
    private static let trigramSeed = fnv1a("c:")
}
