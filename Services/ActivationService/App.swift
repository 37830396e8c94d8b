import ServiceKit

@main
struct ActivationServiceApp {
    static func main() async throws {
        try await ServiceMain.run(.activation, build: buildApplication)
    }
}
