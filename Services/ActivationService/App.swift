import Hummingbird
import ServiceKit

@main
struct ActivationServiceApp {
    static func main() async throws {
        LoggingSetup.bootstrap(label: ServiceName.activation.rawValue)
        let app = try await buildApplication(reader: .environment(), registry: MetricsSetup.bootstrap())
        try await app.runService()
    }
}
