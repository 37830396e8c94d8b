import Configuration
import Hummingbird
import Prometheus

/// The whole of every service's `main`: logging and metrics bootstrapped once, the app built from the
/// environment, run until SIGTERM or SIGINT (graceful: in-flight requests finish, services shut down in reverse).
public enum ServiceMain {
    public static func run<App: ApplicationProtocol>(
        _ service: ServiceName, build: (ConfigReader, PrometheusCollectorRegistry) async throws -> App
    ) async throws {
        LoggingSetup.bootstrap(label: service.rawValue)
        let app = try await build(.environment(), MetricsSetup.bootstrap())
        try await app.runService()
    }
}
