import Hummingbird
import Metrics
import NIOCore
import Prometheus

public enum MetricsSetup {
    /// Once per process, from `main`: swift-metrics reports into this registry, which `/metrics` prints.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }
}
