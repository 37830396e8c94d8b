import Foundation
import Logging
import PostgresNIO
import SharedModels

/// A user as the gateway needs it to log in and act.
struct UserRecord: Sendable {
    var id: UserID
    var orgID: OrgID
    var email: String
    var passwordHash: String
    var role: Role
}

/// An API key resolved from its hash, with the role of the user who made it.
struct APIKeyRecord: Sendable {
    var summary: APIKeySummary
    var orgID: OrgID
    var role: Role
}

/// Orgs, users, sessions and API keys in the `gateway` schema.
struct AccountRepository: Sendable {
    let client: PostgresClient

    func user(email: String, logger: Logger) async throws -> UserRecord? {
        let rows = try await self.client.query(
            "SELECT id, org_id, email, password_hash, role FROM users WHERE lower(email) = lower(\(email))",
            logger: logger
        )
        for try await (id, orgID, email, hash, role) in rows.decode((String, String, String, String, String).self) {
            return try Self.user(id: id, orgID: orgID, email: email, hash: hash, role: role)
        }
        return nil
    }

    /// Creates an org and its owner in one transaction.
    func createOrg(name: String, ownerEmail: String, passwordHash: String, logger: Logger) async throws -> UserRecord {
        let orgID = OrgID.generate()
        let userID = UserID.generate()
        try await self.client.withTransaction(logger: logger) { connection in
            try await connection.query("INSERT INTO orgs (id, name) VALUES (\(orgID.rawValue), \(name))", logger: logger)
            try await connection.query(
                """
                INSERT INTO users (id, org_id, email, password_hash, role)
                VALUES (\(userID.rawValue), \(orgID.rawValue), \(ownerEmail), \(passwordHash), 'owner')
                """,
                logger: logger
            )
        }
        return UserRecord(id: userID, orgID: orgID, email: ownerEmail, passwordHash: passwordHash, role: .owner)
    }

    func createSession(tokenHash: String, userID: UserID, expiresAt: Date, logger: Logger) async throws {
        try await self.client.query(
            "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (\(tokenHash), \(userID.rawValue), \(expiresAt))",
            logger: logger
        )
    }

    /// The user behind a live session; expired sessions are not found.
    func sessionUser(tokenHash: String, logger: Logger) async throws -> UserRecord? {
        let rows = try await self.client.query(
            """
            SELECT u.id, u.org_id, u.email, u.password_hash, u.role
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = \(tokenHash) AND s.expires_at > now()
            """,
            logger: logger
        )
        for try await (id, orgID, email, hash, role) in rows.decode((String, String, String, String, String).self) {
            return try Self.user(id: id, orgID: orgID, email: email, hash: hash, role: role)
        }
        return nil
    }

    func deleteSession(tokenHash: String, logger: Logger) async throws {
        try await self.client.query("DELETE FROM sessions WHERE token_hash = \(tokenHash)", logger: logger)
    }

    func createAPIKey(
        id: APIKeyID, orgID: OrgID, createdBy: UserID, name: String, key: String, scopes: [Scope], rateLimitPerMinute: Int,
        logger: Logger
    ) async throws -> APIKeySummary {
        let scopeNames = scopes.map(\.rawValue)
        let prefix = Secrets.displayPrefix(of: key)
        let rows = try await self.client.query(
            """
            INSERT INTO api_keys (id, org_id, created_by, name, prefix, key_hash, scopes, rate_limit_per_minute)
            VALUES (\(id.rawValue), \(orgID.rawValue), \(createdBy.rawValue), \(name), \(prefix), \(Secrets.hash(key)),
                    \(scopeNames), \(rateLimitPerMinute))
            RETURNING created_at
            """,
            logger: logger
        )
        var createdAt = Date()
        for try await value in rows.decode(Date.self) {
            createdAt = value
        }
        return APIKeySummary(
            id: id, name: name, prefix: prefix, scopes: scopes, rateLimitPerMinute: rateLimitPerMinute,
            createdAt: createdAt, lastUsedAt: nil, revokedAt: nil
        )
    }

    func apiKeys(orgID: OrgID, logger: Logger) async throws -> [APIKeySummary] {
        let rows = try await self.client.query(
            """
            SELECT id, name, prefix, scopes, rate_limit_per_minute, created_at, last_used_at, revoked_at
            FROM api_keys WHERE org_id = \(orgID.rawValue) ORDER BY created_at DESC, id DESC
            """,
            logger: logger
        )
        var keys: [APIKeySummary] = []
        for try await row in rows.decode((String, String, String, [String], Int, Date, Date?, Date?).self) {
            keys.append(try Self.summary(row))
        }
        return keys
    }

    /// A live (not revoked) key by the hash of its secret; notes the use at most once a minute.
    func liveAPIKey(hash: String, logger: Logger) async throws -> APIKeyRecord? {
        let rows = try await self.client.query(
            """
            SELECT k.id, k.name, k.prefix, k.scopes, k.rate_limit_per_minute, k.created_at, k.last_used_at, k.revoked_at,
                   k.org_id, u.role
            FROM api_keys k JOIN users u ON u.id = k.created_by
            WHERE k.key_hash = \(hash) AND k.revoked_at IS NULL
            """,
            logger: logger
        )
        var found: APIKeyRecord?
        for try await (id, name, prefix, scopes, limit, created, used, revoked, orgID, role)
            in rows.decode((String, String, String, [String], Int, Date, Date?, Date?, String, String).self)
        {
            guard let org = OrgID(rawValue: orgID), let role = Role(rawValue: role) else { throw RepositoryError.corruptRow("api_keys") }
            found = APIKeyRecord(
                summary: try Self.summary((id, name, prefix, scopes, limit, created, used, revoked)), orgID: org, role: role
            )
        }
        if let found, (found.summary.lastUsedAt ?? .distantPast) < Date().addingTimeInterval(-60) {
            try await self.client.query("UPDATE api_keys SET last_used_at = now() WHERE id = \(found.summary.id.rawValue)", logger: logger)
        }
        return found
    }

    /// Revokes a key of this org; false when the org has no such key.
    func revokeAPIKey(id: APIKeyID, orgID: OrgID, logger: Logger) async throws -> Bool {
        let rows = try await self.client.query(
            """
            UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now())
            WHERE id = \(id.rawValue) AND org_id = \(orgID.rawValue) RETURNING id
            """,
            logger: logger
        )
        for try await _ in rows.decode(String.self) {
            return true
        }
        return false
    }

    private static func user(id: String, orgID: String, email: String, hash: String, role: String) throws -> UserRecord {
        guard let id = UserID(rawValue: id), let orgID = OrgID(rawValue: orgID), let role = Role(rawValue: role) else {
            throw RepositoryError.corruptRow("users")
        }
        return UserRecord(id: id, orgID: orgID, email: email, passwordHash: hash, role: role)
    }

    private static func summary(_ row: (String, String, String, [String], Int, Date, Date?, Date?)) throws -> APIKeySummary {
        guard let id = APIKeyID(rawValue: row.0) else { throw RepositoryError.corruptRow("api_keys") }
        return APIKeySummary(
            id: id, name: row.1, prefix: row.2, scopes: row.3.compactMap(Scope.init(rawValue:)), rateLimitPerMinute: row.4,
            createdAt: row.5, lastUsedAt: row.6, revokedAt: row.7
        )
    }
}

enum RepositoryError: Error {
    case corruptRow(String)
}
