import Hummingbird
import ServiceKit

@main
struct SyncServiceApp {
    static func main() async throws {
        LoggingSetup.bootstrap(label: ServiceName.sync.rawValue)
        let app = try await buildApplication(reader: .environment(), registry: MetricsSetup.bootstrap())
        try await app.runService()
    }
}
