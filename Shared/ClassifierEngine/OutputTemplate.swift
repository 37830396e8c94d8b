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
    /// Classification fields joined into the segment name, in order; empty ones are skipped.
    /// `subcategory_short` is the subcategory as platforms abbreviate it (Electric Vehicles → EV).
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
    package static let fields: Set<String> = [
        "topic_name", "taxonomy_type", "parent_category", "subcategory", "subcategory_short", "subcategory_l1", "subcategory_l2",
        "subcategory_l3", "subcategory_l4", "segment_type", "audience_type", "iab_code", "keywords", "intensity", "buyer_journey",
    ]

    package func renderName(_ fields: [String: String]) -> String {
        let parts = self.pathFields.compactMap { fields[$0] }.filter { !$0.isEmpty }.map { self.apply($0) }.filter { !$0.isEmpty }
        var deduplicated: [String] = []
        for part in parts where deduplicated.last != part { deduplicated.append(part) }
        return Self.limit(deduplicated.joined(separator: self.separator), self.maxLength)
    }

    package func renderDescription(_ fields: [String: String]) -> String {
        // One pass over the template's bytes: each {{field}} is looked up, unknown ones are kept as written.
        let bytes = Array(self.descriptionTemplate.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 64)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "{"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{"),
                let close = Self.closing(bytes, from: index + 2)
            {
                let name = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
                output.append(contentsOf: (fields[name] ?? "{{\(name)}}").utf8)
                index = close + 2
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return Self.limit(String(decoding: output, as: UTF8.self), 1000)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value)
    }

    /// The index of the `}}` that closes a placeholder opened before `start`.
    private static func closing(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "}") && bytes[index + 1] == UInt8(ascii: "}") { return index }
            index += 1
        }
        return nil
    }

    private func apply(_ text: String) -> String {
        switch self.characterRule {
        case .keep:
            guard text.unicodeScalars.contains(where: Self.isControl) else { return text }
            return String(String.UnicodeScalarView(text.unicodeScalars.filter { !Self.isControl($0) }))
        case .underscore:
            // Words keep their own case ("EV" stays "EV"); each starts with a capital.
            let words = text.split { !($0.isLetter || $0.isNumber) || !$0.isASCII }
            return words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "_")
        }
    }

    private static func limit(_ text: String, _ maxLength: Int) -> String {
        text.count <= maxLength ? text : String(text.prefix(maxLength)).trimmingCharacters(in: .whitespaces)
    }
}

