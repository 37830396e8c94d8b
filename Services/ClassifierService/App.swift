import Hummingbird
import ServiceKit

@main
struct ClassifierServiceApp {
    static func main() async throws {
        LoggingSetup.bootstrap(label: ServiceName.classifier.rawValue)
        let app = try await buildApplication(reader: .environment(), registry: MetricsSetup.bootstrap())
        try await app.runService()
    }
}
