import ServiceKit

@main
struct GatewayApp {
    static func main() async throws {
        try await ServiceMain.run(.gateway, build: buildApplication)
    }
}
