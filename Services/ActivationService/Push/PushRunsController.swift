import Hummingbird
import ServiceKit
import SharedModels

/// `POST /api/connections/:id/push/run`, `POST …/push/run/:runId/push`, `GET …/push/run/:runId/status`, and the
/// connection's runs, `GET /api/connections/:id/push/runs`.
struct PushRunsController: Sendable {
    let engine: PushEngine

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("api/connections/{id}/push/run")
        group.post(use: self.create)
        group.post("{runId}/push", use: self.push)
        group.get("{runId}/status", use: self.status)
        router.get("api/connections/{id}/push/runs", use: self.history)
    }

    /// Newest first, `page` and `pageSize` (≤ 100) as the Topics API has them.
    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let connectionID = try Self.connectionID(context)
        let query = request.queryDictionary
        let page = try ActivationsController.int(query["page"], "page", 1...1_000_000, default: 1)
        let pageSize = try ActivationsController.int(query["pageSize"], "pageSize", 1...100, default: 25)
        let (rows, total) = try await self.engine.store.runs(
            connectionID: connectionID.rawValue, orgID: caller.orgID.rawValue, page: page, pageSize: pageSize, logger: context.logger
        )
        let pages = (total + pageSize - 1) / pageSize
        return Response.json(#"{"data":\#(rows),"total":\#(total),"page":\#(page),"pageSize":\#(pageSize),"totalPages":\#(pages)}"#)
    }

    /// 201 with the run's status, or 200 with the plan of a dry run.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let body = try PushRequest(try await request.jsonObject(upTo: 2 << 20))
        switch try await self.engine.create(
            connectionID: try Self.connectionID(context), request: body, caller: caller, context: context.callContext, logger: context.logger
        ) {
        case .run(let status): return try EditedResponse(status: .created, response: status).response(from: request, context: context)
        case .dryRun(let plan): return try plan.response(from: request, context: context)
        }
    }

    @Sendable func push(_ request: Request, context: AppRequestContext) async throws -> PushRunStatus {
        let caller = try context.requireCaller()
        return try await self.engine.pushBatch(
            runID: try context.parameters.require("runId"), connectionID: try Self.connectionID(context), caller: caller, context: context.callContext,
            logger: context.logger
        )
    }

    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> PushRunStatus {
        let caller = try context.requireCaller()
        return try await self.engine.status(
            runID: try context.parameters.require("runId"), connectionID: try Self.connectionID(context), caller: caller, logger: context.logger
        )
    }

    static func connectionID(_ context: AppRequestContext) throws -> ConnectionID {
        guard let id = context.parameters.get("id").flatMap(ConnectionID.init(rawValue:)) else {
            throw AppError.notFound("connection_not_found", "No such connection in this organisation.")
        }
        return id
    }
}

extension PushEngine.DryRun: ResponseEncodable {}
