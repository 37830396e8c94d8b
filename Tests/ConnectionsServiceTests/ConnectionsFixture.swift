import Configuration
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

/// connections-service in-process against the test database, called as the gateway calls it.
enum ConnectionsFixture {
    static func app(_ extra: [String: String] = [:]) async throws -> some ApplicationProtocol {
        // Generous enough for a busy CI machine; the timeout test sets its own short bound.
        try await buildApplication(reader: TestDatabase.reader(for: .connections, ["CONNECTION_TEST_TIMEOUT_SECONDS": "5", "ACTIVATION_SERVICE_URL": "http://127.0.0.1:9"].merging(extra) { $1 }))
    }

    static func headers(_ org: OrgID, service: String? = nil) -> HTTPFields {
        var headers: HTTPFields = [.internalToken: TestDatabase.internalToken, .orgID: org.rawValue, .actorType: "session", .actorRole: "owner"]
        if let service { headers[.serviceName] = service }
        return headers
    }

    static func inbound(baseURL: String = "https://api.example.com/segments", auth: String = "bearer", credentials: JSONValue = ["token": "tok-1"])
        -> JSONValue
    {
        [
            "name": .string(unique("Partner")), "platform": "custom_api", "direction": "inbound", "authType": .string(auth),
            "config": ["base_url": .string(baseURL), "response_path": "data.segments", "field_mappings": ["name": "topic_name", "id": "external_id"]],
            "credentials": credentials,
        ]
    }

    static func create(_ body: JSONValue, org: OrgID, client: some TestClientProtocol) async throws -> TestResponse {
        try await client.execute(uri: "/api/connections", method: .post, headers: Self.headers(org), body: .json(body)) { $0 }
    }

    static func created(_ body: JSONValue, org: OrgID, client: some TestClientProtocol) async throws -> Connection {
        let response = try await Self.create(body, org: org, client: client)
        #expect(response.status == .created, "\(String(buffer: response.body))")
        return try response.json(Connection.self)
    }
}
