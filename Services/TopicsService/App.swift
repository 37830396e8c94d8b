import Hummingbird
import ServiceKit

@main
struct TopicsServiceApp {
    static func main() async throws {
        LoggingSetup.bootstrap(label: ServiceName.topics.rawValue)
        let app = try await buildApplication(reader: .environment(), registry: MetricsSetup.bootstrap())
        try await app.runService()
    }
}
