import Connectors
import Logging
import SharedModels

/// The factory by platform: the client for an outbound connection, or nil for a platform whose client is not built yet.
struct PlatformClients: Sendable {
    let http: PlatformHTTP

    func client(for secrets: ConnectionSecrets, logger: Logger) throws -> (any PlatformClient)? {
        let connection = secrets.connection
        let config = try OutboundConfig(stored: connection.config)
        switch connection.platform {
        case .customAPI:
            guard let base = config.apiBaseURL else { return nil }
            return CustomAPIClient(baseURL: base, authType: connection.authType, credentials: secrets.credentials, http: self.http, logger: logger)
        case .liveramp, .tradedesk, .indexexchange:
            return nil
        }
    }
}
