import Foundation
import SharedModels

/// How a segment's name and description are written for one platform: path fields joined by a separator,
/// a `{{field}}` description template, a length limit and the platform's character rules.
package struct OutputTemplate: Codable, Sendable, Equatable {
    package enum CharacterRule: String, Codable, CaseIterable, Sendable {
        /// Printable characters kept as they are.
        case keep
        /// Letters and digits only, every other run of characters one `_` (LiveRamp).
        case underscore
    }

    package var key: String
    package var name: String
    /// Classification fields (`TemplateField`) joined into the segment name, in order; empty ones are skipped.
    package var pathFields: [String]
    package var separator: String
    package var descriptionTemplate: String
    package var maxLength: Int
    package var characterRule: CharacterRule

    enum CodingKeys: String, CodingKey {
        case key, name, pathFields = "path_fields", separator, descriptionTemplate = "description_template"
        case maxLength = "max_length", characterRule = "character_rule"
    }

    static let tradedesk = OutputTemplate(
        key: "tradedesk", name: "The Trade Desk", pathFields: ["parent_category", "subcategory_short", "topic_name"], separator: " > ",
        descriptionTemplate: "{{topic_name}}: {{audience_type}} in {{parent_category}}", maxLength: 255, characterRule: .keep
    )
    static let liveramp = OutputTemplate(
        key: "liveramp", name: "LiveRamp", pathFields: ["parent_category", "subcategory_short", "topic_name"], separator: "_",
        descriptionTemplate: "{{audience_type}} audience for {{topic_name}}, classified as {{taxonomy_type}} > {{parent_category}} ({{segment_type}}).",
        maxLength: 255, characterRule: .underscore
    )
    static let internalNames = OutputTemplate(
        key: "internal", name: "Internal", pathFields: ["topic_name"], separator: " ",
        descriptionTemplate: "Audience segment of {{audience_type}} for {{topic_name}} ({{taxonomy_type}} > {{parent_category}}; IAB {{iab_code}}).",
        maxLength: 500, characterRule: .keep
    )
    package static let builtIns = [Self.tradedesk, Self.liveramp, Self.internalNames]

    package init(
        key: String, name: String, pathFields: [String], separator: String, descriptionTemplate: String, maxLength: Int,
        characterRule: CharacterRule
    ) {
        self.key = key
        self.name = name
        self.pathFields = pathFields
        self.separator = separator
        self.descriptionTemplate = descriptionTemplate
        self.maxLength = maxLength
        self.characterRule = characterRule
    }

    /// Placeholders a template may use.
    package static let fields = Set(TemplateField.allCases.map(\.rawValue))
}
