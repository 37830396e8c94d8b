import Foundation
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// Re-runs the classifier on library topics (this org's copies only) and records what changed.
struct Reclassifier: Sendable {
    static let rulesLimit = 500
    static let llmLimit = 100
    /// The library columns a classification sets, by the classification's JSON keys (the same names).
    static let fields = [
        "taxonomy_type", "parent_category", "subcategory", "subcategory_l1", "subcategory_l2", "subcategory_l3", "subcategory_l4",
        "segment_type", "audience_type", "iab_code", "keywords", "sensitivity", "intensity", "buyer_journey", "segment_name_tradedesk",
        "segment_name_liveramp", "segment_name_internal", "segment_desc_liveramp", "segment_desc_tradedesk", "internal_description",
        "platform_outputs", "engine_version", "confidence",
    ]

    struct Outcome: Sendable {
        var id: String
        var result: ClassifierClient.Outcome
    }

    let client: PostgresClient
    let classifier: ClassifierClient

    /// One outcome per id found in the library, in the order given; ids not in the library are missing.
    func reclassify(ids: [String], llm: Bool, orgID: OrgID, context: CallContext, logger: Logger) async throws -> [Outcome] {
        let rows = try await self.client.query(
            """
            SELECT id, topic_name, description FROM org_topics WHERE org_id = \(orgID.rawValue) AND id = ANY(\(ids))
            """,
            logger: logger
        )
        var topics: [String: ClassifyItem] = [:]
        for try await (id, name, description) in rows.decode((String, String, String?).self) {
            topics[id] = ClassifyItem(topicName: name, description: description)
        }
        let found = ids.filter { topics[$0] != nil }
        guard !found.isEmpty else { return [] }
        let results = try await self.classifier.classify(found.compactMap { topics[$0] }, llm: llm, context: context, logger: logger)
        let outcomes = zip(found, results).map { Outcome(id: $0, result: $1) }
        try await self.client.withTransaction(logger: logger) { connection in
            var history: [HistoryEntry] = []
            for outcome in outcomes {
                guard case .classified(let classification) = outcome.result else { continue }
                let json = String(decoding: try JSONCoding.encoder.encode(classification), as: UTF8.self)
                let before = try await connection.query(
                    "SELECT to_jsonb(o)::text FROM org_topics o WHERE o.id = \(outcome.id) AND o.org_id = \(orgID.rawValue) FOR UPDATE",
                    logger: logger
                )
                var previous: [String: JSONValue] = [:]
                for try await text in before.decode(String.self) {
                    if case .object(let row) = try JSONCoding.decoder.decode(JSONValue.self, from: Data(text.utf8)) { previous = row }
                }
                guard case .object(let new) = try JSONCoding.decoder.decode(JSONValue.self, from: Data(json.utf8)) else { continue }
                let changed = Self.fields.filter { (previous[$0] ?? .null) != (new[$0] ?? .null) }
                guard !changed.isEmpty else { continue }
                try await connection.query(
                    """
                    UPDATE org_topics o SET (\(unescaped: TopicJSON.classificationColumns), updated_at) = (
                        SELECT \(unescaped: TopicJSON.classificationValues), now() FROM (SELECT \(json)::jsonb AS c) AS classification
                    )
                    WHERE o.id = \(outcome.id) AND o.org_id = \(orgID.rawValue)
                    """,
                    logger: logger
                )
                history.append(
                    HistoryEntry(
                        topicID: outcome.id, changeType: "reclassified",
                        previous: Dictionary(uniqueKeysWithValues: changed.map { ($0, previous[$0] ?? .null) }),
                        new: Dictionary(uniqueKeysWithValues: changed.map { ($0, new[$0] ?? .null) }),
                        source: llm ? "reclassify:llm" : "reclassify:rules",
                        metadata: ["llm": .bool(llm), "fallback": .bool(classification.fallback)]
                    )
                )
            }
            try await HistoryEntry.insert(history, orgID: orgID, actor: context.caller?.actorID, on: connection, logger: logger)
        }
        return outcomes
    }
}
