import Hummingbird
import Logging
import ServiceKit
import SharedModels

/// Internal `POST /platform-test`: connections-service hands over an outbound connection with its credentials; the
/// answer is the platform client's own test (real auth and one cheap read). Failures are 200 with `success: false`.
struct PlatformTestController: Sendable {
    let clients: PlatformClients

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("platform-test", use: self.test)
    }

    @Sendable func test(_ request: Request, context: AppRequestContext) async throws -> ConnectionTestResult {
        _ = try context.requireCaller()
        let secrets = try await request.decode(as: ConnectionSecrets.self, context: context)
        let platform = secrets.connection.platform.rawValue
        let result: ConnectionTestResult
        do {
            result = await try self.clients.client(for: secrets, logger: context.logger).testConnection()
        } catch {
            result = .failure(error.code, error.message)
        }
        context.logger.info("platform tested", metadata: ["platform": "\(platform)", "success": "\(result.success)", "code": "\(result.code ?? "")"])
        return result
    }
}

extension ConnectionTestResult: ResponseEncodable {}
