import Configuration
import Connectors
import Hummingbird
import Prometheus
import ServiceKit

func buildApplication(reader: ConfigReader, registry: PrometheusCollectorRegistry = .init()) async throws -> some ApplicationProtocol {
    let parts = ServiceParts(config: try ServiceConfig(service: .activation, reader: reader), registry: registry)
    let router = parts.makeRouter(isInternal: true)
    PlatformTestController(clients: PlatformClients(http: PlatformHTTP(), tokens: OAuthTokenCache())).addRoutes(to: router)
    return parts.makeApplication(router: router, migrations: [])
}
