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

/// Builds the real gateway against the test database, and the steps most scenarios start with.
enum GatewayFixture {
    static func app(_ extra: [String: String] = [:]) async throws -> some ApplicationProtocol {
        try await buildApplication(reader: TestDatabase.reader(for: .gateway, extra))
    }

    struct Account {
        var org: OrgID
        var email: String
        var password: String
        var apiKey: String
    }

    /// A new org with its owner, through the bootstrap route the CLI uses.
    static func bootstrap(_ client: some TestClientProtocol) async throws -> Account {
        let email = "\(unique("owner"))@example.com"
        let body = BootstrapRequest(org: unique("org"), email: email, password: "correct-horse")
        return try await client.execute(
            uri: "/internal/bootstrap", method: .post, headers: [.internalToken: TestDatabase.internalToken], body: .json(body)
        ) { response in
            #expect(response.status == .created)
            let result = try response.json(BootstrapResponse.self)
            return Account(org: result.orgId, email: email, password: "correct-horse", apiKey: result.apiKey)
        }
    }

    /// Logs in and answers the `Cookie` header value to send afterwards.
    static func login(_ client: some TestClientProtocol, _ account: Account) async throws -> String {
        try await client.execute(
            uri: "/api/auth/login", method: .post, body: .json(LoginRequest(email: account.email, password: account.password))
        ) { response in
            #expect(response.status == .ok)
            let setCookie = try #require(response.headers[.setCookie])
            return String(try #require(setCookie.split(separator: ";").first))
        }
    }

    static func createKey(
        _ client: some TestClientProtocol, cookie: String, scopes: [Scope], rateLimit: Int? = nil
    ) async throws -> CreatedAPIKey {
        let body = CreateAPIKeyRequest(name: unique("key"), scopes: scopes, rateLimitPerMinute: rateLimit)
        return try await client.execute(uri: "/api/keys", method: .post, headers: [.cookie: cookie], body: .json(body)) { response in
            #expect(response.status == .created)
            return try response.json(CreatedAPIKey.self)
        }
    }
}

extension HTTPFields {
    static func bearer(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)"] }
}
