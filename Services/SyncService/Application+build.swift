import Configuration
import Connectors
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceKit
import SharedModels

func buildApplication(reader: ConfigReader, registry: PrometheusCollectorRegistry = .init()) async throws -> some ApplicationProtocol {
    let config = try SyncConfig(reader: reader)
    let parts = ServiceParts(config: config.service, registry: registry)
    func client(_ service: ServiceName, timeout: TimeAmount) throws -> InternalClient {
        InternalClient(
            service: service, from: .sync, endpoints: try ServiceConfig.endpoints(of: service, reader: reader), token: parts.config.internalToken,
            timeout: timeout
        )
    }
    let fetcher = InboundFetcher(policy: config.retryPolicy, tokens: OAuthTokenCache())
    let engine = RunEngine(
        store: RunStore(client: parts.postgres),
        connections: ConnectionsClient(client: try client(.connections, timeout: .seconds(30))),
        // An AI-mode page classifies up to a page of new names through the LLM.
        topics: TopicsClient(client: try client(.topics, timeout: .seconds(300))),
        fetcher: PageFetcher(fetcher: fetcher, ahead: config.prefetchPages),
        stages: LiveStages(),
        leaseSeconds: config.leaseSeconds
    )
    let schedules = ScheduleStore(client: parts.postgres)
    let router = parts.makeRouter(isInternal: true)
    SyncRunsController(engine: engine, staleRunMinutes: config.staleRunMinutes).addRoutes(to: router)
    JobsController(engine: engine, schedules: schedules, staleRunMinutes: config.staleRunMinutes).addRoutes(to: router)
    let (ready, migrated) = AsyncStream<Void>.makeStream()
    let worker = JobWorker(
        engine: engine, schedules: schedules, workers: config.workers, pollInterval: .milliseconds(config.pollMilliseconds),
        leaseSeconds: config.leaseSeconds, logger: parts.logger, ready: ready
    )
    return parts.makeApplication(router: router, migrations: try Migration.bundled(in: .module), services: [worker]) {
        migrated.yield()
        migrated.finish()
    }
}
