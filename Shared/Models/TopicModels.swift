import Foundation

/// A library topic as the Topics API answers it. Classification fields stay null until the classifier fills them.
public struct Topic: Codable, Sendable, Equatable {
    public var id: OrgTopicID
    public var topicName: String
    public var parentCategory: String?
    public var taxonomyType: String?
    public var subcategory: String?
    public var segmentType: String?
    public var audienceType: String?
    public var iabCode: String?
    public var keywords: [String]
    public var internalDescription: String?
    public var engineVersion: String?
    public var externalId: String?
    public var source: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: OrgTopicID, topicName: String, parentCategory: String? = nil, taxonomyType: String? = nil,
        subcategory: String? = nil, segmentType: String? = nil, audienceType: String? = nil, iabCode: String? = nil,
        keywords: [String] = [], internalDescription: String? = nil, engineVersion: String? = nil,
        externalId: String? = nil, source: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.topicName = topicName
        self.parentCategory = parentCategory
        self.taxonomyType = taxonomyType
        self.subcategory = subcategory
        self.segmentType = segmentType
        self.audienceType = audienceType
        self.iabCode = iabCode
        self.keywords = keywords
        self.internalDescription = internalDescription
        self.engineVersion = engineVersion
        self.externalId = externalId
        self.source = source
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case topicName = "topic_name"
        case parentCategory = "parent_category"
        case taxonomyType = "taxonomy_type"
        case subcategory
        case segmentType = "segment_type"
        case audienceType = "audience_type"
        case iabCode = "iab_code"
        case keywords
        case internalDescription = "internal_description"
        case engineVersion = "engine_version"
        case externalId = "external_id"
        case source
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        // Explicit nulls: the seed shows every field, set or not.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.topicName, forKey: .topicName)
        try container.encode(self.parentCategory, forKey: .parentCategory)
        try container.encode(self.taxonomyType, forKey: .taxonomyType)
        try container.encode(self.subcategory, forKey: .subcategory)
        try container.encode(self.segmentType, forKey: .segmentType)
        try container.encode(self.audienceType, forKey: .audienceType)
        try container.encode(self.iabCode, forKey: .iabCode)
        try container.encode(self.keywords, forKey: .keywords)
        try container.encode(self.internalDescription, forKey: .internalDescription)
        try container.encode(self.engineVersion, forKey: .engineVersion)
        try container.encode(self.externalId, forKey: .externalId)
        try container.encode(self.source, forKey: .source)
        try container.encode(self.createdAt, forKey: .createdAt)
        try container.encode(self.updatedAt, forKey: .updatedAt)
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
