import Configuration
import Hummingbird
import Prometheus
import ServiceKit

func buildApplication(reader: ConfigReader, registry: PrometheusCollectorRegistry = .init()) async throws -> some ApplicationProtocol {
    let parts = ServiceParts(config: try ServiceConfig(service: .topics, reader: reader), registry: registry)
    let router = parts.makeRouter(isInternal: true)
    TopicsController(repository: TopicRepository(client: parts.postgres)).addRoutes(to: router)
    return parts.makeApplication(router: router, migrations: try Migration.bundled(in: .module))
}
