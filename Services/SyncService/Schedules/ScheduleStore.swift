import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// A connection's cron schedule, as `GET/PUT /api/sync/schedules` show it.
struct Schedule: Encodable, Sendable {
    var connectionID: ConnectionID
    var schedule: String
    var enabled: Bool
    var mode: String
    var nextSync: Date?
    var lastSync: Date?
    var lastJobID: String?

    enum CodingKeys: String, CodingKey {
        case channelID = "channel_id", connectionID = "connection_id", schedule, enabled, mode, nextSync = "next_sync", lastSync = "last_sync"
        case lastJobID = "last_job_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.connectionID, forKey: .channelID)
        try container.encode(self.connectionID, forKey: .connectionID)
        try container.encode(self.schedule, forKey: .schedule)
        try container.encode(self.enabled, forKey: .enabled)
        try container.encode(self.mode, forKey: .mode)
        try container.encode(self.nextSync, forKey: .nextSync)
        try container.encode(self.lastSync, forKey: .lastSync)
        try container.encode(self.lastJobID, forKey: .lastJobID)
    }
}

extension Schedule: ResponseEncodable {}

/// The SQL of `sync_schedules`, and the claim of due ones that queues their jobs.
struct ScheduleStore: Sendable {
    let client: PostgresClient

    static let columns = "connection_id, schedule, enabled, mode, next_sync, last_sync, last_run_id"

    func list(orgID: OrgID, logger: Logger) async throws -> [Schedule] {
        let rows = try await self.client.query(
            "SELECT \(unescaped: Self.columns) FROM sync_schedules WHERE org_id = \(orgID.rawValue) ORDER BY connection_id", logger: logger
        )
        var schedules: [Schedule] = []
        for try await row in rows { schedules.append(try Self.schedule(row)) }
        return schedules
    }

    func put(
        orgID: OrgID, actorID: String, connectionID: ConnectionID, cron: CronExpression, enabled: Bool, mode: String, logger: Logger
    ) async throws -> Schedule {
        let next = enabled ? cron.next(after: Date()) : nil
        let rows = try await self.client.query(
            """
            INSERT INTO sync_schedules (connection_id, org_id, actor_id, schedule, enabled, mode, next_sync)
            VALUES (\(connectionID.rawValue), \(orgID.rawValue), \(actorID), \(cron.description), \(enabled), \(mode), \(next))
            ON CONFLICT (connection_id) DO UPDATE SET actor_id = EXCLUDED.actor_id, schedule = EXCLUDED.schedule, enabled = EXCLUDED.enabled,
                mode = EXCLUDED.mode, next_sync = EXCLUDED.next_sync, updated_at = now()
            WHERE sync_schedules.org_id = EXCLUDED.org_id
            RETURNING \(unescaped: Self.columns)
            """,
            logger: logger
        )
        for try await row in rows { return try Self.schedule(row) }
        throw AppError.notFound("CONNECTION_NOT_FOUND", "No connection \(connectionID.rawValue) in this organisation.")
    }

    /// Queues a job for every enabled schedule that is due, and moves each to its next time. Claimed with SKIP
    /// LOCKED so replicas share the work; a connection that is still syncing skips this turn.
    func queueDue(logger: Logger) async throws -> [RunID] {
        try await self.client.withTransaction(logger: logger) { connection in
            let due = try await connection.query(
                """
                SELECT connection_id, org_id, actor_id, schedule, mode FROM sync_schedules
                WHERE enabled AND next_sync <= now() ORDER BY next_sync LIMIT 20 FOR UPDATE SKIP LOCKED
                """,
                logger: logger
            )
            var queued: [RunID] = []
            for try await (connectionID, orgID, actorID, schedule, mode) in due.decode((String, String, String, String, String).self) {
                let next = (try? CronExpression(schedule))?.next(after: Date())
                let inserted = try await connection.query(
                    """
                    INSERT INTO sync_runs (id, org_id, connection_id, actor_id, kind, mode, status)
                    VALUES (\(RunID.generate().rawValue), \(orgID), \(connectionID), \(actorID), 'job', \(mode), 'queued')
                    ON CONFLICT (connection_id) WHERE status IN ('queued', 'running') DO NOTHING
                    RETURNING id
                    """,
                    logger: logger
                )
                var runID: String?
                for try await id in inserted.decode(String.self) { runID = id }
                try await connection.query(
                    """
                    UPDATE sync_schedules SET last_sync = now(), next_sync = \(next), last_run_id = coalesce(\(runID), last_run_id)
                    WHERE connection_id = \(connectionID)
                    """,
                    logger: logger
                )
                if let id = runID.flatMap(RunID.init(rawValue:)) { queued.append(id) }
            }
            return queued
        }
    }

    private static func schedule(_ row: PostgresRow) throws -> Schedule {
        let (id, schedule, enabled, mode, next, last, lastRun) = try row.decode((String, String, Bool, String, Date?, Date?, String?).self)
        guard let connectionID = ConnectionID(rawValue: id) else {
            throw AppError(.internalServerError, code: "corrupt_schedule", message: "A schedule row could not be read.")
        }
        return Schedule(connectionID: connectionID, schedule: schedule, enabled: enabled, mode: mode, nextSync: next, lastSync: last, lastJobID: lastRun)
    }
}
