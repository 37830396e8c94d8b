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
        let json = JSONWriter.rows(entries) { writer, entry in
            writer.field("change_type", entry.changeType, first: true)
            writer.field("changed_by", actor)
            writer.field("id", HistoryID.generate().rawValue)
            writer.key("metadata")
            writer.value(.object(entry.metadata))
            writer.key("new_values")
            writer.value(.object(entry.new))
            writer.field("org_id", orgID.rawValue)
            writer.field("org_topic_id", entry.topicID)
            writer.key("previous_values")
            writer.value(.object(entry.previous))
            writer.field("source", entry.source)
        }
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
