import Hummingbird
import Logging

typealias AppRequestContext = BasicRequestContext

/// Builds the sample source; `main` and the tests run the same app.
func makeSampleSource(_ config: SampleSourceConfig) throws -> some ApplicationProtocol {
    let logger = Logger(label: "sample-source")
    let catalog = SegmentCatalog(taxonomy: try Taxonomy.bundled())
    let store = SegmentStore(count: config.records)
    let records = config.records
    return Application(
        router: buildRouter(token: config.token, catalog: catalog, store: store, faults: FaultBoard(), stats: TrafficStats()),
        configuration: ApplicationConfiguration(address: .hostname(config.host, port: config.port), serverName: "sample-source"),
        onServerRunning: { channel in
            logger.info("sample-source listening", metadata: ["port": "\(channel.localAddress?.port ?? 0)", "records": "\(records)"])
        },
        logger: logger
    )
}

func buildRouter(token: String, catalog: SegmentCatalog, store: SegmentStore, faults: FaultBoard, stats: TrafficStats) -> Router<AppRequestContext> {
    let auth = BearerAuthMiddleware<AppRequestContext>(token: token)
    let router = Router(context: AppRequestContext.self)
    router.get("health") { _, _ in HTTPResponse.Status.ok }
    SegmentsController(catalog: catalog, store: store, faults: faults, stats: stats)
        .addRoutes(to: router.group("v1").add(middleware: auth).add(middleware: DataTrafficMiddleware(faults: faults, stats: stats)))
    AdminController(store: store, faults: faults, stats: stats).addRoutes(to: router.group("admin").add(middleware: auth))
    DSPController(store: DSPStore()).addRoutes(to: router, auth: auth)
    return router
}
