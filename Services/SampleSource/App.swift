import Foundation
import Hummingbird

@main
struct SampleSourceApp {
    static func main() async throws {
        do {
            let app = try makeSampleSource(try SampleSourceConfig(environment: Environment()))
            try await app.runService()
        } catch let error as StartupError {
            FileHandle.standardError.write(Data("sample-source: \(error)\n".utf8))
            exit(1)
        }
    }
}
