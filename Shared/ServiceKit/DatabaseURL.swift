import Foundation
import PostgresNIO

/// A `postgres://user:password@host:port/database` URL, bound to the schema the service owns.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String
    public var database: String
    public var schema: String

    public init(_ url: String, schema: String) throws {
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, !host.isEmpty,
            let username = components.user, !username.isEmpty
        else {
            throw ConfigError.invalid(key: "DATABASE_URL", reason: "expected postgres://user:password@host:port/database")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.password ?? ""
        let database = components.path.drop(while: { $0 == "/" })
        self.database = database.isEmpty ? "audiencehub" : String(database)
        self.schema = schema
    }

    public var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: self.host, port: self.port, username: self.username, password: self.password,
            database: self.database, tls: .disable
        )
        // Unqualified names resolve in the service's own schema only.
        configuration.options.additionalStartupParameters = [("search_path", self.schema)]
        return configuration
    }

    /// The URL without its password, for logs.
    public var description: String { "postgres://\(self.username)@\(self.host):\(self.port)/\(self.database)?schema=\(self.schema)" }
}

public enum ConfigError: Error, CustomStringConvertible {
    case invalid(key: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let key, let reason): "invalid configuration \(key): \(reason)"
        }
    }
}
