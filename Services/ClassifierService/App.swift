import ServiceKit

@main
struct ClassifierServiceApp {
    static func main() async throws {
        try await ServiceMain.run(.classifier, build: buildApplication)
    }
}
