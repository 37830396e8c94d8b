import Foundation
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// The catalog and the org libraries in the `topics` schema.
struct TopicRepository: Sendable {
    let client: PostgresClient

    enum Saved {
        case created(Topic)
        case alreadyInLibrary(Topic)
    }

    private static let columns = """
        id, topic_name, parent_category, taxonomy_type, subcategory, segment_type, audience_type, iab_code, keywords,
        internal_description, engine_version, external_id, source, created_at, updated_at
        """

    /// Links the org to the global topic of this name, creating that first if nobody has it. The unique
    /// normalised name settles races between concurrent creators: both end on one global topic. (`DO UPDATE`,
    /// not `DO NOTHING`, so the row another transaction just committed is returned rather than invisible.)
    func create(orgID: OrgID, name: String, description: String?, source: String, logger: Logger) async throws -> Saved {
        try await self.client.withTransaction(logger: logger) { connection in
            let normalized = TopicName.normalize(name)
            let globalRows = try await connection.query(
                """
                INSERT INTO global_topics (id, topic_name, normalized_name)
                VALUES (\(GlobalTopicID.generate().rawValue), \(name), \(normalized))
                ON CONFLICT (normalized_name) DO UPDATE SET normalized_name = EXCLUDED.normalized_name
                RETURNING id
                """,
                logger: logger
            )
            var globalID: String?
            for try await id in globalRows.decode(String.self) { globalID = id }
            guard let globalID else { throw RepositoryError.missingRow("global_topics") }

            let inserted = try await connection.query(
                """
                INSERT INTO org_topics (id, org_id, global_topic_id, topic_name, internal_description, source)
                VALUES (\(OrgTopicID.generate().rawValue), \(orgID.rawValue), \(globalID), \(name), \(description), \(source))
                ON CONFLICT (org_id, global_topic_id) DO NOTHING
                RETURNING \(unescaped: Self.columns)
                """,
                logger: logger
            )
            if let topic = try await Self.topics(from: inserted).first { return .created(topic) }
            let existing = try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM org_topics WHERE org_id = \(orgID.rawValue) AND global_topic_id = \(globalID)",
                logger: logger
            )
            guard let topic = try await Self.topics(from: existing).first else { throw RepositoryError.missingRow("org_topics") }
            return .alreadyInLibrary(topic)
        }
    }

    func list(orgID: OrgID, query: TopicQuery, logger: Logger) async throws -> Page<Topic> {
        let pattern = query.search.map { "%\(Self.escapeLike($0))%" }
        let order = query.ascending ? "ASC" : "DESC"
        let countRows = try await self.client.query(
            """
            SELECT count(*) FROM org_topics
            WHERE org_id = \(orgID.rawValue) AND (\(pattern)::text IS NULL OR topic_name ILIKE \(pattern))
            """,
            logger: logger
        )
        var total = 0
        for try await count in countRows.decode(Int.self) { total = count }
        let rows = try await self.client.query(
            """
            SELECT \(unescaped: Self.columns) FROM org_topics
            WHERE org_id = \(orgID.rawValue) AND (\(pattern)::text IS NULL OR topic_name ILIKE \(pattern))
            ORDER BY \(unescaped: query.sortBy.orderExpression) \(unescaped: order), id \(unescaped: order)
            LIMIT \(query.pageSize) OFFSET \((query.page - 1) * query.pageSize)
            """,
            logger: logger
        )
        return Page(data: try await Self.topics(from: rows), total: total, page: query.page, pageSize: query.pageSize)
    }

    private static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    private static func topics(from rows: PostgresRowSequence) async throws -> [Topic] {
        var topics: [Topic] = []
        for try await row in rows {
            let cells = try row.decode(
                (String, String, String?, String?, String?, String?, String?, String?, [String], String?, String?, String?, String?, Date, Date).self
            )
            guard let id = OrgTopicID(rawValue: cells.0) else { throw RepositoryError.corruptRow("org_topics") }
            topics.append(
                Topic(
                    id: id, topicName: cells.1, parentCategory: cells.2, taxonomyType: cells.3, subcategory: cells.4,
                    segmentType: cells.5, audienceType: cells.6, iabCode: cells.7, keywords: cells.8, internalDescription: cells.9,
                    engineVersion: cells.10, externalId: cells.11, source: cells.12, createdAt: cells.13, updatedAt: cells.14
                )
            )
        }
        return topics
    }
}

enum RepositoryError: Error {
    case corruptRow(String)
    case missingRow(String)
}
