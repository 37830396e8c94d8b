import Foundation
import NIOHTTP1
import ServiceKit
import SharedModels
import TestSupport
import Testing

/// Real processes, real Postgres, real HTTP: what a user of the public API sees.
@Suite(.serialized, .liveStack) struct StackTests {
    /// An org bootstrapped by the real CLI, as the README does it.
    func bootstrap() throws -> (BootstrapResponse, email: String) {
        let email = "\(unique("e2e"))@example.com"
        let result = try Scripts.execute(
            (ProcessInfo.processInfo.environment["AH_BIN_DIR"] ?? Scripts.root.appendingPathComponent(".build/debug").path) + "/audiencehub",
            ["admin", "init", "--org", unique("E2E Org"), "--email", email, "--password", "e2e-password", "--json"],
            environment: ["AUDIENCEHUB_URL": LiveStack.gateway]
        )
        try #require(result.status == 0, "audiencehub admin init failed: \(result.output)")
        return (try JSONCoding.decoder.decode(BootstrapResponse.self, from: Data(result.output.utf8)), email)
    }

    func login(_ email: String) async throws -> String {
        let response = try await Exchange.send(.POST, LiveStack.gateway + "/api/auth/login", json: LoginRequest(email: email, password: "e2e-password"))
        try #require(response.status == 200)
        let cookie = try #require(response.headers.first(name: "Set-Cookie"))
        return String(try #require(cookie.split(separator: ";").first))
    }

    func createKey(cookie: String, scopes: [Scope], rateLimit: Int? = nil) async throws -> String {
        let response = try await Exchange.send(
            .POST, LiveStack.gateway + "/api/keys", headers: ["Cookie": cookie],
            json: CreateAPIKeyRequest(name: unique("key"), scopes: scopes, rateLimitPerMinute: rateLimit)
        )
        try #require(response.status == 201)
        return try response.decode(CreatedAPIKey.self).key
    }

    @Test func everyServiceAndBothClassifierReplicasAreHealthyWithMetrics() async throws {
        var ports = ServiceName.allCases.map { LiveStack.port(of: $0) }
        ports.append(LiveStack.port(of: .classifier, replica: 1))
        for port in ports {
            let health = try await Exchange.send(.GET, "http://127.0.0.1:\(port)/health")
            #expect(health.status == 200, "port \(port)")
            #expect(try health.decode(HealthStatus.self).database == "ok")
            let metrics = try await Exchange.send(.GET, "http://127.0.0.1:\(port)/metrics")
            #expect(metrics.status == 200)
            #expect(String(decoding: metrics.body, as: UTF8.self).contains("http_server_request"))
        }
    }

    @Test func aTopicIsCreatedAndListedThroughTheGatewayWithTheCLIsKey() async throws {
        let (org, _) = try self.bootstrap()
        let auth = ["Authorization": "Bearer \(org.apiKey)"]
        let created = try await Exchange.send(
            .POST, LiveStack.gateway + "/api/topics", headers: auth, json: CreateTopicRequest(topicName: "Tesla Model 3 Buyers")
        )
        #expect(created.status == 201)
        let topic = try created.decode(Topic.self)
        let again = try await Exchange.send(
            .POST, LiveStack.gateway + "/api/topics", headers: auth, json: CreateTopicRequest(topicName: "tesla model 3 buyers")
        )
        #expect(again.status == 409)
        #expect(again.errorCode == "duplicate_topic")
        let list = try await Exchange.send(.GET, LiveStack.gateway + "/api/topics", headers: auth)
        #expect(list.status == 200)
        let page = try list.decode(Page<Topic>.self)
        #expect(page.data.map(\.id) == [topic.id])
        #expect(page.total == 1)
    }

    @Test func noKeyIs401AndAKeyWithoutTheScopeIs403() async throws {
        let (_, email) = try self.bootstrap()
        let noKey = try await Exchange.send(.GET, LiveStack.gateway + "/api/topics")
        #expect(noKey.status == 401)
        #expect(noKey.errorCode == "missing_credentials")

        let readOnly = try await self.createKey(cookie: try await self.login(email), scopes: [.topicsRead])
        let write = try await Exchange.send(
            .POST, LiveStack.gateway + "/api/topics", headers: ["Authorization": "Bearer \(readOnly)"], json: CreateTopicRequest(topicName: "x")
        )
        #expect(write.status == 403)
        #expect(write.errorCode == "insufficient_scope")
    }

    @Test func pastItsRateLimitAKeyIs429WithRetryAfter() async throws {
        let (_, email) = try self.bootstrap()
        let key = try await self.createKey(cookie: try await self.login(email), scopes: [.topicsRead], rateLimit: 5)
        var statuses: [Int] = []
        var retryAfter: String?
        for _ in 0..<7 {
            let response = try await Exchange.send(.GET, LiveStack.gateway + "/api/topics", headers: ["Authorization": "Bearer \(key)"])
            statuses.append(response.status)
            if response.status == 429 { retryAfter = response.headers.first(name: "Retry-After") }
        }
        #expect(statuses == [200, 200, 200, 200, 200, 429, 429])
        #expect(retryAfter.flatMap(Int.init).map { $0 >= 1 } == true)
    }

    @Test func theRequestIdIsEchoedAndReachesTheOwningServicesLog() async throws {
        let (org, _) = try self.bootstrap()
        let requestID = unique("e2e-trace")
        let response = try await Exchange.send(
            .POST, LiveStack.gateway + "/api/topics", headers: ["Authorization": "Bearer \(org.apiKey)", "X-Request-Id": requestID],
            json: CreateTopicRequest(topicName: unique("Traced Topic"))
        )
        #expect(response.status == 201)
        #expect(response.headers.first(name: "X-Request-Id") == requestID)
        let log = try String(contentsOf: LiveStack.logDirectory.appendingPathComponent("topics-service.log"), encoding: .utf8)
        #expect(log.contains(#""request_id":"\#(requestID)""#))
    }

    @Test func internalServicesRefuseADirectCallWithoutTheToken() async throws {
        for service in ServiceName.allCases where service != .gateway {
            let response = try await Exchange.send(.GET, "http://127.0.0.1:\(LiveStack.port(of: service))/api/topics")
            #expect(response.status == 401, "\(service)")
            #expect(response.errorCode == "internal_token_required", "\(service)")
        }
    }

    @Test func noSecretReachesAnyLog() async throws {
        let (org, email) = try self.bootstrap()
        _ = try await self.login(email)
        let logs = try FileManager.default.contentsOfDirectory(at: LiveStack.logDirectory, includingPropertiesForKeys: nil)
        for file in logs {
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(!text.contains(org.apiKey), "\(file.lastPathComponent) contains an API key")
            #expect(!text.contains("e2e-password"), "\(file.lastPathComponent) contains a password")
        }
    }
}
