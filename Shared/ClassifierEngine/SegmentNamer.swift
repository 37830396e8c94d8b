import Foundation
import SharedModels

/// Fills a classification's DSP names and descriptions from the built-in templates, and `platform_outputs` from
/// custom ones.
package struct SegmentNamer: Sendable {
    /// How platforms abbreviate common subcategories in segment paths.
    static let abbreviations: [String: String] = [
        "electric vehicles": "EV", "sport utility vehicles": "SUV", "suvs": "SUV", "small business": "SMB", "human resources": "HR",
        "information technology": "IT", "artificial intelligence": "AI", "hybrid vehicles": "Hybrid", "consumer packaged goods": "CPG",
        "quick service restaurants": "QSR",
    ]

    package var custom: [OutputTemplate] = []

    package init(custom: [OutputTemplate] = []) {
        self.custom = custom
    }

    package func fill(_ classification: inout Classification, description: String?) {
        let fields = Self.fields(classification)
        classification.segmentNameTradedesk = OutputTemplate.tradedesk.renderName(fields)
        classification.segmentNameLiveramp = OutputTemplate.liveramp.renderName(fields)
        classification.segmentNameInternal = OutputTemplate.internalNames.renderName(fields)
        classification.segmentDescTradedesk = OutputTemplate.tradedesk.renderDescription(fields)
        classification.segmentDescLiveramp = OutputTemplate.liveramp.renderDescription(fields)
        if let description, !description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            classification.internalDescription = description
        } else {
            classification.internalDescription = OutputTemplate.internalNames.renderDescription(fields)
        }
        self.fillPlatformOutputs(&classification)
    }

    /// Names from the custom templates, into `platform_outputs[key]`.
    package func fillPlatformOutputs(_ classification: inout Classification) {
        let fields = Self.fields(classification)
        for template in self.custom {
            classification.platformOutputs[template.key] = template.renderName(fields)
        }
    }

    static func fields(_ classification: Classification) -> [String: String] {
        var fields = classification.templateFields
        let subcategory = classification.subcategory ?? ""
        fields["subcategory_short"] = Self.abbreviations[subcategory.lowercased()] ?? subcategory
        return fields
    }
}
