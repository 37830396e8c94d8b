import ServiceKit

@main
struct ConnectionsServiceApp {
    static func main() async throws {
        try await ServiceMain.run(.connections, build: buildApplication)
    }
}
