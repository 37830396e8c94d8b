import Foundation
import SharedModels

/// How a segment's name and description are written for one platform: path fields joined by a separator,
/// a `{{field}}` description template, a length limit and the platform's character rules.
struct OutputTemplate: Codable, Sendable, Equatable {
    enum CharacterRule: String, Codable, CaseIterable, Sendable {
        /// Printable characters kept as they are.
        case keep
        /// Letters and digits only, every other run of characters one `_` (LiveRamp).
        case underscore
    }

    var key: String
    var name: String
    /// Classification fields joined into the segment name, in order; empty ones are skipped.
    /// `subcategory_short` is the subcategory as platforms abbreviate it (Electric Vehicles → EV).
    var pathFields: [String]
    var separator: String
    var descriptionTemplate: String
    var maxLength: Int
    var characterRule: CharacterRule

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
    static let builtIns = [Self.tradedesk, Self.liveramp, Self.internalNames]

    /// Placeholders a template may use.
    static let fields: Set<String> = [
        "topic_name", "taxonomy_type", "parent_category", "subcategory", "subcategory_short", "subcategory_l1", "subcategory_l2",
        "subcategory_l3", "subcategory_l4", "segment_type", "audience_type", "iab_code", "keywords", "intensity", "buyer_journey",
    ]

    func renderName(_ fields: [String: String]) -> String {
        let parts = self.pathFields.compactMap { fields[$0] }.filter { !$0.isEmpty }.map { self.apply($0) }.filter { !$0.isEmpty }
        var deduplicated: [String] = []
        for part in parts where deduplicated.last != part { deduplicated.append(part) }
        return Self.limit(deduplicated.joined(separator: self.separator), self.maxLength)
    }

    func renderDescription(_ fields: [String: String]) -> String {
        var text = self.descriptionTemplate
        for (field, value) in fields { text = text.replacingOccurrences(of: "{{\(field)}}", with: value) }
        return Self.limit(text, 1000)
    }

    private func apply(_ text: String) -> String {
        switch self.characterRule {
        case .keep:
            return String(text.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.map(Character.init))
        case .underscore:
            return TextNormalizer.tokens(text).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "_")
        }
    }

    private static func limit(_ text: String, _ maxLength: Int) -> String {
        text.count <= maxLength ? text : String(text.prefix(maxLength)).trimmingCharacters(in: .whitespaces)
    }
}

