import SharedModels
import TestSupport
import Testing

@testable import ClassifierEngine

/// The engine's hand-made tables against the standard library's, on random keys: they must give exactly the same
/// answers, since the classification depends on every lookup.
@Suite struct EngineStructureTests {
    @Test func theVocabularyFindsEveryWordItHoldsAndNoOther() {
        var generator = SplitMix(seed: 7)
        var vocabulary = Vocabulary()
        var expected: [String: Int32] = [:]
        // Short and long words, many sharing their first 8 bytes, so that the tail comparison matters.
        let words = (0..<5000).map { index in
            index % 3 == 0 ? "sharedprefix" + String(generator.next() % 500) : String(generator.next() % 100_000, radix: 36)
        }
        for word in words {
            let id = vocabulary.add(word)
            #expect(expected[word, default: id] == id)
            expected[word] = id
        }
        for (word, id) in expected { #expect(vocabulary.id(Array(word.utf8)[...]) == id) }
        for probe in ["sharedprefix", "sharedprefix99999", "", "zzzzzzzzzzzzz", "sharedpr"] where expected[probe] == nil {
            #expect(vocabulary.id(Array(probe.utf8)[...]) == Vocabulary.unknown)
        }
    }

    @Test func theTransitionTableAgreesWithADictionary() {
        var generator = SplitMix(seed: 11)
        var table = TransitionTable()
        var expected: [Int64: Int32] = [:]
        for next in 0..<20000 {
            let (state, word) = (Int32(generator.next() % 3000), Int32(generator.next() % 3000))
            let key = Int64(state) << 32 | Int64(word)
            guard expected[key] == nil else { continue }
            table.insert(state: state, word: word, next: Int32(next))
            expected[key] = Int32(next)
        }
        for state in Int32(0)..<300 {
            for word in Int32(0)..<300 { #expect(table[state, word] == expected[Int64(state) << 32 | Int64(word)]) }
        }
    }

    @Test func theLexiconMatchesLongestFirstPerKindAndTriesSingulars() {
        var lexicon = Lexicon()
        lexicon.add("vehicle", kind: .parent, target: 0, weight: 1)
        lexicon.add("electric vehicle", kind: .node, target: 1, weight: 2)
        lexicon.add("electric", kind: .node, target: 2, weight: 1)
        lexicon.add("buyer", kind: .audience, target: 3, weight: 1)
        let text = TokenizedText("Electric  Vehicles BUYERS", vocabulary: lexicon.vocabulary)
        let matches = lexicon.matches(text)
        // Each kind is matched on its own: the node phrase does not hide the parent keyword inside it.
        #expect(matches[.parent].map(\.range) == [1..<2])
        #expect(matches[.node].map(\.target) == [1])
        #expect(matches[.node].map(\.range) == [0..<2])
        #expect(matches[.node].map { lexicon.phrase(of: $0) } == ["electric vehicle"])
        #expect(matches[.audience].map(\.range) == [2..<3])
        #expect(matches[.segment].isEmpty)
    }

    @Test func namesFollowEachPlatformsCharacterRules() throws {
        let classifier = try RuleClassifier.bundled()
        let tesla = classifier.classify(ClassifyItem(topicName: "Tesla Model 3 Buyers"))
        #expect(tesla.segmentNameTradedesk == "Auto > EV > Tesla Model 3 Buyers")
        #expect(tesla.segmentNameLiveramp == "Auto_EV_Tesla_Model_3_Buyers")
        // Controls go, non-ASCII stays for The Trade Desk and separates words for LiveRamp.
        let cafe = classifier.classify(ClassifyItem(topicName: "Café\u{7}  Lovers", parentCategory: "Food & Dining"))
        #expect(cafe.segmentNameTradedesk.hasSuffix("Café Lovers"))
        #expect(cafe.segmentNameLiveramp.hasSuffix("Caf_Lovers"))
    }
}
