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

@Suite struct KeysRoutesTests {
    @Test func aKeyIsShownOnceThenListedWithoutItsSecret() async throws {
        try await GatewayFixture.app().test(.router) { client in
            let account = try await GatewayFixture.bootstrap(client)
            let cookie = try await GatewayFixture.login(client, account)
            let created = try await GatewayFixture.createKey(client, cookie: cookie, scopes: [.topicsRead, .export], rateLimit: 30)
            #expect(created.key.hasPrefix("txadv_"))
            #expect(created.apiKey.scopes == [.export, .topicsRead])
            #expect(created.apiKey.rateLimitPerMinute == 30)
            try await client.execute(uri: "/api/keys", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(!body.contains(created.key))
                #expect(!body.contains(account.apiKey))
                let list = try response.json(APIKeyList.self)
                #expect(list.data.contains { $0.id == created.apiKey.id && created.key.hasPrefix($0.prefix) })
            }
        }
    }

    @Test func keyManagementNeedsASessionNotAnAPIKey() async throws {
        try await GatewayFixture.app().test(.router) { client in
            let account = try await GatewayFixture.bootstrap(client)
            try await client.execute(uri: "/api/keys", method: .get, headers: .bearer(account.apiKey)) { response in
                #expect(response.status == .forbidden)
                #expect(response.errorCode == "session_required")
            }
            try await client.execute(uri: "/api/keys", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "missing_credentials")
            }
        }
    }

    @Test func badKeyRequestsAreClear400s() async throws {
        try await GatewayFixture.app().test(.router) { client in
            let cookie = try await GatewayFixture.login(client, try await GatewayFixture.bootstrap(client))
            let cases: [(String, String)] = [
                (#"{"name":"k","scopes":["topics:read","admin:all"]}"#, "invalid_scope"),
                (#"{"name":"k","scopes":[]}"#, "invalid_scope"),
                (#"{"name":"  ","scopes":["sync"]}"#, "invalid_name"),
                (#"{"name":"k","scopes":["sync"],"rate_limit_per_minute":0}"#, "invalid_rate_limit"),
                (#"{"name":"k"}"#, "bad_request"),
            ]
            for (body, code) in cases {
                try await client.execute(uri: "/api/keys", method: .post, headers: [.cookie: cookie], body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest, "\(body)")
                    #expect(response.errorCode == code, "\(body)")
                }
            }
        }
    }

    @Test func aRevokedKeyStopsWorkingAndOtherOrgsCannotRevokeIt() async throws {
        try await GatewayFixture.app().test(.router) { client in
            let account = try await GatewayFixture.bootstrap(client)
            let cookie = try await GatewayFixture.login(client, account)
            let created = try await GatewayFixture.createKey(client, cookie: cookie, scopes: [.topicsRead])
            let stranger = try await GatewayFixture.login(client, try await GatewayFixture.bootstrap(client))
            try await client.execute(uri: "/api/keys/\(created.apiKey.id)", method: .delete, headers: [.cookie: stranger]) { response in
                #expect(response.status == .notFound)
                #expect(response.errorCode == "api_key_not_found")
            }
            try await client.execute(uri: "/api/keys/\(created.apiKey.id)", method: .delete, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/topics", method: .get, headers: .bearer(created.key)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "invalid_api_key")
            }
        }
    }
}
