import Foundation
import NIOHTTP1
import ServiceKit
import SharedModels
import TestSupport
import Testing

extension StackTests {
    @Test func anOutboundCustomPlatformIsTestedThroughActivationServiceWithoutShowingItsToken() async throws {
        let org = try await self.syncOrg()
        let platform = FakeCustomPlatform(token: "dsp-secret-\(UUID().uuidString)")
        try await platform.run { base in
            func connection(_ token: String) async throws -> ConnectionID {
                let body: JSONValue = [
                    "name": .string(unique("Custom DSP")), "platform": "custom_api", "direction": "outbound", "authType": "bearer",
                    "config": ["api_base_url": .string(base), "currency": "USD"], "credentials": ["token": .string(token)],
                ]
                let created = try await Exchange.send(.POST, LiveStack.gateway + "/api/connections", headers: ["Cookie": org.cookie], json: body)
                try #require(created.status == 201)
                return try created.decode(Connection.self).id
            }
            let good = try await connection(platform.token)
            let passed = try await Exchange.send(.POST, LiveStack.gateway + "/api/connections/\(good)/test", headers: ["Cookie": org.cookie])
            #expect(try passed.decode(ConnectionTestResult.self).success)
            let bad = try await connection("not-the-token")
            let failed = try await Exchange.send(.POST, LiveStack.gateway + "/api/connections/\(bad)/test", headers: ["Cookie": org.cookie])
            let result = try failed.decode(ConnectionTestResult.self)
            #expect(!result.success)
            #expect(result.code == "unauthorized")
            for answer in [passed, failed] {
                #expect(!String(decoding: answer.body, as: UTF8.self).contains(platform.token))
                #expect(!String(decoding: answer.body, as: UTF8.self).contains("not-the-token"))
            }
        }
    }
}
