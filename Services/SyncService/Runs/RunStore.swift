import Foundation
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// The SQL of runs, their pages and their error logs.
struct RunStore: Sendable {
    static let maxStoredErrors = 500

    let client: PostgresClient

    /// Inserts a run; 409 `sync_in_progress` (details `runId`) when the connection already has an active one. A client
    /// run nobody has asked a page of for `staleMinutes` is abandoned first, so a closed browser cannot block syncs.
    func create(
        orgID: OrgID, connectionID: ConnectionID, actorID: String, kind: RunRecord.Kind, mode: String, force: Bool, staleMinutes: Int,
        logger: Logger
    ) async throws -> RunRecord {
        try await self.client.withTransaction(logger: logger) { connection in
            try await connection.query(
                """
                UPDATE sync_runs SET status = 'cancelled', stage = 'done', completed_at = now(), updated_at = now(),
                       message = 'Abandoned: no page was requested for \(unescaped: String(staleMinutes)) minutes.'
                WHERE connection_id = \(connectionID.rawValue) AND kind = 'client' AND status = 'running'
                  AND updated_at < now() - \(staleMinutes) * interval '1 minute'
                """,
                logger: logger
            )
            let status = kind == .client ? "running" : "queued"
            do {
                let rows = try await connection.query(
                    """
                    INSERT INTO sync_runs (id, org_id, connection_id, actor_id, kind, mode, force, status)
                    VALUES (\(RunID.generate().rawValue), \(orgID.rawValue), \(connectionID.rawValue), \(actorID), \(kind.rawValue), \(mode), \(force),
                            \(status))
                    RETURNING \(unescaped: RunRecord.columns)
                    """,
                    logger: logger
                )
                return try await Self.one(rows)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                throw try await self.inProgress(connectionID, logger: logger)
            }
        }
    }

    private func inProgress(_ connectionID: ConnectionID, logger: Logger) async throws -> AppError {
        let rows = try await self.client.query(
            "SELECT id FROM sync_runs WHERE connection_id = \(connectionID.rawValue) AND status IN ('queued', 'running')", logger: logger
        )
        var active: String?
        for try await id in rows.decode(String.self) { active = id }
        return AppError.conflict(
            "sync_in_progress", "Connection \(connectionID.rawValue) already has a sync in progress; follow it, or cancel it first.",
            details: active.map { .object(["runId": .string($0)]) }
        )
    }

    /// The run under a row lock that does not wait: a concurrent page call gets 409 `page_in_progress` at once.
    static func lock(_ id: RunID, orgID: OrgID, on connection: PostgresConnection, logger: Logger) async throws -> RunRecord {
        do {
            let rows = try await connection.query(
                "SELECT \(unescaped: RunRecord.columns) FROM sync_runs WHERE id = \(id.rawValue) AND org_id = \(orgID.rawValue) FOR UPDATE NOWAIT",
                logger: logger
            )
            return try await Self.one(rows)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55P03" {
            throw AppError.conflict("page_in_progress", "A page of this run is being processed; ask again in a moment.")
        }
    }

    func find(_ id: RunID, orgID: OrgID, logger: Logger) async throws -> RunRecord {
        let rows = try await self.client.query(
            "SELECT \(unescaped: RunRecord.columns) FROM sync_runs WHERE id = \(id.rawValue) AND org_id = \(orgID.rawValue)", logger: logger
        )
        return try await Self.one(rows)
    }

    /// A connection's runs, newest first, optionally of one status.
    func list(
        orgID: OrgID, connectionID: ConnectionID, status: SyncRunStatus.State?, limit: Int, offset: Int, logger: Logger
    ) async throws -> (runs: [RunRecord], total: Int) {
        let rows = try await self.client.query(
            """
            SELECT \(unescaped: RunRecord.columns), count(*) OVER () AS total FROM sync_runs
            WHERE org_id = \(orgID.rawValue) AND connection_id = \(connectionID.rawValue)
              AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
            ORDER BY started_at DESC, id DESC LIMIT \(limit) OFFSET \(offset)
            """,
            logger: logger
        )
        var runs: [RunRecord] = []
        var total = 0
        for try await row in rows {
            runs.append(try RunRecord(row))
            total = try row.makeRandomAccess()["total"].decode(Int.self, context: .default)
        }
        return (runs, total)
    }

    /// Graceful cancel: waits for a page in flight to commit (it holds the run's row), then ends the run.
    func cancel(_ id: RunID, orgID: OrgID, logger: Logger) async throws -> RunRecord {
        let rows = try await self.client.query(
            """
            UPDATE sync_runs SET status = 'cancelled', stage = 'done', completed_at = now(), updated_at = now()
            WHERE id = \(id.rawValue) AND org_id = \(orgID.rawValue) AND status IN ('queued', 'running')
            RETURNING \(unescaped: RunRecord.columns)
            """,
            logger: logger
        )
        for try await row in rows { return try RunRecord(row) }
        return try await self.find(id, orgID: orgID, logger: logger)
    }

    /// Writes back everything a page or a preparation changed, and answers the stored end time (microseconds, as
    /// Postgres keeps it). A job's lease is renewed in the same statement, so no other worker can take it over
    /// between a long page and the next heartbeat.
    static func save(_ run: RunRecord, leaseSeconds: Int, on connection: PostgresConnection, logger: Logger) async throws -> Date? {
        let rows = try await connection.query(
            """
            UPDATE sync_runs SET status = \(run.status.rawValue), stage = \(run.stage), sync_mode = \(run.syncMode), page_size = \(run.pageSize),
                   total_items = \(run.totalItems), next_page = \(run.nextPage), next_offset = \(run.nextOffset), next_cursor = \(run.nextCursor),
                   last_page_hash = \(run.lastPageHash), processed_pages = \(run.processedPages), failed_pages = \(run.failedPages),
                   fetched_count = \(run.fetchedCount), new_count = \(run.newCount), adopted_count = \(run.adoptedCount),
                   duplicate_count = \(run.duplicateCount), error_count = \(run.errorCount), watermark_from = \(run.watermarkFrom),
                   watermark_seen = \(run.watermarkSeen), message = \(run.message), error_code = \(run.errorCode), retry_after = \(run.retryAfter),
                   completed_at = \(run.completedAt), updated_at = now(),
                   lease_until = CASE WHEN kind = 'job' THEN now() + \(leaseSeconds) * interval '1 second' END
            WHERE id = \(run.id.rawValue)
            RETURNING completed_at
            """,
            logger: logger
        )
        for try await completedAt in rows.decode(Date?.self) { return completedAt }
        return run.completedAt
    }

    struct PageRow: Sendable {
        var pageNumber: Int
        var offset: Int?
        var cursor: String?
        var summary: SyncPageSummary
    }

    static func insertPage(_ page: PageRow, run: RunID, on connection: PostgresConnection, logger: Logger) async throws {
        let summary = page.summary
        try await connection.query(
            """
            INSERT INTO sync_run_pages (run_id, page_number, page_offset, cursor, records, new_count, adopted_count, duplicate_count,
                                        error_count, failed, error)
            VALUES (\(run.rawValue), \(page.pageNumber), \(page.offset), \(page.cursor), \(summary.records), \(summary.new), \(summary.adopted),
                    \(summary.duplicates), \(summary.errors), \(summary.failed), \(summary.error))
            """,
            logger: logger
        )
    }

    /// True when an earlier page of the run was fetched with this cursor: the API is going round in a loop.
    static func cursorSeen(_ cursor: String, run: RunID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT 1 FROM sync_run_pages WHERE run_id = \(run.rawValue) AND cursor = \(cursor) LIMIT 1", logger: logger
        )
        for try await _ in rows { return true }
        return false
    }

    struct ErrorEntry: Sendable, Codable {
        var pageNumber: Int
        var recordIndex: Int?
        var externalId: String?
        var reason: String
        var raw: String?
    }

    /// Appends to the run's error log, keeping at most `maxStoredErrors`; the run's error_count stays exact.
    static func appendErrors(_ entries: [ErrorEntry], run: RunID, on connection: PostgresConnection, logger: Logger) async throws {
        guard !entries.isEmpty else { return }
        let rows = try await connection.query("SELECT count(*) FROM sync_run_errors WHERE run_id = \(run.rawValue)", logger: logger)
        var stored = 0
        for try await count in rows.decode(Int.self) { stored = count }
        for (offset, entry) in entries.prefix(max(0, Self.maxStoredErrors - stored)).enumerated() {
            try await connection.query(
                """
                INSERT INTO sync_run_errors (run_id, seq, page_number, record_index, external_id, reason, raw)
                VALUES (\(run.rawValue), \(stored + offset + 1), \(entry.pageNumber), \(entry.recordIndex), \(entry.externalId), \(entry.reason), \(entry.raw))
                """,
                logger: logger
            )
        }
    }

    func errors(_ run: RunID, limit: Int, logger: Logger) async throws -> [ErrorEntry] {
        let rows = try await self.client.query(
            """
            SELECT page_number, record_index, external_id, reason, raw FROM sync_run_errors WHERE run_id = \(run.rawValue)
            ORDER BY seq LIMIT \(limit)
            """,
            logger: logger
        )
        var entries: [ErrorEntry] = []
        for try await (page, index, externalID, reason, raw) in rows.decode((Int, Int?, String?, String, String?).self) {
            entries.append(ErrorEntry(pageNumber: page, recordIndex: index, externalId: externalID, reason: reason, raw: raw))
        }
        return entries
    }

    func pages(_ run: RunID, logger: Logger) async throws -> [SyncPageSummary] {
        let rows = try await self.client.query(
            """
            SELECT page_number, records, new_count, adopted_count, duplicate_count, error_count, failed, error FROM sync_run_pages
            WHERE run_id = \(run.rawValue) ORDER BY page_number
            """,
            logger: logger
        )
        var pages: [SyncPageSummary] = []
        for try await (number, records, new, adopted, duplicates, errors, failed, error) in rows.decode(
            (Int, Int, Int, Int, Int, Int, Bool, String?).self
        ) {
            pages.append(
                SyncPageSummary(pageNumber: number, records: records, new: new, adopted: adopted, duplicates: duplicates, errors: errors, failed: failed, error: error)
            )
        }
        return pages
    }

    static func one(_ rows: PostgresRowSequence) async throws -> RunRecord {
        for try await row in rows { return try RunRecord(row) }
        throw AppError.notFound("run_not_found", "No such sync run in this organisation.")
    }
}

extension RunStore {
    /// The connection's stored incremental mark.
    static func watermark(_ connectionID: ConnectionID, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        let rows = try await connection.query("SELECT value FROM sync_watermarks WHERE connection_id = \(connectionID.rawValue)", logger: logger)
        for try await value in rows.decode(String.self) { return value }
        return nil
    }

    static func storeWatermark(_ value: String, run: RunRecord, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO sync_watermarks (connection_id, org_id, value, run_id) VALUES (\(run.connectionID.rawValue), \(run.orgID.rawValue), \(value), \(run.id.rawValue))
            ON CONFLICT (connection_id) DO UPDATE SET value = EXCLUDED.value, run_id = EXCLUDED.run_id, updated_at = now()
            """,
            logger: logger
        )
    }
}
