/// Every word of the taxonomy's phrases, numbered, so that phrase matching compares integers. Looked up by a
/// token's bytes, with no string made: an open-addressing table keyed by 64-bit FNV-1a. A slot holds the word's
/// first 8 bytes, so that most lookups (words of up to 8 bytes, and misses) read one slot and nothing else.
struct Vocabulary: Sendable {
    static let unknown: Int32 = -1

    private struct Slot: Sendable {
        /// The word's first 8 bytes, little-endian, zero-padded.
        var head: UInt64 = 0
        var length: UInt32 = 0
        var id = Vocabulary.unknown
    }

    /// Every word's bytes, one after the other; word `id` starts at `starts[id]`.
    private var text: [UInt8] = []
    private var starts: [Int] = []
    /// Never more than half full.
    private var slots = [Slot](repeating: Slot(), count: 1024)

    mutating func add(_ word: String) -> Int32 {
        let bytes = Array(word.utf8)[...]
        let found = self.id(bytes)
        guard found == Self.unknown else { return found }
        if (self.starts.count + 1) * 2 > self.slots.count { self.grow() }
        let id = Int32(self.starts.count)
        self.starts.append(self.text.count)
        self.text.append(contentsOf: bytes)
        self.insert(Slot(head: Self.head(bytes), length: UInt32(bytes.count), id: id), hash: Self.hash(bytes))
        return id
    }

    func id(_ word: ArraySlice<UInt8>) -> Int32 {
        let mask = self.slots.count - 1
        let head = Self.head(word)
        var index = Int(truncatingIfNeeded: Self.hash(word)) & mask
        while self.slots[index].id != Self.unknown {
            let slot = self.slots[index]
            if slot.head == head, slot.length == word.count, word.count <= 8 || self.tail(of: slot).elementsEqual(word.dropFirst(8)) {
                return slot.id
            }
            index = (index + 1) & mask
        }
        return Self.unknown
    }

    /// A long word's bytes after its first 8.
    private func tail(of slot: Slot) -> ArraySlice<UInt8> {
        let start = self.starts[Int(slot.id)]
        return self.text[(start + 8)..<(start + Int(slot.length))]
    }

    private mutating func grow() {
        let old = self.slots
        self.slots = [Slot](repeating: Slot(), count: old.count * 2)
        for slot in old where slot.id != Self.unknown {
            let start = self.starts[Int(slot.id)]
            self.insert(slot, hash: Self.hash(self.text[start..<(start + Int(slot.length))]))
        }
    }

    private mutating func insert(_ slot: Slot, hash: UInt64) {
        let mask = self.slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while self.slots[index].id != Self.unknown { index = (index + 1) & mask }
        self.slots[index] = slot
    }

    private static func head(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var head: UInt64 = 0
        for (shift, byte) in zip(stride(from: 0, to: 64, by: 8), bytes) { head |= UInt64(byte) << UInt64(shift) }
        return head
    }

    private static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }
}
