import Configuration
import Connectors
import Hummingbird
import NIOCore
import Prometheus
import ServiceKit

func buildApplication(reader: ConfigReader, registry: PrometheusCollectorRegistry = .init()) async throws -> some ApplicationProtocol {
    let config = try ActivationConfig(reader: reader)
    let parts = ServiceParts(config: config.service, registry: registry)
    func client(_ service: ServiceName, timeout: TimeAmount = .seconds(30)) throws -> InternalClient {
        InternalClient(
            service: service, from: .activation, endpoints: try ServiceConfig.endpoints(of: service, reader: reader), token: parts.config.internalToken,
            timeout: timeout
        )
    }
    let clients = PlatformClients(http: PlatformHTTP(policy: config.retryPolicy, timeout: config.platformTimeout), tokens: OAuthTokenCache())
    let connections = OutboundConnections(client: try client(.connections))
    let library = LibraryClient(client: try client(.topics))
    let pusher = BatchPusher(concurrency: config.pushConcurrency)
    let engine = PushEngine(
        store: PushStore(client: parts.postgres), connections: connections, library: library,
        templates: TemplatesClient(client: try client(.classifier)), clients: clients, pusher: pusher, leaseSeconds: config.leaseSeconds,
        staleRunMinutes: config.staleRunMinutes
    )
    let router = parts.makeRouter(isInternal: true)
    PlatformTestController(clients: clients).addRoutes(to: router)
    PushRunsController(engine: engine).addRoutes(to: router)
    ActivationsController(
        store: ActivationStore(client: parts.postgres), connections: connections, library: library, clients: clients, pusher: pusher
    ).addRoutes(to: router)
    return parts.makeApplication(router: router, migrations: try Migration.bundled(in: .module))
}
