import Foundation
import Hummingbird
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

    /// A page of the catalog in name order (the normalised name), with its exact total, counted in the same snapshot.
    /// Unfiltered, the page is read off the name index. A search or category finds its matches once (through the
    /// trigram index where the search can use it), then counts and sorts them: the work grows with the matches, not
    /// with the catalog. MATERIALIZED keeps the planner from walking the name index and filtering a million rows to
    /// find a rare match; the filters left empty fold away, since Postgres plans the query with its values.
    @Sendable func browse(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let parameters = request.queryDictionary
        if let unknown = parameters.keys.sorted().first(where: { !["page", "pageSize", "search", "parentCategory"].contains($0) }) {
            throw TopicQuery.invalid(unknown, "Unknown parameter \(unknown).")
        }
        let query = try TopicQuery(parameters: parameters.filter { $0.key != "parentCategory" })
        let (pattern, parent) = (query.searchPattern, parameters["parentCategory"])
        let rows = try await self.client.query(
            """
            WITH matches AS \(unescaped: pattern == nil && parent == nil ? "NOT MATERIALIZED" : "MATERIALIZED") (
                SELECT id, normalized_name FROM global_topics g
                WHERE (\(pattern)::text IS NULL OR g.topic_name ILIKE \(pattern))
                    AND (\(parent)::text IS NULL OR g.classification->>'parent_category' = \(parent))
            ),
            page AS (
                SELECT id, normalized_name FROM matches ORDER BY normalized_name
                LIMIT \(query.pageSize) OFFSET \((query.page - 1) * query.pageSize)
            )
            SELECT (SELECT count(*) FROM matches), entry.json
            FROM (SELECT \(caller.orgID.rawValue)::text AS org_id) caller
            LEFT JOIN LATERAL (
                SELECT \(unescaped: Self.entryJSON) AS json, page.normalized_name FROM page JOIN global_topics g ON g.id = page.id
            ) entry ON true
            ORDER BY entry.normalized_name
            """,
            logger: context.logger
        )
        // One row a topic, each with the total; a page past the end is one row with the total and no topic.
        var topics: [String] = []
        var total = 0
        for try await (count, json) in rows.decode((Int, String?).self) {
            total = count
            if let json { topics.append(json) }
        }
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
