import Foundation
import SharedModels

/// Fills a classification's DSP names and descriptions from the built-in templates, and `platform_outputs` from
/// custom ones.
package struct SegmentNamer: Sendable {
    static let tradedesk = TemplateRenderer(.tradedesk)
    static let liveramp = TemplateRenderer(.liveramp)
    static let internalNames = TemplateRenderer(.internalNames)

    private let custom: [TemplateRenderer]

    package init(custom: [OutputTemplate] = []) {
        self.custom = custom.map(TemplateRenderer.init)
    }

    package func fill(_ classification: inout Classification, description: String?) {
        classification.segmentNameTradedesk = Self.tradedesk.name(classification)
        classification.segmentNameLiveramp = Self.liveramp.name(classification)
        classification.segmentNameInternal = Self.internalNames.name(classification)
        classification.segmentDescTradedesk = Self.tradedesk.description(classification)
        classification.segmentDescLiveramp = Self.liveramp.description(classification)
        if let description, !description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            classification.internalDescription = description
        } else {
            classification.internalDescription = Self.internalNames.description(classification)
        }
        self.fillPlatformOutputs(&classification)
    }

    /// A segment's name and description under one template, as a push sends them.
    package static func render(_ template: OutputTemplate, _ classification: Classification) -> (name: String, description: String) {
        let renderer = TemplateRenderer(template)
        return (renderer.name(classification), renderer.description(classification))
    }

    /// Names from the custom templates, into `platform_outputs[key]`.
    package func fillPlatformOutputs(_ classification: inout Classification) {
        for renderer in self.custom {
            classification.platformOutputs[renderer.template.key] = renderer.name(classification)
        }
    }
}
