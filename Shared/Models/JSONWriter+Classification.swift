/// Classifications written as JSON by hand: a batch of 1,000 is the classifier's hottest response and the bulk of
/// an ingest page's rows to Postgres, and `JSONEncoder` took most of their time. Keys in sorted order, optional
/// fields left out when nil, as `JSONCoding.encoder` writes `Classification`; a test holds the two to the same bytes.
extension JSONWriter {
    public mutating func classification(_ value: Classification) {
        self.append(UInt8(ascii: "{"))
        self.field("audience_type", value.audienceType, first: true)
        self.field("buyer_journey", value.buyerJourney)
        self.key("confidence")
        self.number(value.confidence)
        self.field("engine_version", value.engineVersion)
        self.key("fallback")
        self.bool(value.fallback)
        self.field("iab_code", value.iabCode)
        self.field("intensity", value.intensity)
        self.field("internal_description", value.internalDescription)
        self.key("keywords")
        self.stringArray(value.keywords)
        self.key("llm")
        self.bool(value.llm)
        self.field("parent_category", value.parentCategory)
        self.key("platform_outputs")
        self.stringObject(value.platformOutputs)
        self.field("segment_desc_liveramp", value.segmentDescLiveramp)
        self.field("segment_desc_tradedesk", value.segmentDescTradedesk)
        self.field("segment_name_internal", value.segmentNameInternal)
        self.field("segment_name_liveramp", value.segmentNameLiveramp)
        self.field("segment_name_tradedesk", value.segmentNameTradedesk)
        self.field("segment_type", value.segmentType)
        self.field("sensitivity", value.sensitivity)
        self.optional("subcategory", value.subcategory)
        self.optional("subcategory_l1", value.subcategoryL1)
        self.optional("subcategory_l2", value.subcategoryL2)
        self.optional("subcategory_l3", value.subcategoryL3)
        self.optional("subcategory_l4", value.subcategoryL4)
        self.field("taxonomy_type", value.taxonomyType)
        self.field("topic_name", value.topicName)
        self.append(UInt8(ascii: "}"))
    }

    private mutating func optional(_ key: StaticString, _ value: String?) {
        if value != nil { self.field(key, value) }
    }
}
