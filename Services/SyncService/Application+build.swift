import Configuration
import Hummingbird
import Prometheus
import ServiceKit

func buildApplication(reader: ConfigReader, registry: PrometheusCollectorRegistry = .init()) async throws -> some ApplicationProtocol {
    let parts = ServiceParts(config: try ServiceConfig(service: .sync, reader: reader), registry: registry)
    return parts.makeApplication(router: parts.makeRouter(isInternal: true), migrations: [])
}
