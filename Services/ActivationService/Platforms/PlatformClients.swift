import Connectors
import Logging
import SharedModels

/// The factory by platform: the client for an outbound connection, or nil for a platform whose client is not built yet.
struct PlatformClients: Sendable {
    static let tradeDeskAPI = "https://api.thetradedesk.com"

    let http: PlatformHTTP
    let tokens: OAuthTokenCache

    func client(for secrets: ConnectionSecrets, logger: Logger) throws -> (any PlatformClient)? {
        let connection = secrets.connection
        let config = try OutboundConfig(stored: connection.config)
        switch connection.platform {
        case .customAPI:
            guard let base = config.apiBaseURL else { return nil }
            return CustomAPIClient(baseURL: base, authType: connection.authType, credentials: secrets.credentials, http: self.http, logger: logger)
        case .tradedesk:
            guard let provider = config.providerID else { return nil }
            return TradeDeskClient(
                baseURL: config.apiBaseURL ?? Self.tradeDeskAPI, providerID: provider, credentials: secrets.credentials, tokens: self.tokens,
                http: self.http, logger: logger
            )
        case .liveramp:
            // Always a client: a missing lr_org_id or seller_name fails its calls with `invalid_config`.
            return LiveRampClient(config: config, credentials: secrets.credentials, tokens: self.tokens, http: self.http, logger: logger)
        case .indexexchange:
            // Always a client: missing credentials fail its calls with `unauthorized`.
            return IndexExchangeClient(config: config, credentials: secrets.credentials, http: self.http, logger: logger)
        }
    }
}
