import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// The global catalog, for browsing (`GET /api/catalog`) and adding to the library (`POST /api/catalog/:id/add`).
/// It shows only what every org shares: names and canonical classifications, never another org's data.
struct CatalogController: Sendable {
    let client: PostgresClient
    let ingester: Ingester
    let library: LibraryRepository

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("api/catalog", use: self.browse)
        router.post("api/catalog/{id}/add", use: self.add)
    }

    /// A page of the catalog in name order (the normalised name), with its exact total.
    @Sendable func browse(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let parameters = request.queryDictionary
        if let unknown = parameters.keys.sorted().first(where: { !["page", "pageSize", "search", "parentCategory"].contains($0) }) {
            throw TopicQuery.invalid(unknown, "Unknown parameter \(unknown).")
        }
        let query = try TopicQuery(parameters: parameters.filter { $0.key != "parentCategory" })
        let parent = parameters["parentCategory"]
        let (topics, total) =
            query.searchPattern == nil && parent == nil
            ? try await self.all(query, orgID: caller.orgID, logger: context.logger)
            : try await self.matching(query, parent: parent, orgID: caller.orgID, logger: context.logger)
        return Self.page(topics, total: total, query: query)
    }

    /// The whole catalog's page, read off the name index, and its count, in one snapshot.
    private func all(_ query: TopicQuery, orgID: OrgID, logger: Logger) async throws -> ([String], Int) {
        try await Self.decode(
            self.client.query(
                """
                WITH page AS (
                    SELECT id, normalized_name FROM global_topics ORDER BY normalized_name
                    LIMIT \(query.pageSize) OFFSET \((query.page - 1) * query.pageSize)
                )
                SELECT (SELECT count(*) FROM global_topics), entry.json
                FROM (SELECT \(orgID.rawValue)::text AS org_id) caller
                LEFT JOIN LATERAL (
                    SELECT \(unescaped: Self.entryJSON) AS json, page.normalized_name FROM page JOIN global_topics g ON g.id = page.id
                ) entry ON true
                ORDER BY entry.normalized_name
                """,
                logger: logger
            )
        )
    }

    /// The page and count of a search or category: the matches are found once (through the trigram index where the
    /// search can use it), then counted and sorted, so the work grows with the matches, not with the catalog.
    /// MATERIALIZED keeps the planner from walking the name index and filtering a million rows to find a rare match.
    private func matching(_ query: TopicQuery, parent: String?, orgID: OrgID, logger: Logger) async throws -> ([String], Int) {
        try await Self.decode(
            self.client.query(
                """
                WITH matches AS MATERIALIZED (
                    SELECT id, normalized_name FROM global_topics g
                    WHERE (\(query.searchPattern)::text IS NULL OR g.topic_name ILIKE \(query.searchPattern))
                        AND (\(parent)::text IS NULL OR g.classification->>'parent_category' = \(parent))
                ),
                page AS (
                    SELECT id, normalized_name FROM matches ORDER BY normalized_name
                    LIMIT \(query.pageSize) OFFSET \((query.page - 1) * query.pageSize)
                )
                SELECT (SELECT count(*) FROM matches), entry.json
                FROM (SELECT \(orgID.rawValue)::text AS org_id) caller
                LEFT JOIN LATERAL (
                    SELECT \(unescaped: Self.entryJSON) AS json, page.normalized_name FROM page JOIN global_topics g ON g.id = page.id
                ) entry ON true
                ORDER BY entry.normalized_name
                """,
                logger: logger
            )
        )
    }

    /// The rows of `all` and `matching`: the total on each, and the page's topics (none, on a page past the end).
    private static func decode(_ rows: PostgresRowSequence) async throws -> ([String], Int) {
        var topics: [String] = []
        var total = 0
        for try await (count, json) in rows.decode((Int, String?).self) {
            total = count
            if let json { topics.append(json) }
        }
        return (topics, total)
    }

    private static func page(_ topics: [String], total: Int, query: TopicQuery) -> Response {
        let pages = (total + query.pageSize - 1) / query.pageSize
        return Response.json(
            #"{"data":["# + topics.joined(separator: ",") + #"],"total":\#(total),"page":\#(query.page),"pageSize":\#(query.pageSize),"totalPages":\#(pages)}"#
        )
    }

    /// A catalog topic (`g`) as the browse route's JSON, with whether the asking org (`caller.org_id`) has it.
    private static let entryJSON = """
        json_build_object(
            'id', g.id, 'topic_name', g.topic_name, 'parent_category', g.classification->>'parent_category',
            'taxonomy_type', g.classification->>'taxonomy_type', 'subcategory', g.classification->>'subcategory',
            'segment_type', g.classification->>'segment_type', 'audience_type', g.classification->>'audience_type',
            'iab_code', g.classification->>'iab_code',
            'in_library', EXISTS (SELECT 1 FROM org_topics o WHERE o.global_topic_id = g.id AND o.org_id = caller.org_id)
        )::text
        """

    /// Links a catalog topic to the library with its canonical classification: 201, or 409 when it is there already.
    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try context.parameters.require("id")
        let rows = try await self.client.query("SELECT topic_name FROM global_topics WHERE id = \(id)", logger: context.logger)
        var name: String?
        for try await found in rows.decode(String.self) { name = found }
        guard let name else { throw AppError.notFound("catalog_topic_not_found", "No such topic in the catalog.") }
        let page = IngestPage(key: nil, llm: false, source: "catalog", changeType: "created", records: [IngestPage.record(.object(["topic_name": .string(name)]))])
        let result = try await self.ingester.ingest(page, orgID: caller.orgID, context: context.callContext, logger: context.logger)
        guard let outcome = result.outcomes.first, let topicID = outcome.topicID?.rawValue else {
            throw AppError.badRequest("catalog_add_failed", result.outcomes.first?.reason ?? "The topic could not be added.")
        }
        guard outcome.outcome != .duplicate else {
            throw AppError.conflict(
                "duplicate_topic", "This topic is already in your library.", details: ["existingTopic": ["id": .string(topicID), "topic_name": .string(name)]]
            )
        }
        let topic = try await self.library.get(orgID: caller.orgID, id: topicID, on: self.client, logger: context.logger) ?? "{}"
        return Response.json(topic, status: .created)
    }
}
