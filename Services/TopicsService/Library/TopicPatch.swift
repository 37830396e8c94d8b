import ServiceKit
import SharedModels

/// The fields `PATCH /api/topics/:id` may set, checked: a string field takes a string (or null where the
/// column may be empty), keywords a list of strings, segment_type one of the five types.
enum TopicPatch {
    static let nullable: Set<String> = [
        "parent_category", "taxonomy_type", "subcategory", "audience_type", "iab_code", "internal_description", "external_id",
    ]
    static let allowed = nullable.union(["topic_name", "segment_type", "keywords"])

    static func fields(_ body: [String: JSONValue], taxonomy: TaxonomyNames) throws -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        for (key, value) in body {
            guard Self.allowed.contains(key) else { throw Self.invalid(key, "\(key) cannot be updated.") }
            switch (key, value) {
            case ("topic_name", .string(let raw)):
                guard case .success(let name) = IngestPage.name(raw) else { throw Self.invalid(key, "topic_name must have letters or digits and at most \(TopicName.maxLength) characters.") }
                fields[key] = .string(name)
            case ("segment_type", .string(let type)):
                guard TopicQuery.segmentTypes.contains(type) else { throw Self.invalid(key, "segment_type must be one of B2B, B2C, B2B2C, B2E, B2G.") }
                fields[key] = value
            case ("keywords", .array(let items)):
                guard items.count <= 50, items.allSatisfy({ if case .string(let word) = $0 { word.count <= 200 } else { false } }) else {
                    throw Self.invalid(key, "keywords must be a list of at most 50 strings.")
                }
                fields[key] = value
            case (_, .string(let text)) where Self.nullable.contains(key):
                guard text.count <= 2000 else { throw Self.invalid(key, "\(key) must be at most 2000 characters.") }
                if let problem = taxonomy.problem(key, text) { throw Self.invalid(key, problem) }
                fields[key] = value
            case (_, .null) where Self.nullable.contains(key):
                fields[key] = .null
            default:
                throw Self.invalid(key, "\(key) has the wrong type.")
            }
        }
        guard !fields.isEmpty else { throw AppError.badRequest("no_valid_fields", "Nothing to update: send at least one of \(Self.allowed.sorted().joined(separator: ", ")).") }
        return fields
    }

    private static func invalid(_ field: String, _ message: String) -> AppError {
        .badRequest("invalid_field", message, details: .object(["field": .string(field)]))
    }
}
