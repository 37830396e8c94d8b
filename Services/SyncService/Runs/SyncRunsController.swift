import Foundation
import Hummingbird
import Logging
import ServiceKit
import SharedModels

/// Client-orchestrated sync runs (the connections seed's routes): create a run, then ask for its pages one at a
/// time until it is done, as the web UI and `audiencehub sync` do.
struct SyncRunsController: Sendable {
    let engine: RunEngine
    let staleRunMinutes: Int

    var store: RunStore { self.engine.store }

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("api/connections/{id}/sync")
        group.post("run", use: self.start)
        group.post("run/{runId}/page", use: self.page)
        group.get("run/{runId}/status", use: self.status)
        group.post("run/{runId}/cancel", use: self.cancel)
        group.get("run/{runId}", use: self.detail)
        group.get("runs", use: self.history)
    }

    /// `{mode: "rules"|"ai"}` (rules when absent): creates the run and reads the total.
    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> SyncRunStatus {
        let caller = try context.requireCaller()
        let connectionID = try Self.connectionID(context)
        let body = try await request.jsonObject(upTo: 1 << 16, emptyIsObject: true)
        let mode = try Self.mode(body["mode"])
        _ = try await self.engine.connections.source(connectionID, context: context.callContext, logger: context.logger)
        let run = try await self.store.create(
            orgID: caller.orgID, connectionID: connectionID, actorID: caller.actorID, kind: .client, mode: mode, force: false,
            staleMinutes: self.staleRunMinutes, logger: context.logger
        )
        context.logger.info("sync run created", metadata: ["run_id": "\(run.id)", "connection_id": "\(connectionID)", "mode": "\(mode)"])
        return try await self.engine.step(run.id, orgID: caller.orgID, as: .client, context: context.callContext, logger: context.logger)
    }

    /// Processes the run's next page (or answers the final status when it has ended).
    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> SyncRunStatus {
        let run = try await self.run(context)
        return try await self.engine.step(run.id, orgID: run.orgID, as: .client, context: context.callContext, logger: context.logger)
    }

    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> SyncRunStatus {
        try await self.run(context).status()
    }

    /// Graceful: the page in flight commits first; nothing is rolled back.
    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> SyncRunStatus {
        let run = try await self.run(context)
        let cancelled = try await self.store.cancel(run.id, orgID: run.orgID, logger: context.logger)
        self.engine.fetcher.forget(run.id)
        context.logger.info("sync run cancelled", metadata: ["run_id": "\(run.id)", "status": "\(cancelled.status.rawValue)"])
        return cancelled.status()
    }

    struct Detail: ResponseEncodable {
        struct DedupSummary: Encodable {
            var new: Int
            var adopted: Int
            var duplicates: Int
            var errors: Int
            var processed: Int
        }

        var run: SyncRunStatus
        var dedupSummary: DedupSummary
        var pages: [SyncPageSummary]
        var errors: [RunStore.ErrorEntry]
        /// The run's error count; at most 500 of them are kept in `errors`.
        var errorsTotal: Int
    }

    /// One run with its pages, its error log (raw records included) and its dedup summary.
    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> Detail {
        let run = try await self.run(context)
        let status = run.status()
        return Detail(
            run: status,
            dedupSummary: .init(
                new: run.newCount, adopted: run.adoptedCount, duplicates: run.duplicateCount, errors: run.errorCount, processed: status.processedCount
            ),
            pages: try await self.store.pages(run.id, logger: context.logger),
            errors: try await self.store.errors(run.id, limit: RunStore.maxStoredErrors, logger: context.logger),
            errorsTotal: run.errorCount
        )
    }

    struct History: ResponseEncodable {
        var data: [SyncRunStatus]
        var total: Int
        var page: Int
        var pageSize: Int
    }

    /// The connection's runs, newest first: `?status=&page=&pageSize=` (pageSize ≤ 100).
    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> History {
        let caller = try context.requireCaller()
        let connectionID = try Self.connectionID(context)
        let query = request.queryDictionary
        let page = try Self.number(query["page"], "page", default: 1, range: 1...100_000)
        let pageSize = try Self.number(query["pageSize"] ?? query["limit"], "pageSize", default: 20, range: 1...100)
        var status: SyncRunStatus.State?
        if let raw = query["status"] {
            guard let parsed = SyncRunStatus.State(rawValue: raw) else {
                throw AppError.badRequest("invalid_status", "status must be one of queued, running, completed, failed, cancelled.")
            }
            status = parsed
        }
        let (runs, total) = try await self.store.list(
            orgID: caller.orgID, connectionID: connectionID, status: status, limit: pageSize, offset: (page - 1) * pageSize, logger: context.logger
        )
        return History(data: runs.map { $0.status() }, total: total, page: page, pageSize: pageSize)
    }

    // MARK: Parameters

    /// The run named in the path, which must belong to the connection named in the path and the caller's org.
    private func run(_ context: AppRequestContext) async throws -> RunRecord {
        let caller = try context.requireCaller()
        let connectionID = try Self.connectionID(context)
        guard let id = context.parameters.get("runId").flatMap(RunID.init(rawValue:)) else {
            throw AppError.notFound("run_not_found", "No such sync run in this organisation.")
        }
        let run = try await self.store.find(id, orgID: caller.orgID, logger: context.logger)
        guard run.connectionID == connectionID else { throw AppError.notFound("run_not_found", "No such sync run for this connection.") }
        return run
    }

    static func connectionID(_ context: AppRequestContext) throws -> ConnectionID {
        guard let id = context.parameters.get("id").flatMap(ConnectionID.init(rawValue:)) else {
            throw AppError.notFound("connection_not_found", "No such connection in this organisation.")
        }
        return id
    }

    static func mode(_ value: JSONValue?) throws -> String {
        switch value {
        case nil, .null?: return "rules"
        case .string(let mode)? where mode == "rules" || mode == "ai": return mode
        default: throw AppError.badRequest("invalid_mode", "mode must be \"rules\" or \"ai\".")
        }
    }

    static func number(_ raw: String?, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw else { return value }
        guard let number = Int(raw), range.contains(number) else {
            throw AppError.badRequest("invalid_\(name)", "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return number
    }
}
