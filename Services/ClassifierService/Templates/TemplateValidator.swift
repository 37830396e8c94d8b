import ClassifierEngine
import Foundation
import ServiceKit
import SharedModels

/// A template body, checked field by field: known placeholders only, sane lengths, a free key.
enum TemplateValidator {
    static let allowedKeys: Set<String> = ["key", "name", "path_fields", "separator", "description_template", "max_length", "character_rule"]

    /// Applies `body` over `base` (a PATCH) or alone (a create, where every field but the optional ones is required).
    static func template(from body: [String: JSONValue], over base: OutputTemplate?) throws -> OutputTemplate {
        var problems: [(String, String)] = []
        for key in body.keys.sorted() where !Self.allowedKeys.contains(key) { problems.append((key, "unknown field")) }
        func string(_ key: String, max: Int) -> String? {
            guard let value = body[key] else { return nil }
            guard case .string(let text) = value, !text.isEmpty, text.count <= max else {
                problems.append((key, "must be a string of 1 to \(max) characters"))
                return nil
            }
            return text
        }
        let key = base?.key ?? string("key", max: 64) ?? ""
        if base == nil {
            if body["key"] == nil { problems.append(("key", "is required")) }
            if !key.isEmpty && !key.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }) {
                problems.append(("key", "may contain only a-z, 0-9, _ and -"))
            }
            if OutputTemplate.builtIns.contains(where: { $0.key == key }) { problems.append(("key", "\(key) is a built-in template")) }
        } else if body["key"] != nil {
            problems.append(("key", "cannot be changed"))
        }
        var fields = base?.pathFields ?? []
        if let value = body["path_fields"] {
            if case .array(let items) = value, !items.isEmpty, items.count <= 8 {
                fields = items.compactMap { if case .string(let field) = $0 { field } else { nil } }
                let unknown = fields.filter { !OutputTemplate.fields.contains($0) }
                if fields.count != items.count || !unknown.isEmpty {
                    problems.append(("path_fields", "must list 1 to 8 of: \(OutputTemplate.fields.sorted().joined(separator: ", "))"))
                }
            } else {
                problems.append(("path_fields", "must be a list of 1 to 8 field names"))
            }
        } else if base == nil {
            problems.append(("path_fields", "is required"))
        }
        let description = string("description_template", max: 1000) ?? base?.descriptionTemplate ?? "{{topic_name}}"
        let placeholders = description.components(separatedBy: "{{").dropFirst().compactMap { $0.components(separatedBy: "}}").first }
        for placeholder in placeholders where !OutputTemplate.fields.contains(placeholder) {
            problems.append(("description_template", "{{\(placeholder)}} is not a field"))
        }
        var maxLength = base?.maxLength ?? 255
        if let value = body["max_length"] {
            if case .number(let number) = value, number == number.rounded(), (1...1000).contains(number) { maxLength = Int(number) } else {
                problems.append(("max_length", "must be a whole number from 1 to 1000"))
            }
        }
        var rule = base?.characterRule ?? .keep
        if let value = body["character_rule"] {
            if case .string(let raw) = value, let parsed = OutputTemplate.CharacterRule(rawValue: raw) { rule = parsed } else {
                problems.append(("character_rule", "must be keep or underscore"))
            }
        }
        let name = string("name", max: 100) ?? base?.name ?? key
        let separator = body["separator"] == nil ? (base?.separator ?? " > ") : (string("separator", max: 10) ?? "")
        guard problems.isEmpty else {
            throw AppError.badRequest(
                "invalid_template", "Invalid template: \(problems[0].0) \(problems[0].1).",
                details: .object([
                    "field": .string(problems[0].0),
                    "errors": .array(problems.map { .object(["field": .string($0.0), "reason": .string($0.1)]) }),
                ])
            )
        }
        return OutputTemplate(
            key: key, name: name, pathFields: fields, separator: separator, descriptionTemplate: description, maxLength: maxLength,
            characterRule: rule
        )
    }
}
