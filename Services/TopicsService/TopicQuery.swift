import Foundation
import ServiceKit
import SharedModels

/// `GET /api/topics` parameters, validated before any SQL is built: only known columns are ever sorted on.
struct TopicQuery: Sendable {
    enum SortColumn: String, CaseIterable, Sendable {
        case topicName = "topic_name", parentCategory = "parent_category", segmentType = "segment_type"
        case taxonomyType = "taxonomy_type", audienceType = "audience_type", createdAt = "created_at"

        /// Names sort as people read them, whatever their case.
        var orderExpression: String { self == .createdAt ? self.rawValue : "lower(\(self.rawValue))" }
    }

    var page = 1
    var pageSize = 25
    var sortBy = SortColumn.createdAt
    var ascending = false
    var search: String?

    init(parameters: [String: String]) throws {
        if let raw = parameters["page"] {
            guard let page = Int(raw), page >= 1 else { throw Self.invalid("page", "page must be a whole number from 1.") }
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
        if let raw = parameters["search"]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            self.search = String(raw.prefix(200))
        }
    }

    private static func invalid(_ field: String, _ message: String) -> AppError {
        .badRequest("invalid_parameter", message, details: .object(["field": .string(field)]))
    }
}
