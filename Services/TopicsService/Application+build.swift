import Configuration
import Hummingbird
import Prometheus
import ServiceKit

func buildApplication(reader: ConfigReader, registry: PrometheusCollectorRegistry = .init()) async throws -> some ApplicationProtocol {
    let parts = ServiceParts(config: try ServiceConfig(service: .topics, reader: reader), registry: registry)
    let classifier = ClassifierClient(
        client: InternalClient(
            service: .classifier, from: .topics, endpoints: try ServiceConfig.endpoints(of: .classifier, reader: reader),
            token: parts.config.internalToken, timeout: .seconds(120)
        )
    )
    let catalog = CatalogIndex()
    let ingester = Ingester(client: parts.postgres, catalog: catalog, classifier: classifier)
    let router = parts.makeRouter(isInternal: true)
    let library = LibraryRepository(client: parts.postgres, counts: LibraryCache(), summaries: LibraryCache())
    TopicsController(
        library: library, ingester: ingester, reclassifier: Reclassifier(client: parts.postgres, classifier: classifier),
        taxonomy: try TaxonomyNames.bundled()
    ).addRoutes(to: router)
    IngestController(ingester: ingester).addRoutes(to: router)
    ExportController(client: parts.postgres).addRoutes(to: router)
    DuplicateCheckController(catalog: catalog, client: parts.postgres).addRoutes(to: router)
    CatalogController(client: parts.postgres, ingester: ingester, library: library).addRoutes(to: router)
    let activations = InternalClient(
        service: .activation, from: .topics, endpoints: try ServiceConfig.endpoints(of: .activation, reader: reader), token: parts.config.internalToken
    )
    ActivationStatusController(activations: activations).addRoutes(to: router)
    ActivationSupportController(client: parts.postgres).addRoutes(to: router)
    let postgres = parts.postgres
    let logger = parts.logger
    return parts.makeApplication(router: router, migrations: try Migration.bundled(in: .module)) {
        try await catalog.load(from: postgres, logger: logger)
    }
}
