import Foundation
import Hummingbird
import Logging
import ServiceKit
import SharedModels

/// Server-orchestrated syncs (the sync-jobs seed): `POST /api/sync` queues a job that a worker in some
/// sync-service process runs to the end; status, history, cancel and cron schedules. `channel_id` and
/// `connection_id` name the same thing; a not-found answers in the word the caller used.
struct JobsController: Sendable {
    let engine: RunEngine
    let schedules: ScheduleStore
    let staleRunMinutes: Int

    var store: RunStore { self.engine.store }

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("api/sync")
        group.post(use: self.start)
        group.get("status", use: self.status)
        group.get("history", use: self.history)
        group.post("cancel", use: self.cancel)
        group.get("schedules", use: self.listSchedules)
        group.put("schedules", use: self.putSchedule)
    }

    struct Started: ResponseEncodable {
        var status = "started"
        var jobID: RunID
        var channelID: ConnectionID
        var mode: String
        var force: Bool
        var startedAt: Date

        enum CodingKeys: String, CodingKey {
            case status, jobID = "job_id", channelID = "channel_id", mode, force, startedAt = "started_at"
        }
    }

    /// `{channel_id | connection_id, force?, mode?}`: queues the job; 409 `sync_in_progress` if one is active.
    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Started> {
        let caller = try context.requireCaller()
        let body = try await request.jsonObject(upTo: 1 << 16)
        let (connectionID, notFound) = try Self.connection(body)
        let force: Bool
        switch body["force"] {
        case nil, .null?: force = false
        case .bool(let value)?: force = value
        default: throw AppError.badRequest("invalid_force", "force must be true or false.")
        }
        let mode = try SyncRunsController.mode(body["mode"])
        _ = try await self.engine.connections.source(connectionID, notFoundCode: notFound, context: context.callContext, logger: context.logger)
        let run = try await self.store.create(
            orgID: caller.orgID, connectionID: connectionID, actorID: caller.actorID, kind: .job, mode: mode, force: force,
            staleMinutes: self.staleRunMinutes, logger: context.logger
        )
        context.logger.info("sync job queued", metadata: ["run_id": "\(run.id)", "connection_id": "\(connectionID)", "force": "\(force)"])
        return EditedResponse(
            status: .accepted, response: Started(jobID: run.id, channelID: connectionID, mode: mode, force: force, startedAt: run.startedAt)
        )
    }

    /// `?channel_id=|connection_id=&job_id=`: that job, or the connection's latest run.
    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> JobStatus {
        let caller = try context.requireCaller()
        let query = request.queryDictionary
        if let raw = query["job_id"] {
            guard let id = RunID(rawValue: raw) else { throw AppError.notFound("job_not_found", "No sync job \(raw) in this organisation.") }
            let run = try await self.store.find(id, orgID: caller.orgID, logger: context.logger)
            return JobStatus(run, liveStage: self.engine.stages.stage(run.id))
        }
        let (connectionID, _) = try Self.connection(query.mapValues { JSONValue.string($0) })
        let (runs, _) = try await self.store.list(
            orgID: caller.orgID, connectionID: connectionID, status: nil, limit: 1, offset: 0, logger: context.logger
        )
        guard let run = runs.first else { throw AppError.notFound("job_not_found", "Connection \(connectionID.rawValue) has never synced.") }
        return JobStatus(run, liveStage: self.engine.stages.stage(run.id))
    }

    struct History: ResponseEncodable {
        var history: [JobHistoryEntry]
    }

    /// `?channel_id=|connection_id=&limit=` (10 by default, at most 100), newest first.
    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> History {
        let caller = try context.requireCaller()
        let query = request.queryDictionary
        let (connectionID, _) = try Self.connection(query.mapValues { JSONValue.string($0) })
        let limit = try SyncRunsController.number(query["limit"], "limit", default: 10, range: 1...100)
        let (runs, _) = try await self.store.list(
            orgID: caller.orgID, connectionID: connectionID, status: nil, limit: limit, offset: 0, logger: context.logger
        )
        return History(history: runs.map(JobHistoryEntry.init))
    }

    struct Cancelled: ResponseEncodable {
        var status: SyncRunStatus.State
        var jobID: RunID
        var cancelledAt: Date?

        enum CodingKeys: String, CodingKey {
            case status, jobID = "job_id", cancelledAt = "cancelled_at"
        }
    }

    /// `{job_id}`: graceful; the page in flight commits first. 409 `job_not_running` for a job that has ended.
    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Cancelled {
        let caller = try context.requireCaller()
        let body = try await request.jsonObject(upTo: 1 << 16)
        guard case .string(let raw)? = body["job_id"], let id = RunID(rawValue: raw) else {
            throw AppError.badRequest("invalid_job_id", "job_id must be a sync job id (run_…).")
        }
        let before = try await self.store.find(id, orgID: caller.orgID, logger: context.logger)
        guard !before.status.isFinal else {
            throw AppError.conflict(
                "job_not_running", "Sync job \(raw) has already ended (\(before.status.rawValue)).",
                details: .object(["status": .string(before.status.rawValue)])
            )
        }
        let run = try await self.store.cancel(id, orgID: caller.orgID, logger: context.logger)
        self.engine.fetcher.forget(id)
        return Cancelled(status: run.status, jobID: run.id, cancelledAt: run.completedAt)
    }

    struct Schedules: ResponseEncodable {
        var schedules: [Schedule]
    }

    @Sendable func listSchedules(_ request: Request, context: AppRequestContext) async throws -> Schedules {
        let caller = try context.requireCaller()
        return Schedules(schedules: try await self.schedules.list(orgID: caller.orgID, logger: context.logger))
    }

    /// `{channel_id | connection_id, schedule: "<5-field cron>", enabled?, mode?}`: creates or replaces the schedule.
    @Sendable func putSchedule(_ request: Request, context: AppRequestContext) async throws -> Schedule {
        let caller = try context.requireCaller()
        let body = try await request.jsonObject(upTo: 1 << 16)
        let (connectionID, notFound) = try Self.connection(body)
        guard case .string(let text)? = body["schedule"] else {
            throw AppError.badRequest("invalid_schedule", "schedule must be a 5-field cron expression, e.g. \"0 */4 * * *\".")
        }
        let cron: CronExpression
        do {
            cron = try CronExpression(text)
        } catch {
            throw AppError.badRequest("invalid_schedule", "schedule: \(error.message).", details: .object(["schedule": .string(text)]))
        }
        let enabled: Bool
        switch body["enabled"] {
        case nil, .null?: enabled = true
        case .bool(let value)?: enabled = value
        default: throw AppError.badRequest("invalid_enabled", "enabled must be true or false.")
        }
        if enabled, cron.next(after: Date()) == nil {
            throw AppError.badRequest("invalid_schedule", "schedule '\(cron.description)' never comes round in the next five years.")
        }
        let mode = try SyncRunsController.mode(body["mode"])
        _ = try await self.engine.connections.source(connectionID, notFoundCode: notFound, context: context.callContext, logger: context.logger)
        return try await self.schedules.put(
            orgID: caller.orgID, actorID: caller.actorID, connectionID: connectionID, cron: cron, enabled: enabled, mode: mode, logger: context.logger
        )
    }

    /// The connection a body or query names, and the not-found code in the caller's word for it.
    static func connection(_ fields: [String: JSONValue]) throws -> (ConnectionID, notFound: String) {
        for (key, code) in [("connection_id", "CONNECTION_NOT_FOUND"), ("channel_id", "CHANNEL_NOT_FOUND")] {
            guard let value = fields[key] else { continue }
            guard case .string(let raw) = value, let id = ConnectionID(rawValue: raw) else {
                throw AppError.notFound(code, "No \(key == "channel_id" ? "channel" : "connection") \(value) in this organisation.")
            }
            return (id, code)
        }
        throw AppError.badRequest("missing_connection", "Name the connection: connection_id (or channel_id).")
    }
}
