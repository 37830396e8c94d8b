import Hummingbird
import Logging
import ServiceKit
import SharedModels

/// `GET /internal/connections/{id}/secrets`: the connection and its decrypted credentials, for sync-service and
/// activation-service only, and only within the caller's org.
struct InternalConnectionsController: Sendable {
    static let allowedCallers: Set<String> = [ServiceName.sync.rawValue, ServiceName.activation.rawValue]

    let repository: ConnectionRepository

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("internal/connections/{id}/secrets", use: self.secrets)
    }

    @Sendable func secrets(_ request: Request, context: AppRequestContext) async throws -> ConnectionSecrets {
        guard let service = request.headers[.serviceName], Self.allowedCallers.contains(service) else {
            throw AppError.forbidden("caller_not_allowed", "Only sync-service and activation-service may read credentials.")
        }
        let caller = try context.requireCaller()
        let id = try ConnectionsController.id(context)
        context.logger.info("credentials read", metadata: ["connection_id": "\(id)", "by": "\(service)"])
        return try await self.repository.secrets(id: id, orgID: caller.orgID, logger: context.logger)
    }
}
