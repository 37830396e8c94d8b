import Hummingbird
import ServiceKit

@main
struct ConnectionsServiceApp {
    static func main() async throws {
        LoggingSetup.bootstrap(label: ServiceName.connections.rawValue)
        let app = try await buildApplication(reader: .environment(), registry: MetricsSetup.bootstrap())
        try await app.runService()
    }
}
