import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import ServiceKit
import SharedModels
import TestSupport
import Testing

@testable import ConnectionsService

@Suite struct ConnectionsRoutesTests {
    @Test func createAnswersTheCanonicalFormWithoutCredentials() async throws {
        let org = OrgID.generate()
        try await ConnectionsFixture.app().test(.router) { client in
            let response = try await ConnectionsFixture.create(ConnectionsFixture.inbound(credentials: ["token": "never-shown-1"]), org: org, client: client)
            #expect(response.status == .created)
            let body = String(buffer: response.body)
            #expect(!body.contains("never-shown-1"))
            #expect(!body.contains("credentials"))
            let connection = try response.json(Connection.self)
            #expect(connection.hasCredentials)
            #expect(connection.status == "active")
            #expect(connection.authType == .bearer)
            #expect(body.contains(#""createdAt""#) && body.contains(#""lastTestedAt":null"#))
            try await client.execute(uri: "/api/connections/\(connection.id)", method: .get, headers: ConnectionsFixture.headers(org)) { response throws in
                #expect(try response.json(Connection.self) == connection)
                #expect(!String(buffer: response.body).contains("never-shown-1"))
            }
        }
    }

    @Test func aRejectedBodyIsA400NamingTheFieldAndNothingIsStored() async throws {
        let org = OrgID.generate()
        try await ConnectionsFixture.app().test(.router) { client in
            var body = ConnectionsFixture.inbound()
            if case .object(var object) = body { object["surprise"] = true; body = .object(object) }
            let response = try await ConnectionsFixture.create(body, org: org, client: client)
            #expect(response.status == .badRequest)
            let envelope = try response.json(ErrorEnvelope.self)
            #expect(envelope.error.code == "invalid_connection")
            #expect(envelope.error.details?.field("field") == "surprise")
            try await client.execute(uri: "/api/connections", method: .get, headers: ConnectionsFixture.headers(org)) { response throws in
                #expect(try response.json([Connection].self).isEmpty)
            }
            try await client.execute(uri: "/api/connections", method: .post, headers: ConnectionsFixture.headers(org), body: ByteBuffer(string: "[1]")) {
                response throws in
                #expect(response.errorCode == "invalid_json")
            }
        }
    }

    @Test func patchMergesConfigAndKeepsCredentials() async throws {
        let org = OrgID.generate()
        try await ConnectionsFixture.app().test(.router) { client in
            let created = try await ConnectionsFixture.created(ConnectionsFixture.inbound(), org: org, client: client)
            let patch: JSONValue = ["name": "Renamed", "config": ["pagination_params": ["page_size": 250], "items_path": "results", "filters": ["status": "active"]]]
            try await client.execute(uri: "/api/connections/\(created.id)", method: .patch, headers: ConnectionsFixture.headers(org), body: .json(patch)) {
                response throws in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let updated = try response.json(Connection.self)
                #expect(updated.name == "Renamed")
                #expect(updated.config["base_url"] == created.config["base_url"])  // untouched keys stay
                #expect(updated.config["response_path"] == "results")
                #expect(updated.config["pagination_params"]?.field("page_size") == 250)
                #expect(updated.config["pagination_params"]?.field("limit_param") == "limit")
                #expect(updated.config["filters"] == ["status": "active"])
                #expect(updated.hasCredentials)
            }
            let removeFilters: JSONValue = ["config": ["filters": nil]]
            try await client.execute(uri: "/api/connections/\(created.id)", method: .patch, headers: ConnectionsFixture.headers(org), body: .json(removeFilters)) {
                response throws in
                #expect(try response.json(Connection.self).config["filters"] == [:])
            }
            for (bad, field): (JSONValue, String) in [(["config": ["page_size": 5]], "config.page_size"), (["colour": "red"], "colour"), (["authType": "basic"], "credentials")] {
                try await client.execute(uri: "/api/connections/\(created.id)", method: .patch, headers: ConnectionsFixture.headers(org), body: .json(bad)) {
                    response throws in
                    #expect(response.status == .badRequest)
                    #expect(try response.json(ErrorEnvelope.self).error.details?.field("field") == .string(field))
                }
            }
            try await client.execute(uri: "/api/connections/\(created.id)", method: .patch, headers: ConnectionsFixture.headers(org), body: ByteBuffer(string: "{}")) {
                response throws in
                #expect(response.errorCode == "empty_update")
            }
        }
    }

    @Test func putReplacesEverythingButStoredCredentials() async throws {
        let org = OrgID.generate()
        try await ConnectionsFixture.app().test(.router) { client in
            let created = try await ConnectionsFixture.created(ConnectionsFixture.inbound(), org: org, client: client)
            var replacement = ConnectionsFixture.inbound(baseURL: "https://other.example.com/v3")
            if case .object(var object) = replacement { object["credentials"] = nil; object["enabled"] = false; replacement = .object(object) }
            try await client.execute(uri: "/api/connections/\(created.id)", method: .put, headers: ConnectionsFixture.headers(org), body: .json(replacement)) {
                response throws in
                let replaced = try response.json(Connection.self)
                #expect(replaced.config["base_url"] == "https://other.example.com/v3")
                #expect(replaced.enabled == false)
                #expect(replaced.hasCredentials)
            }
            let secrets = try await client.execute(
                uri: "/internal/connections/\(created.id)/secrets", method: .get, headers: ConnectionsFixture.headers(org, service: "sync-service")
            ) { try $0.json(ConnectionSecrets.self) }
            #expect(secrets.credentials == ["token": "tok-1"])
        }
    }

    @Test func anotherOrgsConnectionIsNotFoundForEveryVerb() async throws {
        let (owner, stranger) = (OrgID.generate(), OrgID.generate())
        try await ConnectionsFixture.app().test(.router) { client in
            let created = try await ConnectionsFixture.created(ConnectionsFixture.inbound(), org: owner, client: client)
            let uri = "/api/connections/\(created.id)"
            for (method, path) in [(HTTPRequest.Method.get, uri), (.patch, uri), (.put, uri), (.delete, uri), (.post, uri + "/test")] {
                try await client.execute(uri: path, method: method, headers: ConnectionsFixture.headers(stranger), body: .json(ConnectionsFixture.inbound())) {
                    response throws in
                    #expect(response.status == .notFound, "\(method) \(path)")
                    #expect(response.errorCode == "connection_not_found")
                }
            }
            try await client.execute(uri: "/api/connections/conn_nonsense", method: .get, headers: ConnectionsFixture.headers(owner)) { response throws in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: uri, method: .delete, headers: ConnectionsFixture.headers(owner)) { response throws in
                #expect(String(buffer: response.body) == #"{"deleted":true}"#)
            }
            try await client.execute(uri: uri, method: .get, headers: ConnectionsFixture.headers(owner)) { response throws in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func listFiltersByDirectionAndPlatform() async throws {
        let org = OrgID.generate()
        try await ConnectionsFixture.app().test(.router) { client in
            let inbound = try await ConnectionsFixture.created(ConnectionsFixture.inbound(), org: org, client: client)
            let outbound = try await ConnectionsFixture.created(
                [
                    "name": "TTD", "platform": "tradedesk", "direction": "outbound", "config": ["default_cpm": 1.5, "currency": "USD"],
                    "credentials": ["token": "ttd"],
                ],
                org: org, client: client
            )
            for (query, expected) in [("", [inbound.id, outbound.id]), ("?direction=outbound", [outbound.id]), ("?platform=custom_api", [inbound.id])] {
                try await client.execute(uri: "/api/connections\(query)", method: .get, headers: ConnectionsFixture.headers(org)) { response throws in
                    #expect(try response.json([Connection].self).map(\.id) == expected, "\(query)")
                }
            }
            try await client.execute(uri: "/api/connections?direction=up", method: .get, headers: ConnectionsFixture.headers(org)) { response throws in
                #expect(response.errorCode == "invalid_parameter")
            }
        }
    }

    @Test func theTwentyFirstConnectionIsRefusedEvenWhenCreatedConcurrently() async throws {
        let org = OrgID.generate()
        try await ConnectionsFixture.app().test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<24 {
                    group.addTask { try await ConnectionsFixture.create(ConnectionsFixture.inbound(), org: org, client: client).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 20)
            #expect(statuses.filter { $0 == .conflict }.count == 4)
            let refused = try await ConnectionsFixture.create(ConnectionsFixture.inbound(), org: org, client: client)
            #expect(refused.errorCode == "connection_limit_reached")
        }
    }

    @Test func theTableHoldsNoPlaintextSecret() async throws {
        let org = OrgID.generate()
        let secret = "plaintext-canary-\(UUID().uuidString)"
        try await ConnectionsFixture.app().test(.router) { client in
            _ = try await ConnectionsFixture.created(ConnectionsFixture.inbound(credentials: ["token": .string(secret)]), org: org, client: client)
        }
        try await TestDatabase.withClient(as: .connections) { postgres in
            let rows = try await postgres.query(
                """
                SELECT row_to_json(c)::text, auth_credentials::text, encode(auth_credentials_enc, 'escape')
                FROM platform_connections c WHERE org_id = \(org.rawValue)
                """,
                logger: Logger(label: "test")
            )
            var seen = 0
            for try await (row, plain, encrypted) in rows.decode((String, String, String).self) {
                seen += 1
                #expect(!row.contains(secret))
                #expect(!encrypted.contains(secret))
                #expect(plain == "{}")
            }
            #expect(seen == 1)
        }
    }

    @Test func credentialsAreReadableOnlyBySyncAndActivationWithinTheOrg() async throws {
        let org = OrgID.generate()
        try await ConnectionsFixture.app().test(.router) { client in
            let created = try await ConnectionsFixture.created(ConnectionsFixture.inbound(), org: org, client: client)
            let uri = "/internal/connections/\(created.id)/secrets"
            for service in ["sync-service", "activation-service"] {
                try await client.execute(uri: uri, method: .get, headers: ConnectionsFixture.headers(org, service: service)) { response throws in
                    #expect(response.status == .ok)
                    #expect(try response.json(ConnectionSecrets.self).credentials == ["token": "tok-1"])
                }
            }
            for service in ["gateway", "topics-service", nil] {
                try await client.execute(uri: uri, method: .get, headers: ConnectionsFixture.headers(org, service: service)) { response throws in
                    #expect(response.status == .forbidden)
                    #expect(response.errorCode == "caller_not_allowed")
                }
            }
            try await client.execute(uri: uri, method: .get, headers: ConnectionsFixture.headers(.generate(), service: "sync-service")) { response throws in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: uri, method: .get) { response throws in
                #expect(response.errorCode == "internal_token_required")
            }
        }
    }
}
