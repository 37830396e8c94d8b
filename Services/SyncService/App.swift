import Logging
import ServiceKit

@main
struct SyncServiceApp {
    static func main() async throws {
        try await ServiceMain.run(.sync, build: buildApplication)
    }
}
