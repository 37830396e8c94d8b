import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceKit
import SharedModels
import TestSupport
import Testing

@testable import Gateway

/// The gateway in front of a stub topics-service on a real socket: who gets through, and what reaches the service.
@Suite struct ProxyRoutesTests {
    /// What the stub saw of the forwarded request.
    struct Seen: Codable, ResponseEncodable {
        var path: String
        var token: String?
        var org: String?
        var actorType: String?
        var authorization: String?
        var requestID: String?
        var body: String
    }

    func withStubbedTopics(_ extra: [String: String] = [:], _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = Router(context: AppRequestContext.self)
        router.on("/api/topics", method: .get, use: Self.echo)
        router.on("/api/topics", method: .post, use: Self.echo)
        let stub = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await stub.test(.live) { stubClient in
            let port = try #require(stubClient.port)
            let gateway = try await GatewayFixture.app(extra.merging(["TOPICS_SERVICE_URL": "http://127.0.0.1:\(port)"]) { $1 })
            try await gateway.test(.router, body)
        }
    }

    @Sendable static func echo(_ request: Request, context: AppRequestContext) async throws -> Seen {
        let body = try await request.body.collect(upTo: 1 << 20)
        return Seen(
            path: request.uri.description, token: request.headers[.internalToken], org: request.headers[.orgID],
            actorType: request.headers[.actorType], authorization: request.headers[.authorization], requestID: request.headers[.requestID],
            body: String(buffer: body)
        )
    }

    @Test func anAuthorisedCallReachesTheServiceAsTheCallerWithTheInternalToken() async throws {
        try await self.withStubbedTopics { client in
            let account = try await GatewayFixture.bootstrap(client)
            let headers: HTTPFields = [.authorization: "Bearer \(account.apiKey)", .requestID: "trace-1", .orgID: OrgID.generate().rawValue]
            try await client.execute(uri: "/api/topics?page=2", method: .post, headers: headers, body: ByteBuffer(string: #"{"topic_name":"x"}"#)) {
                response in
                #expect(response.status == .ok)
                #expect(response.headers[.requestID] == "trace-1")
                let seen = try response.json(Seen.self)
                #expect(seen.path == "/api/topics?page=2")
                #expect(seen.token == TestDatabase.internalToken)
                #expect(seen.org == account.org.rawValue)  // never the org the client claimed
                #expect(seen.actorType == "api_key")
                #expect(seen.authorization == nil)  // the key stays at the gateway
                #expect(seen.requestID == "trace-1")
                #expect(seen.body == #"{"topic_name":"x"}"#)
            }
        }
    }

    @Test func noCredentialsIs401AndAnUnknownKeyToo() async throws {
        try await self.withStubbedTopics { client in
            try await client.execute(uri: "/api/topics", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "missing_credentials")
            }
            try await client.execute(uri: "/api/topics", method: .get, headers: .bearer("txadv_0000")) { response in
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "invalid_api_key")
            }
        }
    }

    @Test func aKeyWithoutTheRouteScopeIs403() async throws {
        try await self.withStubbedTopics { client in
            let cookie = try await GatewayFixture.login(client, try await GatewayFixture.bootstrap(client))
            let readOnly = try await GatewayFixture.createKey(client, cookie: cookie, scopes: [.topicsRead])
            try await client.execute(uri: "/api/topics", method: .get, headers: .bearer(readOnly.key)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/topics", method: .post, headers: .bearer(readOnly.key), body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .forbidden)
                #expect(response.errorCode == "insufficient_scope")
            }
            // A session carries every scope.
            try await client.execute(uri: "/api/topics", method: .post, headers: [.cookie: cookie], body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .ok)
                let seen = try response.json(Seen.self)
                #expect(seen.actorType == "session")
            }
        }
    }

    @Test func pastItsRateLimitAKeyGets429WithRetryAfter() async throws {
        try await self.withStubbedTopics { client in
            let cookie = try await GatewayFixture.login(client, try await GatewayFixture.bootstrap(client))
            let key = try await GatewayFixture.createKey(client, cookie: cookie, scopes: [.topicsRead], rateLimit: 3)
            for expected in ["2", "1", "0"] {
                try await client.execute(uri: "/api/topics", method: .get, headers: .bearer(key.key)) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.rateLimitRemaining] == expected)
                }
            }
            try await client.execute(uri: "/api/topics", method: .get, headers: .bearer(key.key)) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.errorCode == "rate_limited")
                let retryAfter = try #require(response.headers[.retryAfter].flatMap(Int.init))
                #expect((1...20).contains(retryAfter))
            }
        }
    }

    @Test func anUnreachableServiceIsA502WithACode() async throws {
        try await GatewayFixture.app(["TOPICS_SERVICE_URL": "http://127.0.0.1:9", "PROXY_TIMEOUT_SECONDS": "1"]).test(.router) { client in
            let account = try await GatewayFixture.bootstrap(client)
            try await client.execute(uri: "/api/topics", method: .get, headers: .bearer(account.apiKey)) { response in
                #expect(response.status == .badGateway)
                #expect(response.errorCode == "service_unavailable")
            }
        }
    }
}
