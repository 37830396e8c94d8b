import SharedModels

/// Which list a lexicon phrase's target indexes.
enum PhraseKind: Int, CaseIterable, Sendable {
    case parent, node, audience, segment, sensitivity
}

/// Every phrase of the taxonomy (token sequences in normal form) with its weighted targets, in one trie over
/// vocabulary ids. Per kind, matching is greedy and longest-first, so that "electric vehicle" counts once as a
/// node, not also as "vehicle"; each token is also tried in its singular form. One walk of the trie from each
/// position serves all kinds: matching a name costs two walks per token, whatever the number of kinds.
struct Lexicon: Sendable {
    struct Entry: Sendable {
        let kind: PhraseKind
        let target: Int
        let weight: Double
        /// The next entry of the same phrase, or `none`.
        var next: Int32
    }

    struct Match {
        /// Where the phrase's entry is, for `phrase(of:)`.
        let entry: Int32
        let target: Int
        let weight: Double
        let range: Range<Int>
    }

    /// Each kind's matches, in the order of the text: one array, grouped by kind.
    struct Matches {
        fileprivate var all: [Match] = []
        /// Where each kind's matches start in `all`; the last is the end.
        fileprivate var starts = InlineArray<6, Int>(repeating: 0)

        subscript(kind: PhraseKind) -> ArraySlice<Match> { self.all[self.starts[kind.rawValue]..<self.starts[kind.rawValue + 1]] }
    }

    private struct State: Sendable {
        var hasChildren = false
        /// A bit per kind with an entry on this state.
        var kinds: UInt8 = 0
        /// The first entry of the phrase that ends here, or `none`.
        var entries = Lexicon.none
    }

    /// The end of a phrase starting at some position: the state reached and how many words it took.
    private struct Reach {
        var state: Int32 = 0
        var length: Int32 = 0
    }

    private static var none: Int32 { -1 }
    private(set) var vocabulary = Vocabulary()
    /// Word id to the state its one-word phrase prefix reaches, or `none`: most words start no phrase, and this
    /// finds out with one array read.
    private var first: [Int32] = []
    /// The next state, for the second word on.
    private var transitions = TransitionTable()
    private var states: [State] = []
    /// Every phrase's entries in one array, chained by `next`.
    private var entries: [Entry] = []
    /// Each entry's phrase, apart from the entries, which matching reads far more often.
    private var phrases: [String] = []

    mutating func add(_ phrase: String, kind: PhraseKind, target: Int, weight: Double) {
        let words = TextNormalizer.tokens(phrase)
        guard let head = words.first else { return }
        let id = Int(self.vocabulary.add(head))
        if id >= self.first.count { self.first.append(contentsOf: repeatElement(Self.none, count: id - self.first.count + 1)) }
        if self.first[id] == Self.none { self.first[id] = self.newState() }
        var state = self.first[id]
        for word in words.dropFirst() {
            self.states[Int(state)].hasChildren = true
            let id = self.vocabulary.add(word)
            if let next = self.transitions[state, id] {
                state = next
            } else {
                let next = self.newState()
                self.transitions.insert(state: state, word: id, next: next)
                state = next
            }
        }
        self.entries.append(Entry(kind: kind, target: target, weight: weight, next: Self.none))
        self.phrases.append(words.joined(separator: " "))
        let added = Int32(self.entries.count - 1)
        self.states[Int(state)].kinds |= 1 << kind.rawValue
        var last = self.states[Int(state)].entries
        if last == Self.none {
            self.states[Int(state)].entries = added
            return
        }
        while self.entries[Int(last)].next != Self.none { last = self.entries[Int(last)].next }
        self.entries[Int(last)].next = added
    }

    private mutating func newState() -> Int32 {
        self.states.append(State())
        return Int32(self.states.count - 1)
    }

    func phrase(of match: Match) -> String {
        self.phrases[Int(match.entry)]
    }

    func matches(_ text: TokenizedText) -> Matches {
        let kinds = PhraseKind.allCases.count
        let size = text.ids.count * kinds
        // The longest phrase of each kind from each position, in the words as written (`reaches[position * kinds
        // + kind]`) and in their singulars (the same, offset by `size`). Names are short: this lives on the stack.
        return withUnsafeTemporaryAllocation(of: Reach.self, capacity: 2 * size) { reaches in
            reaches.initialize(repeating: Reach())
            for position in text.ids.indices {
                let examined = self.walk(text.ids, from: position, into: reaches, at: 0)
                // Where the singulars of the words it read are the words themselves, the second walk would find
                // the same phrases, and singulars only count when they make a longer one.
                if text.ids[position...examined] != text.singularIDs[position...examined] {
                    self.walk(text.singularIDs, from: position, into: reaches, at: size)
                }
            }
            return self.greedy(reaches, size: size, count: text.ids.count)
        }
    }

    /// Per kind, from the start: the longest phrase at each position, then on after it.
    private func greedy(_ reaches: UnsafeMutableBufferPointer<Reach>, size: Int, count: Int) -> Matches {
        let kinds = PhraseKind.allCases.count
        var matches = Matches()
        matches.all.reserveCapacity(8)
        for kind in PhraseKind.allCases {
            matches.starts[kind.rawValue] = matches.all.count
            var position = 0
            while position < count {
                // The words as written, or their singulars when those make a longer phrase.
                let asWritten = reaches[position * kinds + kind.rawValue]
                let asSingular = reaches[size + position * kinds + kind.rawValue]
                let reach = asSingular.length > asWritten.length ? asSingular : asWritten
                guard reach.length > 0 else {
                    position += 1
                    continue
                }
                let range = position..<(position + Int(reach.length))
                var entry = self.states[Int(reach.state)].entries
                while entry != Self.none {
                    let found = self.entries[Int(entry)]
                    if found.kind == kind {
                        matches.all.append(Match(entry: entry, target: found.target, weight: found.weight, range: range))
                    }
                    entry = found.next
                }
                position = range.upperBound
            }
        }
        matches.starts[kinds] = matches.all.count
        return matches
    }

    /// Follows `words` from `start` down the trie, noting for each kind the longest phrase that ends on the way.
    /// Returns the position of the last word it read.
    @discardableResult
    private func walk(_ words: [Int32], from start: Int, into reaches: UnsafeMutableBufferPointer<Reach>, at offset: Int) -> Int {
        let kinds = PhraseKind.allCases.count
        let word = words[start]
        guard word >= 0, Int(word) < self.first.count, self.first[Int(word)] != Self.none else { return start }
        var state = self.first[Int(word)]
        var length: Int32 = 1
        while true {
            let current = self.states[Int(state)]
            if current.kinds != 0 {
                for kind in 0..<kinds where current.kinds & (1 << kind) != 0 {
                    reaches[offset + start * kinds + kind] = Reach(state: state, length: length)
                }
            }
            let position = start + Int(length)
            guard current.hasChildren, position < words.count else { return position - 1 }
            guard words[position] >= 0, let next = self.transitions[state, words[position]] else { return position }
            state = next
            length += 1
        }
    }
}
