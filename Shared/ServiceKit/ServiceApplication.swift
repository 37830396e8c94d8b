import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import SharedModels

/// What every service is made of: its config, a logger, its Postgres pool and the metrics registry.
public struct ServiceParts: Sendable {
    public var config: ServiceConfig
    public var logger: Logger
    public var postgres: PostgresClient
    public var registry: PrometheusCollectorRegistry

    public init(config: ServiceConfig, registry: PrometheusCollectorRegistry) {
        self.config = config
        var logger = Logger(label: config.service.rawValue)
        logger.logLevel = config.logLevel
        self.logger = logger
        self.postgres = PostgresClient(configuration: config.database.clientConfiguration, backgroundLogger: logger)
        self.registry = registry
    }

    /// A router with the middleware every service shares, in order: metrics, request id, errors, request log,
    /// then (for internal services) the internal token; `/health` and `/metrics` are on it.
    public func makeRouter(isInternal: Bool) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: NULCharacterMiddleware())
        if isInternal {
            router.add(middleware: InternalAuthMiddleware(token: self.config.internalToken))
        }
        HealthController(service: self.config.service, postgres: self.postgres, registry: self.registry).addRoutes(to: router)
        return router
    }

    /// The application: Postgres pool as a service (closed on shutdown), migrations before the server starts, then
    /// `prepare` (a service that loads state from its tables before it answers).
    public func makeApplication(
        router: Router<AppRequestContext>, migrations: [Migration], services: [any Service] = [],
        prepare: (@Sendable () async throws -> Void)? = nil
    ) -> some ApplicationProtocol {
        var app = Application(
            router: router,
            configuration: .init(address: .hostname(self.config.host, port: self.config.port), serverName: self.config.service.rawValue),
            logger: self.logger
        )
        app.addServices(self.postgres)
        app.addServices(services)
        let postgres = self.postgres
        let schema = self.config.service.schema
        let logger = self.logger
        app.beforeServerStarts {
            try await MigrationRunner.apply(migrations, on: postgres, schema: schema, logger: logger)
            try await prepare?()
        }
        return app
    }
}

extension Migration {
    /// The migrations shipped as resources of a service target (`Migrations/NNN_name.sql`).
    public static func bundled(in bundle: Bundle) throws -> [Migration] {
        guard let directory = bundle.url(forResource: "Migrations", withExtension: nil) else { return [] }
        return try Migration.load(from: directory)
    }
}
