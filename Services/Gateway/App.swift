import Hummingbird
import ServiceKit

@main
struct GatewayApp {
    static func main() async throws {
        LoggingSetup.bootstrap(label: ServiceName.gateway.rawValue)
        let app = try await buildApplication(reader: .environment(), registry: MetricsSetup.bootstrap())
        try await app.runService()
    }
}
