import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceKit
import SharedModels
import TestSupport
import Testing

@testable import ConnectionsService

/// `POST /api/connections/{id}/test` against a fake customer API on a real socket.
@Suite struct ConnectionTestRouteTests {
    /// Creates `body`'s connection, tests it, and answers the test result and the connection afterwards.
    func test(_ body: JSONValue, timeout: String? = nil) async throws -> (ConnectionTestResult, Connection) {
        let org = OrgID.generate()
        return try await ConnectionsFixture.app(timeout.map { ["CONNECTION_TEST_TIMEOUT_SECONDS": $0] } ?? [:]).test(.router) { client in
            let created = try await ConnectionsFixture.created(body, org: org, client: client)
            let result = try await client.execute(uri: "/api/connections/\(created.id)/test", method: .post, headers: ConnectionsFixture.headers(org)) {
                response throws in
                #expect(response.status == .ok)
                return try response.json(ConnectionTestResult.self)
            }
            let after = try await client.execute(uri: "/api/connections/\(created.id)", method: .get, headers: ConnectionsFixture.headers(org)) {
                response throws in try response.json(Connection.self)
            }
            return (result, after)
        }
    }

    static func body(_ base: String, auth: String, credentials: JSONValue, config extra: [String: JSONValue] = [:]) -> JSONValue {
        var config: [String: JSONValue] = [
            "base_url": .string(base + "/segments"), "response_path": "data.segments", "field_mappings": ["name": "topic_name", "id": "external_id"],
        ]
        config.merge(extra) { $1 }
        return ["name": "Fake", "platform": "custom_api", "direction": "inbound", "authType": .string(auth), "config": .object(config), "credentials": credentials]
    }

    static let authCases: [(String, JSONValue, (String, String)?, [String: JSONValue])] = [
        ("none", [:], nil, [:]),
        ("bearer", ["token": "bearer-secret"], ("Authorization", "Bearer bearer-secret"), [:]),
        ("api_key", ["api_key": "key-secret"], ("X-Partner-Key", "key-secret"), ["api_key_header": "X-Partner-Key"]),
        ("basic", ["username": "ann", "password": "pw-secret"], ("Authorization", "Basic YW5uOnB3LXNlY3JldA=="), [:]),
        ("header", ["X-Custom-Auth": "header-secret"], ("X-Custom-Auth", "header-secret"), [:]),
        ("oauth2", ["client_id": "cid", "client_secret": "csecret"], ("Authorization", "Bearer \(FakeSegmentsAPI.oauthToken)"), ["token_url": "TOKEN"]),
    ]

    @Test(arguments: Self.authCases)
    func eachAuthTypeFetchesExactlyOneRecord(_ authCase: (String, JSONValue, (String, String)?, [String: JSONValue])) async throws {
        let (auth, credentials, header, extra) = authCase
        let fake = FakeSegmentsAPI(records: 5, requiredHeader: header, oauthClient: ("cid", "csecret"))
        try await fake.run { base in
            let config = extra.mapValues { $0 == "TOKEN" ? JSONValue.string(base + "/oauth/token") : $0 }
            let (result, after) = try await self.test(Self.body(base, auth: auth, credentials: auth == "none" ? nil : credentials, config: config))
            #expect(result.success, "\(auth): \(result.error ?? "")")
            #expect(result.itemCount == 1)
            #expect(result.sampleItem == ["id": "seg-0", "name": "Fake Segment 0"])
            #expect(after.status == "active")
            #expect(after.lastTestedAt != nil)
        }
    }

    @Test func cursorPaginationIsTestedToo() async throws {
        try await FakeSegmentsAPI(records: 3).run { base in
            let body = Self.body(base, auth: "none", credentials: nil, config: [
                "base_url": .string(base + "/cursor/segments"), "response_path": "items", "pagination_type": "cursor",
                "pagination_params": ["cursor_path": "next"],
            ])
            let (result, _) = try await self.test(body)
            #expect(result.success)
            #expect(result.itemCount == 1)
        }
    }

    @Test func wrongCredentialsFailAsUnauthorizedAndMarkTheConnection() async throws {
        try await FakeSegmentsAPI(requiredHeader: ("Authorization", "Bearer right")).run { base in
            let (result, after) = try await self.test(Self.body(base, auth: "bearer", credentials: ["token": "wrong-secret"]))
            #expect(!result.success)
            #expect(result.code == "unauthorized")
            #expect(result.error?.contains("401") == true)
            #expect(result.error?.contains("wrong-secret") == false)
            #expect(after.status == "error")
            #expect(after.lastTestError == result.error)
        }
    }

    @Test func aHangingAPITimesOutWithinTheConfiguredBound() async throws {
        try await FakeSegmentsAPI().run { base in
            let (result, _) = try await self.test(
                Self.body(base, auth: "none", credentials: nil, config: ["base_url": .string(base + "/hang")]), timeout: "0.5"
            )
            #expect(result.code == "timeout")
            #expect(result.error == "Connection timed out after 0.5 seconds")
        }
    }

    @Test func unreadableAnswersAreNamed() async throws {
        try await FakeSegmentsAPI().run { base in
            let notJSON = try await self.test(Self.body(base, auth: "none", credentials: nil, config: ["base_url": .string(base + "/not-json")]))
            #expect(notJSON.0.code == "invalid_json")
            let wrongPath = try await self.test(Self.body(base, auth: "none", credentials: nil, config: ["response_path": "data.rows"]))
            #expect(wrongPath.0.code == "path_not_found")
            #expect(wrongPath.0.error == "Response path 'data.rows' matched nothing in the response.")
            let notAList = try await self.test(Self.body(base, auth: "none", credentials: nil, config: ["response_path": "data.total"]))
            #expect(notAList.0.code == "not_a_list")
            let missing = try await self.test(Self.body(base, auth: "none", credentials: nil, config: ["base_url": .string(base + "/nowhere")]))
            #expect(missing.0.code == "http_status")
        }
    }

    @Test func aRefusedConnectionAndAnOutboundConnectionFailClearly() async throws {
        let refused = try await self.test(Self.body("http://127.0.0.1:9", auth: "none", credentials: nil))
        #expect(refused.0.code == "connection_refused")
        #expect(refused.0.error == "Connection refused by 127.0.0.1")
        let outbound: JSONValue = [
            "name": "TTD", "platform": "tradedesk", "direction": "outbound", "config": ["currency": "USD"], "credentials": ["token": "t"],
        ]
        // Outbound tests run in activation-service, which this in-process test does not start.
        let (result, _) = try await self.test(outbound)
        #expect(result.code == "activation_unavailable")
        #expect(!result.success)
    }
}
