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

@Suite struct AuthRoutesTests {
    @Test func loginSetsAnHttpOnlySameSiteSessionCookie() async throws {
        try await GatewayFixture.app().test(.router) { client in
            let account = try await GatewayFixture.bootstrap(client)
            try await client.execute(
                uri: "/api/auth/login", method: .post, body: .json(LoginRequest(email: account.email.uppercased(), password: account.password))
            ) { response in
                #expect(response.status == .ok)
                let cookie = try #require(response.headers[.setCookie])
                #expect(cookie.hasPrefix("ah_session="))
                #expect(cookie.contains("HttpOnly"))
                #expect(cookie.contains("SameSite=Lax"))
                #expect(try response.json(SessionUser.self).orgId == account.org)
            }
        }
    }

    @Test func aWrongPasswordOrUnknownEmailIs401WithOneCode() async throws {
        try await GatewayFixture.app().test(.router) { client in
            let account = try await GatewayFixture.bootstrap(client)
            for body in [LoginRequest(email: account.email, password: "wrong-password"), LoginRequest(email: "nobody@example.com", password: "x")] {
                try await client.execute(uri: "/api/auth/login", method: .post, body: .json(body)) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.errorCode == "invalid_credentials")
                }
            }
        }
    }

    @Test func logoutEndsTheSession() async throws {
        try await GatewayFixture.app().test(.router) { client in
            let account = try await GatewayFixture.bootstrap(client)
            let cookie = try await GatewayFixture.login(client, account)
            try await client.execute(uri: "/api/auth/me", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/auth/logout", method: .post, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            try await client.execute(uri: "/api/auth/me", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "invalid_session")
            }
        }
    }

    @Test func bootstrapNeedsTheInternalTokenAndIsRepeatableWithTheSamePassword() async throws {
        try await GatewayFixture.app().test(.router) { client in
            let body = BootstrapRequest(org: "Acme", email: "\(unique("boot"))@example.com", password: "long-enough")
            try await client.execute(uri: "/internal/bootstrap", method: .post, body: .json(body)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "invalid_internal_token")
            }
            let headers: HTTPFields = [.internalToken: TestDatabase.internalToken]
            let first = try await client.execute(uri: "/internal/bootstrap", method: .post, headers: headers, body: .json(body)) { response in
                #expect(response.status == .created)
                return try response.json(BootstrapResponse.self)
            }
            #expect(first.apiKey.hasPrefix("txadv_"))
            #expect(Set(first.scopes) == Set(Scope.allCases))
            try await client.execute(uri: "/internal/bootstrap", method: .post, headers: headers, body: .json(body)) { response in
                #expect(response.status == .ok)
                let again = try response.json(BootstrapResponse.self)
                #expect(again.orgId == first.orgId)
                #expect(again.created == false)
                #expect(again.apiKey != first.apiKey)
            }
            var wrong = body
            wrong.password = "another-password"
            try await client.execute(uri: "/internal/bootstrap", method: .post, headers: headers, body: .json(wrong)) { response in
                #expect(response.status == .conflict)
                #expect(response.errorCode == "user_exists")
            }
        }
    }
}
