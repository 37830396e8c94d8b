import Foundation
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// A row of topic_history: written with the change it records, in the same transaction.
struct HistoryEntry: Sendable {
    var topicID: String
    var changeType: String
    var previous: [String: JSONValue] = [:]
    var new: [String: JSONValue] = [:]
    var source: String?
    var metadata: [String: JSONValue] = [:]

    /// Inserts the entries in one statement.
    static func insert(_ entries: [HistoryEntry], orgID: OrgID, actor: String?, on connection: PostgresConnection, logger: Logger) async throws {
        guard !entries.isEmpty else { return }
        let rows: [JSONValue] = entries.map { entry in
            .object([
                "id": .string(HistoryID.generate().rawValue), "org_id": .string(orgID.rawValue), "org_topic_id": .string(entry.topicID),
                "change_type": .string(entry.changeType), "changed_by": actor.map(JSONValue.string) ?? .null,
                "previous_values": .object(entry.previous), "new_values": .object(entry.new),
                "source": entry.source.map(JSONValue.string) ?? .null, "metadata": .object(entry.metadata),
            ])
        }
        let json = String(decoding: try JSONCoding.encoder.encode(rows), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO topic_history (id, org_id, org_topic_id, change_type, changed_by, previous_values, new_values, source, metadata)
            SELECT id, org_id, org_topic_id, change_type, changed_by, previous_values, new_values, source, metadata
            FROM jsonb_to_recordset(\(json)::jsonb) AS r(
                id text, org_id text, org_topic_id text, change_type text, changed_by text, previous_values jsonb,
                new_values jsonb, source text, metadata jsonb
            )
            """,
            logger: logger
        )
    }
}
