import Foundation
import PostgresNIO
import ServiceKit
import SharedModels

/// `GET /api/topics` and export parameters, validated before any SQL is built: columns come from fixed lists,
/// and every value the caller sent reaches Postgres only as a bound parameter.
struct TopicQuery: Sendable {
    enum SortColumn: String, CaseIterable, Sendable {
        case topicName = "topic_name", parentCategory = "parent_category", segmentType = "segment_type"
        case taxonomyType = "taxonomy_type", audienceType = "audience_type", createdAt = "created_at"

        /// Names sort as people read them, whatever their case.
        var orderExpression: String { self == .createdAt ? "o.created_at" : "lower(o.\(self.rawValue))" }
    }

    /// Query parameters that must equal a column.
    static let exactFilters: [(parameter: String, column: String)] = [
        ("taxonomyType", "taxonomy_type"), ("parentCategory", "parent_category"), ("subcategory", "subcategory"),
        ("subcategoryL1", "subcategory_l1"), ("subcategoryL2", "subcategory_l2"), ("subcategoryL3", "subcategory_l3"),
        ("subcategoryL4", "subcategory_l4"), ("segmentType", "segment_type"), ("audienceType", "audience_type"), ("iabCode", "iab_code"),
        ("engineVersion", "engine_version"), ("source", "source"), ("sensitivity", "sensitivity"), ("intensity", "intensity"),
        ("buyerJourney", "buyer_journey"),
    ]
    static let segmentTypes: Set<String> = ["B2B", "B2C", "B2B2C", "B2E", "B2G"]
    static let otherParameters: Set<String> = ["page", "pageSize", "sortBy", "sortOrder", "search", "hasExternalId", "internalId", "format", "full"]

    var page = 1
    var pageSize = 25
    var sortBy = SortColumn.createdAt
    var ascending = false
    var search: String?
    var internalID: String?
    var hasExternalID: Bool?
    var equals: [(column: String, value: String)] = []

    init(parameters: [String: String]) throws {
        let known = Set(Self.exactFilters.map(\.parameter)).union(Self.otherParameters)
        if let unknown = parameters.keys.sorted().first(where: { !known.contains($0) }) {
            throw Self.invalid(unknown, "Unknown parameter \(unknown).")
        }
        if let raw = parameters["page"] {
            guard let page = Int(raw), (1...1_000_000).contains(page) else { throw Self.invalid("page", "page must be a whole number from 1.") }
            self.page = page
        }
        if let raw = parameters["pageSize"] {
            guard let size = Int(raw), (1...100).contains(size) else { throw Self.invalid("pageSize", "pageSize must be from 1 to 100.") }
            self.pageSize = size
        }
        if let raw = parameters["sortBy"] {
            guard let column = SortColumn(rawValue: raw) else {
                throw Self.invalid("sortBy", "sortBy must be one of \(SortColumn.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            self.sortBy = column
        }
        if let raw = parameters["sortOrder"] {
            guard raw == "asc" || raw == "desc" else { throw Self.invalid("sortOrder", "sortOrder must be asc or desc.") }
            self.ascending = raw == "asc"
        }
        if let raw = parameters["hasExternalId"] {
            guard raw == "true" || raw == "false" else { throw Self.invalid("hasExternalId", "hasExternalId must be true or false.") }
            self.hasExternalID = raw == "true"
        }
        self.search = try Self.text(parameters, "search")
        self.internalID = try Self.text(parameters, "internalId")
        for (parameter, column) in Self.exactFilters {
            guard let value = try Self.text(parameters, parameter) else { continue }
            if parameter == "segmentType", !Self.segmentTypes.contains(value) {
                throw Self.invalid(parameter, "segmentType must be one of B2B, B2C, B2B2C, B2E, B2G.")
            }
            self.equals.append((column, value))
        }
    }

    /// The filter as SQL over `org_topics o`, with its bound values (the org first).
    func whereClause(orgID: OrgID) throws -> (sql: String, binds: PostgresBindings) {
        var binds = PostgresBindings()
        binds.append(orgID.rawValue)
        var conditions = ["o.org_id = $1"]
        for (column, value) in self.equals {
            binds.append(value)
            conditions.append("o.\(column) = $\(binds.count)")
        }
        if let pattern = self.searchPattern {
            binds.append(pattern)
            conditions.append("o.topic_name ILIKE $\(binds.count)")
        }
        if let internalID = self.internalID {
            binds.append("%\(Self.escapeLike(internalID))%")
            conditions.append("o.external_id ILIKE $\(binds.count)")
        }
        if let hasExternalID = self.hasExternalID {
            conditions.append(hasExternalID ? "o.external_id IS NOT NULL" : "o.external_id IS NULL")
        }
        return (conditions.joined(separator: " AND "), binds)
    }

    /// The filter alone (not the page or the order), the same for the same filter however it was written.
    var filterKey: String {
        var parts = self.equals.map { "\($0.column)=\($0.value)" }.sorted()
        if let search = self.search { parts.append("search=\(search)") }
        if let internalID = self.internalID { parts.append("internalId=\(internalID)") }
        if let hasExternalID = self.hasExternalID { parts.append("hasExternalId=\(hasExternalID)") }
        // An array's description quotes and escapes each part, so no two filters share a key.
        return "\(parts)"
    }

    var orderBy: String {
        let direction = self.ascending ? "ASC" : "DESC"
        return "\(self.sortBy.orderExpression) \(direction), o.id \(direction)"
    }

    private static func text(_ parameters: [String: String], _ name: String) throws -> String? {
        guard let raw = parameters[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard raw.count <= 200 else { throw Self.invalid(name, "\(name) must be at most 200 characters.") }
        return raw
    }

    /// `search` as an ILIKE pattern that matches it anywhere, its own `%`, `_` and `\` taken literally.
    var searchPattern: String? {
        self.search.map { "%\(Self.escapeLike($0))%" }
    }

    private static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    static func invalid(_ field: String, _ message: String) -> AppError {
        .badRequest("invalid_parameter", message, details: .object(["field": .string(field)]))
    }
}
