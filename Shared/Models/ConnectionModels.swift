import Foundation

public enum Platform: String, Codable, CaseIterable, Sendable {
    case liveramp, tradedesk, indexexchange
    case customAPI = "custom_api"
}

public enum Direction: String, Codable, CaseIterable, Sendable {
    case inbound, outbound, bidirectional

    public var pulls: Bool { self != .outbound }
    public var pushes: Bool { self != .inbound }
}

public enum AuthType: String, Codable, CaseIterable, Sendable {
    case oauth2, bearer
    case apiKey = "api_key"
    case header, basic, none
}

/// A connection as the API answers it: never its credentials, only whether it has some.
public struct Connection: Codable, Sendable, Equatable {
    public var id: ConnectionID
    public var name: String
    public var platform: Platform
    public var direction: Direction
    public var authType: AuthType
    /// Canonical, validated, platform-specific settings (snake_case keys as the seeds spell them).
    public var config: [String: JSONValue]
    public var enabled: Bool
    public var hasCredentials: Bool
    /// `active`, or `error` after a failed test.
    public var status: String
    public var lastTestedAt: Date?
    public var lastTestError: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: ConnectionID, name: String, platform: Platform, direction: Direction, authType: AuthType, config: [String: JSONValue],
        enabled: Bool, hasCredentials: Bool, status: String, lastTestedAt: Date?, lastTestError: String?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.platform = platform
        self.direction = direction
        self.authType = authType
        self.config = config
        self.enabled = enabled
        self.hasCredentials = hasCredentials
        self.status = status
        self.lastTestedAt = lastTestedAt
        self.lastTestError = lastTestError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.platform, forKey: .platform)
        try container.encode(self.direction, forKey: .direction)
        try container.encode(self.authType, forKey: .authType)
        try container.encode(self.config, forKey: .config)
        try container.encode(self.enabled, forKey: .enabled)
        try container.encode(self.hasCredentials, forKey: .hasCredentials)
        try container.encode(self.status, forKey: .status)
        try container.encode(self.lastTestedAt, forKey: .lastTestedAt)
        try container.encode(self.lastTestError, forKey: .lastTestError)
        try container.encode(self.createdAt, forKey: .createdAt)
        try container.encode(self.updatedAt, forKey: .updatedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, platform, direction, authType, config, enabled, hasCredentials, status, lastTestedAt, lastTestError, createdAt,
            updatedAt
    }
}

/// What `POST /api/connections/{id}/test` answers; failures are HTTP 200 with `success: false` and a human `error`.
public struct ConnectionTestResult: Codable, Sendable, Equatable {
    public var success: Bool
    public var itemCount: Int?
    public var sampleItem: JSONValue?
    public var message: String?
    public var error: String?
    /// Stable reason for a failure: `timeout`, `dns`, `tls`, `connection_refused`, `unauthorized`, `http_status`,
    /// `invalid_json`, `path_not_found`, `not_a_list`, `not_supported`, `network`.
    public var code: String?

    public init(
        success: Bool, itemCount: Int? = nil, sampleItem: JSONValue? = nil, message: String? = nil, error: String? = nil, code: String? = nil
    ) {
        self.success = success
        self.itemCount = itemCount
        self.sampleItem = sampleItem
        self.message = message
        self.error = error
        self.code = code
    }

    public static func failure(_ code: String, _ error: String) -> Self {
        Self(success: false, error: error, code: code)
    }
}

/// What the internal route gives sync-service and activation-service: the connection and its decrypted credentials.
public struct ConnectionSecrets: Codable, Sendable {
    public var connection: Connection
    public var credentials: [String: String]

    public init(connection: Connection, credentials: [String: String]) {
        self.connection = connection
        self.credentials = credentials
    }
}
