import Foundation
import NIOHTTP1
import ServiceKit
import SharedModels
import TestSupport
import Testing

extension StackTests {
    @Test func connectionsThroughTheGatewayNeverShowTheirSecretAnywhere() async throws {
        let (org, email) = try self.bootstrap()
        let cookie = try await self.login(email)
        let secret = "e2e-canary-\(UUID().uuidString)"
        try await FakeSegmentsAPI(records: 3, requiredHeader: ("Authorization", "Bearer \(secret)")).run { base in
            let body: JSONValue = [
                "name": "Partner API", "platform": "custom_api", "direction": "inbound",
                "config": ["base_url": .string(base + "/segments"), "items_path": "data.segments", "field_mappings": ["name": "topic_name"]],
                "credentials": ["token": .string(secret)],
            ]
            let apiKeyCreate = try await Exchange.send(
                .POST, LiveStack.gateway + "/api/connections", headers: ["Authorization": "Bearer \(org.apiKey)"], json: body
            )
            #expect(apiKeyCreate.status == 403)
            #expect(apiKeyCreate.errorCode == "session_required")

            let created = try await Exchange.send(.POST, LiveStack.gateway + "/api/connections", headers: ["Cookie": cookie], json: body)
            #expect(created.status == 201)
            let connection = try created.decode(Connection.self)

            let test = try await Exchange.send(.POST, LiveStack.gateway + "/api/connections/\(connection.id)/test", headers: ["Cookie": cookie])
            let passed = try test.decode(ConnectionTestResult.self)
            #expect(passed.success, "\(passed.error ?? "")")
            #expect(passed.itemCount == 1)

            let broken: JSONValue = ["config": ["base_url": "http://127.0.0.1:9/segments"]]
            let patched = try await Exchange.send(.PATCH, LiveStack.gateway + "/api/connections/\(connection.id)", headers: ["Cookie": cookie], json: broken)
            #expect(patched.status == 200)
            let failed = try await Exchange.send(.POST, LiveStack.gateway + "/api/connections/\(connection.id)/test", headers: ["Cookie": cookie])
            #expect(failed.status == 200)
            #expect(try failed.decode(ConnectionTestResult.self).success == false)

            // An API key with the sync scope reads connections, without their credentials.
            let listed = try await Exchange.send(.GET, LiveStack.gateway + "/api/connections", headers: ["Authorization": "Bearer \(org.apiKey)"])
            #expect(listed.status == 200)
            #expect(try listed.decode([Connection].self).map(\.id) == [connection.id])
            for answer in [created, test, patched, failed, listed] {
                #expect(!String(decoding: answer.body, as: UTF8.self).contains(secret))
            }
        }
        let logs = try FileManager.default.contentsOfDirectory(at: LiveStack.logDirectory, includingPropertiesForKeys: nil)
        #expect(logs.count >= 7)
        for file in logs {
            #expect(!(try String(contentsOf: file, encoding: .utf8)).contains(secret), "\(file.lastPathComponent) contains the credential")
        }
    }
}
