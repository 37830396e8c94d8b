import AsyncHTTPClient
import Configuration
import Connectors
import Hummingbird
import Prometheus
import ServiceKit

func buildApplication(reader: ConfigReader, registry: PrometheusCollectorRegistry = .init()) async throws -> some ApplicationProtocol {
    let config = try ConnectionsConfig(reader: reader)
    let parts = ServiceParts(config: config.service, registry: registry)
    let repository = ConnectionRepository(client: parts.postgres, encryptionKey: config.encryptionKey, maxPerOrg: config.maxConnectionsPerOrg)
    let router = parts.makeRouter(isInternal: true)
    // A platform test may take a while (30 s a request, with retries); an activation-service that is down should
    // fail at once, not be dialled until the deadline.
    let activation = InternalClient(
        service: .activation, from: .connections, endpoints: try ServiceConfig.endpoints(of: .activation, reader: reader),
        httpClient: InboundFetcher.customerAPIClient, token: config.service.internalToken, timeout: .seconds(120)
    )
    ConnectionsController(repository: repository, tester: ConnectionTester(fetcher: InboundFetcher(timeout: config.testTimeout), activation: activation))
        .addRoutes(to: router)
    InternalConnectionsController(repository: repository).addRoutes(to: router)
    return parts.makeApplication(router: router, migrations: try Migration.bundled(in: .module))
}
