/// `Taxonomy/taxonomy.json` as written by `scripts/build-lexicon`: the data the rules engine is made of.
package struct TaxonomyFile: Decodable, Sendable {
    struct Group: Decodable, Sendable {
        var name: String
        var parents: [Parent]
    }

    struct Parent: Decodable, Sendable {
        var name: String
        var iabCode: String
        var defaultSegmentType: String
        var keywords: [String: Double]
        var brands: [String]
        var subcategories: [Node]

        enum CodingKeys: String, CodingKey {
            case name, iabCode = "iab_code", defaultSegmentType = "default_segment_type", keywords, brands, subcategories
        }
    }

    struct Node: Decodable, Sendable {
        var name: String
        var iabCode: String
        var keywords: [String: Double]
        var brands: [String]
        var children: [Node]

        enum CodingKeys: String, CodingKey {
            case name, iabCode = "iab_code", keywords, brands, children
        }
    }

    package struct AudienceType: Decodable, Sendable {
        package var name: String
        var cues: [String: Double]
        package var intensity: String
        package var buyerJourney: String

        enum CodingKeys: String, CodingKey {
            case name, cues, intensity, buyerJourney = "buyer_journey"
        }
    }

    struct SegmentType: Decodable, Sendable {
        var name: String
        var cues: [String: Double]
    }

    struct Sensitivity: Decodable, Sendable {
        var flag: String
        var cues: [String: Double]
    }

    var version: String
    var attribution: String
    var groups: [Group]
    var audienceTypes: [AudienceType]
    var segmentTypes: [SegmentType]
    var sensitivity: [Sensitivity]
    var intensityLevels: [String]
    var buyerJourneyStages: [String]

    enum CodingKeys: String, CodingKey {
        case version, attribution, groups, audienceTypes = "audience_types", segmentTypes = "segment_types", sensitivity
        case intensityLevels = "intensity_levels", buyerJourneyStages = "buyer_journey_stages"
    }
}
