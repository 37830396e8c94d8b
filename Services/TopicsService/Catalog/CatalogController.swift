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

    @Sendable func browse(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let parameters = request.queryDictionary
        if let unknown = parameters.keys.sorted().first(where: { !["page", "pageSize", "search", "parentCategory"].contains($0) }) {
            throw TopicQuery.invalid(unknown, "Unknown parameter \(unknown).")
        }
        let query = try TopicQuery(parameters: parameters.filter { $0.key != "parentCategory" })
        let parent = parameters["parentCategory"]
        let pattern = query.search.map { "%" + $0.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%" }
        let rows = try await self.client.query(
            """
            SELECT json_build_object(
                'id', g.id, 'topic_name', g.topic_name, 'parent_category', g.classification->>'parent_category',
                'taxonomy_type', g.classification->>'taxonomy_type', 'subcategory', g.classification->>'subcategory',
                'segment_type', g.classification->>'segment_type', 'audience_type', g.classification->>'audience_type',
                'iab_code', g.classification->>'iab_code',
                'in_library', EXISTS (SELECT 1 FROM org_topics o WHERE o.global_topic_id = g.id AND o.org_id = \(caller.orgID.rawValue))
            )::text, count(*) OVER ()
            FROM global_topics g
            WHERE (\(pattern)::text IS NULL OR g.topic_name ILIKE \(pattern))
                AND (\(parent)::text IS NULL OR g.classification->>'parent_category' = \(parent))
            ORDER BY lower(g.topic_name), g.id
            LIMIT \(query.pageSize) OFFSET \((query.page - 1) * query.pageSize)
            """,
            logger: context.logger
        )
        var topics: [String] = []
        var total = 0
        for try await (json, count) in rows.decode((String, Int).self) {
            topics.append(json)
            total = count
        }
        let pages = (total + query.pageSize - 1) / query.pageSize
        return Response.json(
            #"{"data":["# + topics.joined(separator: ",") + #"],"total":\#(total),"page":\#(query.page),"pageSize":\#(query.pageSize),"totalPages":\#(pages)}"#
        )
    }

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
