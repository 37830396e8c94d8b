import ServiceKit

@main
struct TopicsServiceApp {
    static func main() async throws {
        try await ServiceMain.run(.topics, build: buildApplication)
    }
}
