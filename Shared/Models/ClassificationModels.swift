/// One name to classify, with what the caller already knows.
public struct ClassifyItem: Codable, Sendable, Equatable {
    public var topicName: String
    public var description: String?
    public var parentCategory: String?
    public var segmentType: String?

    public init(topicName: String, description: String? = nil, parentCategory: String? = nil, segmentType: String? = nil) {
        self.topicName = topicName
        self.description = description
        self.parentCategory = parentCategory
        self.segmentType = segmentType
    }

    enum CodingKeys: String, CodingKey {
        case topicName = "topic_name", description, parentCategory = "parent_category", segmentType = "segment_type"
    }
}

/// The full classification of one name (engine 2.5): taxonomy placement, audience, DSP names and descriptions.
public struct Classification: Codable, Sendable, Equatable {
    public var topicName: String
    public var taxonomyType: String
    public var parentCategory: String
    public var subcategory: String?
    public var subcategoryL1: String?
    public var subcategoryL2: String?
    public var subcategoryL3: String?
    public var subcategoryL4: String?
    public var segmentType: String
    public var audienceType: String
    public var iabCode: String
    public var keywords: [String]
    public var sensitivity: String
    public var intensity: String
    public var buyerJourney: String
    public var segmentNameTradedesk: String
    public var segmentNameLiveramp: String
    public var segmentNameInternal: String
    public var segmentDescLiveramp: String
    public var segmentDescTradedesk: String
    public var internalDescription: String
    /// Names rendered by custom output templates, by template key.
    public var platformOutputs: [String: String]
    public var engineVersion: String
    public var confidence: Double
    /// True when AI mode was asked for and the rules answered instead.
    public var llm: Bool
    public var fallback: Bool

    public init(
        topicName: String, taxonomyType: String, parentCategory: String, subcategory: String?, subcategoryL1: String?,
        subcategoryL2: String?, subcategoryL3: String?, subcategoryL4: String?, segmentType: String, audienceType: String,
        iabCode: String, keywords: [String], sensitivity: String, intensity: String, buyerJourney: String,
        segmentNameTradedesk: String = "", segmentNameLiveramp: String = "", segmentNameInternal: String = "",
        segmentDescLiveramp: String = "", segmentDescTradedesk: String = "", internalDescription: String = "",
        platformOutputs: [String: String] = [:], engineVersion: String, confidence: Double, llm: Bool = false, fallback: Bool = false
    ) {
        self.topicName = topicName
        self.taxonomyType = taxonomyType
        self.parentCategory = parentCategory
        self.subcategory = subcategory
        self.subcategoryL1 = subcategoryL1
        self.subcategoryL2 = subcategoryL2
        self.subcategoryL3 = subcategoryL3
        self.subcategoryL4 = subcategoryL4
        self.segmentType = segmentType
        self.audienceType = audienceType
        self.iabCode = iabCode
        self.keywords = keywords
        self.sensitivity = sensitivity
        self.intensity = intensity
        self.buyerJourney = buyerJourney
        self.segmentNameTradedesk = segmentNameTradedesk
        self.segmentNameLiveramp = segmentNameLiveramp
        self.segmentNameInternal = segmentNameInternal
        self.segmentDescLiveramp = segmentDescLiveramp
        self.segmentDescTradedesk = segmentDescTradedesk
        self.internalDescription = internalDescription
        self.platformOutputs = platformOutputs
        self.engineVersion = engineVersion
        self.confidence = confidence
        self.llm = llm
        self.fallback = fallback
    }

    enum CodingKeys: String, CodingKey {
        case topicName = "topic_name", taxonomyType = "taxonomy_type", parentCategory = "parent_category", subcategory
        case subcategoryL1 = "subcategory_l1", subcategoryL2 = "subcategory_l2", subcategoryL3 = "subcategory_l3"
        case subcategoryL4 = "subcategory_l4", segmentType = "segment_type", audienceType = "audience_type", iabCode = "iab_code"
        case keywords, sensitivity, intensity, buyerJourney = "buyer_journey", segmentNameTradedesk = "segment_name_tradedesk"
        case segmentNameLiveramp = "segment_name_liveramp", segmentNameInternal = "segment_name_internal"
        case segmentDescLiveramp = "segment_desc_liveramp", segmentDescTradedesk = "segment_desc_tradedesk"
        case internalDescription = "internal_description", platformOutputs = "platform_outputs", engineVersion = "engine_version"
        case confidence, llm, fallback
    }
}
