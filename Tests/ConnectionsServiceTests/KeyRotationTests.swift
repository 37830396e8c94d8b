import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceKit
import SharedModels
import TestSupport
import Testing

@testable import ConnectionsService

/// `scripts/rotate-credentials-key` on a database of its own (it rewrites every row).
@Suite struct KeyRotationTests {
    static let database = "audiencehub_rotation"
    let oldKey = "rotation-old-key-0123456789"
    let newKey = "rotation-new-key-9876543210"

    func app(key: String) async throws -> some ApplicationProtocol {
        try await buildApplication(
            reader: TestDatabase.reader(for: .connections, [
                "DATABASE_URL": TestDatabase.url(for: .connections, database: Self.database), "CREDENTIALS_ENCRYPTION_KEY": key,
            ])
        )
    }

    func secrets(_ id: ConnectionID, org: OrgID, key: String) async throws -> (HTTPResponse.Status, [String: String]?) {
        try await self.app(key: key).test(.router) { client in
            try await client.execute(
                uri: "/internal/connections/\(id)/secrets", method: .get, headers: ConnectionsFixture.headers(org, service: "sync-service")
            ) { response throws in
                (response.status, response.status == .ok ? try response.json(ConnectionSecrets.self).credentials : nil)
            }
        }
    }

    func rotate(from old: String, to new: String) throws -> Scripts.Result {
        try Scripts.run(
            "rotate-credentials-key",
            environment: [
                "CREDENTIALS_ENCRYPTION_KEY": old, "NEW_CREDENTIALS_ENCRYPTION_KEY": new,
                "DATABASE_URL": TestDatabase.url(for: .connections, database: Self.database),
            ]
        )
    }

    @Test func everyCredentialMovesToTheNewKeyAtOnceAndAWrongOldKeyChangesNothing() async throws {
        try TestDatabase.makeDatabase(Self.database)
        let org = OrgID.generate()
        let connection = try await self.app(key: self.oldKey).test(.router) { client in
            try await ConnectionsFixture.created(ConnectionsFixture.inbound(credentials: ["token": "rotate-me"]), org: org, client: client)
        }

        let wrong = try self.rotate(from: "not-the-key-at-all-000", to: self.newKey)
        #expect(wrong.status != 0)
        #expect(!wrong.output.contains(self.newKey))
        #expect(try await self.secrets(connection.id, org: org, key: self.oldKey).1 == ["token": "rotate-me"])

        let rotated = try self.rotate(from: self.oldKey, to: self.newKey)
        #expect(rotated.status == 0, "\(rotated.output)")
        #expect(rotated.output.contains("rotated"))
        #expect(try await self.secrets(connection.id, org: org, key: self.newKey).1 == ["token": "rotate-me"])
        #expect(try await self.secrets(connection.id, org: org, key: self.oldKey).0 == .internalServerError)

        // Back again, so the database is ready for the next run.
        #expect(try self.rotate(from: self.newKey, to: self.oldKey).status == 0)
    }
}
