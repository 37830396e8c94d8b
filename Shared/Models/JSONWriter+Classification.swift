import Foundation
import ServiceKit
import SharedModels

/// Classifications written as JSON by hand: a batch of 1,000 is the classifier's hottest response, and
/// `JSONEncoder` took most of its time. Keys in sorted order, optional fields left out when nil, as
/// `JSONCoding.encoder` writes `Classification`; a test holds the two to the same bytes.
extension JSONWriter {
    mutating func classification(_ value: Classification) {
        self.append(UInt8(ascii: "{"))
        self.key("audience_type", first: true)
        self.string(value.audienceType)
        self.key("buyer_journey")
        self.string(value.buyerJourney)
        self.key("confidence")
        self.number(value.confidence)
        self.key("engine_version")
        self.string(value.engineVersion)
        self.key("fallback")
        self.bool(value.fallback)
        self.key("iab_code")
        self.string(value.iabCode)
        self.key("intensity")
        self.string(value.intensity)
        self.key("internal_description")
        self.string(value.internalDescription)
        self.key("keywords")
        self.stringArray(value.keywords)
        self.key("llm")
        self.bool(value.llm)
        self.key("parent_category")
        self.string(value.parentCategory)
        self.key("platform_outputs")
        self.stringObject(value.platformOutputs)
        self.key("segment_desc_liveramp")
        self.string(value.segmentDescLiveramp)
        self.key("segment_desc_tradedesk")
        self.string(value.segmentDescTradedesk)
        self.key("segment_name_internal")
        self.string(value.segmentNameInternal)
        self.key("segment_name_liveramp")
        self.string(value.segmentNameLiveramp)
        self.key("segment_name_tradedesk")
        self.string(value.segmentNameTradedesk)
        self.key("segment_type")
        self.string(value.segmentType)
        self.key("sensitivity")
        self.string(value.sensitivity)
        self.optional("subcategory", value.subcategory)
        self.optional("subcategory_l1", value.subcategoryL1)
        self.optional("subcategory_l2", value.subcategoryL2)
        self.optional("subcategory_l3", value.subcategoryL3)
        self.optional("subcategory_l4", value.subcategoryL4)
        self.key("taxonomy_type")
        self.string(value.taxonomyType)
        self.key("topic_name")
        self.string(value.topicName)
        self.append(UInt8(ascii: "}"))
    }

    private mutating func optional(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        self.string(value)
    }

    /// An error envelope; its rare details go through the shared encoder.
    mutating func envelope(_ envelope: ErrorEnvelope) {
        self.append(UInt8(ascii: "{"))
        self.key("error", first: true)
        self.append(UInt8(ascii: "{"))
        self.key("code", first: true)
        self.string(envelope.error.code)
        if let details = envelope.error.details, let encoded = try? JSONCoding.encoder.encode(details) {
            self.key("details")
            for byte in encoded { self.append(byte) }
        }
        self.key("message")
        self.string(envelope.error.message)
        self.append(UInt8(ascii: "}"))
        self.append(UInt8(ascii: "}"))
    }
}
