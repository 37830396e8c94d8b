import Foundation

/// A library topic as the Topics API answers it: the org's own copy of a global topic's classification, with
/// its external id and source. topics-service builds this JSON in SQL (`TopicJSON`); clients and tests decode it.
public struct Topic: Codable, Sendable, Equatable {
    public var id: OrgTopicID
    public var globalTopicId: GlobalTopicID?
    public var topicName: String
    public var parentCategory: String?
    public var taxonomyType: String?
    public var subcategory: String?
    public var subcategoryL1: String?
    public var subcategoryL2: String?
    public var subcategoryL3: String?
    public var subcategoryL4: String?
    public var segmentType: String?
    public var audienceType: String?
    public var iabCode: String?
    public var keywords: [String]
    public var sensitivity: String?
    public var intensity: String?
    public var buyerJourney: String?
    public var segmentNameTradedesk: String?
    public var segmentNameLiveramp: String?
    public var segmentNameInternal: String?
    public var segmentDescLiveramp: String?
    public var segmentDescTradedesk: String?
    public var internalDescription: String?
    public var platformOutputs: [String: String]
    public var engineVersion: String?
    public var confidence: Double?
    public var performanceScore: Double?
    public var externalId: String?
    public var source: String?
    public var description: String?
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case globalTopicId = "global_topic_id"
        case topicName = "topic_name"
        case parentCategory = "parent_category"
        case taxonomyType = "taxonomy_type"
        case subcategory
        case subcategoryL1 = "subcategory_l1"
        case subcategoryL2 = "subcategory_l2"
        case subcategoryL3 = "subcategory_l3"
        case subcategoryL4 = "subcategory_l4"
        case segmentType = "segment_type"
        case audienceType = "audience_type"
        case iabCode = "iab_code"
        case keywords
        case sensitivity
        case intensity
        case buyerJourney = "buyer_journey"
        case segmentNameTradedesk = "segment_name_tradedesk"
        case segmentNameLiveramp = "segment_name_liveramp"
        case segmentNameInternal = "segment_name_internal"
        case segmentDescLiveramp = "segment_desc_liveramp"
        case segmentDescTradedesk = "segment_desc_tradedesk"
        case internalDescription = "internal_description"
        case platformOutputs = "platform_outputs"
        case engineVersion = "engine_version"
        case confidence
        case performanceScore = "performance_score"
        case externalId = "external_id"
        case source
        case description
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

public struct CreateTopicRequest: Codable, Sendable {
    public var topicName: String
    public var internalDescription: String?

    public init(topicName: String, internalDescription: String? = nil) {
        self.topicName = topicName
        self.internalDescription = internalDescription
    }

    enum CodingKeys: String, CodingKey {
        case topicName = "topic_name"
        case internalDescription = "internal_description"
    }
}
