import Foundation

public struct LoginRequest: Codable, Sendable {
    public var email: String
    public var password: String

    public init(email: String, password: String) {
        self.email = email
        self.password = password
    }
}

public struct SessionUser: Codable, Sendable {
    public var id: UserID
    public var email: String
    public var role: Role
    public var orgId: OrgID

    public init(id: UserID, email: String, role: Role, orgId: OrgID) {
        self.id = id
        self.email = email
        self.role = role
        self.orgId = orgId
    }

    enum CodingKeys: String, CodingKey {
        case id, email, role
        case orgId = "org_id"
    }
}

public struct CreateAPIKeyRequest: Codable, Sendable {
    public var name: String
    public var scopes: [Scope]
    /// Requests a minute this key may make; the gateway's default when absent.
    public var rateLimitPerMinute: Int?

    public init(name: String, scopes: [Scope], rateLimitPerMinute: Int? = nil) {
        self.name = name
        self.scopes = scopes
        self.rateLimitPerMinute = rateLimitPerMinute
    }

    enum CodingKeys: String, CodingKey {
        case name, scopes
        case rateLimitPerMinute = "rate_limit_per_minute"
    }
}

/// An API key as listed: never the secret, only its first characters to recognise it.
public struct APIKeySummary: Codable, Sendable, Equatable {
    public var id: APIKeyID
    public var name: String
    public var prefix: String
    public var scopes: [Scope]
    public var rateLimitPerMinute: Int
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(
        id: APIKeyID, name: String, prefix: String, scopes: [Scope], rateLimitPerMinute: Int,
        createdAt: Date, lastUsedAt: Date?, revokedAt: Date?
    ) {
        self.id = id
        self.name = name
        self.prefix = prefix
        self.scopes = scopes
        self.rateLimitPerMinute = rateLimitPerMinute
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, prefix, scopes
        case rateLimitPerMinute = "rate_limit_per_minute"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }
}

/// The answer to creating a key: the only time the secret `key` is shown.
public struct CreatedAPIKey: Codable, Sendable {
    public var key: String
    public var apiKey: APIKeySummary

    public init(key: String, apiKey: APIKeySummary) {
        self.key = key
        self.apiKey = apiKey
    }

    enum CodingKeys: String, CodingKey {
        case key
        case apiKey = "api_key"
    }
}

public struct APIKeyList: Codable, Sendable {
    public var data: [APIKeySummary]

    public init(data: [APIKeySummary]) {
        self.data = data
    }
}

/// `audiencehub admin init`: one org, its owner, and a key holding every scope.
public struct BootstrapRequest: Codable, Sendable {
    public var org: String
    public var email: String
    public var password: String

    public init(org: String, email: String, password: String) {
        self.org = org
        self.email = email
        self.password = password
    }
}

public struct BootstrapResponse: Codable, Sendable {
    public var orgId: OrgID
    public var userId: UserID
    public var apiKey: String
    public var scopes: [Scope]
    /// False when the org and owner already existed (same email and password): only a new key was issued.
    public var created: Bool

    public init(orgId: OrgID, userId: UserID, apiKey: String, scopes: [Scope], created: Bool) {
        self.orgId = orgId
        self.userId = userId
        self.apiKey = apiKey
        self.scopes = scopes
        self.created = created
    }

    enum CodingKeys: String, CodingKey {
        case orgId = "org_id"
        case userId = "user_id"
        case apiKey = "api_key"
        case scopes, created
    }
}
