import Foundation
import SharedModels

/// A connection body that passed validation, in canonical form.
public struct ConnectionDraft: Sendable, Equatable {
    public var name: String
    public var platform: Platform
    public var direction: Direction
    public var authType: AuthType
    public var config: [String: JSONValue]
    /// Nil when the body did not mention credentials (an update then keeps the stored ones).
    public var credentials: [String: String]?
    public var enabled: Bool
}

public struct ConnectionValidationError: Error, Sendable {
    public var errors: [FieldError]
}

/// Checks a connection body before anything is stored, and turns it into one canonical form.
///
/// Both spellings of the seeds are accepted: `credentials` or `authCredentials`, `authType` or `config.auth_type`,
/// `items_path` for `response_path`, `count_path` for `count_response_path`, field mappings as a list of
/// `{source, target}` or as an object `{source: target}`. Unknown fields are refused, never dropped.
public enum ConnectionValidator {
    static let topLevelKeys: Set<String> = ["name", "platform", "direction", "config", "credentials", "authCredentials", "authType", "enabled"]

    public static func validate(_ body: [String: JSONValue], requireCredentials: Bool) throws -> ConnectionDraft {
        var errors = FieldErrors()
        let reader = FieldReader(object: body, prefix: "")
        reader.unknownKeys(allowed: Self.topLevelKeys, into: &errors)
        let name = reader.string("name", maxLength: 200, into: &errors)
        if reader.isMissing("name") { errors.add("name", "is required") }
        let platform = reader.oneOf("platform", Platform.self, into: &errors)
        if reader.isMissing("platform") { errors.add("platform", "is required") }
        let direction = reader.oneOf("direction", Direction.self, into: &errors)
        if reader.isMissing("direction") { errors.add("direction", "is required") }
        let enabled = reader.bool("enabled", into: &errors) ?? true

        if body["credentials"] != nil && body["authCredentials"] != nil {
            errors.add("authCredentials", "give credentials or authCredentials, not both")
        }
        let credentialsKey = body["authCredentials"] != nil ? "authCredentials" : "credentials"
        let credentials = reader.stringMap(credentialsKey, maxEntries: 20, into: &errors)

        var config: [String: JSONValue] = [:]
        switch body["config"] {
        case .object(let value)?: config = value
        case nil, .null?: errors.add("config", "is required")
        default: errors.add("config", "must be an object")
        }
        let topAuth = reader.oneOf("authType", AuthType.self, into: &errors)
        let configAuth = FieldReader(object: config, prefix: "config").oneOf("auth_type", AuthType.self, into: &errors)
        config["auth_type"] = nil
        if let topAuth, let configAuth, topAuth != configAuth {
            errors.add("authType", "authType and config.auth_type disagree")
        }
        let authType = topAuth ?? configAuth ?? Self.defaultAuthType(platform: platform, hasCredentials: !(credentials ?? [:]).isEmpty)

        var canonical: [String: JSONValue] = [:]
        if let platform, let direction {
            canonical = ConfigValidator.validate(config, platform: platform, direction: direction, authType: authType, into: &errors)
        }
        CredentialsValidator.validate(credentials, platform: platform, authType: authType, required: requireCredentials, field: credentialsKey, into: &errors)

        guard errors.isEmpty, let name, let platform, let direction else {
            throw ConnectionValidationError(errors: errors.all)
        }
        return ConnectionDraft(
            name: name, platform: platform, direction: direction, authType: authType, config: canonical, credentials: credentials,
            enabled: enabled
        )
    }

    /// When a body names no auth type: none without credentials, else what the platform uses.
    static func defaultAuthType(platform: Platform?, hasCredentials: Bool) -> AuthType {
        guard hasCredentials else { return .none }
        switch platform {
        case .liveramp?: return .oauth2
        case .indexexchange?: return .apiKey
        default: return .bearer
        }
    }
}
