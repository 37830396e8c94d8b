import SharedModels

/// A classification field a template may use, as `{{name}}` or in `path_fields`.
package enum TemplateField: String, CaseIterable, Sendable {
    case topicName = "topic_name", taxonomyType = "taxonomy_type", parentCategory = "parent_category", subcategory
    /// The subcategory as platforms abbreviate it in paths (Electric Vehicles → EV).
    case subcategoryShort = "subcategory_short"
    case subcategoryL1 = "subcategory_l1", subcategoryL2 = "subcategory_l2", subcategoryL3 = "subcategory_l3"
    case subcategoryL4 = "subcategory_l4", segmentType = "segment_type", audienceType = "audience_type", iabCode = "iab_code"
    case keywords, intensity, buyerJourney = "buyer_journey"

    /// How platforms abbreviate common subcategories in segment paths, by their names in the taxonomy.
    static let abbreviations: [String: String] = [
        "Electric Vehicles": "EV", "Sport Utility Vehicles": "SUV", "SUVs": "SUV", "Small Business": "SMB", "Human Resources": "HR",
        "Information Technology": "IT", "Artificial Intelligence": "AI", "Hybrid Vehicles": "Hybrid", "Consumer Packaged Goods": "CPG",
        "Quick Service Restaurants": "QSR",
    ]

    /// The field's value; absent levels are empty.
    func value(in classification: Classification) -> String {
        switch self {
        case .topicName: classification.topicName
        case .taxonomyType: classification.taxonomyType
        case .parentCategory: classification.parentCategory
        case .subcategory: classification.subcategory ?? ""
        case .subcategoryShort:
            classification.subcategory.map { Self.abbreviations[$0] ?? $0 } ?? ""
        case .subcategoryL1: classification.subcategoryL1 ?? ""
        case .subcategoryL2: classification.subcategoryL2 ?? ""
        case .subcategoryL3: classification.subcategoryL3 ?? ""
        case .subcategoryL4: classification.subcategoryL4 ?? ""
        case .segmentType: classification.segmentType
        case .audienceType: classification.audienceType
        case .iabCode: classification.iabCode
        case .keywords: classification.keywords.joined(separator: ", ")
        case .intensity: classification.intensity
        case .buyerJourney: classification.buyerJourney
        }
    }
}
