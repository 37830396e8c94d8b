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
        #expect(earlier.rawValue < later.rawValue)
        #expect(OrgTopicID(rawValue: earlier.rawValue) == earlier)
    }

    @Test func anIdOfAnotherKindOrMalformedIsRefused() throws {
        let global = GlobalTopicID.generate()
        #expect(OrgTopicID(rawValue: global.rawValue) == nil)
        #expect(OrgTopicID(rawValue: "ot_short") == nil)
        #expect(OrgTopicID(rawValue: "ot_" + String(repeating: "u", count: 26)) == nil)  // u is not Crockford base32
        let json = Data("\"\(global.rawValue)\"".utf8)
        #expect(throws: DecodingError.self) { try JSONCoding.decoder.decode(OrgTopicID.self, from: json) }
    }
}
