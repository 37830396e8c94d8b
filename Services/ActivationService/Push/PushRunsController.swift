import Hummingbird
import ServiceKit
import SharedModels

/// `POST /api/connections/:id/push/run`, `POST …/push/run/:runId/push` and `GET …/push/run/:runId/status`.
struct PushRunsController: Sendable {
    let engine: PushEngine

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("api/connections/{id}/push/run")
        group.post(use: self.create)
        group.post("{runId}/push", use: self.push)
        group.get("{runId}/status", use: self.status)
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

    @Sendable func push(_ request: Request, context: AppRequestContext) async throws -> PushStatus {
        let caller = try context.requireCaller()
        return try await self.engine.pushBatch(
            runID: try context.parameters.require("runId"), connectionID: try Self.connectionID(context), caller: caller, context: context.callContext,
            logger: context.logger
        )
    }

    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> PushStatus {
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
