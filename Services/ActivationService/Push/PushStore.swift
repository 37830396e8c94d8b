import Foundation
import HTTPTypes
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// The SQL of push runs, their items and errors, and the activations they leave behind.
struct PushStore: Sendable {
    static let maxStoredErrors = 500

    let client: PostgresClient

    /// What was last pushed to the connection of each of these topics.
    func existing(connectionID: String, topicIDs: [String], logger: Logger) async throws -> [String: Activation] {
        let rows = try await self.client.query(
            """
            SELECT id, topic_id, platform_segment_id, status, name, description, cpm_cents, currency, template_key, engine_version
            FROM activations WHERE connection_id = \(connectionID) AND topic_id = ANY(\(topicIDs))
            """,
            logger: logger
        )
        var found: [String: Activation] = [:]
        for try await (id, topic, segment, status, name, description, cents, currency, template, engine) in rows.decode(
            (String, String, String?, String, String, String, Int, String, String, String).self
        ) {
            found[topic] = Activation(
                id: id, topicID: topic, platformSegmentID: segment, status: status, name: name, description: description, cpmCents: cents,
                currency: currency, templateKey: template, engineVersion: engine
            )
        }
        return found
    }

    /// Inserts the run with its planned items in one transaction: skipped items are done at once, items that cannot
    /// be pushed are failed with their errors. 409 `push_in_progress` (details `runId`) while the connection has a
    /// running push; one nobody pushed a batch of for `staleMinutes` is cancelled first.
    func create(_ run: PushRun, actorID: String, staleMinutes: Int, items: [PlannedItem], logger: Logger) async throws -> PushRun {
        let rows: [JSONValue] = items.enumerated().map { position, item in
            let state = item.failure != nil ? "failed" : item.action == .skip ? "skipped" : "pending"
            return [
                "position": .number(Double(position)), "topic_id": .string(item.topicID), "action": .string(item.action.rawValue), "state": .string(state),
                "name": .string(item.name), "description": .string(item.description), "engine_version": .string(item.engineVersion),
                "platform_segment_id": item.platformSegmentID.map(JSONValue.string) ?? .null,
                "error_code": item.failure.map { .string($0.code) } ?? .null,
            ]
        }
        let failures = items.enumerated().compactMap { position, item in item.failure.map { (position, item.topicID, $0) } }
        let open = items.contains { $0.failure == nil && $0.action != .skip }
        // Nothing to send: every item was skipped or failed in planning.
        let status = open ? "running" : failures.count == items.count ? "failed" : "completed"
        do {
            return try await self.client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    UPDATE push_runs SET status = 'cancelled', finished_at = now(), updated_at = now()
                    WHERE connection_id = \(run.connectionID) AND status = 'running'
                      AND updated_at < now() - \(staleMinutes) * interval '1 minute'
                    """,
                    logger: logger
                )
                try await connection.query(
                    """
                    INSERT INTO push_runs (id, org_id, connection_id, platform, actor_id, status, template_key, cpm_cents, currency, total, error_count,
                                           finished_at)
                    VALUES (\(run.id), \(run.orgID), \(run.connectionID), \(run.platform), \(actorID), \(status), \(run.templateKey), \(run.cpmCents),
                            \(run.currency), \(items.count), \(failures.count), CASE WHEN \(open) THEN NULL ELSE now() END)
                    """,
                    logger: logger
                )
                try await Self.insert(items: rows, runID: run.id, on: connection, logger: logger)
                try await Self.storeErrors(runID: run.id, failures, on: connection, logger: logger)
                return try await Self.run(run.id, orgID: run.orgID, on: connection, logger: logger) ?? run
            }
        } catch let error as PostgresTransactionError where (error.closureError as? PSQLError)?.serverInfo?[.sqlState] == "23505" {
            throw try await self.inProgress(run.connectionID, logger: logger)
        }
    }

    private static func insert(items rows: [JSONValue], runID: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO push_items (run_id, position, topic_id, action, state, name, description, engine_version, platform_segment_id, error_code)
            SELECT \(runID), position, topic_id, action, state, name, description, engine_version, platform_segment_id, error_code
            FROM jsonb_to_recordset(\(try Self.json(rows))::jsonb) AS r(
                position integer, topic_id text, action text, state text, name text, description text, engine_version text,
                platform_segment_id text, error_code text
            )
            """,
            logger: logger
        )
    }

    /// One page of a connection's runs, newest first, as a JSON array of `PushRun`, and how many there are.
    func runs(connectionID: String, orgID: String, page: Int, pageSize: Int, logger: Logger) async throws -> (json: String, total: Int) {
        let rows = try await self.client.query(
            """
            SELECT (SELECT count(*) FROM push_runs WHERE connection_id = \(connectionID) AND org_id = \(orgID)),
                   (SELECT COALESCE(json_agg(p.run ORDER BY p.created_at DESC, p.id DESC), '[]')::text FROM (
                        SELECT r.created_at, r.id, (\(unescaped: PushRun.json))::json AS run FROM push_runs r
                        WHERE r.connection_id = \(connectionID) AND r.org_id = \(orgID)
                        ORDER BY r.created_at DESC, r.id DESC LIMIT \(pageSize) OFFSET \((page - 1) * pageSize)
                   ) p)
            """,
            logger: logger
        )
        for try await (total, json) in rows.decode((Int, String).self) { return (json, total) }
        return ("[]", 0)
    }

    func run(_ id: String, orgID: String, logger: Logger) async throws -> PushRun? {
        try await self.client.withConnection { connection in try await Self.run(id, orgID: orgID, on: connection, logger: logger) }
    }

    /// The next `limit` items nobody is pushing, in order, marked as being pushed. Concurrent calls get disjoint
    /// items; an item whose claim is older than `leaseSeconds` (its process died) is taken again.
    func claim(runID: String, limit: Int, leaseSeconds: Int, logger: Logger) async throws -> [ClaimedItem] {
        let rows = try await self.client.query(
            """
            WITH next AS MATERIALIZED (
                SELECT position FROM push_items
                WHERE run_id = \(runID)
                  AND (state = 'pending' OR (state = 'sending' AND claimed_at < now() - \(leaseSeconds) * interval '1 second'))
                ORDER BY position LIMIT \(limit) FOR UPDATE SKIP LOCKED
            )
            UPDATE push_items i SET state = 'sending', claimed_at = now(), attempts = attempts + 1
            FROM next WHERE i.run_id = \(runID) AND i.position = next.position
            RETURNING json_build_object(
                'position', i.position, 'topic_id', i.topic_id, 'action', i.action, 'name', i.name, 'description', i.description,
                'engine_version', i.engine_version, 'platform_segment_id', i.platform_segment_id, 'attempts', i.attempts
            )::text
            """,
            logger: logger
        )
        var items: [ClaimedItem] = []
        for try await text in rows.decode(String.self) { items.append(try JSONCoding.decoder.decode(ClaimedItem.self, from: Data(text.utf8))) }
        return items.sorted { $0.position < $1.position }
    }

    /// Gives claimed items back, untouched, for the next call: their push never reached the platform.
    func release(runID: String, _ items: [ClaimedItem], logger: Logger) async throws {
        try await self.client.query(
            """
            UPDATE push_items SET state = 'pending', claimed_at = NULL, attempts = attempts - 1
            WHERE run_id = \(runID) AND position = ANY(\(items.map(\.position))) AND state = 'sending'
            """,
            logger: logger
        )
    }

    /// Records a batch's outcomes in one transaction under the run's row lock: the items' states, the activations
    /// they leave, at most 500 stored errors (every one counted), and the run's end once no item is left open.
    func complete(_ run: PushRun, outcomes: [ItemOutcome], logger: Logger) async throws {
        try await self.client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT 1 FROM push_runs WHERE id = \(run.id) FOR UPDATE", logger: logger)
            let items: [JSONValue] = outcomes.map { outcome in
                [
                    "position": .number(Double(outcome.item.position)), "state": .string(outcome.state.rawValue),
                    "platform_segment_id": outcome.platformSegmentID.map(JSONValue.string) ?? .null,
                    "error_code": outcome.failure.map { .string($0.code) } ?? .null,
                ]
            }
            try await connection.query(
                """
                UPDATE push_items i SET state = r.state, platform_segment_id = r.platform_segment_id, error_code = r.error_code
                FROM jsonb_to_recordset(\(try Self.json(items))::jsonb) AS r(position integer, state text, platform_segment_id text, error_code text)
                WHERE i.run_id = \(run.id) AND i.position = r.position AND i.state = 'sending'
                """,
                logger: logger
            )
            try await self.saveActivations(run, outcomes.filter { $0.state != .failed }, on: connection, logger: logger)
            let failures = outcomes.compactMap { outcome in outcome.failure.map { (outcome.item.position, outcome.item.topicID, $0) } }
            try await Self.storeErrors(runID: run.id, failures, on: connection, logger: logger)
            try await connection.query(
                """
                UPDATE push_runs SET error_count = error_count + \(failures.count), updated_at = now() WHERE id = \(run.id)
                """,
                logger: logger
            )
            try await Self.finishIfDone(run.id, on: connection, logger: logger)
        }
    }

    /// Ends the run when nothing is pending or being pushed: `failed` when every item that was to be sent failed.
    func finishIfDone(_ runID: String, logger: Logger) async throws {
        try await self.client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT 1 FROM push_runs WHERE id = \(runID) FOR UPDATE", logger: logger)
            try await Self.finishIfDone(runID, on: connection, logger: logger)
        }
    }

    /// The run with its counts by state and by planned action, and its stored errors.
    func status(_ run: PushRun, logger: Logger) async throws -> PushRunStatus {
        let rows = try await self.client.query(
            """
            SELECT json_build_object(
                'pending', count(*) FILTER (WHERE state IN ('pending', 'sending')), 'pushed', count(*) FILTER (WHERE state = 'pushed'),
                'skipped', count(*) FILTER (WHERE state = 'skipped'), 'failed', count(*) FILTER (WHERE state = 'failed'),
                'awaitingReview', count(*) FILTER (WHERE state = 'pending_review'), 'processing', count(*) FILTER (WHERE state = 'processing')
            )::text,
            json_build_object(
                'create', count(*) FILTER (WHERE action = 'create'), 'update', count(*) FILTER (WHERE action = 'update'),
                'deactivate', count(*) FILTER (WHERE action = 'deactivate'), 'skip', count(*) FILTER (WHERE action = 'skip')
            )::text,
            (SELECT COALESCE(json_agg(json_build_object('position', e.position, 'topicId', e.topic_id, 'code', e.code, 'message', e.message)
                                      ORDER BY e.position), '[]')::text
             FROM push_errors e WHERE e.run_id = \(run.id))
            FROM push_items WHERE run_id = \(run.id)
            """,
            logger: logger
        )
        for try await (countsJSON, plan, errors) in rows.decode((String, String, String).self) {
            let counts = try JSONCoding.decoder.decode([String: Int].self, from: Data(countsJSON.utf8))
            return PushRunStatus(
                runId: run.id, connectionId: run.connectionID, platform: run.platform, status: run.status, done: !run.isRunning, total: run.total,
                pending: counts["pending", default: 0], pushed: counts["pushed", default: 0], skipped: counts["skipped", default: 0],
                failed: counts["failed", default: 0], awaitingReview: counts["awaitingReview", default: 0], processing: counts["processing", default: 0],
                errorCount: run.errorCount, plan: try JSONCoding.decoder.decode([String: Int].self, from: Data(plan.utf8)),
                errors: try JSONCoding.decoder.decode([PushRunStatus.ErrorEntry].self, from: Data(errors.utf8)), templateKey: run.templateKey,
                cpm: Money(cents: run.cpmCents, currency: run.currency), createdAt: run.createdAt, finishedAt: run.finishedAt
            )
        }
        throw AppError(.internalServerError, code: "internal_error", message: "The push run's counts could not be read.")
    }

    // MARK: Statements

    private func saveActivations(_ run: PushRun, _ outcomes: [ItemOutcome], on connection: PostgresConnection, logger: Logger) async throws {
        let deactivated = outcomes.filter { $0.item.action == .deactivate }.map(\.item.topicID)
        if !deactivated.isEmpty {
            try await connection.query(
                """
                UPDATE activations SET status = 'inactive', deactivated_at = now(), updated_at = now(), last_run_id = \(run.id)
                WHERE connection_id = \(run.connectionID) AND topic_id = ANY(\(deactivated))
                """,
                logger: logger
            )
        }
        let pushed: [JSONValue] = outcomes.filter { $0.item.action != .deactivate }.map { outcome in
            [
                "id": .string(ActivationID.generate().rawValue), "topic_id": .string(outcome.item.topicID),
                "platform_segment_id": outcome.platformSegmentID.map(JSONValue.string) ?? .null,
                "status": .string(outcome.state == .pushed ? "active" : outcome.state.rawValue), "name": .string(outcome.item.name),
                "description": .string(outcome.item.description), "engine_version": .string(outcome.item.engineVersion),
            ]
        }
        guard !pushed.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO activations (id, org_id, connection_id, platform, topic_id, platform_segment_id, status, name, description, cpm_cents,
                                     currency, template_key, engine_version, last_run_id)
            SELECT r.id, \(run.orgID), \(run.connectionID), \(run.platform), r.topic_id, r.platform_segment_id, r.status, r.name, r.description,
                   \(run.cpmCents), \(run.currency), \(run.templateKey), r.engine_version, \(run.id)
            FROM jsonb_to_recordset(\(try Self.json(pushed))::jsonb) AS r(
                id text, topic_id text, platform_segment_id text, status text, name text, description text, engine_version text
            )
            ON CONFLICT (connection_id, topic_id) DO UPDATE SET
                platform_segment_id = EXCLUDED.platform_segment_id, status = EXCLUDED.status, name = EXCLUDED.name,
                description = EXCLUDED.description, cpm_cents = EXCLUDED.cpm_cents, currency = EXCLUDED.currency,
                template_key = EXCLUDED.template_key, engine_version = EXCLUDED.engine_version, last_run_id = EXCLUDED.last_run_id,
                activated_at = CASE WHEN activations.status = 'inactive' THEN now() ELSE activations.activated_at END,
                deactivated_at = NULL, updated_at = now()
            """,
            logger: logger
        )
    }

    private static func storeErrors(
        runID: String, _ failures: [(Int, String, ItemFailure)], on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !failures.isEmpty else { return }
        let rows: [JSONValue] = failures.map { position, topic, failure in
            ["position": .number(Double(position)), "topic_id": .string(topic), "code": .string(failure.code), "message": .string(failure.message)]
        }
        try await connection.query(
            """
            INSERT INTO push_errors (run_id, position, topic_id, code, message)
            SELECT \(runID), position, topic_id, code, message
            FROM jsonb_to_recordset(\(try Self.json(rows))::jsonb) AS r(position integer, topic_id text, code text, message text)
            ORDER BY position
            LIMIT GREATEST(0, \(Self.maxStoredErrors) - (SELECT count(*) FROM push_errors WHERE run_id = \(runID)))
            ON CONFLICT (run_id, position) DO UPDATE SET code = EXCLUDED.code, message = EXCLUDED.message, created_at = now()
            """,
            logger: logger
        )
    }

    private static func finishIfDone(_ runID: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE push_runs r SET
                status = CASE WHEN c.failed > 0 AND c.succeeded = 0 THEN 'failed' ELSE 'completed' END, finished_at = now(), updated_at = now()
            FROM (
                SELECT count(*) FILTER (WHERE state IN ('pending', 'sending')) AS open, count(*) FILTER (WHERE state = 'failed') AS failed,
                       count(*) FILTER (WHERE state IN ('pushed', 'pending_review', 'processing')) AS succeeded
                FROM push_items WHERE run_id = \(runID)
            ) c
            WHERE r.id = \(runID) AND r.status = 'running' AND c.open = 0
            """,
            logger: logger
        )
    }

    private static func run(_ id: String, orgID: String, on connection: PostgresConnection, logger: Logger) async throws -> PushRun? {
        let rows = try await connection.query(
            "SELECT \(unescaped: PushRun.json) FROM push_runs r WHERE r.id = \(id) AND r.org_id = \(orgID)", logger: logger
        )
        for try await text in rows.decode(String.self) { return try JSONCoding.decoder.decode(PushRun.self, from: Data(text.utf8)) }
        return nil
    }

    private func inProgress(_ connectionID: String, logger: Logger) async throws -> AppError {
        let rows = try await self.client.query("SELECT id FROM push_runs WHERE connection_id = \(connectionID) AND status = 'running'", logger: logger)
        var active: String?
        for try await id in rows.decode(String.self) { active = id }
        return AppError.conflict(
            "push_in_progress", "Connection \(connectionID) already has a push run in progress; push its remaining batches first.",
            details: active.map { .object(["runId": .string($0)]) }
        )
    }

    private static func json(_ rows: [JSONValue]) throws -> String {
        String(decoding: try JSONCoding.encoder.encode(rows), as: UTF8.self)
    }
}
