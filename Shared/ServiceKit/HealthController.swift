import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import Prometheus
import SharedModels

/// `/health` (200 when the database answers, else 503) and `/metrics` (Prometheus text), on every service.
public struct HealthController: Sendable {
    let service: ServiceName
    let postgres: PostgresClient
    let registry: PrometheusCollectorRegistry

    public init(service: ServiceName, postgres: PostgresClient, registry: PrometheusCollectorRegistry) {
        self.service = service
        self.postgres = postgres
        self.registry = registry
    }

    public func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health", use: self.health)
        router.get("metrics", use: self.metrics)
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<HealthStatus> {
        do {
            try await self.postgres.query("SELECT 1", logger: context.logger)
            return EditedResponse(status: .ok, response: HealthStatus(status: "ok", service: self.service.rawValue, database: "ok"))
        } catch {
            context.logger.warning("health check: database unreachable", metadata: ["error": "\(String(reflecting: error))"])
            return EditedResponse(
                status: .serviceUnavailable,
                response: HealthStatus(status: "unavailable", service: self.service.rawValue, database: "unreachable")
            )
        }
    }

    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        var bytes: [UInt8] = []
        self.registry.emit(into: &bytes)
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
extension HealthStatus: ResponseEncodable {}
