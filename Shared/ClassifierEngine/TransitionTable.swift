/// The trie's edges past the first word: `(state, word)` to the next state, in an open-addressing table with a
/// multiplicative hash. Swift's `Dictionary` hashes each key with SipHash, which costs more than the whole lookup
/// here, and matching does one lookup per word of every multi-word phrase it follows.
struct TransitionTable: Sendable {
    private struct Slot: Sendable {
        var key: UInt64 = 0
        var next: Int32 = -1
    }

    /// Never more than half full.
    private var slots = [Slot](repeating: Slot(), count: 1024)
    private var count = 0

    subscript(state: Int32, word: Int32) -> Int32? {
        let key = Self.key(state, word)
        let mask = self.slots.count - 1
        var index = Self.index(key, mask)
        while self.slots[index].next != -1 {
            if self.slots[index].key == key { return self.slots[index].next }
            index = (index + 1) & mask
        }
        return nil
    }

    /// Records the edge; the caller adds each edge once.
    mutating func insert(state: Int32, word: Int32, next: Int32) {
        if (self.count + 1) * 2 > self.slots.count {
            let old = self.slots
            self.slots = [Slot](repeating: Slot(), count: old.count * 2)
            for slot in old where slot.next != -1 { self.place(slot) }
        }
        self.place(Slot(key: Self.key(state, word), next: next))
        self.count += 1
    }

    private mutating func place(_ slot: Slot) {
        let mask = self.slots.count - 1
        var index = Self.index(slot.key, mask)
        while self.slots[index].next != -1 { index = (index + 1) & mask }
        self.slots[index] = slot
    }

    private static func key(_ state: Int32, _ word: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: state)) << 32 | UInt64(UInt32(bitPattern: word))
    }

    /// Fibonacci hashing: the high bits of the product are well mixed.
    private static func index(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }
}
