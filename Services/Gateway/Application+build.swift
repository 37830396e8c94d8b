import AsyncHTTPClient
import Configuration
import Hummingbird
import NIOCore
import Prometheus
import ServiceKit

/// The gateway: its own routes (auth, keys, bootstrap, OpenAPI) and every proxied service route.
func buildApplication(reader: ConfigReader, registry: PrometheusCollectorRegistry = .init()) async throws -> some ApplicationProtocol {
    let config = try GatewayConfig(reader: reader)
    let parts = ServiceParts(config: config.service, registry: registry)
    let accounts = AccountRepository(client: parts.postgres)
    let hasher = PasswordHasher(cost: config.bcryptCost)
    let authenticator = Authenticator(accounts: accounts, rateLimiter: RateLimiter())

    let router = parts.makeRouter(isInternal: false)
    AuthController(
        accounts: accounts, authenticator: authenticator, hasher: hasher, sessionTTLHours: config.sessionTTLHours,
        cookieSecure: config.cookieSecure
    ).addRoutes(to: router)
    KeysController(accounts: accounts, authenticator: authenticator, defaultRateLimitPerMinute: config.defaultRateLimitPerMinute)
        .addRoutes(to: router)
    BootstrapController(
        accounts: accounts, hasher: hasher, internalToken: config.service.internalToken,
        defaultRateLimitPerMinute: config.defaultRateLimitPerMinute
    ).addRoutes(to: router)
    try OpenAPIController().addRoutes(to: router)
    ProxyController(
        authenticator: authenticator, upstreams: config.upstreams, internalToken: config.service.internalToken,
        httpClient: .shared, timeout: .seconds(config.proxyTimeoutSeconds)
    ).addRoutes(to: router)

    return parts.makeApplication(router: router, migrations: try Migration.bundled(in: .module))
}
