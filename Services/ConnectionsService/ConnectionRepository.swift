import Connectors
import Foundation
import Logging
import PostgresNIO
import ServiceKit
import SharedModels

/// `platform_connections` in the `connections` schema. Credentials go in and out only through pgcrypto with the
/// service's key; nothing here ever returns them except `secrets`.
struct ConnectionRepository: Sendable {
    let client: PostgresClient
    let encryptionKey: String
    let maxPerOrg: Int

    static let columns = """
        id, name, platform, direction, auth_type, config::text, enabled, auth_credentials_enc IS NOT NULL, status,
        last_tested_at, last_test_error, created_at, updated_at
        """

    func create(orgID: OrgID, draft: ConnectionDraft, logger: Logger) async throws -> Connection {
        try await self.client.withTransaction(logger: logger) { connection in
            // One creator at a time per org, so two concurrent creates cannot both pass the limit.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('connections:' || \(orgID.rawValue)))", logger: logger)
            let counted = try await connection.query("SELECT count(*) FROM platform_connections WHERE org_id = \(orgID.rawValue)", logger: logger)
            for try await count in counted.decode(Int.self) where count >= self.maxPerOrg {
                throw AppError.conflict(
                    "connection_limit_reached", "An organisation can have at most \(self.maxPerOrg) connections; delete one first.",
                    details: .object(["limit": .number(Double(self.maxPerOrg))])
                )
            }
            let rows = try await connection.query(
                """
                INSERT INTO platform_connections (id, org_id, name, platform, direction, auth_type, config, enabled, auth_credentials_enc)
                VALUES (\(ConnectionID.generate().rawValue), \(orgID.rawValue), \(draft.name), \(draft.platform.rawValue),
                        \(draft.direction.rawValue), \(draft.authType.rawValue), \(try Self.json(draft.config))::jsonb, \(draft.enabled),
                        pgp_sym_encrypt(\(Self.plaintext(draft.credentials)), \(self.encryptionKey)))
                RETURNING \(unescaped: Self.columns)
                """,
                logger: logger
            )
            return try await Self.one(rows)
        }
    }

    func list(orgID: OrgID, direction: Direction?, platform: Platform?, logger: Logger) async throws -> [Connection] {
        let rows = try await self.client.query(
            """
            SELECT \(unescaped: Self.columns) FROM platform_connections
            WHERE org_id = \(orgID.rawValue) AND (\(direction?.rawValue)::text IS NULL OR direction = \(direction?.rawValue))
              AND (\(platform?.rawValue)::text IS NULL OR platform = \(platform?.rawValue))
            ORDER BY created_at, id
            """,
            logger: logger
        )
        var connections: [Connection] = []
        for try await row in rows { connections.append(try Self.connection(row.makeRandomAccess())) }
        return connections
    }

    func find(id: ConnectionID, orgID: OrgID, logger: Logger) async throws -> Connection {
        let rows = try await self.client.query(
            "SELECT \(unescaped: Self.columns) FROM platform_connections WHERE id = \(id.rawValue) AND org_id = \(orgID.rawValue)",
            logger: logger
        )
        return try await Self.one(rows)
    }

    /// Reads the connection under a row lock, lets `change` turn it into a new draft, and stores that: concurrent
    /// updates apply one after the other, never over each other.
    func update(
        id: ConnectionID, orgID: OrgID, logger: Logger, change: @Sendable (Connection) throws -> ConnectionDraft
    ) async throws -> Connection {
        try await self.client.withTransaction(logger: logger) { connection in
            let current = try await Self.one(
                try await connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM platform_connections
                    WHERE id = \(id.rawValue) AND org_id = \(orgID.rawValue) FOR UPDATE
                    """,
                    logger: logger
                )
            )
            let draft = try change(current)
            // No credentials in the draft keeps the stored ones, except that auth type none holds none.
            let keep = draft.credentials == nil && draft.authType != .none
            let rows = try await connection.query(
                """
                UPDATE platform_connections SET name = \(draft.name), platform = \(draft.platform.rawValue),
                    direction = \(draft.direction.rawValue), auth_type = \(draft.authType.rawValue),
                    config = \(try Self.json(draft.config))::jsonb, enabled = \(draft.enabled),
                    auth_credentials_enc = CASE WHEN \(keep) THEN auth_credentials_enc
                        ELSE pgp_sym_encrypt(\(Self.plaintext(draft.credentials)), \(self.encryptionKey)) END,
                    updated_at = now()
                WHERE id = \(id.rawValue) AND org_id = \(orgID.rawValue)
                RETURNING \(unescaped: Self.columns)
                """,
                logger: logger
            )
            return try await Self.one(rows)
        }
    }

    func delete(id: ConnectionID, orgID: OrgID, logger: Logger) async throws {
        let rows = try await self.client.query(
            "DELETE FROM platform_connections WHERE id = \(id.rawValue) AND org_id = \(orgID.rawValue) RETURNING id", logger: logger
        )
        for try await _ in rows.decode(String.self) { return }
        throw Self.notFound(id)
    }

    func recordTest(id: ConnectionID, orgID: OrgID, error: String?, logger: Logger) async throws -> Connection {
        let rows = try await self.client.query(
            """
            UPDATE platform_connections SET last_tested_at = now(), last_test_error = \(error),
                status = CASE WHEN \(error)::text IS NULL THEN 'active' ELSE 'error' END
            WHERE id = \(id.rawValue) AND org_id = \(orgID.rawValue)
            RETURNING \(unescaped: Self.columns)
            """,
            logger: logger
        )
        return try await Self.one(rows)
    }

    /// The connection with its decrypted credentials: for connection tests, sync and activation, never for a response.
    func secrets(id: ConnectionID, orgID: OrgID, logger: Logger) async throws -> ConnectionSecrets {
        let rows = try await self.client.query(
            """
            SELECT \(unescaped: Self.columns),
                   CASE WHEN auth_credentials_enc IS NULL THEN '{}' ELSE pgp_sym_decrypt(auth_credentials_enc, \(self.encryptionKey)) END
            FROM platform_connections WHERE id = \(id.rawValue) AND org_id = \(orgID.rawValue)
            """,
            logger: logger
        )
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let connection = try Self.connection(cells)
            let plaintext = try cells[13].decode(String.self, context: .default)
            let credentials = try JSONDecoder().decode([String: String].self, from: Data(plaintext.utf8))
            return ConnectionSecrets(connection: connection, credentials: credentials)
        }
        throw Self.notFound(id)
    }

    /// The credentials' JSON to encrypt, or nil (so `pgp_sym_encrypt` gives NULL) when there are none.
    private static func plaintext(_ credentials: [String: String]?) -> String? {
        guard let credentials, !credentials.isEmpty else { return nil }
        return try? Self.json(credentials)
    }

    static func notFound(_ id: ConnectionID) -> AppError {
        .notFound("connection_not_found", "No connection \(id) in this organisation.")
    }

    private static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    private static func one(_ rows: PostgresRowSequence) async throws -> Connection {
        for try await row in rows { return try Self.connection(row.makeRandomAccess()) }
        throw AppError.notFound("connection_not_found", "No such connection in this organisation.")
    }

    private static func connection(_ cells: PostgresRandomAccessRow) throws -> Connection {
        guard let id = ConnectionID(rawValue: try cells[0].decode(String.self, context: .default)),
            let platform = Platform(rawValue: try cells[2].decode(String.self, context: .default)),
            let direction = Direction(rawValue: try cells[3].decode(String.self, context: .default)),
            let authType = AuthType(rawValue: try cells[4].decode(String.self, context: .default))
        else { throw RepositoryError.corruptRow }
        let config = try cells[5].decode(String.self, context: .default)
        return Connection(
            id: id, name: try cells[1].decode(String.self, context: .default), platform: platform, direction: direction,
            authType: authType, config: try JSONDecoder().decode([String: JSONValue].self, from: Data(config.utf8)),
            enabled: try cells[6].decode(Bool.self, context: .default), hasCredentials: try cells[7].decode(Bool.self, context: .default),
            status: try cells[8].decode(String.self, context: .default), lastTestedAt: try cells[9].decode(Date?.self, context: .default),
            lastTestError: try cells[10].decode(String?.self, context: .default), createdAt: try cells[11].decode(Date.self, context: .default),
            updatedAt: try cells[12].decode(Date.self, context: .default)
        )
    }
}

enum RepositoryError: Error {
    case corruptRow
}
