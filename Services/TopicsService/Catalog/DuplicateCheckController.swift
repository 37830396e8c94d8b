import Foundation
import Hummingbird
import PostgresNIO
import ServiceKit
import SharedModels

/// `POST /api/topics/check-duplicate`: whether a name is already in the library, before saving it: 0.95 and
/// up blocks, 0.75–0.95 warns. A match in the catalog that the library lacks is named too (it would be adopted).
struct DuplicateCheckController: Sendable {
    let catalog: CatalogIndex
    let client: PostgresClient

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("api/topics/check-duplicate", use: self.check)
    }

    @Sendable func check(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let body = try await request.jsonObject(upTo: 1 << 20)
        guard case .string(let raw)? = body["topic_name"], case .success(let name) = IngestPage.name(raw) else {
            throw AppError.badRequest("invalid_topic_name", "topic_name must have letters or digits and at most \(TopicName.maxLength) characters.")
        }
        let normalized = TopicName.normalize(name)
        let lookup = self.catalog.lookup(normalizedName: normalized, embedding: HashEmbedding.embed(normalized))
        var answer: [String: JSONValue] = ["isDuplicate": false, "confidence": 0, "existingTopic": .null]
        if let match = lookup.same ?? lookup.similar {
            let rows = try await self.client.query(
                """
                SELECT o.id, o.topic_name, g.topic_name FROM global_topics g
                LEFT JOIN org_topics o ON o.global_topic_id = g.id AND o.org_id = \(caller.orgID.rawValue)
                WHERE g.id = \(match.id.rawValue)
                """,
                logger: context.logger
            )
            for try await (topicID, topicName, globalName) in rows.decode((String?, String?, String).self) {
                answer["confidence"] = .number((Double(match.score) * 1000).rounded() / 1000)
                if let topicID, let topicName {
                    answer["isDuplicate"] = .bool(lookup.same != nil)
                    answer["existingTopic"] = ["id": .string(topicID), "topic_name": .string(topicName)]
                } else {
                    answer["catalogTopic"] = ["id": .string(match.id.rawValue), "topic_name": .string(globalName)]
                }
                if lookup.same == nil { answer["warning"] = "similar_topic" }
            }
        }
        return Response.json(String(decoding: try JSONCoding.encoder.encode(JSONValue.object(answer)), as: UTF8.self))
    }
}
