import Configuration
import Logging

/// What every service reads from the environment. Keys (environment variables), each with a local default:
/// `HOST` (127.0.0.1), `PORT` (the service's port), `DATABASE_URL` (the service's role on the local cluster),
/// `INTERNAL_TOKEN` (secret), `LOG_LEVEL` (info), `LOG_FORMAT` (json|text, json).
public struct ServiceConfig: Sendable {
    public static let localDatabasePort = 54329
    public static let localInternalToken = "local-dev-internal-token"

    public var service: ServiceName
    public var host: String
    public var port: Int
    public var database: DatabaseURL
    public var internalToken: String
    public var logLevel: Logger.Level

    public init(service: ServiceName, reader: ConfigReader) throws {
        self.service = service
        self.host = reader.string(forKey: "host", default: "127.0.0.1")
        self.port = reader.int(forKey: "port", default: service.defaultPort)
        let role = service.databaseRole
        let url = reader.string(
            forKey: "database.url", isSecret: true,
            default: "postgres://\(role):\(role)-local@127.0.0.1:\(Self.localDatabasePort)/audiencehub"
        )
        self.database = try DatabaseURL(url, schema: service.schema)
        self.internalToken = reader.string(forKey: "internal.token", isSecret: true, default: Self.localInternalToken)
        self.logLevel = reader.string(forKey: "log.level").flatMap(Logger.Level.init(rawValue:)) ?? .info
    }

    /// Base URLs of another service, from `<NAME>_SERVICE_URL` (comma separated for replicas) or its local default.
    public static func endpoints(of service: ServiceName, reader: ConfigReader) throws -> ServiceEndpoints {
        let key = ConfigKey(service.urlVariable.lowercased().split(separator: "_").map(String.init))
        let raw = reader.string(forKey: key, default: "http://127.0.0.1:\(service.defaultPort)")
        return try ServiceEndpoints(raw)
    }
}

extension ConfigReader {
    /// The process environment, which is where all our configuration comes from (12-factor).
    public static func environment(_ variables: [String: String]? = nil) -> ConfigReader {
        if let variables {
            return ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: variables))
        }
        return ConfigReader(provider: EnvironmentVariablesProvider())
    }
}
