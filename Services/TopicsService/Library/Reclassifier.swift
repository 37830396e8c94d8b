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
            let previous = try await self.lockedRows(found, orgID: orgID, on: connection, logger: logger)
            var updates: [(id: String, classification: String)] = []
            var history: [HistoryEntry] = []
            for outcome in outcomes {
                guard case .classified(let classification) = outcome.result, let before = previous[outcome.id] else { continue }
                let json = String(decoding: try JSONCoding.encoder.encode(classification), as: UTF8.self)
                guard case .object(let new) = try JSONCoding.decoder.decode(JSONValue.self, from: Data(json.utf8)) else { continue }
                let changed = Self.fields.filter { (before[$0] ?? .null) != (new[$0] ?? .null) }
                guard !changed.isEmpty else { continue }
                updates.append((outcome.id, json))
                history.append(
                    HistoryEntry(
                        topicID: outcome.id, changeType: "reclassified",
                        previous: Dictionary(uniqueKeysWithValues: changed.map { ($0, before[$0] ?? .null) }),
                        new: Dictionary(uniqueKeysWithValues: changed.map { ($0, new[$0] ?? .null) }),
                        source: llm ? "reclassify:llm" : "reclassify:rules",
                        metadata: ["llm": .bool(llm), "fallback": .bool(classification.fallback)]
                    )
                )
            }
            if !updates.isEmpty {
                try await connection.query(
                    """
                    UPDATE org_topics o SET (\(unescaped: TopicJSON.classificationColumns), updated_at) = (
                        SELECT \(unescaped: TopicJSON.classificationValues), now()
                    )
                    FROM (
                        SELECT id, classification::jsonb AS c FROM unnest(\(updates.map(\.id))::text[], \(updates.map(\.classification))::text[]) AS r(id, classification)
                    ) AS classification
                    WHERE o.id = classification.id AND o.org_id = \(orgID.rawValue)
                    """,
                    logger: logger
                )
            }
            try await HistoryEntry.insert(history, orgID: orgID, actor: context.caller?.actorID, on: connection, logger: logger)
        }
        return outcomes
    }

    /// The library rows of `ids` as they are, by id, locked until the transaction ends (in id order, so that two
    /// reclassifications of overlapping ids wait for each other instead of deadlocking).
    private func lockedRows(_ ids: [String], orgID: OrgID, on connection: PostgresConnection, logger: Logger) async throws -> [String: [String: JSONValue]] {
        let rows = try await connection.query(
            "SELECT o.id, to_jsonb(o)::text FROM org_topics o WHERE o.org_id = \(orgID.rawValue) AND o.id = ANY(\(ids)) ORDER BY o.id FOR UPDATE",
            logger: logger
        )
        var found: [String: [String: JSONValue]] = [:]
        for try await (id, text) in rows.decode((String, String).self) {
            if case .object(let row) = try JSONCoding.decoder.decode(JSONValue.self, from: Data(text.utf8)) { found[id] = row }
        }
        return found
    }
}
