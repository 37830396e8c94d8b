import Connectors
import SharedModels

/// Turns a stored connection plus a PATCH or PUT body into the body to validate, so updates pass exactly the
/// checks a create does.
enum ConnectionPatch {
    /// Spellings that name the same config field: a patch using one replaces the stored other.
    static let configAliases = ["items_path": "response_path", "count_path": "count_response_path"]

    /// The stored connection as a create body (without credentials, which are kept unless the patch gives new ones).
    static func body(of connection: Connection) -> [String: JSONValue] {
        [
            "name": .string(connection.name), "platform": .string(connection.platform.rawValue),
            "direction": .string(connection.direction.rawValue), "authType": .string(connection.authType.rawValue),
            "config": .object(connection.config), "enabled": .bool(connection.enabled),
        ]
    }

    /// PATCH: top-level fields replace, `config` merges as a JSON merge patch (RFC 7396: objects merge, null removes).
    static func merged(_ connection: Connection, patch: [String: JSONValue]) -> [String: JSONValue] {
        var body = Self.body(of: connection)
        for (key, value) in patch where key != "config" {
            body[key] = value
        }
        if let configPatch = patch["config"] {
            var config = connection.config
            if case .object(let object) = configPatch {
                for (alias, canonical) in Self.configAliases where object[alias] != nil { config[canonical] = nil }
                if object["auth_type"] != nil && patch["authType"] == nil { body["authType"] = nil }
            }
            body["config"] = Self.mergePatch(.object(config), configPatch)
        }
        return body
    }

    static func mergePatch(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        var result: [String: JSONValue] = [:]
        if case .object(let existing) = target { result = existing }
        for (key, value) in changes {
            if value == .null {
                result[key] = nil
            } else {
                result[key] = Self.mergePatch(result[key] ?? .null, value)
            }
        }
        return .object(result)
    }

    /// Credentials must come with the body when there are none stored, or when the auth type changes.
    static func needsCredentials(_ connection: Connection, body: [String: JSONValue]) -> Bool {
        guard case .string(let newType)? = body["authType"] ?? (body["config"].flatMap { config -> JSONValue? in
            if case .object(let object) = config { return object["auth_type"] }
            return nil
        }) else { return !connection.hasCredentials }
        return newType != connection.authType.rawValue || !connection.hasCredentials
    }
}
