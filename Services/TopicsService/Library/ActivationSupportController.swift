import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// Internal routes for activation-service: the library topics a push names, as classifications the output templates
/// can render (`POST /internal/topics/lookup`), and the `activated`/`deactivated` entries of their history
/// (`POST /internal/topics/history`).
struct ActivationSupportController: Sendable {
    static let maxIDs = 10_000

    struct HistoryRequest: Decodable {
        struct Change: Decodable {
            var topicID: String
            var changeType: String
            var values: [String: JSONValue]

            enum CodingKeys: String, CodingKey {
                case topicID = "topic_id", changeType = "change_type", values
            }
        }

        var changes: [Change]
    }

    let client: PostgresClient

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("internal/topics/lookup", use: self.lookup)
        router.post("internal/topics/history", use: self.history)
    }

    /// `{ids}` → `{data: [{id, engine_version, classification}]}` for the ids in the caller's library; others are left out.
    @Sendable func lookup(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let body = try await request.jsonObject(upTo: 4 << 20)
        guard case .array(let values)? = body["ids"], values.count <= Self.maxIDs else {
            throw AppError.badRequest("invalid_ids", "ids must be a list of at most \(Self.maxIDs) topic ids.")
        }
        let ids = values.compactMap { value -> String? in if case .string(let id) = value { id } else { nil } }
        let rows = try await self.client.query(
            """
            SELECT COALESCE(json_agg(json_build_object(
                'id', o.id, 'engine_version', COALESCE(o.engine_version, ''), 'classification', \(unescaped: Self.classification)
            )), '[]')::text
            FROM org_topics o WHERE o.org_id = \(caller.orgID.rawValue) AND o.id = ANY(\(ids))
            """,
            logger: context.logger
        )
        var topics = "[]"
        for try await text in rows.decode(String.self) { topics = text }
        return Response.json(#"{"data":\#(topics)}"#)
    }

    /// Records each change in the topic's history; topics no longer in the library are skipped.
    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> [String: Int] {
        let caller = try context.requireCaller()
        let body = try await request.decodeJSON(HistoryRequest.self, upTo: 16 << 20)
        let entries = body.changes.filter { ["activated", "deactivated"].contains($0.changeType) }.map { change in
            HistoryEntry(topicID: change.topicID, changeType: change.changeType, new: change.values, source: "activation")
        }
        let recorded = try await self.client.withTransaction(logger: context.logger) { connection in
            let rows = try await connection.query(
                "SELECT id FROM org_topics WHERE org_id = \(caller.orgID.rawValue) AND id = ANY(\(entries.map(\.topicID)))", logger: context.logger
            )
            var present = Set<String>()
            for try await id in rows.decode(String.self) { present.insert(id) }
            let kept = entries.filter { present.contains($0.topicID) }
            try await HistoryEntry.insert(kept, orgID: caller.orgID, actor: caller.actorID, on: connection, logger: context.logger)
            return kept.count
        }
        return ["recorded": recorded]
    }

    /// A library row `o` as a complete classification: the output templates need every field, so NULLs become "".
    static let classification = """
        json_build_object(
            'topic_name', o.topic_name, 'taxonomy_type', COALESCE(o.taxonomy_type, ''), 'parent_category', COALESCE(o.parent_category, ''),
            'subcategory', o.subcategory, 'subcategory_l1', o.subcategory_l1, 'subcategory_l2', o.subcategory_l2,
            'subcategory_l3', o.subcategory_l3, 'subcategory_l4', o.subcategory_l4, 'segment_type', COALESCE(o.segment_type, ''),
            'audience_type', COALESCE(o.audience_type, ''), 'iab_code', COALESCE(o.iab_code, ''), 'keywords', COALESCE(o.keywords, '{}'),
            'sensitivity', COALESCE(o.sensitivity, ''), 'intensity', COALESCE(o.intensity, ''), 'buyer_journey', COALESCE(o.buyer_journey, ''),
            'segment_name_tradedesk', COALESCE(o.segment_name_tradedesk, ''), 'segment_name_liveramp', COALESCE(o.segment_name_liveramp, ''),
            'segment_name_internal', COALESCE(o.segment_name_internal, ''), 'segment_desc_liveramp', COALESCE(o.segment_desc_liveramp, ''),
            'segment_desc_tradedesk', COALESCE(o.segment_desc_tradedesk, ''), 'internal_description', COALESCE(o.internal_description, ''),
            'platform_outputs', o.platform_outputs, 'engine_version', COALESCE(o.engine_version, ''), 'confidence', COALESCE(o.confidence, 0),
            'llm', false, 'fallback', false
        )
        """
}
