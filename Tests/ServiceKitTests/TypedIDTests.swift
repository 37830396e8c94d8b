import Foundation
import ServiceKit
import SharedModels
import Testing

@Suite struct TypedIDTests {
    @Test func idsCarryTheirPrefixAndSortByCreationTime() {
        let earlier = OrgTopicID.generate(at: Date(timeIntervalSince1970: 1_700_000_000))
        let later = OrgTopicID.generate(at: Date(timeIntervalSince1970: 1_700_000_001))
        #expect(earlier.rawValue.hasPrefix("ot_"))
        #expect(earlier.rawValue.count == 29)
        // The first 10 characters are the milliseconds since 1970 in base32, most significant first.
        #expect(earlier.rawValue.dropFirst(3).prefix(10) == "01hf7yat00")
        #expect(earlier.rawValue < later.rawValue)
        #expect(OrgTopicID(rawValue: earlier.rawValue) == earlier)
    }

    @Test func anIdOfAnotherKindOrMalformedIsRefused() throws {
        let global = GlobalTopicID.generate()
        #expect(OrgTopicID(rawValue: global.rawValue) == nil)
        #expect(OrgTopicID(rawValue: "ot_short") == nil)
        #expect(OrgTopicID(rawValue: "ot_" + String(repeating: "u", count: 26)) == nil)  // u is not Crockford base32
        #expect(OrgTopicID(rawValue: "ot_" + String(repeating: "a", count: 25) + "é") == nil)
        #expect(OrgTopicID(rawValue: "ot_" + String(repeating: "a", count: 26)) != nil)
        let json = Data("\"\(global.rawValue)\"".utf8)
        #expect(throws: DecodingError.self) { try JSONCoding.decoder.decode(OrgTopicID.self, from: json) }
    }

    /// The 16 random characters come from two 64-bit draws: each position must still take all 32 symbols, and ids
    /// made in the same millisecond must differ.
    @Test func everyRandomPositionTakesEverySymbol() {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let ids = (0..<2000).map { _ in String(OrgTopicID.generate(at: date).rawValue.suffix(16)) }
        #expect(Set(ids).count == ids.count)
        for position in 0..<16 {
            let symbols = Set(ids.map { Array($0)[position] })
            #expect(symbols.count == 32, "position \(position) took \(symbols.count) symbols")
        }
    }
}
