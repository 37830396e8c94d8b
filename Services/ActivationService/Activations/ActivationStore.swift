import Foundation
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// The SQL of `GET /api/activations`, deactivation and the activation status topics-service shows.
struct ActivationStore: Sendable {
    struct Filters: Sendable, Equatable {
        var connectionID: String?
        var topicID: String?
        var platform: String?
        var status: String?
    }

    let client: PostgresClient

    /// One page, newest change first, as a JSON array of the API's objects, and the total matching.
    func list(orgID: OrgID, filters: Filters, page: Int, pageSize: Int, logger: Logger) async throws -> (json: String, total: Int) {
        let rows = try await self.client.query(
            """
            WITH matching AS (
                SELECT * FROM activations a
                WHERE a.org_id = \(orgID.rawValue)
                  AND (\(filters.connectionID)::text IS NULL OR a.connection_id = \(filters.connectionID))
                  AND (\(filters.topicID)::text IS NULL OR a.topic_id = \(filters.topicID))
                  AND (\(filters.platform)::text IS NULL OR a.platform = \(filters.platform))
                  AND (\(filters.status)::text IS NULL OR a.status = \(filters.status))
            )
            SELECT (SELECT count(*) FROM matching),
                   (SELECT COALESCE(json_agg(p.row ORDER BY p.updated_at DESC, p.id), '[]')::text FROM (
                        SELECT a.updated_at, a.id, \(unescaped: Self.json) AS row FROM matching a
                        ORDER BY a.updated_at DESC, a.id LIMIT \(pageSize) OFFSET \((page - 1) * pageSize)
                   ) p)
            """,
            logger: logger
        )
        for try await (total, json) in rows.decode((Int, String).self) { return (json, total) }
        return ("[]", 0)
    }

    /// The org's activations among `ids`.
    func find(orgID: OrgID, ids: [String], logger: Logger) async throws -> [Activation.Located] {
        let rows = try await self.client.query(
            """
            SELECT id, connection_id, topic_id, platform_segment_id, status, name
            FROM activations WHERE org_id = \(orgID.rawValue) AND id = ANY(\(ids))
            """,
            logger: logger
        )
        return try await Self.located(rows)
    }

    /// The connection's activations still waiting on the platform (review, ingestion), oldest change first.
    func waiting(orgID: OrgID, connectionID: String, limit: Int, logger: Logger) async throws -> [Activation.Located] {
        let rows = try await self.client.query(
            """
            SELECT id, connection_id, topic_id, platform_segment_id, status, name
            FROM activations
            WHERE org_id = \(orgID.rawValue) AND connection_id = \(connectionID) AND status IN ('pending_review', 'processing')
              AND platform_segment_id IS NOT NULL
            ORDER BY updated_at, id LIMIT \(limit)
            """,
            logger: logger
        )
        return try await Self.located(rows)
    }

    private static func located(_ rows: PostgresRowSequence) async throws -> [Activation.Located] {
        var found: [Activation.Located] = []
        for try await (id, connection, topic, segment, status, name) in rows.decode((String, String, String, String?, String, String).self) {
            found.append(Activation.Located(id: id, connectionID: connection, topicID: topic, platformSegmentID: segment, status: status, name: name))
        }
        return found
    }

    /// Sets each activation's status, by id.
    func setStatuses(_ statuses: [String: String], logger: Logger) async throws {
        guard !statuses.isEmpty else { return }
        let ids = Array(statuses.keys)
        try await self.client.query(
            """
            UPDATE activations a SET status = s.status, updated_at = now(),
                   deactivated_at = CASE WHEN s.status = 'inactive' THEN now() ELSE a.deactivated_at END
            FROM unnest(\(ids)::text[], \(ids.map { statuses[$0] ?? "" })::text[]) AS s(id, status)
            WHERE a.id = s.id
            """,
            logger: logger
        )
    }

    func markInactive(ids: [String], logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await self.client.query(
            "UPDATE activations SET status = 'inactive', deactivated_at = now(), updated_at = now() WHERE id = ANY(\(ids))", logger: logger
        )
    }

    /// `{topicId: [{connectionId, platform, status, platformSegmentId, updatedAt}]}` for the org, built by Postgres.
    func statusByTopic(orgID: OrgID, logger: Logger) async throws -> String {
        let rows = try await self.client.query(
            """
            SELECT COALESCE(json_object_agg(topic_id, platforms), '{}')::text FROM (
                SELECT a.topic_id, json_agg(json_build_object(
                    'activationId', a.id, 'connectionId', a.connection_id, 'platform', a.platform, 'status', a.status,
                    'platformSegmentId', a.platform_segment_id,
                    'updatedAt', \(unescaped: SQLTimestamp.iso("a.updated_at"))
                ) ORDER BY a.platform, a.connection_id) AS platforms
                FROM activations a WHERE a.org_id = \(orgID.rawValue) GROUP BY a.topic_id
            ) t
            """,
            logger: logger
        )
        for try await text in rows.decode(String.self) { return text }
        return "{}"
    }

    /// A row `a` of activations as the API shows it.
    static let json = """
        json_build_object(
            'id', a.id, 'topicId', a.topic_id, 'connectionId', a.connection_id, 'platform', a.platform,
            'platformSegmentId', a.platform_segment_id, 'status', a.status, 'name', a.name, 'description', a.description,
            'cpm', json_build_object('cents', a.cpm_cents, 'currency', a.currency), 'templateKey', a.template_key,
            'engineVersion', a.engine_version, 'lastRunId', a.last_run_id,
            'activatedAt', \(SQLTimestamp.iso("a.activated_at")),
            'deactivatedAt', \(SQLTimestamp.iso("a.deactivated_at")),
            'updatedAt', \(SQLTimestamp.iso("a.updated_at"))
        )
        """
}

extension Activation {
    /// An activation as deactivation needs it: where it lives.
    struct Located: Sendable, Equatable {
        var id: String
        var connectionID: String
        var topicID: String
        var platformSegmentID: String?
        var status: String
        var name: String
    }
}
