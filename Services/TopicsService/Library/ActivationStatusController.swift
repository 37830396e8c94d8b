import NIOHTTP1
import Hummingbird
import NIOCore
import ServiceKit
import SharedModels

/// `GET /api/topics/activation-status`: which library topics are active on which platforms. activation-service
/// owns activations; until it answers this route (`GET /activation-status`), the answer is an empty mapping.
struct ActivationStatusController: Sendable {
    let activations: InternalClient

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("api/topics/activation-status", use: self.status)
    }

    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireCaller()
        let reply = try await self.activations.send(.GET, "/activation-status", context: context.callContext, logger: context.logger)
        switch reply.status.code {
        case 200: return Response.json(String(buffer: reply.body))
        case 404: return Response.json("{}")
        default: throw AppError.unavailable("activation_unavailable", "activation-service answered \(reply.status.code).")
        }
    }
}
